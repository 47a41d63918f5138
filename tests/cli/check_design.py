#!/usr/bin/env python3
"""Checks the FASTA of `dnafill infill` or `generate` against its input: usage
check_design.py OUT.fa IN.fa|- VARIANTS [LENGTH]. Every design keeps the whole record, its name is
"<record>|variant=<k>|region=<start>-<end>", bases outside the holes (case-insensitive differences
excluded) are those of the input, the designs are not the input written back (each record's holes
differ from it in some design, and its variants are not all one sequence), and with LENGTH the generated part has exactly that many bases."""
import re
import sys

from fasta_records import read_fasta


out = read_fasta(sys.argv[1])
inputs = read_fasta(sys.argv[2]) if sys.argv[2] != '-' else {}
variants = int(sys.argv[3])
length = int(sys.argv[4]) if len(sys.argv) > 4 else None
seen, designed = {}, {}
for name, seq in out.items():
    m = re.fullmatch(r'(.+)\|variant=(\d+)\|region=(\d+)-(\d+)', name)
    assert m, 'bad record name: ' + name
    record, start, end = m.group(1), int(m.group(3)), int(m.group(4))
    seen[record] = seen.get(record, 0) + 1
    assert set(seq.upper()) <= set('ACGTN'), 'not DNA: ' + name
    if length is not None:
        assert end - start + 1 == length and len(seq) == end, 'wrong length %d in %s' % (len(seq), name)
    if record in inputs:
        original = inputs[record]
        assert len(seq) == len(original), 'length changed: ' + name
        # Fixed bases: uppercase in the input (the masks used here are lowercase or a region/BED).
        outside = [i for i in range(len(seq)) if not (start - 1 <= i < end)]
        changed = [i for i in outside if seq[i] != original[i] and original[i].isupper()]
        assert not changed, 'fixed bases changed at %s in %s' % (changed[:5], name)
        unfilled = [i for i in range(start - 1, end) if seq[i] in 'Nn' and original[i] not in 'Nn']
        assert not unfilled, 'hole not filled at %s in %s' % (unfilled[:5], name)
        if end - start + 1 >= 20:
            designed.setdefault(record, []).append((original[start - 1:end].upper(), seq[start - 1:end].upper()))
for record, n in seen.items():
    assert n == variants, '%s has %d designs, want %d' % (record, n, variants)
# Holes of 20 bases or more: a sampled design equal to the input, or K equal variants, is a bug.
for record, pairs in designed.items():
    assert any(design != before for before, design in pairs), '%s: every design is the input written back' % record
    assert len(pairs) == 1 or len({design for _, design in pairs}) > 1, \
        '%s: all %d variants are one sequence' % (record, len(pairs))
print('ok: %d designs of %d records' % (len(out), len(seen)))
