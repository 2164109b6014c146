"""Python side of bench/lenet_epoch: one training epoch of LeNet-5 on Fashion-MNIST.

Usage: lenet_epoch.py ROOT THREADS MAX_BATCHES SEED
ROOT holds FashionMNIST/raw/*-ubyte (torchvision's layout); MAX_BATCHES 0 means the whole epoch.
Prints JSON: params, epoch_s / epoch_cpu_s (wall and process CPU seconds of zero_grad, forward,
loss, backward and step over the loader), data_s / data_cpu_s (the same loader iterated without
training), batches and mean_loss.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.transforms as T
from torch.utils.data import DataLoader
from torchvision.datasets import FashionMNIST


class LeNet5(nn.Module):
    """lib/vision/models/lenet.ts layer for layer (max pooling, conv1 padded to 32x32 geometry)."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)
        self.pool = nn.MaxPool2d(2, 2)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.flatten(1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def main():
    root, threads, max_batches, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    transform = T.Compose([T.ToTensor(), T.Normalize((0.2860,), (0.3530,))])
    trainset = FashionMNIST(root, train=True, transform=transform)
    torch.manual_seed(seed)
    model = LeNet5()
    params = sum(p.numel() for p in model.parameters())
    loader = DataLoader(trainset, batch_size=64, shuffle=True, num_workers=0)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    model.train()
    total, batches = 0.0, 0
    c0, t0 = time.process_time(), time.perf_counter()
    for inputs, targets in loader:
        if max_batches and batches >= max_batches:
            break
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    epoch_s, epoch_cpu_s = time.perf_counter() - t0, time.process_time() - c0

    n = 0
    c0, t0 = time.process_time(), time.perf_counter()
    for inputs, targets in loader:
        if max_batches and n >= max_batches:
            break
        n += 1
    data_s, data_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({'params': params, 'epoch_s': epoch_s, 'epoch_cpu_s': epoch_cpu_s, 'data_s': data_s,
                      'data_cpu_s': data_cpu_s, 'batches': batches, 'mean_loss': total / batches}))


if __name__ == '__main__':
    main()
