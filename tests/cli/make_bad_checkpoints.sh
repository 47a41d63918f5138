#!/bin/bash
# From a good checkpoint, makes a truncated one and one with an altered byte (for the error tests), and
# one with training facts of odd types (for info).
# Usage: make_bad_checkpoints.sh GOOD.safetensors OUT_DIR
set -eu
good=$1
out=$2
size=$(stat -c %s "$good")
head -c $((size / 2)) "$good" > "$out/truncated.safetensors"
cp "$good" "$out/altered.safetensors"
# Flip one byte near the end of the weights: the header still parses, the checksum must not.
printf '\x5a' | dd of="$out/altered.safetensors" bs=1 seek=$((size - 9)) conv=notrunc status=none
printf 'this is not a checkpoint\n' > "$out/text.safetensors"
# A diverged run's weights: one NaN, with the checksums made to match (the load must look at the values),
# and configs whose context length does not fit an int, or holds one base.
python3 - "$good" "$out" <<'PY'
import json, struct, sys, zlib
blob = open(sys.argv[1], 'rb').read()
size = struct.unpack('<Q', blob[:8])[0]
header, data = json.loads(blob[8:8 + size]), bytearray(blob[8 + size:])

def write(path, header, data):
    # The header's checksum made to match too, as nlohmann::json writes the header without it (keys
    # sorted, no spaces): these files test the checks of the values behind the checksums.
    header['__metadata__'].pop('dnafill.header_crc32', None)
    canonical = json.dumps(header, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode()
    header['__metadata__']['dnafill.header_crc32'] = '%08x' % zlib.crc32(canonical)
    text = json.dumps(header).encode()
    text += b' ' * (-len(text) % 8)
    open(path, 'wb').write(struct.pack('<Q', len(text)) + text + bytes(data))

name = next(k for k in header if k != '__metadata__')
start = header[name]['data_offsets'][0]
data[start:start + 4] = struct.pack('<f', float('nan'))
header['__metadata__']['dnafill.data_crc32'] = '%08x' % zlib.crc32(bytes(data))
write(sys.argv[2] + '/nonfinite.safetensors', header, data)

header = json.loads(blob[8:8 + size])
config = json.loads(header['__metadata__']['dnafill.config'])
config['context_length'] = 10 ** 12
header['__metadata__']['dnafill.config'] = json.dumps(config)
write(sys.argv[2] + '/huge_context.safetensors', header, blob[8 + size:])
config['context_length'] = 1  # no window of two bases fits
header['__metadata__']['dnafill.config'] = json.dumps(config)
write(sys.argv[2] + '/one_context.safetensors', header, blob[8 + size:])

# Finite weights whose outputs are not: overflow to NaN (1e30 in a projection), or logits so large
# that float32 cannot tell the bases apart (3e38 in the head's bias).
def filled(tensor, value):
    header = json.loads(blob[8:8 + size])
    data = bytearray(blob[8 + size:])
    begin, end = header[tensor]['data_offsets']
    data[begin:end] = struct.pack('<f', value) * ((end - begin) // 4)
    header['__metadata__']['dnafill.data_crc32'] = '%08x' % zlib.crc32(bytes(data))
    return header, data

write(sys.argv[2] + '/overflowing.safetensors', *filled('blocks.0.attention.qkv.weight', 1e30))
write(sys.argv[2] + '/huge_logits.safetensors', *filled('head.bias', 3e38))
write(sys.argv[2] + '/large_logits.safetensors', *filled('final_norm.weight', 1e7))

# Training facts no dnafill run writes but a file may hold (metadata only: the model still loads).
header = json.loads(blob[8:8 + size])
facts = json.loads(header['__metadata__']['dnafill.training'])
facts.update(steps='x', tokens_seen=1e300, wall_seconds=None, machine='a\x01b', valid_bits_per_base=0)
header['__metadata__']['dnafill.training'] = json.dumps(facts)
write(sys.argv[2] + '/odd_facts.safetensors', header, blob[8 + size:])
# Facts that are not JSON at all (NaN is not JSON): info must still print JSON.
header['__metadata__']['dnafill.training'] = '{"steps":40,"valid_bits_per_base":NaN}'
write(sys.argv[2] + '/unreadable_facts.safetensors', header, blob[8 + size:])
PY
