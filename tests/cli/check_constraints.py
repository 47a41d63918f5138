#!/usr/bin/env python3
"""Checks the --json rows of `dnafill infill|generate` against hard constraints, independently of
dnafill's own code: every design that reports constraints_ok must have no forbidden site on either
strand overlapping its region (junctions with the flanks included), no homopolymer run longer than
the limit touching it, and GC within bounds over the region and over every window inside it. A row's
"holes" (1-based inclusive) are the designed intervals; without them, region_start..region_end.
With --input, the holes are not taken on trust: every base outside them must be the input's, so a
row whose holes are missing or shifted fails.

usage: check_constraints.py ROWS.jsonl|- [--input IN.fa] [--avoid SITE,..] [--max-homopolymer H] [--gc MIN-MAX (0.3-0.7 or 30-70)]
                            [--gc-window W] [--min-ok FRACTION]
SITE is an IUPAC motif or one of the enzyme names below. Prints "ok: N designs, K meet the
constraints" and exits 0, or names the first problem and exits 1."""
import argparse
import json
import re
import sys

from fasta_records import read_fasta

ENZYMES = {'bsai': 'GGTCTC', 'bsmbi': 'CGTCTC', 'esp3i': 'CGTCTC', 'ecori': 'GAATTC', 'bbsi': 'GAAGAC',
           'sapi': 'GCTCTTC', 'hinfi': 'GANTC', 'bamhi': 'GGATCC', 'hindiii': 'AAGCTT', 'noti': 'GCGGCCGC',
           'xhoi': 'CTCGAG', 'ndei': 'CATATG', 'paqci': 'CACCTGC', 'aari': 'CACCTGC'}
IUPAC = {'A': 'A', 'C': 'C', 'G': 'G', 'T': 'T', 'R': '[AG]', 'Y': '[CT]', 'S': '[CG]', 'W': '[AT]',
         'K': '[GT]', 'M': '[AC]', 'B': '[CGT]', 'D': '[AGT]', 'H': '[ACT]', 'V': '[ACG]', 'N': '[ACGT]'}
COMPLEMENT = str.maketrans('ACGTRYSWKMBDHVN', 'TGCAYRSWMKVHDBN')


def site_of(name):
    return ENZYMES.get(name.lower(), name.upper())


def occurrences(seq, site):
    """Start of every match of the site or its reverse complement, overlapping ones included."""
    starts = set()
    for s in {site, site.translate(COMPLEMENT)[::-1]}:
        pattern = re.compile('(?=' + ''.join(IUPAC[c] for c in s) + ')')
        starts.update(m.start() for m in pattern.finditer(seq))
    return sorted(starts)


def problems(seq, holes, args):
    """Violations of the designed intervals `holes` ([start, end) 0-based half-open) in the whole record."""
    seq = seq.upper()
    out = []

    def touches(a, b):
        return any(a < end and b > start for start, end in holes)

    for name in args.avoid:
        site = site_of(name)
        for s in occurrences(seq, site):
            if touches(s, s + len(site)):
                out.append('%s (%s) at %d' % (name, site, s + 1))
    if args.max_homopolymer:
        for m in re.finditer(r'A+|C+|G+|T+', seq):
            if touches(m.start(), m.end()) and m.end() - m.start() > args.max_homopolymer:
                out.append('run of %d at %d' % (m.end() - m.start(), m.start() + 1))
    for start, end in holes if args.gc else []:
        lo, hi = (float(x) for x in args.gc.split('-'))
        if hi > 1:  # percentages, as dnafill takes them: 30-70
            lo, hi = lo / 100, hi / 100
        region = seq[start:end]
        spans = [(0, len(region))]
        if args.gc_window and args.gc_window < len(region):
            spans += [(i, i + args.gc_window) for i in range(len(region) - args.gc_window + 1)]
        for a, b in spans:
            gc = sum(c in 'GC' for c in region[a:b]) / (b - a)
            if gc < lo - 1e-9 or gc > hi + 1e-9:
                out.append('GC %.3f in %d-%d' % (gc, start + a + 1, start + b))
                break
    return out


def changed_outside(row, holes, inputs):
    """Positions (1-based) outside the holes where the design is not the input record."""
    original = inputs[row['record']]
    seq = row['sequence'].upper()
    if len(seq) != len(original):
        return ['length %d, input %d' % (len(seq), len(original))]
    inside = set(i for a, b in holes for i in range(a, b))
    return [i + 1 for i in range(len(seq)) if i not in inside and seq[i] != original[i]]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('rows')
    p.add_argument('--input', default='')
    p.add_argument('--avoid', default='')
    p.add_argument('--max-homopolymer', type=int, default=0)
    p.add_argument('--gc', default='')
    p.add_argument('--gc-window', type=int, default=0)
    p.add_argument('--min-ok', type=float, default=1.0)
    args = p.parse_args()
    args.avoid = [a for a in args.avoid.split(',') if a]
    lines = (sys.stdin if args.rows == '-' else open(args.rows)).read().splitlines()
    rows = [json.loads(line) for line in lines if line.startswith('{')]
    if not rows:
        sys.exit('no JSON rows')
    inputs = {k: v.upper() for k, v in read_fasta(args.input).items()} if args.input else {}
    ok = 0
    for r in rows:
        # Each hole when the row lists them; else the region as one (fixed bases between holes included).
        holes = [(a - 1, b) for a, b in r.get('holes', [[r['region_start'], r['region_end']]])]
        if r['record'] in inputs:
            if not holes:
                sys.exit('%s variant %d lists no hole' % (r['record'], r['variant']))
            moved = changed_outside(r, holes, inputs)
            if moved:
                sys.exit('%s variant %d differs from the input outside its holes at %s' % (r['record'], r['variant'], moved[:5]))
        found = problems(r['sequence'], holes, args)
        if r['constraints_ok'] and found:
            sys.exit('%s variant %d claims constraints_ok but: %s' % (r['record'], r['variant'], '; '.join(found[:3])))
        if not r['constraints_ok'] and not r['violations']:
            sys.exit('%s variant %d fails without saying why' % (r['record'], r['variant']))
        ok += r['constraints_ok']
    if ok < args.min_ok * len(rows):
        sys.exit('only %d of %d designs meet the constraints' % (ok, len(rows)))
    print('ok: %d designs, %d meet the constraints' % (len(rows), ok))


if __name__ == '__main__':
    main()
