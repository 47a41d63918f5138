#!/usr/bin/env python3
"""Checks what `dnafill batch` left in a store (and its FASTA) against the input, with Python's own sqlite3.

  check_batch.py check STORE IN.fa VARIANTS [OUT.fa]
      the latest run is done, every lowercase region of every record designed exactly VARIANTS times
      (no more, no less, no duplicate key), region bounds and lengths right, no region's designs all
      equal to its input or to one another, integrity_check ok; with
      OUT.fa, its records are the run's designs in order.
  check_batch.py same STORE_A STORE_B
      the latest runs of both hold exactly the same designs (sequences and scores).
  check_batch.py items STORE
      prints how many items the journal holds (0 when the store is not there yet).
  check_batch.py status STORE
      prints the latest run's status and resumes.
  check_batch.py planned STORE
      prints how many items the latest run plans (its regions).
  check_batch.py newline-names STORE
      edits the store as by hand: a newline after the third byte of every design's record name."""
import os
import re
import sqlite3
import sys


def connect(path):
    return sqlite3.connect('file:%s?mode=ro' % path, uri=True)


def latest_run(db):
    return db.execute('SELECT id, status, resumes FROM runs ORDER BY id DESC LIMIT 1').fetchone()


def read_fasta(path):
    records, name = [], None
    for line in open(path):
        line = line.rstrip('\n')
        if line.startswith('>'):
            records.append([line[1:], ''])
        elif records:
            records[-1][1] += line
    return records


def designs(db, run):
    return db.execute('SELECT record, record_index, region_index, variant, region_start, region_end, sequence, '
                      'gc, bits_per_base FROM designs WHERE run_id = ? '
                      'ORDER BY record_index, region_index, variant', (run,)).fetchall()


def check(store, fasta_in, variants, fasta_out=None):
    db = connect(store)
    assert db.execute('PRAGMA integrity_check').fetchone()[0] == 'ok', 'integrity_check failed'
    run, status, _ = latest_run(db)
    assert status == 'done', 'run %d is %s' % (run, status)
    rows = designs(db, run)
    dup = db.execute('SELECT count(*) FROM (SELECT 1 FROM designs GROUP BY run_id, record_index, region_index, '
                     'variant HAVING count(*) > 1)').fetchone()[0]
    assert dup == 0, '%d duplicate design keys' % dup
    expected, originals = {}, {}
    for r, (name, bases) in enumerate(read_fasta(fasta_in)):
        for g, m in enumerate(re.finditer('[a-z]+', bases)):
            expected[(r, g)] = (name.split()[0], m.start(), m.end())
            originals[(r, g)] = m.group(0)
    seen = {}
    for record, r, g, v, start, end, seq, gc, bits in rows:
        key = (r, g)
        assert key in expected, 'design of a region that is not masked: %s' % (key,)
        assert (record, start, end) == expected[key], 'region %s: %s, want %s' % (key, (record, start, end), expected[key])
        assert len(seq) == end - start and re.fullmatch('[acgt]+', seq), 'bad sequence in %s' % (key,)
        seen.setdefault(key, []).append(v)
    for key in expected:
        assert sorted(seen.get(key, [])) == list(range(1, variants + 1)), \
            'region %s designed %s, want variants 1..%d once each' % (key, seen.get(key), variants)
    # The regions hold real bases (30-45 of them): designs equal to them, or K equal variants, are a bug.
    for key, original in originals.items():
        sequences = [row[6] for row in rows if (row[1], row[2]) == key]
        assert any(seq != original for seq in sequences), 'region %s: every design is the input written back' % (key,)
        assert len(sequences) == 1 or len(set(sequences)) > 1, 'region %s: all variants are one sequence' % (key,)
    if fasta_out:
        out = read_fasta(fasta_out)
        assert len(out) == len(rows), 'FASTA has %d records, the store %d designs' % (len(out), len(rows))
        for (header, seq), (record, r, g, v, start, end, stored, gc, bits) in zip(out, rows):
            assert header.split()[0] == '%s|variant=%d|region=%d-%d' % (record, v, start + 1, end), header
            assert seq == stored, 'FASTA and store differ at ' + header
    records = len({r for r, g in expected})
    print('ok: %d designs of %d regions in %d masked records' % (len(rows), len(expected), records))


def same(a, b):
    da, db = connect(a), connect(b)
    ra, rb = designs(da, latest_run(da)[0]), designs(db, latest_run(db)[0])
    assert len(ra) == len(rb), '%d designs against %d' % (len(ra), len(rb))
    for x, y in zip(ra, rb):
        assert x == y, 'differ: %s against %s' % (x, y)
    print('same: %d designs' % len(ra))


def items(store):
    if not os.path.exists(store):
        print(0)
        return
    try:
        print(connect(store).execute('SELECT count(*) FROM batch_journal').fetchone()[0])
    except sqlite3.Error:
        print(0)  # not created yet


def status(store):
    run, state, resumes = latest_run(connect(store))
    print('%s resumes=%d' % (state, resumes))


def planned(store):
    print(connect(store).execute('SELECT items_total FROM runs ORDER BY id DESC LIMIT 1').fetchone()[0])


def newline_names(store):
    db = sqlite3.connect(store)
    db.execute("UPDATE designs SET record = substr(record, 1, 3) || char(10) || substr(record, 4)")
    db.commit()


command = sys.argv[1]
if command == 'check':
    check(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
elif command == 'same':
    same(sys.argv[2], sys.argv[3])
elif command == 'items':
    items(sys.argv[2])
elif command == 'status':
    status(sys.argv[2])
elif command == 'planned':
    planned(sys.argv[2])
elif command == 'newline-names':
    newline_names(sys.argv[2])
else:
    sys.exit('unknown command ' + command)
