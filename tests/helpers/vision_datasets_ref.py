# Reference side of tests/vision_datasets.test.ts: writes the fixtures only Python can write
# (CIFAR pickles, PIL-made PNG/JPEG files) into argv[1], then reads them, the real Debian
# Fashion-MNIST files and FakeData with torchvision, and prints the results as JSON.
import gzip, hashlib, io, json, os, pickle, shutil, struct, sys, tarfile
import numpy as np
import torch
from PIL import Image
import torchvision.datasets as D

tmp = sys.argv[1]
out = {}
rs = np.random.RandomState(0)


def md5(p):
    return hashlib.md5(open(p, 'rb').read()).hexdigest()


def py2_pickle(obj):
    """Protocol 2 as Python 2's cPickle wrote the real CIFAR files: str is BINSTRING."""
    b = io.BytesIO()
    w = b.write

    def s(x):
        raw = x.encode('latin1') if isinstance(x, str) else x
        w(b'U' + bytes([len(raw)]) + raw if len(raw) < 256 else b'T' + struct.pack('<i', len(raw)) + raw)

    def v(x):
        if isinstance(x, dict):
            w(b'}(')
            for k, val in x.items():
                s(k)
                v(val)
            w(b'u')
        elif isinstance(x, list):
            w(b'](')
            for i in x:
                v(i)
            w(b'e')
        elif isinstance(x, (str, bytes)):
            s(x)
        elif isinstance(x, int):
            w(b'K' + bytes([x]) if 0 <= x < 256 else b'J' + struct.pack('<i', x))
        elif isinstance(x, np.ndarray):
            w(b'cnumpy.core.multiarray\n_reconstruct\nq\x01cnumpy\nndarray\nq\x02K\x00\x85U\x01b\x87R(K\x01')
            w(b'(' + b''.join(b'J' + struct.pack('<i', d) for d in x.shape) + b't')
            w(b'cnumpy\ndtype\nU\x02' + x.dtype.str[1:].encode() + b'K\x00K\x01\x87R(K\x03U\x01|NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb')
            w(b'\x89')
            s(x.tobytes())
            w(b'tb')
        else:
            raise TypeError(type(x))

    w(b'\x80\x02')
    v(obj)
    w(b'.')
    return b.getvalue()


def write_cifar(folder, names, batches, meta_name, meta, label_key, dump):
    d = os.path.join(tmp, 'cifar', folder)
    os.makedirs(d, exist_ok=True)
    for name, n in batches:
        entry = {'batch_label': 'batch ' + name, label_key: [int(x) for x in rs.randint(0, len(names), n)],
                 'data': rs.randint(0, 256, (n, 3072)).astype(np.uint8), 'filenames': ['img_%d.png' % i for i in range(n)]}
        open(os.path.join(d, name), 'wb').write(dump(entry))
    open(os.path.join(d, meta_name), 'wb').write(dump(meta))
    return {name: md5(os.path.join(d, name)) for name in [b[0] for b in batches] + [meta_name]}


names10 = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']
out['cifar10_md5'] = write_cifar('cifar-10-batches-py', names10,
                                 [('data_batch_%d' % i, 4) for i in range(1, 6)] + [('test_batch', 3)],
                                 'batches.meta', {'label_names': names10, 'num_cases_per_batch': 4, 'num_vis': 3072},
                                 'labels', py2_pickle)
names100 = ['name_%d' % i for i in range(100)]
out['cifar100_md5'] = write_cifar('cifar-100-python', names100, [('train', 6), ('test', 2)], 'meta',
                                  {'fine_label_names': names100, 'coarse_label_names': names100[:20]}, 'fine_labels',
                                  lambda o: pickle.dumps(o, protocol=4))
with tarfile.open(os.path.join(tmp, 'cifar-10-python.tar.gz'), 'w:gz') as t:
    t.add(os.path.join(tmp, 'cifar', 'cifar-10-batches-py'), arcname='cifar-10-batches-py')
out['cifar10_tgz_md5'] = md5(os.path.join(tmp, 'cifar-10-python.tar.gz'))
# Other pickle protocols and bytes keys (b'data'), for the reader alone.
arr = (np.arange(24, dtype=np.int32) * 1000 - 5000).reshape(2, 3, 4)
for p in (2, 3, 5):
    open(os.path.join(tmp, 'np_p%d.pkl' % p), 'wb').write(pickle.dumps({b'data': arr, 'f': arr.astype(np.float32).T, 'l': [1, 2]}, protocol=p))


