#!/bin/bash
# A store the user may not write: writing commands end in one clear line (not a crash), readers still
# read it. Permissions do not bind root, so as root the commands run as nobody (setpriv).
# Usage: check_readonly_store.sh CHECK_CLEAN_ERROR DNAFILL WORK_DIR MODEL IN.fa
set -u
check_error=$1 dnafill=$2 work=$3 model=$4 input=$5
fail() { echo "FAIL: $*"; chmod -R u+w "$work" 2> /dev/null; exit 1; }
as_user=()
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
chmod -R u+w "$work" 2> /dev/null
rm -rf "$work" && mkdir -p "$work" || fail "cannot make $work"
store=$work/readonly.sqlite
"$dnafill" batch --in "$input" --mask lowercase --model "$model" --steps 2 --score-draws 0 --threads 1 --db "$store" > /dev/null ||
  fail "cannot make the store"
chmod 0755 "$work" && chmod 0444 "$store" && chmod 0555 "$work" || fail "chmod"

out=$("${as_user[@]}" bash "$check_error" "$dnafill" batch --in "$input" --mask lowercase --model "$model" --steps 2 \
      --threads 1 --db "$store") || fail "batch on a read-only store: $out"
echo "$out"
grep -q "read-only\|Permission denied" <<< "$out" || fail "the message does not say the store is read-only"
"${as_user[@]}" "$dnafill" db list --db "$store" | grep -q "batch  *done" || fail "db list cannot read a read-only store"
# A current store needs no migration: one that may not be written says so, not that it cannot be written.
out=$("${as_user[@]}" "$dnafill" db migrate --db "$store" 2>&1) || fail "db migrate on a current read-only store: $out"
grep -q "the current one: nothing to do" <<< "$out" || fail "db migrate on a current read-only store: $out"
chmod 0755 "$work"

# A store whose runs are still in its -wal, copied without its -shm into a folder that cannot take one.
chmod 0644 "$store"
mkdir -p "$work/walonly" || fail "mkdir"
python3 - "$store" "$work/walonly/w.sqlite" << 'END' || fail "cannot make a store with a -wal"
import shutil, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA wal_autocheckpoint = 0")
db.execute("UPDATE runs SET status = status")  # frames in the WAL, the same runs
shutil.copy(sys.argv[1], sys.argv[2])
shutil.copy(sys.argv[1] + "-wal", sys.argv[2] + "-wal")
END
chmod 0555 "$work/walonly" || fail "chmod"
out=$("${as_user[@]}" bash "$check_error" "$dnafill" db list --db "$work/walonly/w.sqlite")
chmod 0755 "$work/walonly"
echo "$out"
grep -q "its -wal holds runs not yet in the file.*copy the store and its -wal to a folder you may write" <<< "$out" ||
  fail "a -wal without its -shm in a read-only folder is not said as such"

# A store its owner made read-only, in a folder that takes files: a reader leaves no -wal and -shm
# (they were read-only too, and turned away the owner's next batch once the store was writable again).
mkdir -p "$work/owned" && cp "$store" "$work/owned/s.sqlite" || fail "copy"
[ "$(id -u)" -eq 0 ] && chown -R 65534:65534 "$work/owned"
chmod 0444 "$work/owned/s.sqlite"
"${as_user[@]}" "$dnafill" db list --db "$work/owned/s.sqlite" | grep -q "batch  *done" || fail "db list cannot read a 0444 store"
ls "$work/owned" | grep -q -e '-wal$' -e '-shm$' && fail "a reader of a 0444 store left: $(ls "$work/owned")"
chmod 0644 "$work/owned/s.sqlite"
out=$("${as_user[@]}" "$dnafill" batch --in "$input" --mask lowercase --model "$model" --steps 2 --score-draws 0 \
      --threads 1 --db "$work/owned/s.sqlite" 2>&1) || fail "the owner's batch after a reader: $out"
echo "ok: read-only store refused for writing, readable for reading"
