#!/usr/bin/env python3
"""Plain PyTorch training steps of dnafill's MDM, the reference that bench_train is compared with.

The same network as core/model.cpp (reference_mdm.MDM, written with functional ops over a dict of
parameters), the same continuous-time objective (t stratified across the batch, per-position masking with probability t,
weight 1/t, cross-entropy on masked positions), AdamW (0.9, 0.95), and the same FLOP count as
bench/bench_train.cpp. Plain means eager PyTorch as a user would write it: no torch.compile.
Prints one line per preset.

Two measurements of where a training step's time goes, for the MFU goal of docs/gpu.md:
--compile runs the network through torch.compile (Triton fuses the elementwise work: RMSNorm, RoPE,
SwiGLU, residual adds), what fusing those ops can give at this model's shapes; --profile K prints the
GPU kernels of K profiled steps, summed by kind (matrix products, attention, elementwise, ...).

usage: reference_train.py [--presets small,base,D/LAYERS/HEADS/MLP] [--batch B] [--steps N] [--device cuda] [--precision bf16]
                          [--peak-tflops P] [--compile] [--profile K]
"""
import argparse
import contextlib
import math
import time

import torch

from reference_mdm import MDM

PRESETS = {  # name: d_model, layers, heads, mlp, context (core/model_config.cpp)
    'tiny': (64, 2, 4, 176, 256),
    'small': (192, 4, 3, 512, 1024),
    'base': (384, 8, 6, 1024, 1024),
}


def shape_of(preset):
    """A preset name, or D/LAYERS/HEADS/MLP (context 1,024) as bench_train takes it."""
    if preset in PRESETS:
        return PRESETS[preset]
    d, layers, heads, mlp = (int(x) for x in preset.split('/'))
    return d, layers, heads, mlp, 1024


def make_model(preset, device):
    d, layers, heads, mlp, context = shape_of(preset)
    config = {'d_model': d, 'n_layers': layers, 'n_heads': heads, 'norm_eps': 1e-5, 'rope_base': 10000.0}
    g = torch.Generator().manual_seed(0)
    def normal(*shape, std=0.02):
        return torch.randn(*shape, generator=g) * std
    resid = 0.02 / math.sqrt(2 * layers)
    w = {'embedding.weight': normal(5, d), 'final_norm.weight': torch.ones(d),
         'head.weight': torch.zeros(4, d), 'head.bias': torch.zeros(4)}
    for i in range(layers):
        p = 'blocks.%d.' % i
        w[p + 'attention_norm.weight'] = torch.ones(d)
        w[p + 'attention.qkv.weight'] = normal(3 * d, d)
        w[p + 'attention.out.weight'] = normal(d, d, std=resid)
        w[p + 'mlp_norm.weight'] = torch.ones(d)
        w[p + 'mlp.gate_up.weight'] = normal(2 * mlp, d)
        w[p + 'mlp.down.weight'] = normal(d, mlp, std=resid)
    w = {k: torch.nn.Parameter(v.to(device)) for k, v in w.items()}
    params = sum(v.numel() for v in w.values())
    return MDM(w, config), list(w.values()), params, config, context


KINDS = [  # (kind, substrings of kernel names), first match wins
    ('attention', ('flash', 'fmha', 'attention', 'mem_eff', 'sdpa')),
    ('matrix products', ('gemm', 'sm90_xmma', 'sm80_xmma', 'cutlass', 'cublas', 'nvjet')),
    ('optimizer', ('adam', 'multi_tensor', 'foreach')),
    ('reductions', ('reduce', 'norm', 'softmax', 'cross_entropy', 'nll')),
    ('copies and casts', ('copy', 'cat', 'memcpy', 'memset', 'fill')),
    ('elementwise', ('elementwise', 'vectorized', 'unrolled', 'triton', 'silu', 'mul', 'add', 'pow', 'rsqrt')),
]


def kind_of(name):
    lower = name.lower()
    for kind, parts in KINDS:
        if any(p in lower for p in parts):
            return kind
    return 'other'