def cifar(cls, train):
    folder = cls.base_folder
    md5s = out['cifar10_md5' if cls is D.CIFAR10 else 'cifar100_md5']

    class Patched(cls):
        train_list = [[f, md5s[f]] for f, _ in cls.train_list]
        test_list = [[f, md5s[f]] for f, _ in cls.test_list]
        meta = dict(cls.meta, md5=md5s[cls.meta['filename']])

    ds = Patched(os.path.join(tmp, 'cifar'), train=train)
    img, target = ds[1]
    return {'shape': list(ds.data.shape), 'data': ds.data.tobytes().hex(), 'targets': ds.targets, 'classes': ds.classes,
            'item1': np.asarray(img).tobytes().hex(), 'target1': target}


out['cifar10_train'] = cifar(D.CIFAR10, True)
out['cifar10_test'] = cifar(D.CIFAR10, False)
out['cifar100_train'] = cifar(D.CIFAR100, True)

# ImageFolder: TS wrote PNGs (pngjs) and a JPEG (jpeg-js); PIL adds palette, LA and JPEG files.
folder = os.path.join(tmp, 'folder')
pal = Image.fromarray(rs.randint(0, 4, (5, 7)).astype(np.uint8), 'P')
pal.putpalette([10, 20, 30, 200, 100, 50, 0, 255, 0, 1, 2, 3] + [0] * 756)
pal.save(os.path.join(folder, 'b_pal', 'p.png'))
Image.fromarray(rs.randint(0, 256, (4, 6, 2)).astype(np.uint8), 'LA').save(os.path.join(folder, 'b_pal', 'la.png'))
# JPEGs are smooth gradients: on noise, decoders' chroma upsampling differs by tens of levels.
yy, xx = np.mgrid[0:16, 0:24]
grad = np.stack([xx * 10, yy * 15, 255 - xx * 5 - yy * 5], -1).astype(np.uint8)
Image.fromarray(grad).save(os.path.join(folder, 'c_jpg', 'rgb420.jpg'), quality=90)
Image.fromarray(grad).save(os.path.join(folder, 'c_jpg', 'rgb444.jpg'), quality=90, subsampling=0)
Image.fromarray((yy[:9, :13] * 20 + xx[:9, :13] * 3).astype(np.uint8)).save(os.path.join(folder, 'c_jpg', 'gray.JPEG'), quality=95)
ds = D.ImageFolder(folder)
out['folder'] = {'classes': ds.classes, 'class_to_idx': ds.class_to_idx,
                 'samples': [[os.path.relpath(p, folder), t] for p, t in ds.samples],
                 'pixels': [{'shape': list(np.asarray(img).shape), 'hex': np.asarray(img).tobytes().hex()} for img, _ in ds]}

# The real Fashion-MNIST from Debian, extracted where torchvision looks.
raw = os.path.join(tmp, 'fm', 'FashionMNIST', 'raw')
os.makedirs(raw)
for f in ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'):
    with gzip.open('/usr/share/datasets/fashion-mnist/%s.gz' % f) as src, open(os.path.join(raw, f), 'wb') as dst:
        shutil.copyfileobj(src, dst)
fm = {}
for train in (True, False):
    ds = D.FashionMNIST(os.path.join(tmp, 'fm'), train=train)
    idx = [0, 1, 12345, len(ds) - 1] if train else [0, 9999]
    fm['train' if train else 'test'] = {
        'len': len(ds), 'classes': ds.classes, 'targets_sum': int(ds.targets.sum()), 'data_sum': int(ds.data.long().sum()),
        'items': [[i, np.asarray(ds[i][0]).tobytes().hex(), ds[i][1]] for i in idx]}
out['fashion'] = fm

fake = []
for size, shape, ncls, off in ((4, (3, 8, 6), 7, 3), (3, (1, 5, 4), 10, 0)):
    ds = D.FakeData(size=size, image_size=shape, num_classes=ncls, random_offset=off)
    fake.append([{'shape': list(np.asarray(img).shape), 'hex': np.asarray(img).tobytes().hex(), 'target': t} for img, t in ds])
out['fake'] = fake
print(json.dumps(out))
