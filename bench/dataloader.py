"""Python side of bench/dataloader: images/s through torch.utils.data.DataLoader on the same
augmentation pipeline over torchvision's FakeData. Prints {num_workers: images per second};
'2p' means num_workers=2 with persistent_workers (one untimed warm-up epoch)."""
import json
import sys
import time

import torch
import torchvision.transforms as T
from torch.utils.data import DataLoader
from torchvision.datasets import FakeData

torch.set_num_threads(int(sys.argv[1]))
size, batch = int(sys.argv[2]), int(sys.argv[3])
workers = sys.argv[4].split(',')
repeats = int(sys.argv[5])

pipeline = T.Compose([
    T.RandomCrop(32, padding=4),
    T.RandomHorizontalFlip(),
    T.ColorJitter(0.4, 0.4, 0.4),
    T.RandomRotation(15),
    T.ToTensor(),
    T.Normalize((0.4914, 0.4822, 0.4465), (0.247, 0.243, 0.261)),
])


def make_loader(w):
    ds = FakeData(size=size, image_size=(3, 32, 32), num_classes=10, transform=pipeline)
    return DataLoader(ds, batch_size=batch, shuffle=True, num_workers=int(w.rstrip('p')),
                      persistent_workers=w.endswith('p'))


def epoch(loader):
    """Images per second for one epoch."""
    t0 = time.perf_counter()
    n = 0
    for x, _y in loader:
        n += x.shape[0]
    return n / (time.perf_counter() - t0)


# Epochs of the configurations interleaved, as in bench/dataloader.ts.
loaders = {w: make_loader(w) for w in workers}
for w, loader in loaders.items():
    if w.endswith('p'):
        epoch(loader)  # start-up, untimed
results = {w: 0.0 for w in workers}
for _ in range(repeats):
    for w, loader in loaders.items():
        results[w] = max(results[w], epoch(loader))
print(json.dumps(results))
