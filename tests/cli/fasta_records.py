"""FASTA as the CLI checkers read it, independently of dnafill: {name (first word): bases}."""


def read_fasta(path):
    records, name = {}, None
    for line in open(path):
        line = line.strip()
        if line.startswith('>'):
            name = line[1:].split()[0]
            records[name] = []
        elif name is not None:
            records[name].append(line)
    return {k: ''.join(v) for k, v in records.items()}
