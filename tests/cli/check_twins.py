#!/usr/bin/env python3
"""Two equal records (chrA_copy, then chrA) designed with one seed get designs of their own; the first
record's designs are those of the same record in a file by itself.
Usage: check_twins.py TWINS.jsonl ALONE.jsonl"""
import json
import sys


def designs(path):
    by_record = {}
    with open(path) as f:
        for line in f:
            d = json.loads(line)
            by_record.setdefault(d["record"], []).append(d["sequence"])
    return by_record


twins, alone = designs(sys.argv[1]), designs(sys.argv[2])
first, second = twins.get("chrA_copy", []), twins.get("chrA", [])
if len(first) != 3 or len(second) != 3:
    sys.exit(f"FAIL: want 3 designs of each record, got {len(first)} and {len(second)}")
same = [k + 1 for k in range(3) if first[k] == second[k]]
if same:
    sys.exit(f"FAIL: variants {same} of the two equal records are the same")
if first != alone.get("chrA"):
    sys.exit("FAIL: the first record's designs differ from those of the record alone")
print("ok: 3 variants each, none alike, the first record's as alone")
