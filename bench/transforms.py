"""Python side of bench/transforms: µs per call of torchvision's random transforms on PIL images
(what datasets return), 3x32x32 and 3x224x224, then on tensor images (3xHxW float32 of the same
pixels), the same cases as bench/transforms.ts. argv: threads, repeats, then the pixel files
written by the TS side (raw HWC uint8). Prints {"case size": µs}."""
import json
import sys

import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image
from torchvision.transforms import InterpolationMode as IM

from _timing import median_us

torch.set_num_threads(int(sys.argv[1]))
repeats = int(sys.argv[2])
images = {}
for spec in sys.argv[3:]:
    size, path = spec.split('=')
    n = int(size)
    images[n] = Image.fromarray(np.fromfile(path, dtype=np.uint8).reshape(n, n, 3))


def cases(n):
    """The cases of bench/transforms.ts, in its order, for an n x n image."""
    return [
        ('RandomCrop(pad 4)', T.RandomCrop(n, padding=4)),
        ('RandomCrop(pad 4, reflect)', T.RandomCrop(n, padding=4, padding_mode='reflect')),
        ('RandomHorizontalFlip(p=1)', T.RandomHorizontalFlip(1.0)),
        ('RandomVerticalFlip(p=1)', T.RandomVerticalFlip(1.0)),
        ('ColorJitter(0.4, 0.4, 0.4)', T.ColorJitter(0.4, 0.4, 0.4)),
        ('ColorJitter(0.4, 0.4, 0.4, 0.1)', T.ColorJitter(0.4, 0.4, 0.4, 0.1)),
        ('RandomRotation(15)', T.RandomRotation(15)),
        ('RandomRotation(15, bilinear)', T.RandomRotation(15, IM.BILINEAR)),
        ('RandomResizedCrop', T.RandomResizedCrop(n)),
        ('Grayscale(3)', T.Grayscale(3)),
    ]


def tensor_cases(n):
    return [
        ('tensor RandomCrop(pad 4)', T.RandomCrop(n, padding=4)),
        ('tensor RandomHorizontalFlip(p=1)', T.RandomHorizontalFlip(1.0)),
        ('tensor ColorJitter(0.4, 0.4, 0.4)', T.ColorJitter(0.4, 0.4, 0.4)),
        ('tensor ColorJitter(0.4, 0.4, 0.4, 0.1)', T.ColorJitter(0.4, 0.4, 0.4, 0.1)),
        ('tensor RandomRotation(15)', T.RandomRotation(15)),
    ]


def bench(fn, img, budget):
    return median_us(fn, img, budget, repeats)


torch.manual_seed(0)
out = {}
for n, img in images.items():
    for name, fn in cases(n):
        out[f'{name} {n}'] = bench(fn, img, 0.2)
for n, img in images.items():
    chw = torch.from_numpy(np.array(img)).permute(2, 0, 1).float().div(255).contiguous()
    for name, fn in tensor_cases(n):
        out[f'{name} {n}'] = bench(fn, chw, 0.2)
print(json.dumps(out))
