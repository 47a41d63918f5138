#!/usr/bin/env python3
"""Places reads on a reference by an ungapped seed-and-extend, to make a small real BAM fixture.

Input: reference FASTA (one record), SAM body lines of unaligned reads. Output: SAM on stdout.
A read is placed where a 20-mer seed hits and the whole read has at most 8% mismatches, on the
forward or the reverse strand (then SEQ is reverse complemented and QUAL reversed, as aligners do).
MAPQ is 60 minus 5 per mismatch, so the fixture has a spread of MAPQs. Every 25th placed read gets an
extra secondary copy (flag 0x100, SEQ '*') and every 40th a supplementary copy (flag 0x800, with SEQ),
so --primary has something to drop. Reads that do not place stay unmapped."""
import sys

K = 20
COMP = str.maketrans("ACGTN", "TGCAN")


def read_fasta(path):
    name, seq = None, []
    for line in open(path):
        if line.startswith(">"):
            name = line[1:].split()[0]
        else:
            seq.append(line.strip())
    return name, "".join(seq).upper()


def place(seq, ref, index):
    for off in range(0, max(1, len(seq) - K), 7):
        for pos in index.get(seq[off:off + K], ()):
            start = pos - off
            if start < 0 or start + len(seq) > len(ref):
                continue
            mm = sum(1 for a, b in zip(seq, ref[start:start + len(seq)]) if a != b)
            if mm <= 0.08 * len(seq):
                return start, mm
    return None


def main():
    name, ref = read_fasta(sys.argv[1])
    index = {}
    for i in range(len(ref) - K + 1):
        index.setdefault(ref[i:i + K], []).append(i)
    print(f"@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:{name}\tLN:{len(ref)}")
    placed = 0
    for line in open(sys.argv[2]):
        f = line.rstrip("\n").split("\t")
        qname, seq, qual = f[0], f[9], f[10]
        mate = int(f[1]) & 0xC0
        hit, strand = place(seq, ref, index), 0
        if hit is None:
            rc = seq.translate(COMP)[::-1]
            hit = place(rc, ref, index)
            if hit is not None:
                seq, qual, strand = rc, qual[::-1], 0x10
        if hit is None:
            print("\t".join([qname, str(4 | mate), "*", "0", "0", "*", "*", "0", "0", f[9], f[10]]))
            continue
        start, mm = hit
        placed += 1
        mapq = max(0, 60 - 5 * mm)
        cols = [qname, str(strand | mate), name, str(start + 1), str(mapq), f"{len(seq)}M", "*", "0", "0", seq, qual]
        print("\t".join(cols))
        if placed % 25 == 0:
            sec = cols[:]
            sec[1], sec[4], sec[9], sec[10] = str(strand | mate | 0x100), "0", "*", "*"
            print("\t".join(sec))
        if placed % 40 == 0:
            sup = cols[:]
            sup[1] = str(strand | mate | 0x800)
            print("\t".join(sup))


main()
