#!/usr/bin/env python3
"""Writes the stores dnafill must refuse into OUT_DIR: newer.sqlite (ours, schema v99), foreign.sqlite
(another program's SQLite file), not_sqlite.sqlite (a FASTA file under a store's name). Usage:
make_bad_stores.py OUT_DIR"""
import os
import sqlite3
import sys

out = sys.argv[1]
for name in ('newer.sqlite', 'foreign.sqlite', 'not_sqlite.sqlite'):
    for suffix in ('', '-wal', '-shm'):
        if os.path.exists(os.path.join(out, name + suffix)):
            os.remove(os.path.join(out, name + suffix))
db = sqlite3.connect(os.path.join(out, 'newer.sqlite'))
db.execute('PRAGMA application_id = %d' % 0x444e4146)  # "DNAF": a dnafill store
db.execute('PRAGMA user_version = 99')
db.execute('CREATE TABLE runs (id INTEGER PRIMARY KEY)')
db.commit()
db.close()
db = sqlite3.connect(os.path.join(out, 'foreign.sqlite'))
db.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)')
db.commit()
db.close()
with open(os.path.join(out, 'not_sqlite.sqlite'), 'w') as f:
    f.write('>chrA\n' + 'ACGT' * 40 + '\n')
print('ok')
