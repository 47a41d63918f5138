#!/usr/bin/python3
"""Plain PyTorch reference of dnafill's MDM transformer and samplers, for bench_infill.

Loads the same safetensors checkpoint (header parsed by hand: there is no `safetensors` module in
Debian), rebuilds the network (RoPE, RMSNorm, SwiGLU, 4-logit head) and infills one hole of one window
with K variants, the way dnafill does: first-hit, or ancestral with MDLM's cache, float64 inverse-CDF
draws. Prints one JSON line: seconds, network calls and the designed windows (the C++ bench scores
them with its own scorer). Run it with /usr/bin/python3 (Debian's python3-torch 1.13).

usage: reference_mdm.py MODEL WINDOW_SEQ HOLE_START HOLE_END --variants K --sampler S --steps T [--device cuda]
"""
import argparse
import json
import math
import struct
import time

import numpy as np
import torch

BASES = 'ACGT'
MASK = 4


def load_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop('__metadata__', {})
    tensors = {}
    for name, info in header.items():
        assert info['dtype'] in ('F32', 'BF16'), name
        start, end = info['data_offsets']
        if info['dtype'] == 'F32':
            array = np.frombuffer(data[start:end], dtype='<f4').reshape(info['shape'])
        else:  # bfloat16 is the top half of a float32
            array = (np.frombuffer(data[start:end], dtype='<u2').astype(np.uint32) << 16).view(np.float32)
            array = array.reshape(info['shape'])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, json.loads(meta['dnafill.config'])


class MDM(torch.nn.Module):
    """The same network as core/model.cpp, written out with functional ops over the loaded weights."""

    def __init__(self, weights, config):
        super().__init__()
        self.w, self.c = weights, config

    def rms(self, x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.c['norm_eps']) * weight

    def rope(self, length, head_dim):
        inv = torch.pow(self.c['rope_base'], -torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
        angles = torch.outer(torch.arange(length, dtype=torch.float64), inv)
        return angles.cos().float(), angles.sin().float()

    @staticmethod
    def apply_rope(x, cos, sin):
        half = x.shape[-1] // 2
        x1, x2 = x[..., :half], x[..., half:]
        return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], -1)

    def forward(self, tokens):
        w, c = self.w, self.c
        batch, length = tokens.shape
        d, heads = c['d_model'], c['n_heads']
        cos, sin = (t.to(tokens.device) for t in self.rope(length, d // heads))
        x = torch.nn.functional.embedding(tokens, w['embedding.weight'])
        for i in range(c['n_layers']):
            p = 'blocks.%d.' % i
            h = self.rms(x, w[p + 'attention_norm.weight'])
            qkv = (h @ w[p + 'attention.qkv.weight'].T).view(batch, length, 3, heads, d // heads).permute(2, 0, 3, 1, 4)
            q, k, v = self.apply_rope(qkv[0], cos, sin), self.apply_rope(qkv[1], cos, sin), qkv[2]
            if hasattr(torch.nn.functional, 'scaled_dot_product_attention'):  # PyTorch 2: fused kernels
                att = torch.nn.functional.scaled_dot_product_attention(q, k, v)
            else:
                att = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(d // heads), -1) @ v
            x = x + att.transpose(1, 2).reshape(batch, length, d) @ w[p + 'attention.out.weight'].T
            h = self.rms(x, w[p + 'mlp_norm.weight'])
            gate, up = (h @ w[p + 'mlp.gate_up.weight'].T).chunk(2, -1)
            x = x + (torch.nn.functional.silu(gate) * up) @ w[p + 'mlp.down.weight'].T
        return self.rms(x, w['final_norm.weight']) @ w['head.weight'].T + w['head.bias']


def draw(log_weights, generator):
    """Inverse CDF on float64 probabilities, one draw per row."""
    cdf = torch.softmax(log_weights.double(), -1).cumsum(-1)
    u = torch.rand(cdf.shape[0], dtype=torch.float64, generator=generator) * cdf[:, -1]
    return (cdf <= u[:, None]).sum(1).clamp_max(cdf.shape[1] - 1)


def first_hit(model, tokens, free, generator):
    calls = 0
    while bool((free & (tokens == MASK)).any()):
        log_probs = torch.log_softmax(model(tokens).double(), -1)
        calls += 1
        for b in range(tokens.shape[0]):
            masked = torch.nonzero(free[b] & (tokens[b] == MASK)).flatten()
            if len(masked) == 0:
                continue
            i = masked[torch.randint(len(masked), (1,), generator=generator)].item()
            tokens[b, i] = draw(log_probs[b, i][None], generator)[0]
    return calls


def ancestral(model, tokens, free, steps, generator):
    calls, log_probs, changed = 0, None, True
    for i in range(steps):
        masked = free & (tokens == MASK)
        if not bool(masked.any()):
            break
        if changed:  # MDLM's cache: no time input, so unchanged tokens give unchanged logits
            log_probs = torch.log_softmax(model(tokens).double(), -1)
            calls += 1
        reveal = 1.0 / (steps - i)
        idx = torch.nonzero(masked)
        lp = log_probs[idx[:, 0], idx[:, 1]] + math.log(reveal)
        stay = torch.full((len(idx), 1), math.log1p(-reveal) if reveal < 1 else -math.inf, dtype=torch.float64)
        outcome = draw(torch.cat([lp, stay], 1), generator)
        hit = outcome < 4
        tokens[idx[hit, 0], idx[hit, 1]] = outcome[hit]
        changed = bool(hit.any())
    return calls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('model')
    ap.add_argument('window')
    ap.add_argument('hole_start', type=int)
    ap.add_argument('hole_end', type=int)
    ap.add_argument('--variants', type=int, default=8)
    ap.add_argument('--sampler', default='ancestral')
    ap.add_argument('--steps', type=int, default=64)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--net-precision', default='fp32', choices=['fp32', 'bf16'])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    weights, config = load_safetensors(a.model)
    device = torch.device(a.device)
    mdm = MDM({k: v.to(device) for k, v in weights.items()}, config).eval()

    def network(t):  # bf16: autocast, as dnafill --net-precision bf16 does; the logits float32
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=a.net_precision == 'bf16'):
            return mdm(t).float()
    # As dnafill does: the network on the device, the sampler's bookkeeping on the host.
    model = (lambda t: network(t.to(device)).cpu()) if device.type != 'cpu' else network
    row = torch.tensor([BASES.index(ch) if ch in BASES else MASK for ch in a.window.upper()], dtype=torch.int64)
    tokens = row[None].repeat(a.variants, 1)
    free = torch.zeros_like(tokens, dtype=torch.bool)
    free[:, a.hole_start:a.hole_end] = True
    tokens[free] = MASK
    generator = torch.Generator().manual_seed(a.seed)
    if device.type == 'cuda':  # warm up kernels and the allocator, as bench_infill's first window does
        with torch.no_grad():
            model(tokens)
        torch.cuda.synchronize()
    start, cpu_start = time.perf_counter(), time.process_time()
    with torch.no_grad():
        if a.sampler == 'first-hit':
            calls = first_hit(model, tokens, free, generator)
        else:
            calls = ancestral(model, tokens, free, a.steps, generator)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    designs = [''.join('ACGTN'[t] for t in r.tolist()) for r in tokens]
    print(json.dumps({'seconds': seconds, 'cpu_seconds': cpu_seconds, 'network_calls': calls, 'torch': torch.__version__, 'designs': designs}))


if __name__ == '__main__':
    main()
