/**
 * Image files → uint8 HWC tensors, standing in for `PIL.Image.open(f).convert('RGB')`.
 * PNG and JPEG decode natively (native/image_decode.cc: libjpeg-turbo and libpng, byte-exact with
 * Debian's Pillow) when the addon was built with those libraries; otherwise, and for binary
 * PGM/PPM, in JS (pngjs, jpeg-js). The format comes from the file's magic bytes, not its name.
 * RGB conversion is PIL's: grey is replicated into R, G, B, alpha is dropped (not composited),
 * palettes are looked up.
 *
 * Known differences of the JS fallback from PIL: 16-bit PNG channels are rounded to 8 bits (PIL
 * keeps the high byte, and clips 16-bit grey to 255); JPEG decoders differ by a few levels (IDCT
 * and chroma upsampling details).
 */
import * as fs from 'fs';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { tensor } from '../../creation';
import { uint8 } from '../../dtype';
import { TorchError } from '../../errors';
import { N } from '../../native';
import type { Handle } from '../../native';
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

/**
 * pngjs blacks out (all four bytes 0) the pixels that match a grey / RGB image's tRNS colour key;
 * PIL keeps their colour and drops the transparency. Put the key's colour back.
 */
function restoreColourKey(png: PNG, rgba: Uint8Array): void {
  // Fields pngjs sets on a decoded image that its typings leave out.
  const {
    transColor: key,
    colorType,
    depth,
  } = png as PNG & { transColor?: number[]; colorType: number; depth: number };
  if (!key || (colorType !== 0 && colorType !== 2)) return;
  const max = 2 ** depth - 1;
  const rgb = (key.length === 1 ? [key[0], key[0], key[0]] : key).map((v) => Math.floor((v * 255) / max + 0.5));
  for (let j = 0; j < rgba.length; j += 4) {
    if (rgba[j + 3] === 0) [rgba[j], rgba[j + 1], rgba[j + 2]] = rgb;
  }
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

// Pillow's decompression-bomb limit: 2 * Image.MAX_IMAGE_PIXELS.
const MAX_PIXELS = 2 * Math.floor((1024 * 1024 * 1024) / 4 / 3);
const MAX_MP = MAX_PIXELS / 1e6;

function checkPixels(pixels: number, file: string): void {
  if (pixels <= MAX_PIXELS) return;
  const size = Number.isFinite(pixels) ? `${pixels} pixels` : 'more pixels than that';
  throw new TorchError(
    `Image size (${size}) exceeds limit of ${MAX_PIXELS} pixels, could be decompression bomb DOS attack. ('${file}')`,
    'DecompressionBombError',
  );
}

const isPng = (b: Uint8Array): boolean => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
// Pillow's JpegImagePlugin accepts FF D8 FF.
const isJpeg = (b: Uint8Array): boolean => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** Which formats this addon decodes natively (an addon built without libjpeg / libpng lacks them). */
export const nativeImageDecoders: { readonly jpeg: boolean; readonly png: boolean } = (() => {
  const [hasJpeg, hasPng] =
    typeof N.imageDecoders === 'function' ? (N.imageDecoders() as [boolean, boolean]) : [false, false];
  return Object.freeze({ jpeg: hasJpeg, png: hasPng });
})();

function decodesNatively(b: Uint8Array): boolean {
  return (nativeImageDecoders.png && isPng(b)) || (nativeImageDecoders.jpeg && isJpeg(b));
}

/** The JS decoders (pngjs, jpeg-js, PNM): the fallback when the addon has no native decoder. */
export function decodeImageJs(b: Uint8Array, file = '<bytes>'): DecodedImage {
  // Pillow's open() refuses these before decoding anything; so do the JS decoders (before allocating).
  if (isPng(b) && b.length >= 24) {
    const ihdr = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    checkPixels(ihdr.readUInt32BE(16) * ihdr.readUInt32BE(20), file);
  }
  try {
    if (isPng(b)) {
      const png = PNG.sync.read(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      restoreColourKey(png, png.data);
      return { width: png.width, height: png.height, rgb: rgbaToRgb(png.data, png.width * png.height) };
    }
    if (isJpeg(b)) {
      const opts = {
        useTArray: true as const,
        formatAsRGBA: false,
        maxMemoryUsageInMB: 2048,
        maxResolutionInMP: MAX_MP,
      };
      const img = jpeg.decode(b, opts);
      return { width: img.width, height: img.height, rgb: img.data };
    }
  } catch (e) {
    const message = (e as Error).message;
    if (/maxResolutionInMP/.test(message)) checkPixels(Infinity, file);
    throw new TorchError(`cannot decode image file '${file}': ${message}`, 'OSError');
  }
  if (b[0] === 0x50 && (b[1] === 0x35 || b[1] === 0x36)) return decodePnm(b, file);
  throw new TorchError(
    `cannot identify image file '${file}' (torchts decodes PNG, JPEG and binary PGM/PPM)`,
    'UnidentifiedImageError',
  );
}

/** The file's bytes as an RGB uint8 H×W×3 tensor (not yet marked as a PIL image). */
function decodeToTensor(b: Uint8Array, file: string): Tensor {
  if (decodesNatively(b)) return new Tensor(N.decodeImage(b, file) as Handle);
  const img = decodeImageJs(b, file);
  return tensor(img.rgb, { dtype: uint8 }).view(img.height, img.width, 3);
}

/** Decodes an image file's bytes to RGB, like PIL's open(...).convert('RGB'). */
export function decodeImage(b: Uint8Array, file = '<bytes>'): DecodedImage {
  if (!decodesNatively(b)) return decodeImageJs(b, file);
  const t = decodeToTensor(b, file);
  const [height, width] = t.shape;
  return { width, height, rgb: t.numpy() as Uint8Array };
}

/** torchvision's pil_loader: the file as an RGB uint8 H×W×3 PIL image. */
export function pil_loader(file: string): Tensor {
  return markPil(decodeToTensor(fs.readFileSync(file), file));
}

export function default_loader(file: string): Tensor {
  return pil_loader(file);
}

// DataLoader workers (num_workers > 0) look these up in their own thread rather than receive
// them: an ImageFolder with the default loader can be sent to workers.
pil_loader.workerRef = { module: 'torchts:vision/datasets', exportName: 'pil_loader' };
default_loader.workerRef = { module: 'torchts:vision/datasets', exportName: 'default_loader' };
