# Reference side of tests/image_decode.test.ts: writes JPEG/PNG fixtures into argv[1] (next to
# the jpeg-js files the test wrote), then opens every file there with Pillow as torchvision's
# pil_loader does (Image.open(f).convert('RGB')) and prints, per file, the pixels or the exception.
import json, os, struct, sys, warnings, zlib
import numpy as np
from PIL import Image

d = sys.argv[1]
rs = np.random.RandomState(0)
yy, xx = np.mgrid[0:45, 0:61]
grad = np.stack([xx * 4, yy * 5, 255 - xx * 2 - yy * 2], -1).astype(np.uint8)
# Smooth content plus noise: colour edges everywhere, the hard case for chroma upsampling.
photo = np.clip(grad.astype(int) + rs.randint(-60, 60, grad.shape), 0, 255).astype(np.uint8)


def save(name, img, **kw):
    img.save(os.path.join(d, name), **kw)


# JPEG: chroma subsampling 4:4:4 / 4:2:2 / 4:2:0, greyscale, progressive, optimized, CMYK (Pillow
# writes Adobe's inverted CMYK), odd sizes (partial MCUs), a 1x1 image.
for q in (75, 95):
    for sub, tag in ((0, '444'), (1, '422'), (2, '420')):
        save('photo%s_q%d.jpg' % (tag, q), Image.fromarray(photo), quality=q, subsampling=sub)
save('grad420.jpg', Image.fromarray(grad), quality=90)
save('grey.jpg', Image.fromarray(photo[..., 1]), quality=90)
save('prog420.jpg', Image.fromarray(photo), quality=85, progressive=True)
save('prog444.jpg', Image.fromarray(photo), quality=85, progressive=True, subsampling=0)
save('prog_grey.jpg', Image.fromarray(photo[..., 0]), quality=85, progressive=True)
save('optimized.jpg', Image.fromarray(photo), quality=80, optimize=True)
save('cmyk.jpg', Image.fromarray(photo).convert('CMYK'), quality=90)
save('cmyk_raw.jpg', Image.fromarray(np.concatenate([photo, photo[..., :1]], -1), 'CMYK'), quality=90)
save('odd_37x23.jpg', Image.fromarray(photo[:23, :37]), quality=90)
save('one_pixel.jpg', Image.fromarray(photo[:1, :1]), quality=90)


def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_rows(a, depth):
    """Rows of samples (H, W*channels) as PNG scanlines, each with filter byte 0."""
    out = b''
    for row in a:
        if depth == 16:
            body = row.astype('>u2').tobytes()
        elif depth == 8:
            body = row.astype(np.uint8).tobytes()
        else:
            per = 8 // depth
            padded = np.concatenate([row, np.zeros((-len(row)) % per, row.dtype)]).reshape(-1, per).astype(int)
            body = bytes(sum(int(v) << (8 - depth * (i + 1)) for i, v in enumerate(g)) for g in padded)
        out += b'\x00' + body
    return out


ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def write_png(name, samples, depth, ctype, interlace=False, extra=b''):
    """samples: H x W x C integers of the PNG's colour type."""
    h, w, c = samples.shape
    if interlace:
        raw = b''
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.size:
                raw += pack_rows(sub.reshape(sub.shape[0], -1), depth)
    else:
        raw = pack_rows(samples.reshape(h, -1), depth)
    ihdr = struct.pack('>IIBBBBB', w, h, depth, ctype, 0, 0, 1 if interlace else 0)
    data = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + extra
    data += chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)
    return data


