"""Python side of bench/train_step: one SGD training step of the seed's SimpleCNN.
Prints {batch: milliseconds per step} as JSON."""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'helpers'))
from seed_models import SimpleCNN  # noqa: E402

torch.set_num_threads(int(sys.argv[1]))
batches = [int(b) for b in sys.argv[2].split(',')]
steps = int(sys.argv[3])
results = {}
for batch in batches:
    torch.manual_seed(0)
    model = SimpleCNN()
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    criterion = torch.nn.CrossEntropyLoss()
    inputs = torch.randn(batch, 3, 32, 32)
    targets = torch.randint(0, 10, (batch,))

    def step():
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(3):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    results[str(batch)] = times[len(times) // 2]
print(json.dumps(results))
