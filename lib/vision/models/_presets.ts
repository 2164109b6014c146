/**
 * torchvision/transforms/_presets.py `ImageClassification`, self-contained on torch ops (the
 * transforms package is written separately): resize the short edge (bilinear, no antialias: the
 * tensor default of torchvision 0.14), center crop, convert to float in [0, 1], normalize.
 * Takes CHW or BCHW tensors, uint8 (0..255) or floating point (already in [0, 1]).
 */
import { nn, tensor, Tensor, TorchError, uint8, float32, float64 } from '../../index';

export interface ImageClassificationOptions {
  crop_size: number;
  resize_size?: number;
  mean?: readonly number[];
  std?: readonly number[];
  interpolation?: 'bilinear' | 'nearest' | 'bicubic';
}

/** The preset's settings, as Python's repr prints them. */
export interface ImageClassificationSettings {
  readonly crop_size: number[];
  readonly resize_size: number[];
  readonly mean: number[];
  readonly std: number[];
  readonly interpolation: 'bilinear' | 'nearest' | 'bicubic';
}

/** The preset: call it on an image; its settings are readable properties. */
export interface ImageClassification extends ImageClassificationSettings {
  (img: Tensor): Tensor;
}

/** Python's round(): halves go to the even neighbour (center_crop's offsets depend on it). */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** F.resize with a single size: the short edge becomes `size`, the long edge `int(size * long / short)`. */
export function resizeShortEdge(img: Tensor, size: number, mode: 'bilinear' | 'nearest' | 'bicubic'): Tensor {
  const [h, w] = img.shape.slice(-2);
  const [short, long] = w <= h ? [w, h] : [h, w];
  const newLong = Math.trunc((size * long) / short);
  const [newH, newW] = w <= h ? [newLong, size] : [size, newLong];
  const squeeze = img.dim() === 3;
  let x = squeeze ? img.unsqueeze(0) : img;
  const outDtype = x.dtype;
  const cast = outDtype !== float32 && outDtype !== float64;
  if (cast) x = x.to(float32);
  const align_corners = mode === 'nearest' ? null : false;
  x = nn.functional.interpolate(x, { size: [newH, newW], mode, align_corners, antialias: false });
  if (cast) {
    if (mode === 'bicubic' && outDtype === uint8) x = x.clamp(0, 255);
    x = x.round().to(outDtype);
  }
  return squeeze ? x.squeeze(0) : x;
}

/** F.center_crop for a crop no larger than the image (the ImageNet presets' case). */
export function centerCrop(img: Tensor, size: number): Tensor {
  const [h, w] = img.shape.slice(-2);
  if (size > h || size > w) {
    throw new TorchError(`center_crop: crop size ${size} is larger than the image (${h}x${w})`, 'ValueError');
  }
  const top = Math.trunc(pyRound((h - size) / 2));
  const left = Math.trunc(pyRound((w - size) / 2));
  return img.narrow(-2, top, size).narrow(-1, left, size);
}

export function imageClassification(o: ImageClassificationOptions): ImageClassification {
  const settings: ImageClassificationSettings = {
    crop_size: [o.crop_size],
    resize_size: [o.resize_size ?? 256],
    mean: [...(o.mean ?? [0.485, 0.456, 0.406])],
    std: [...(o.std ?? [0.229, 0.224, 0.225])],
    interpolation: o.interpolation ?? 'bilinear',
  };
  const fn = (img: Tensor): Tensor => {
    if (!(img instanceof Tensor) || img.dim() < 3) {
      throw new TorchError('ImageClassification expects a CHW or BCHW image tensor', 'TypeError');
    }
    let x = resizeShortEdge(img, settings.resize_size[0], settings.interpolation);
    x = centerCrop(x, settings.crop_size[0]);
    // convert_image_dtype: integers scale by their maximum (uint8: 255), floats are kept.
    x = x.dtype === uint8 ? x.to(float32).div(255) : x.to(float32);
    const shape = [-1, 1, 1];
    const mean = tensor(settings.mean, { dtype: float32 }).view(shape);
    const std = tensor(settings.std, { dtype: float32 }).view(shape);
    return x.sub(mean).div(std);
  };
  return Object.freeze(Object.assign(fn, settings));
}
