#!/usr/bin/env python3
"""Write evenly spaced N-free windows from the held-out tail of a FASTA record (a fixture/example maker).

usage: extract_windows.py IN.fa[.gz] OUT.fa --from-fraction 0.9 --count 4 --length 2048 [--to-fraction 1.0]
The held-out part of a record for `dnafill train` without --valid is its last 10% (from-fraction 0.9).
Names are samtools-style regions, 1-based inclusive, so `dnafill view --region` finds them again.
"""
import argparse, gzip

def read_first_record(path):
    opener = gzip.open if path.endswith(".gz") else open
    name, chunks = None, []
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith(">"):
                if name is not None:
                    break
                name = line[1:].split()[0]
            else:
                chunks.append(line.strip())
    return name, "".join(chunks)

def main():
    p = argparse.ArgumentParser()
    p.add_argument("fasta"); p.add_argument("out")
    p.add_argument("--from-fraction", type=float, default=0.9)
    p.add_argument("--to-fraction", type=float, default=1.0)
    p.add_argument("--count", type=int, default=4)
    p.add_argument("--length", type=int, default=2048)
    a = p.parse_args()
    name, seq = read_first_record(a.fasta)
    lo, hi = int(len(seq) * a.from_fraction), int(len(seq) * a.to_fraction) - a.length
    written, k = 0, 0
    with open(a.out, "w") as out:
        while written < a.count and k < 100 * a.count:
            start = lo + (hi - lo) * k // (4 * a.count)
            k += 1
            window = seq[start:start + a.length]
            if "N" in window.upper():
                continue
            out.write(f">{name}:{start + 1}-{start + a.length}\n")
            for i in range(0, len(window), 60):
                out.write(window[i:i + 60] + "\n")
            written += 1

if __name__ == "__main__":
    main()
