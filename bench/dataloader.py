"""Python side of bench/dataloader: images/s through torch.utils.data.DataLoader on the same
augmentation pipeline over torchvision's FakeData, or over the real Fashion-MNIST test set
(argv[6] == 'fashion-mnist', raw files in argv[7]) or an ImageFolder (argv[6] == 'imagefolder',
its root in argv[7]). Prints {num_workers: images per second};
'2p' means num_workers=2 with persistent_workers (one untimed warm-up epoch)."""
import gzip
import json
import sys
import time

import torch
import torchvision.transforms as T
from torch.utils.data import DataLoader
import os
import tempfile

from torchvision.datasets import FakeData, FashionMNIST, ImageFolder

torch.set_num_threads(int(sys.argv[1]))
size, batch = int(sys.argv[2]), int(sys.argv[3])
workers = sys.argv[4].split(',')
repeats = int(sys.argv[5])
dataset = sys.argv[6] if len(sys.argv) > 6 else 'fake'

pipeline = T.Compose([
    T.RandomCrop(32, padding=4),
    T.RandomHorizontalFlip(),
    T.ColorJitter(0.4, 0.4, 0.4),
    T.RandomRotation(15),
    T.ToTensor(),
    T.Normalize((0.4914, 0.4822, 0.4465), (0.247, 0.243, 0.261)),
])


fashion_pipeline = T.Compose([
    T.RandomCrop(28, padding=2),
    T.RandomHorizontalFlip(),
    T.ColorJitter(0.4, 0.4),
    T.ToTensor(),
    T.Normalize((0.286,), (0.353,)),
])


def fashion_root():
    """torchvision reads root/FashionMNIST/raw/<name> unpacked: gunzip Debian's files there."""
    root = tempfile.mkdtemp()
    raw = os.path.join(root, 'FashionMNIST', 'raw')
    os.makedirs(raw)
    for f in os.listdir(sys.argv[7]):
        src = os.path.join(sys.argv[7], f)
        with (gzip.open(src) if f.endswith('.gz') else open(src, 'rb')) as i:
            with open(os.path.join(raw, f[:-3] if f.endswith('.gz') else f), 'wb') as o:
                o.write(i.read())
    return root


folder_pipeline = T.Compose([
    T.RandomResizedCrop(224),
    T.RandomHorizontalFlip(),
    T.ToTensor(),
    T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
])


def make_loader(w):
    if dataset == 'imagefolder':
        ds = ImageFolder(sys.argv[7], transform=folder_pipeline)
    elif dataset == 'fashion-mnist':
        ds = FashionMNIST(fashion_root(), train=False, transform=fashion_pipeline)
    else:
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