# PNG: every colour type and bit depth, Adam7-interlaced variants, tRNS, a short palette whose
# indices go past its end (Pillow's palette is a grey ramp there).
H, W = 11, 13
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
plte = chunk(b'PLTE', rs.randint(0, 256, 3 * 200).astype(np.uint8).tobytes())
for ctype, depths in DEPTHS.items():
    for depth in depths:
        top = (1 << depth) - 1
        if ctype == 3:
            top = min(top, 199)
        # Grey 16-bit mixes values under and over 255: Pillow's mode I clips them when converting.
        samples = rs.randint(0, top + 1, (H, W, CHANNELS[ctype]))
        if ctype == 0 and depth == 16:
            samples[::2] = rs.randint(0, 300, (samples[::2].shape))
        extra = plte if ctype == 3 else b''
        for interlace in (False, True):
            name = 'c%d_%dbit%s.png' % (ctype, depth, '_adam7' if interlace else '')
            write_png(name, samples, depth, ctype, interlace, extra)
trns_grey = chunk(b'tRNS', struct.pack('>H', 7))
write_png('grey_trns.png', rs.randint(0, 16, (H, W, 1)), 8, 0, extra=trns_grey)
write_png('rgb_trns.png', rs.randint(0, 4, (H, W, 3)), 8, 2, extra=chunk(b'tRNS', struct.pack('>HHH', 1, 2, 3)))
write_png('pal_trns.png', rs.randint(0, 200, (H, W, 1)), 8, 3, extra=plte + chunk(b'tRNS', bytes(range(0, 250, 5))))
write_png('pal_short.png', rs.randint(0, 256, (H, W, 1)), 8, 3, extra=chunk(b'PLTE', bytes([10, 20, 30, 40, 50, 60])))
Image.fromarray(photo).save(os.path.join(d, 'pil_rgb.png'))
Image.fromarray(photo).quantize(50).save(os.path.join(d, 'pil_p.png'))

# Broken files: truncated in the image data, cut in the header, garbage after the magic, one
# missing only its EOI marker, a PNG header with a bad CRC.
full = open(os.path.join(d, 'photo420_q75.jpg'), 'rb').read()
for name, data in (('trunc_half.jpg', full[:len(full) // 2]), ('trunc_header.jpg', full[:100]),
                   ('trunc_no_eoi.jpg', full[:-2]), ('garbage.jpg', b'\xff\xd8\xff' + bytes(range(256)) * 4),
                   ('prog_trunc.jpg', open(os.path.join(d, 'prog420.jpg'), 'rb').read()[:-300])):
    open(os.path.join(d, name), 'wb').write(data)
png = open(os.path.join(d, 'pil_rgb.png'), 'rb').read()
for name, data in (('trunc_half.png', png[:len(png) // 2]), ('trunc_header.png', png[:20]),
                   ('bad_crc.png', png[:29] + b'\x00\x00\x00\x00' + png[33:])):
    open(os.path.join(d, name), 'wb').write(data)
# Decompression bombs: headers claiming more than 2 * Image.MAX_IMAGE_PIXELS pixels.
write_png('bomb.png', np.zeros((1, 1, 1), int), 8, 0)
bomb = bytearray(open(os.path.join(d, 'bomb.png'), 'rb').read())
bomb[16:24] = struct.pack('>II', 20000, 10000)
bomb[29:33] = struct.pack('>I', zlib.crc32(bytes(bomb[12:29])) & 0xFFFFFFFF)
open(os.path.join(d, 'bomb.png'), 'wb').write(bytes(bomb))
bomb = bytearray(open(os.path.join(d, 'one_pixel.jpg'), 'rb').read())
sof = bomb.index(b'\xff\xc0')
bomb[sof + 5:sof + 9] = struct.pack('>HH', 3000, 65000)
open(os.path.join(d, 'bomb.jpg'), 'wb').write(bytes(bomb))

out = {}
for name in sorted(os.listdir(d)):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')  # palette + tRNS conversion warns; the pixels are what matter
            a = np.asarray(Image.open(os.path.join(d, name)).convert('RGB'))
        out[name] = {'shape': list(a.shape), 'hex': a.tobytes().hex()}
    except Exception as e:
        out[name] = {'error': type(e).__name__, 'message': str(e)}
print(json.dumps(out))
