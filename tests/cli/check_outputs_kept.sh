#!/bin/bash
# Nothing already written is lost: an output that names the --db store, an input (--in, the BED of
# --mask, --model, train's --init and --labels) or the folder of nothing, and an --out (train's, its state, a
# FASTA and a .gz FASTA's index, a JSON lines export) over a file of another kind, are refused before any work, with one line, and the store, the input and an earlier --out
# stay as they were; a train run that fails its checks keeps the log of the run before it, and makes none.
# Usage: check_outputs_kept.sh CHECK_CLEAN_ERROR DNAFILL WORK_DIR DATA_DIR MODEL
set -u
check_error=$1 dnafill=$2 work=$3 data=$4 model=$5
fail() { echo "FAIL: $*"; exit 1; }
refused() {  # refused REGEX COMMAND...: fails cleanly (one line, exit 1..127) saying REGEX
  local regex=$1 out
  shift
  out=$(bash "$check_error" "$dnafill" "$@") || fail "not a clean error: $out"
  grep -q -- "$regex" <<< "$out" || fail "'$*' says '$out', not '$regex'"
}
rm -rf "$work" && mkdir -p "$work" || fail "cannot make $work"
store=$work/store.sqlite
cp "$data/store/v1.sqlite" "$store" && "$dnafill" db migrate --db "$store" > /dev/null || fail "cannot make the store"
design=(--in "$data/cli/short.fa" --region short:5-20)
refused "\-\-out and \-\-db name the same file" infill "${design[@]}" --db "$store" --out "$store"
refused "\-\-report and \-\-db name the same file" infill "${design[@]}" --db "$store" --report "$work/../$(basename "$work")/store.sqlite"
refused "\-\-out and \-\-db name the same file" batch --in "$data/cli/design.fa" --mask lowercase --db "$store" --out "$store"
refused "\-\-out and \-\-db name the same file" db export --db "$store" --out "$store"
# A .gz --out is indexed on close: its .fai and .gzi are outputs too.
cp "$store" "$work/designs.fa.gz.gzi"
refused "\-\-out's index and \-\-db name the same file" infill "${design[@]}" --db "$work/designs.fa.gz.gzi" \
  --out "$work/designs.fa.gz"
refused "\-\-out's index and \-\-db name the same file" db export --db "$work/designs.fa.gz.gzi" --out "$work/designs.fa.gz"
cmp -s "$store" "$work/designs.fa.gz.gzi" || fail "the store named like the index was overwritten"
# So are the files SQLite keeps beside a store: the WAL holds designs not yet in the store file, and
# SQLite deletes it on close.
refused "\-\-out and \-\-db's WAL name the same file" db export --db "$store" --out "$store-wal"
refused "\-\-out and \-\-db's journal name the same file" infill "${design[@]}" --db "$store" --out "$store-journal"
refused "\-\-report and \-\-db's shared memory name the same file" infill "${design[@]}" --db "$store" --report "$store-shm"
refused "\-\-out and \-\-db's WAL name the same file" batch --in "$data/cli/design.fa" --mask lowercase --db "$store" \
  --out "$store-wal"
[ ! -e "$store-journal" ] || fail "a file was written over the store's journal"
# Through symbolic links too, also those to files not there yet (a store not made yet, a WAL not open).
ln -s "$work/fresh.sqlite" "$work/to-store.fa"
refused "\-\-out and \-\-db name the same file" infill "${design[@]}" --db "$work/fresh.sqlite" --out "$work/to-store.fa"
ln -s fresh.sqlite-wal "$work/to-wal.fa"
refused "\-\-out and \-\-db's WAL name the same file" batch --in "$data/cli/design.fa" --mask lowercase \
  --db "$work/fresh.sqlite" --out "$work/to-wal.fa"
ln -s store.sqlite "$work/link.sqlite"  # SQLite names the WAL after the store's real path
refused "\-\-out and \-\-db's WAL name the same file" db export --db "$work/link.sqlite" --out "$store-wal"
[ ! -e "$work/fresh.sqlite" ] && [ ! -e "$work/fresh.sqlite-wal" ] || fail "a file was written through a link to the store"
"$dnafill" db list --db "$store" | grep -q "infill  *done" || fail "the store was damaged"

