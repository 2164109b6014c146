"""Python side of bench/image_decode: writes the benchmark's image files into argv[1] (Pillow's
JPEG encoder: 4:2:0 chroma, as most photo data sets are stored) and times torchvision's pil_loader
on them (open + convert('RGB'), file read included). argv: folder, repeats. Prints
{"file": µs per image}."""
import json
import os
import sys

import numpy as np
from PIL import Image
from torchvision.datasets.folder import pil_loader

from _timing import median_us

folder, repeats = sys.argv[1], int(sys.argv[2])
rs = np.random.RandomState(0)


def photo(h, w):
    """Smooth colour fields plus mild noise: compresses like a photo, not like flat colour or noise."""
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    base = np.stack([128 + 100 * np.sin(6 * xx + 2 * yy), 128 + 90 * np.cos(5 * yy), 255 * xx * yy], -1)
    return np.clip(base + rs.normal(0, 12, base.shape), 0, 255).astype(np.uint8)


FILES = {
    'jpeg_224x224_q90.jpg': dict(size=(224, 224), quality=90),
    'jpeg_500x375_q90.jpg': dict(size=(375, 500), quality=90),
    'jpeg_224x224_q90_progressive.jpg': dict(size=(224, 224), quality=90, progressive=True),
    'png_224x224_rgb.png': dict(size=(224, 224)),
}
for name, spec in FILES.items():
    kw = {k: v for k, v in spec.items() if k != 'size'}
    Image.fromarray(photo(*spec['size'])).save(os.path.join(folder, name), **kw)


def bench(path, budget=0.2):
    return median_us(pil_loader, path, budget, repeats)


print(json.dumps({name: bench(os.path.join(folder, name)) for name in FILES}))
