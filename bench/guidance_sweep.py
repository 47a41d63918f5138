#!/usr/bin/env python3
"""SMDM's unsupervised classifier-free guidance, measured: what --guidance W does to designs.

For each W, `dnafill infill --mask lowercase --guidance W --json` designs K variants of every lowercase
hole of a FASTA file; this prints, per W, the model's bits/base of the designed bases (its conditional
NELBO given the context, `--score-draws` draws; lower = more typical of the model), how far the K
variants of a hole are from each other (mean pairwise Hamming fraction: diversity), how many bases
match the true hole, the GC fraction, and the seconds. The true holes' own bits/base (`dnafill score
--mask lowercase`) is printed first for comparison. Standard library only; runs the given binary.

    bench/guidance_sweep.py --dnafill build/app/dnafill --in examples/chrX_holes.fa --weights 0,1,2,4
"""
import argparse
import itertools
import json
import math
import subprocess
import sys
import time


def read_fasta(path):
    records, name = {}, None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith(">"):
                name = line[1:].split()[0]
                records[name] = []
            elif name is not None:
                records[name].append(line)
    return {n: "".join(parts) for n, parts in records.items()}


def run(command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit("guidance_sweep: %s failed (exit %d): %s" % (command[1], done.returncode, done.stderr.strip()))
    return done.stdout


def mean_se(values):
    n = len(values)
    m = sum(values) / n
    se = math.sqrt(sum((v - m) ** 2 for v in values) / (n - 1) / n) if n > 1 else float("nan")
    return m, se


def measure(args, weight, records):
    command = [args.dnafill, "infill", "--in", args.input, "--mask", "lowercase", "--num", str(args.num),
               "--guidance", str(weight), "--steps", str(args.steps), "--score-draws", str(args.score_draws),
               "--threads", str(args.threads), "--seed", str(args.seed), "--json"]
    if args.model:
        command += ["--model", args.model]
    command += args.net_precision
    start = time.time()
    rows = [json.loads(line) for line in run(command).splitlines() if line.strip()]
    seconds = time.time() - start
    bits = [r["bits_per_base"] for r in rows]
    designs = {}  # (record, hole) -> the K designed strings
    identity, gc = [], []
    for r in rows:
        truth = records[r["record"]].upper()
        for start_1, end in r["holes"]:
            designed = r["sequence"][start_1 - 1:end].upper()
            true = truth[start_1 - 1:end]
            designs.setdefault((r["record"], start_1), []).append(designed)
            identity.append(sum(a == b for a, b in zip(designed, true)) / len(true))
            gc.append(sum(c in "GC" for c in designed) / len(designed))
    distance = []
    for variants in designs.values():
        for a, b in itertools.combinations(variants, 2):
            distance.append(sum(x != y for x, y in zip(a, b)) / len(a))
    return {"bits": mean_se(bits), "diversity": mean_se(distance), "identity": mean_se(identity),
            "gc": sum(gc) / len(gc), "seconds": seconds, "designs": len(rows)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dnafill", default="build/app/dnafill")
    parser.add_argument("--model", default="", help="default: dnafill's shipped model")
    parser.add_argument("--in", dest="input", default="examples/chrX_holes.fa")
    parser.add_argument("--weights", default="0,0.5,1,2,4", help="guidance weights W, comma-separated")
    parser.add_argument("--num", type=int, default=8, help="variants per record")
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--score-draws", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--net-precision", default="", help="passed to infill (bf16 on CPUs with AVX512-BF16)")
    args = parser.parse_args()
    args.net_precision = ["--net-precision", args.net_precision] if args.net_precision else []
    records = read_fasta(args.input)
    truth_command = [args.dnafill, "score", "--in", args.input, "--mask", "lowercase", "--mc", "16", "--json",
                     "--threads", str(args.threads)]
    if args.model:
        truth_command += ["--model", args.model]
    truth_command += args.net_precision
    truth = json.loads(run(truth_command))
    true_gc = [c.upper() in "GC" for seq in records.values() for c in seq if c.islower()]
    print("%s, %s, %d variants per record, ancestral %d steps, %d scoring draws, seed %d" %
          (args.input, args.model or "the shipped model", args.num, args.steps, args.score_draws, args.seed))
    print("true holes: %.4f bits/base (se %.4f), GC %.3f" %
          (truth["bits_per_base"], truth["standard_error"], sum(true_gc) / len(true_gc)))
    print("| W | bits/base (se) | diversity (se) | identity to truth (se) | GC | designs | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for weight in args.weights.split(","):
        m = measure(args, float(weight), records)
        print("| %s | %.4f (%.4f) | %.3f (%.3f) | %.3f (%.3f) | %.3f | %d | %.0f |" %
              (weight, m["bits"][0], m["bits"][1], m["diversity"][0], m["diversity"][1], m["identity"][0],
               m["identity"][1], m["gc"], m["designs"], m["seconds"]), flush=True)


if __name__ == "__main__":
    main()