cp "$data/cli/short.fa" "$work/in.fa"
refused "\-\-out and \-\-in name the same file" infill --in "$work/in.fa" --region short:5-20 --out "$work/in.fa"
cmp -s "$data/cli/short.fa" "$work/in.fa" || fail "the input was overwritten"
# "-" is standard output for --out only, and not beside --json.
refused "\-\-db: a store is a file; '-' (standard output) cannot hold one" infill "${design[@]}" --db -
refused "\-\-report: give a file; standard output holds the designs or their table" infill "${design[@]}" --report -
refused "^ok (2): .*\-\-out - and \-\-json both write to standard output" infill "${design[@]}" --out - --json
[ ! -e "$work/-" ] && [ ! -e ./- ] || fail "a file named - was written"
# A name of standard output is "-" too: opened again, a stdout redirected to a file was written over
# from its start by the table printed after the designs (the FASTA was lost, exit 0). With the designs
# on stdout, nothing else is printed there.
refused "^ok (2): .*\-\-out - and \-\-json both write to standard output" infill "${design[@]}" --out /dev/stdout --json
refused "\-\-report: give a file; standard output holds the designs or their table" infill "${design[@]}" --report /dev/fd/1
for out in - /dev/stdout; do
  "$dnafill" infill "${design[@]}" --model "$model" --score-draws 0 --out $out > "$work/stdout.fa" || fail "--out $out failed"
  "$dnafill" view --in "$work/stdout.fa" > /dev/null || fail "--out $out into a file is not FASTA: $(head -c 300 "$work/stdout.fa")"
  [ "$(grep -c '^>' "$work/stdout.fa")" = 1 ] && ! grep -q '^wrote' "$work/stdout.fa" || fail "--out $out: not the design alone"
done
# The BED of --mask bed: and the --model are inputs too.
printf 'short\t4\t20\n' > "$work/holes.bed"
cp "$work/holes.bed" "$work/holes.before"
refused "\-\-out and \-\-mask name the same file" infill --in "$work/in.fa" --mask "bed:$work/holes.bed" --out "$work/holes.bed"
refused "\-\-report and \-\-mask name the same file" infill --in "$work/in.fa" --mask "bed:$work/holes.bed" --report "$work/holes.bed"
refused "\-\-out and \-\-mask name the same file" batch --in "$work/in.fa" --mask "bed:$work/holes.bed" --db "$work/b.sqlite" \
  --out "$work/holes.bed"
cmp -s "$work/holes.before" "$work/holes.bed" || fail "the BED file was overwritten"
cp "$model" "$work/model.safetensors"
refused "\-\-out and \-\-model name the same file" generate --model "$work/model.safetensors" --length 10 \
  --out "$work/model.safetensors"
cmp -s "$model" "$work/model.safetensors" || fail "the model was overwritten"
# The default model (DNAFILL_MODEL here) and a CRAM's --reference are inputs too.
DNAFILL_MODEL="$work/model.safetensors" refused "\-\-out and \-\-model name the same file" generate --length 10 \
  --out "$work/model.safetensors"
cmp -s "$model" "$work/model.safetensors" || fail "the default model was overwritten"
cp "$data/lambda.fa.gz" "$work/ref.fa.gz"
refused "\-\-out and \-\-reference name the same file" batch --in "$data/lambda_reads_ref.cram" --reference "$work/ref.fa.gz" \
  --mask N --db "$work/c.sqlite" --out "$work/ref.fa.gz"
cmp -s "$data/lambda.fa.gz" "$work/ref.fa.gz" || fail "the CRAM reference was overwritten"
# A file of another kind named as --out by mistake, not an input of this run: a checkpoint, a store, a
# training log, a FASTA given to a JSON lines export. Refused, and kept.
cp "$model" "$work/other.safetensors"
refused "\-\-out .*other.safetensors is there and is not FASTA (it holds a safetensors checkpoint)" infill "${design[@]}" \
  --out "$work/other.safetensors"
refused "\-\-out .*other.safetensors is there and is not FASTA" generate --length 10 --out "$work/other.safetensors"
cmp -s "$model" "$work/other.safetensors" || fail "a checkpoint named as --out was overwritten"
cp "$store" "$work/other.sqlite"
refused "is there and is not FASTA (it holds a SQLite database)" batch --in "$data/cli/design.fa" --mask lowercase \
  --db "$work/b2.sqlite" --out "$work/other.sqlite"
echo '{"step": 1, "loss_bits": 2.0}' > "$work/train.log.jsonl"
refused "is there and is not FASTA (it holds JSON lines)" infill "${design[@]}" --out "$work/train.log.jsonl"
echo ">a" > "$work/a.fa"
refused "\-\-out .*a.fa is there and is not JSON lines (it holds a FASTA file)" db export --db "$store" --format jsonl --out "$work/a.fa"
refused "\-\-report .*a.fa is there and is not a constraint report (it holds a FASTA file)" infill "${design[@]}" --report "$work/a.fa"
[ "$(cat "$work/a.fa")" = ">a" ] && grep -q step "$work/train.log.jsonl" && cmp -s "$store" "$work/other.sqlite" ||
  fail "a file of another kind named as --out was changed"
