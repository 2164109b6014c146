"""Shared timing for the Python sides of the bench/ scripts."""
import time


def median_us(fn, arg, budget, repeats):
    """Median µs per fn(arg) call over `repeats` runs of about `budget` seconds each."""
    t0 = time.perf_counter()
    k = 0
    while time.perf_counter() - t0 < budget / 5:
        fn(arg)
        k += 1
    iters = max(1, k * 5)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(iters):
            fn(arg)
        times.append((time.perf_counter() - t0) / iters * 1e6)
    times.sort()
    return times[len(times) // 2]
