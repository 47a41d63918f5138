#!/bin/bash
# An --out NAME.gz that is a FIFO (bash's >(...), a named pipe) gets the bgzip stream and no index: the
# index is built by reading the file back, which a FIFO cannot give, so the command waited for ever.
# Every command with a FASTA --out, each within 60 s. Usage: check_out_fifo.sh DNAFILL DATA_DIR MODEL WORK_DIR
set -u
dnafill=$1 data=$2 model=$3 work=$4
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$work" && rm -rf "$work"/fifo* "$work"/fifo.sqlite*
design=(--model "$model" --steps 2 --score-draws 1 --threads 1)
"$dnafill" generate "${design[@]}" --length 20 --db "$work/fifo.sqlite" > /dev/null || fail "no store"
n=0
while IFS= read -r line; do
  n=$((n + 1))
  read -ra args <<< "$line"
  pipe="$work/fifo$n.fa.gz"
  mkfifo "$pipe" || fail "mkfifo"
  timeout 90 bash -c 'gzip -dc < "$1"' _ "$pipe" > "$work/fifo$n.txt" &  # opened inside the timeout
  reader=$!
  timeout 60 "$dnafill" "${args[@]}" --out "$pipe" > /dev/null 2> "$work/fifo$n.err"
  status=$?
  wait $reader || fail "dnafill $line: what came through the FIFO is not gzip"
  [ "$status" -eq 0 ] || fail "exit $status (124: it hung): dnafill $line --out FIFO: $(cat "$work/fifo$n.err")"
  grep -q '^>' "$work/fifo$n.txt" || fail "dnafill $line: no FASTA came through the FIFO"
  [ ! -e "$pipe.fai" ] && [ ! -e "$pipe.gzi" ] || fail "dnafill $line: an index beside the FIFO"
done << LIST
infill ${design[*]} --in $data/cli/short.fa --region short:5-20
generate ${design[*]} --length 30
batch ${design[*]} --in $data/cli/batch.fa --mask lowercase --db $work/fifo_batch.sqlite
db export --db $work/fifo.sqlite --format fasta
LIST
echo "ok: $n commands wrote bgzip into a FIFO and stopped"
