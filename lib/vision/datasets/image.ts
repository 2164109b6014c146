/**
 * Image files → uint8 HWC tensors, standing in for `PIL.Image.open(f).convert('RGB')`.
 * PNG (pngjs) and JPEG (jpeg-js), plus binary PGM/PPM; the format comes from the file's magic
 * bytes, not its name. RGB conversion is PIL's: grey is replicated into R, G, B, alpha is
 * dropped (not composited), palettes are looked up.
 *
 * Known differences from PIL: 16-bit PNG channels are rounded to 8 bits (PIL keeps the high
 * byte, so values may differ by one level); JPEG decoders differ by a few levels (IDCT and
 * chroma upsampling details).
 */
import * as fs from 'fs';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { tensor } from '../../creation';
import { uint8 } from '../../dtype';
import { TorchError } from '../../errors';
import { Tensor } from '../../tensor';
import { markPil } from '../transforms/_image';

export interface DecodedImage {
  width: number;
  height: number;
  /** Interleaved RGB, 3 bytes per pixel. */
  rgb: Uint8Array;
}

function rgbaToRgb(rgba: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    out[i * 3] = rgba[j];
    out[i * 3 + 1] = rgba[j + 1];
    out[i * 3 + 2] = rgba[j + 2];
  }
  return out;
}

/** Binary PGM (P5) and PPM (P6) with maxval ≤ 255. */
function decodePnm(b: Uint8Array, file: string): DecodedImage {
  const text = Buffer.from(b.subarray(0, Math.min(b.length, 512))).toString('latin1');
  const m = /^P([56])(?:\s+(?:#[^\n]*\n\s*)*)(\d+)\s+(?:#[^\n]*\n\s*)*(\d+)\s+(?:#[^\n]*\n\s*)*(\d+)\s/.exec(text);
  if (!m) throw new TorchError(`cannot identify image file '${file}' (bad PNM header)`, 'UnidentifiedImageError');
  const [, kind, w, h, max] = m;
  const width = Number(w);
  const height = Number(h);
  if (Number(max) > 255) throw new TorchError(`${file}: 16-bit PNM images are not supported`, 'RuntimeError');
  const channels = kind === '5' ? 1 : 3;
  const body = b.subarray(m[0].length, m[0].length + width * height * channels);
  if (body.length < width * height * channels) throw new TorchError(`image file is truncated (${file})`, 'OSError');
  if (channels === 3) return { width, height, rgb: new Uint8Array(body) };
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < body.length; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = body[i];
  return { width, height, rgb };
}

/** Decodes an image file's bytes to RGB, like PIL's open(...).convert('RGB'). */
export function decodeImage(b: Uint8Array, file = '<bytes>'): DecodedImage {
  try {
    if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
      const png = PNG.sync.read(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      return { width: png.width, height: png.height, rgb: rgbaToRgb(png.data, png.width * png.height) };
    }
    if (b[0] === 0xff && b[1] === 0xd8) {
      const img = jpeg.decode(b, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 2048 });
      return { width: img.width, height: img.height, rgb: img.data };
    }
  } catch (e) {
    throw new TorchError(`cannot decode image file '${file}': ${(e as Error).message}`, 'OSError');
  }
  if (b[0] === 0x50 && (b[1] === 0x35 || b[1] === 0x36)) return decodePnm(b, file);
  throw new TorchError(
    `cannot identify image file '${file}' (torchts decodes PNG, JPEG and binary PGM/PPM)`,
    'UnidentifiedImageError',
  );
}

/** An RGB image as a uint8 H×W×3 tensor, marked as a PIL image (see transforms/_image.ts). */
export function rgbTensor(img: DecodedImage): Tensor {
  return markPil(tensor(img.rgb, { dtype: uint8 }).view(img.height, img.width, 3));
}

/** torchvision's pil_loader: the file as an RGB uint8 H×W×3 PIL image. */
export function pil_loader(file: string): Tensor {
  return rgbTensor(decodeImage(fs.readFileSync(file), file));
}

export function default_loader(file: string): Tensor {
  return pil_loader(file);
}

// DataLoader workers (num_workers > 0) look these up in their own thread rather than receive
// them: an ImageFolder with the default loader can be sent to workers.
pil_loader.workerRef = { module: 'torchts:vision/datasets', exportName: 'pil_loader' };
default_loader.workerRef = { module: 'torchts:vision/datasets', exportName: 'default_loader' };