def profile(step, steps, preset):
    """GPU time of `steps` training steps by kind of kernel, and the ten costliest kernels."""
    from torch.profiler import ProfilerActivity, profile as torch_profile
    with torch_profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(steps):
            step()
        torch.cuda.synchronize()
    events = [e for e in prof.key_averages() if e.device_type == torch.autograd.DeviceType.CUDA]
    def us(e):  # the attribute's name changed between PyTorch versions
        return getattr(e, 'self_device_time_total', None) or getattr(e, 'self_cuda_time_total', 0)
    total = sum(us(e) for e in events) or 1.0
    by_kind = {}
    for e in events:
        by_kind[kind_of(e.key)] = by_kind.get(kind_of(e.key), 0.0) + us(e)
    print('%s: GPU time of %d steps, %.1f ms a step' % (preset, steps, total / steps / 1000.0))
    for kind, t in sorted(by_kind.items(), key=lambda kv: -kv[1]):
        print('  %-18s %5.1f%%  %7.2f ms/step' % (kind, 100.0 * t / total, t / steps / 1000.0))
    for e in sorted(events, key=us, reverse=True)[:10]:
        print('    %5.1f%%  %6d calls  %s' % (100.0 * us(e) / total, e.count, e.key[:100]))


def bench(preset, args):
    device = torch.device(args.device)
    model, params, n_params, config, length = make_model(preset, device)
    if args.compile:
        model = torch.compile(model)
    opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.95), weight_decay=0.01)
    autocast = (torch.autocast('cuda', dtype=torch.bfloat16) if args.precision == 'bf16'
                else contextlib.nullcontext())
    b = args.batch
    clean = torch.randint(0, 4, (b, length), device=device)

    def step():
        t = ((torch.arange(b, device=device) + torch.rand(b, device=device)) / b).clamp_min(1e-3)
        masked = torch.rand(b, length, device=device) < t[:, None]
        inputs = torch.where(masked, torch.full_like(clean, 4), clean)
        with autocast:
            logits = model(inputs)
        nll = torch.nn.functional.cross_entropy(logits.float().transpose(1, 2), clean, reduction='none')
        loss = ((nll * masked).sum(1) / t).sum() / (b * length)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    def timed(fn, steps):
        fn(); fn()
        if device.type == 'cuda':
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(steps):
            fn()
        if device.type == 'cuda':
            torch.cuda.synchronize()
        return time.perf_counter() - start

    train_s = timed(step, args.steps)
    inputs = torch.randint(0, 5, (b, length), device=device)
    def forward():
        with torch.no_grad(), autocast:
            model(inputs)
    forward_s = timed(forward, args.steps)
    tokens = args.steps * b * length
    flops_fwd = 2.0 * n_params + 4.0 * length * config['d_model'] * config['n_layers']
    train_gflops = 3 * flops_fwd * tokens / train_s / 1e9
    line = ('%-6s %9d params  batch %3d x %4d  train %9.0f tokens/s (%8.1f GFLOP/s)  forward %9.0f tokens/s (%8.1f GFLOP/s)'
            % (preset, n_params, b, length, tokens / train_s, train_gflops, tokens / forward_s,
               flops_fwd * tokens / forward_s / 1e9))
    if args.peak_tflops > 0:
        line += '  train MFU %.1f%%' % (100.0 * train_gflops / (1000.0 * args.peak_tflops))
    print(line + ('  (torch.compile)' if args.compile else ''), flush=True)
    if args.profile > 0 and device.type == 'cuda':
        profile(step, args.profile, preset)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--presets', default='small,base')
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--steps', type=int, default=5)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--precision', default='fp32', choices=['fp32', 'bf16'])
    parser.add_argument('--peak-tflops', type=float, default=0.0)
    parser.add_argument('--compile', action='store_true', help='the network through torch.compile')
    parser.add_argument('--profile', type=int, default=0, metavar='K', help='GPU kernels of K steps, by kind')
    args = parser.parse_args()
    print('reference_train (plain PyTorch %s), %s, %s' % (torch.__version__, args.device, args.precision), flush=True)
    for preset in args.presets.split(','):
        bench(preset, args)


if __name__ == '__main__':
    main()
