#!/bin/bash
# train --resume from a state no good run writes (NaN weights or moments, a step its token count does
# not match, a NaN wall time, another optimizer) is refused with one line, and a resumed run that
# diverges stops with one line; in every case the checkpoint and the state at --out stay as they were.
# Usage:
#   check_resume_bad_state.sh DNAFILL WORK_DIR TRAIN.fa
set -u
dnafill=$1 work=$2 fasta=$3
fail() { echo "FAIL: $*"; exit 1; }
train=("$dnafill" train --train "$fasta" --preset tiny --batch 2 --seq-len 128 --threads 1 --valid-windows 2)

rm -rf "$work" && mkdir -p "$work/good" || fail "cannot make $work"
"${train[@]}" --out "$work/good/t.st" --steps 4 > /dev/null 2>&1 || fail "the first run failed"

# Each case: a member of the state's zip replaced by bytes of the same length, the CRC-32 made to match.
python3 - "$work/good/t.st.state" "$work" <<'PY' || fail "cannot make the damaged states"
import os, shutil, struct, sys, zipfile, zlib
src, work = sys.argv[1], sys.argv[2]
blob, members = open(src, 'rb').read(), zipfile.ZipFile(src).infolist()
data = sorted((m for m in members if '/data/' in m.filename), key=lambda m: int(m.filename.rsplit('/', 1)[1]))
# ..., the optimizer's parameter count, then step, tokens seen, wall time: written last
scalars = [m for m in data if m.file_size == 8]
embedding = [m for m in data if m.file_size == data[0].file_size]  # net, EMA, then the two moments

def patch(case, member, new):
    assert len(new) == member.file_size
    out = bytearray(blob)
    at = member.header_offset
    name_length, extra_length = struct.unpack('<HH', out[at + 26:at + 30])
    start = at + 30 + name_length + extra_length
    out[start:start + len(new)] = new
    crc = struct.pack('<I', zlib.crc32(new))
    out[at + 14:at + 18] = crc
    entry = out.find(b'PK\x01\x02')  # its central directory entry: the one of its offset
    while entry != -1 and struct.unpack('<I', out[entry + 42:entry + 46])[0] != at:
        entry = out.find(b'PK\x01\x02', entry + 4)
    out[entry + 16:entry + 20] = crc
    os.makedirs(f'{work}/{case}')
    shutil.copy(src[:-len('.state')], f'{work}/{case}/t.st')
    open(f'{work}/{case}/t.st.state', 'wb').write(out)

floats = lambda m, x: struct.pack('<f', x) * (m.file_size // 4)
patch('nan_weight', data[0], floats(data[0], float('nan')))
patch('nan_moment', embedding[2], floats(embedding[2], float('nan')))
patch('negative_step', scalars[-3], struct.pack('<q', -1))
patch('step_zero', scalars[-3], struct.pack('<q', 0))
patch('nan_wall_time', scalars[-1], struct.pack('<d', float('nan')))
patch('more_params', scalars[-4], struct.pack('<q', struct.unpack('<q', zipfile.ZipFile(src).read(scalars[-4]))[0] + 1))
patch('huge_weight', data[0], floats(data[0], 3e38))  # finite: loads; the first step makes it NaN
PY

check() {  # case, what the line must say
  local dir=$work/$1
  sha256sum "$dir/t.st" "$dir/t.st.state" > "$dir/sums"
  "${train[@]}" --out "$dir/t.st" --steps 8 --checkpoint-every 1 --resume > "$dir/out" 2> "$dir/err"
  local code=$?
  [ $code -eq 1 ] || fail "$1: exit status $code, not 1: $(tail -c 300 "$dir/err")"
  [ "$(wc -l < "$dir/err")" -eq 1 ] || fail "$1: not one line: $(cat "$dir/err")"
  grep -q -- "$2" "$dir/err" || fail "$1: says '$(cat "$dir/err")', not '$2'"
  sha256sum --quiet -c "$dir/sums" || fail "$1: the checkpoint or the state changed"
}
check nan_weight "t.st.state: --resume: the training state is damaged (net embedding.weight holds NaN or infinite values); train without --resume"
check nan_moment "t.st.state: --resume: the training state is damaged (an optimizer moment holds NaN or infinite values)"
check negative_step "t.st.state: --resume: the training state is damaged (step -1 does not match its 1024 tokens seen, 256 a step)"
check step_zero "t.st.state: --resume: the training state is damaged (step 0 does not match its 1024 tokens seen, 256 a step)"
check nan_wall_time "t.st.state: --resume: the training state is damaged (wall time nan)"
# LibTorch says this one in a TorchScript error, not a c10::Error ("... does not have a field with name 'params/16'").
check more_params "t.st.state: --resume: the training state is damaged or was not written by dnafill train"
check huge_weight "training diverged at step 5 (net embedding.weight holds NaN or infinite values); .*/t.st and its state stay as saved at step 4: lower --lr and --resume"
echo "ok: 6 bad states refused, a diverging run stopped; checkpoints and states unchanged"
