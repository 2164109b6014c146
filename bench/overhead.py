"""Python PyTorch side of bench/overhead: the same small ops, timed the same way.
Prints one JSON object {name: nanoseconds per call} on stdout."""
import json
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads())
REPEATS = 7


def bench(fn, iters):
    for _ in range(max(1, iters // 10)):
        fn()
    best = []
    for _ in range(REPEATS):
        t0 = time.perf_counter_ns()
        for _ in range(iters):
            fn()
        best.append((time.perf_counter_ns() - t0) / iters)
    best.sort()
    return best[len(best) // 2]


a128, b128 = torch.randn(128), torch.randn(128)
a10k, b10k = torch.randn(10000), torch.randn(10000)
m64a, m64b = torch.randn(64, 64), torch.randn(64, 64)
one = torch.tensor(3.5)
data1000 = [i * 0.5 for i in range(1000)]
big = torch.randn(100000)

results = {
    'add 128': bench(lambda: a128 + b128, 20000),
    'add 10k': bench(lambda: a10k + b10k, 20000),
    'mul 128': bench(lambda: a128 * b128, 20000),
    'mul 10k': bench(lambda: a10k * b10k, 20000),
    'add scalar 128': bench(lambda: a128 + 1, 20000),
    'view': bench(lambda: a10k.view(100, 100), 20000),
    'matmul 64x64': bench(lambda: m64a @ m64b, 5000),
    'item()': bench(lambda: one.item(), 50000),
    'tensor from 1000-element array': bench(lambda: torch.tensor(data1000), 5000),
    'export 100k (copy)': bench(lambda: big.numpy().copy(), 5000),
    'export 100k (shared, numpy())': bench(lambda: big.numpy(), 20000),
}
print(json.dumps(results))
