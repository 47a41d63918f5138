#!/usr/bin/env python3
"""Checks `dnafill view --primary --min-mapq Q --line-width 0` output (stdin) against the reads that
pass those filters, in file order: from the samtools-made TSV of the BAM/CRAM fixtures (name, flag,
MAPQ, read as sequenced) or straight from a SAM file (reverse-strand reads complemented back); the
first and last reads of a pair named NAME/1 and NAME/2.
usage: check_view_reads.py EXPECTED.tsv|READS.sam MIN_MAPQ < view_output.fa"""
import sys

expected_path, min_mapq = sys.argv[1], int(sys.argv[2])
comp = str.maketrans("ACGTNacgtn", "TGCANtgcan")
reads = []  # (name, flag, mapq, sequence)
with open(expected_path) as f:
    for line in f:
        if line.startswith("@"):
            continue
        fields = line.rstrip("\n").split("\t")
        if expected_path.endswith(".sam"):
            name, flag, mapq, seq = fields[0], int(fields[1]), int(fields[4]), fields[9]
            if seq == "*":
                continue
            if flag & 16:
                seq = seq.translate(comp)[::-1]
        else:
            name, flag, mapq, seq = fields[0], int(fields[1]), int(fields[2]), fields[3]
        if bool(flag & 0x40) != bool(flag & 0x80):  # mates, named as samtools fasta names them
            name += "/1" if flag & 0x40 else "/2"
        reads.append((name, flag, mapq, seq))
want = [(n, s) for n, flag, mapq, s in reads if not flag & 0x900 and mapq >= min_mapq]

got, name = [], None
for line in sys.stdin:
    line = line.rstrip("\n")
    if line.startswith(">"):
        name = line[1:].split()[0]
    else:
        got.append((name, line))
if got != want:
    first = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
    sys.exit(f"FAIL: {len(got)} reads, want {len(want)} of {len(reads)}; first difference at read {first + 1}")
print(f"ok: {len(got)} of {len(reads)} reads pass --primary --min-mapq {min_mapq}")
