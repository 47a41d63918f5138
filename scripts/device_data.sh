#!/usr/bin/env bash
# Prepares, here (Debian's registry), the data a GPU session carries in .device/ beside the .debs of
# scripts/device_debs.sh:
#   heldout128.fa            the 128 held-out 1,024-base windows the model cards score
#   data/chrX_train.fa.xz    the first 90% of human chrX, the whole training part of the shipped models
#   data/ecoli_mg1655.fa.xz  E. coli K-12 MG1655 (ragout-examples), the bacterial genome the base model
#                            may train on beside chrX (device_check.sh train with CORPUS=chrX,ecoli)
# xz, not gzip: at 1.92 bits/base against gzip's 2.33, the whole training part (14.2 MB) and E. coli
# (1.3 MB) fit beside the repository in the 64 MiB one device call carries, where the gzipped file
# (20 MB) did not. The GPU machine unpacks them with Python's lzma (device_check.sh corpus_files).
#   scripts/device_data.sh          (DEST=DIR writes there instead of .device)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${DEST:-$root/.device}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download smalt-examples ragout-examples > /dev/null &&
  dpkg -x smalt-examples_*.deb x && dpkg -x ragout-examples_*.deb x)
chrx=$work/x/usr/share/doc/smalt/test/data/hs37chrXtrunc.fa.gz
ecoli=$work/x/usr/share/doc/ragout/examples/E.Coli/references/MG1655-K12.fasta.gz
mkdir -p "$dest/data"
rm -f "$dest/data/chrX_train.fa.gz"  # the 64% cut that earlier versions of this script wrote
python3 "$root/scripts/extract_windows.py" "$chrx" "$dest/heldout128.fa" --count 128 --length 1024
python3 - "$chrx" "$work/chrX_train.fa" <<'PY'
import gzip, sys
with gzip.open(sys.argv[1], 'rt') as f:
    name = f.readline().strip()
    sequence = ''.join(line.strip() for line in f if not line.startswith('>'))
cut = int(len(sequence) * 0.90)  # dnafill train's own split: a record's last 10% is held out
with open(sys.argv[2], 'w') as out:
    out.write(name + ' first 90% (the training part)\n')
    for i in range(0, cut, 60):
        out.write(sequence[i:i + 60] + '\n')
PY
xz -9e -T1 -c "$work/chrX_train.fa" > "$dest/data/chrX_train.fa.xz"
gzip -dc "$ecoli" | xz -9e -T1 -c > "$dest/data/ecoli_mg1655.fa.xz"
du -sh "$dest"
