#!/bin/bash
# Rebuilds the bio/ fixtures in tests/data from Debian's example packages (bowtie2-examples):
# the lambda phage reference and real reads from bowtie2's examples/reads/combined_reads.bam.
# Needs samtools, bgzip and python3 (only here, never when the tests run). Usage:
#   tests/data/make_fixtures.sh /path/to/dpkg-x-root   (the folder holding usr/share/doc/bowtie2)
set -euo pipefail
root=${1:?usage: make_fixtures.sh DPKG_X_ROOT}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ex=$root/usr/share/doc/bowtie2/examples

# Reference: lambda phage, bgzipped with its .fai/.gzi, and as plain text.
zcat "$ex/reference/lambda_virus.fa.gz" > "$work/lambda.fa"
cp "$work/lambda.fa" "$work/lambda_plain.fa"
bgzip -f "$work/lambda.fa"
samtools faidx "$work/lambda.fa.gz"
cp "$work/lambda.fa.gz" "$work/lambda.fa.gz.fai" "$work/lambda.fa.gz.gzi" "$here/"

# Reads: the first 300 of the example, placed on lambda by an ungapped seed-and-extend (no aligner
# is needed for a fixture); see place_reads.py for the flags and MAPQs it gives.
zcat "$ex/reads/combined_reads.bam.gz" > "$work/reads.bam"
samtools view "$work/reads.bam" | awk 'NR <= 300' > "$work/reads.sam"
python3 "$here/place_reads.py" "$work/lambda_plain.fa" "$work/reads.sam" > "$work/placed.sam"
samtools sort -o "$here/lambda_reads.bam" "$work/placed.sam"
samtools index "$here/lambda_reads.bam"
samtools view -h "$here/lambda_reads.bam" | awk 'NR <= 42' > "$here/lambda_reads.sam"
samtools view -C -T "$work/lambda_plain.fa" --output-fmt-option embed_ref=1 \
  -o "$here/lambda_reads.cram" "$here/lambda_reads.bam"
samtools index "$here/lambda_reads.cram"
samtools view -C -T "$work/lambda_plain.fa" -o "$here/lambda_reads_ref.cram" "$here/lambda_reads.bam"
samtools index "$here/lambda_reads_ref.cram"
# What the reader must return, in file order: QNAME, FLAG, MAPQ and the read as sequenced (reverse
# strand reads reverse complemented back); records without SEQ are left out, as the reader does.
samtools view "$here/lambda_reads.bam" | python3 -c '
import sys
comp = str.maketrans("ACGTNacgtn", "TGCANtgcan")
for line in sys.stdin:
    f = line.split("\t")
    if f[9] == "*":
        continue
    seq = f[9].translate(comp)[::-1] if int(f[1]) & 16 else f[9]
    print(f[0], f[1], f[4], seq, sep="\t")
' > "$here/lambda_reads.expected.tsv"
