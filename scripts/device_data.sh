#!/usr/bin/env bash
# Prepares, here (Debian's registry), the data a GPU session carries in .device/ beside the .debs of
# scripts/device_debs.sh: heldout128.fa, the 128 held-out 1,024-base windows the model cards score, and
# data/chrX_train.fa.gz, the first 64% of human chrX (all inside the 90% the models train on; the whole
# 20 MB file does not fit beside the repository in the 64 MiB one device call carries).
#   scripts/device_data.sh          (DEST=DIR writes there instead of .device)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${DEST:-$root/.device}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download smalt-examples > /dev/null && dpkg -x smalt-examples_*.deb x)
chrx=$work/x/usr/share/doc/smalt/test/data/hs37chrXtrunc.fa.gz
mkdir -p "$dest/data"
python3 "$root/scripts/extract_windows.py" "$chrx" "$dest/heldout128.fa" --count 128 --length 1024
python3 - "$chrx" "$dest/data/chrX_train.fa.gz" <<'PY'
import gzip, sys
with gzip.open(sys.argv[1], 'rt') as f:
    name = f.readline().strip()
    sequence = ''.join(line.strip() for line in f if not line.startswith('>'))
cut = int(len(sequence) * 0.64)
with gzip.open(sys.argv[2], 'wt', compresslevel=9) as out:
    out.write(name + ' first 64% (of which all is in the 90% training part)\n')
    for i in range(0, cut, 60):
        out.write(sequence[i:i + 60] + '\n')
PY
du -sh "$dest"