# A BAM is BGZF as a bgzipped FASTA is: told apart by what it holds. A checkpoint whose header length
# begins with the byte of '>' (its header padded, as safetensors allows) is still a checkpoint.
cp "$data/lambda_reads.bam" "$work/reads.bam"
refused "is there and is not FASTA (it holds BAM" infill "${design[@]}" --out "$work/reads.bam"
cmp -s "$data/lambda_reads.bam" "$work/reads.bam" || fail "a BAM named as --out was changed"
python3 - "$model" "$work/padded.safetensors" << 'PY' || fail "cannot pad the checkpoint"
import struct, sys
data = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", data[:8])[0]
padded = n + (0x3E - n) % 256
open(sys.argv[2], "wb").write(struct.pack("<Q", padded) + data[8:8 + n] + b" " * (padded - n) + data[8 + n:])
PY
"$dnafill" info --model "$work/padded.safetensors" > /dev/null || fail "the padded checkpoint does not load"
cp "$work/padded.safetensors" "$work/padded.before"
refused "is there and is not FASTA (it holds a safetensors checkpoint)" infill "${design[@]}" --out "$work/padded.safetensors"
cmp -s "$work/padded.before" "$work/padded.safetensors" || fail "a checkpoint named as --out was changed"
# A .gz --out writes its .fai and .gzi on close: notes, a store or a checkpoint where they go were
# replaced without a word. Refused; the index of an earlier run there is replaced.
echo "precious notes" > "$work/idx.fa.gz.fai"
refused "\-\-out's index .*idx.fa.gz.fai is there and is not a FASTA index (it holds other data)" generate --length 10 \
  --out "$work/idx.fa.gz"
cp "$store" "$work/idx2.fa.gz.gzi"
refused "\-\-out's index .*idx2.fa.gz.gzi is there and is not a FASTA index (it holds a SQLite database)" batch \
  --in "$data/cli/design.fa" --mask lowercase --db "$work/b3.sqlite" --out "$work/idx2.fa.gz"
# A checkpoint padded to 8 + 16k bytes, the size of a .gzi (one in 16 is so by chance: a fresh CI
# model was, and was replaced): a .gzi's first 8 bytes count its entries, and this one's do not.
cp "$model" "$work/x.fa.gz.gzi"
head -c $(( (24 - $(stat -c %s "$work/x.fa.gz.gzi") % 16) % 16 )) /dev/zero >> "$work/x.fa.gz.gzi"
cp "$work/x.fa.gz.gzi" "$work/x.before"
refused "\-\-out's index .*x.fa.gz.gzi is there and is not a FASTA index (it holds a safetensors checkpoint)" db export \
  --db "$store" --out "$work/x.fa.gz"
[ "$(cat "$work/idx.fa.gz.fai")" = "precious notes" ] && cmp -s "$store" "$work/idx2.fa.gz.gzi" && cmp -s "$work/x.before" "$work/x.fa.gz.gzi" ||
  fail "a file where a .gz --out's index goes was changed"
rm "$work/idx.fa.gz.fai"
for again in 1 2; do
  "$dnafill" generate --model "$model" --length 10 --steps 2 --score-draws 0 --out "$work/idx.fa.gz" > /dev/null ||
    fail "generate --out idx.fa.gz over its own index (run $again) failed"
done
[ -s "$work/idx.fa.gz.fai" ] && [ -s "$work/idx.fa.gz.gzi" ] || fail "the .gz --out was not indexed"

echo ">earlier" > "$work/out.fa"
refused "the folder .*missing does not exist" infill "${design[@]}" --out "$work/out.fa" --report "$work/missing/r.tsv"
refused "is a folder, not a file" infill "${design[@]}" --out "$work"
# A folder that is there but takes no files (as root, /proc is one): the report fails, and the designs
# are written all the same (without --db they are nowhere else); the line says where.
refused "\-\-report: /proc/r.tsv: cannot open.*\(the designs are in .*out\.fa\)" infill "${design[@]}" --model "$model" \
  --steps 2 --score-draws 0 --out "$work/out.fa" --report /proc/r.tsv
grep -q "^>short|variant=1" "$work/out.fa" || fail "the designs of a run whose report failed were not written"
echo ">earlier" > "$work/out.fa"
# A --name with a newline would end the FASTA header: refused before any work, --out kept.
refused "\-\-name: must be one word of printable characters" generate --model "$model" --length 10 --steps 2 \
  --name "$(printf 'a\nb')" --out "$work/out.fa"
[ "$(cat "$work/out.fa")" = ">earlier" ] || fail "--out was overwritten by a generate with a bad --name"
# A run that fails half-way leaves --out as it was: an export that meets a record name a FASTA header
# cannot hold (an older version stored it) after writing others.
cp "$store" "$work/bad_name.sqlite"
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE designs SET record='bad name' WHERE id=(SELECT max(id) FROM designs)\"); c.commit()" \
  "$work/bad_name.sqlite" || fail "cannot damage the store copy"
refused "record name 'bad name|.*' holds whitespace" db export --db "$work/bad_name.sqlite" --out "$work/out.fa"
[ "$(cat "$work/out.fa")" = ">earlier" ] || fail "--out was overwritten by an export that failed half-way"
ls "$work"/out.fa.dnafill-* > /dev/null 2>&1 && fail "a temporary file was left behind"
# Two names of one file that is not there yet.
(cd "$work" && bash "$check_error" "$dnafill" infill "${design[@]}" --out new.fa --report ./new.fa) |
  grep -q "\-\-out and \-\-report name the same file" || fail "new.fa and ./new.fa were not seen as one file"

# train without --seq-len takes the preset's context (tiny: 256), then a failing run keeps its log.
train=(train --train "$data/ecoli_20kb.fa" --out "$work/m.safetensors" --preset tiny --steps 2 --batch 2 --threads 1)
"$dnafill" "${train[@]}" > /dev/null || fail "train --preset tiny without --seq-len"
[ -s "$work/m.safetensors.log.jsonl" ] || fail "no log"
cp "$work/m.safetensors.log.jsonl" "$work/log.before"
refused "\-\-lr" "${train[@]}" --lr 0
refused "missing.fa" "${train[@]/$data\/ecoli_20kb.fa/$data/missing.fa}"
cmp -s "$work/log.before" "$work/m.safetensors.log.jsonl" || fail "a failing train run changed the log of the one before"
refused "missing.fa" train --train "$data/missing.fa" --out "$work/never.safetensors" --preset tiny --steps 2
[ ! -e "$work/never.safetensors.log.jsonl" ] || fail "a train run that failed its checks left an empty log"
# --init and a --labels TSV are read first: the log may not overwrite them (--out may be --init).
cp "$work/m.safetensors" "$work/init.safetensors"
refused "\-\-log and \-\-init name the same file" "${train[@]}" --init "$work/init.safetensors" --log "$work/init.safetensors"
cmp -s "$work/m.safetensors" "$work/init.safetensors" || fail "the log overwrote the --init checkpoint"
printf 'K-12-MG1655:1-20000\tecoli\n' > "$work/labels.tsv"
cp "$work/labels.tsv" "$work/labels.before"
refused "\-\-log and \-\-labels name the same file" "${train[@]}" --labels "$work/labels.tsv" --log "$work/labels.tsv"
cmp -s "$work/labels.before" "$work/labels.tsv" || fail "the log overwrote the --labels TSV"
# The training state beside the checkpoint is an output too: a log there would be overwritten by it.
cp "$work/m.safetensors.state" "$work/state.before"
refused "\-\-out's state file and \-\-log name the same file" "${train[@]}" --log "$work/m.safetensors.state"
cmp -s "$work/state.before" "$work/m.safetensors.state" || fail "a train run with --log OUT.state changed the state"
cp "$work/m.safetensors" "$work/m.before"
refused "cannot open the log" "${train[@]}" --log /proc/nolog.jsonl
cmp -s "$work/m.before" "$work/m.safetensors" || fail "a train run whose log cannot be written changed the model"
# A checkpoint (and its state) replaces one, not a store or a FASTA named by mistake.
cp "$store" "$work/store-copy.safetensors"
refused "\-\-out .*store-copy.safetensors is there and is not a checkpoint" "${train[@]/$work\/m.safetensors/$work/store-copy.safetensors}"
cmp -s "$store" "$work/store-copy.safetensors" || fail "train --out replaced a store"
cp "$data/cli/short.fa" "$work/fa.safetensors.state"
refused "\-\-out's state file .*fa.safetensors.state is there and is not a training state" \
  "${train[@]/$work\/m.safetensors/$work/fa.safetensors}"
cmp -s "$data/cli/short.fa" "$work/fa.safetensors.state" || fail "train replaced a FASTA named like its state"
# Only regular files are looked into: a log on a pipe (here through /dev/stderr) is written, not read.
lines=$(timeout 120 "$dnafill" "${train[@]}" --log /dev/stderr 2>&1 > /dev/null | grep -c '"step"')
[ "$lines" = 2 ] || fail "train --log /dev/stderr on a pipe wrote $lines log lines, not 2"
cp "$data/cli/short.fa" "$work/notes.txt"
refused "\-\-log .*notes.txt is there and is not a training log" "${train[@]}" --log "$work/notes.txt"
cmp -s "$data/cli/short.fa" "$work/notes.txt" || fail "train replaced a file named as its --log"
echo "ok: store, input, --out and the train log kept"
