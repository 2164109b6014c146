/**
 * Batched transforms for tensor images on any device: [N, C, H, W] (or one [C, H, W] image,
 * taken as a batch of one). Unlike the v1 classes, which make one random choice per call as
 * torchvision does, these draw one choice PER SAMPLE in a single RNG call on the tensor's device
 * (torch.randint / torch.rand of size N), so a whole CIFAR batch is augmented on the GPU in a few
 * kernels. Their random streams therefore do not match torchvision's per-image transforms.
 */
import * as torch from '../../index';
import { Tensor, dtype } from '../../index';
import type { Args } from '../../nn/functional';
import * as F from './functional';
import { bindArgs, setupSize } from './_image';
import type { PaddingMode } from './_image';
import { Compose, Transform, _record } from './transforms';

export { Compose };

/** A 3-D image runs as a batch of one and comes back 3-D. */
function batched(img: Tensor, op: (x: Tensor) => Tensor): Tensor {
  if (img.dim() === 4) return op(img);
  if (img.dim() === 3) return op(img.unsqueeze(0)).squeeze(0);
  throw new Error(`Expected a [N, C, H, W] or [C, H, W] tensor, got ${img.dim()} dimensions`);
}

export interface RandomCropOptions {
  padding?: number | readonly number[] | null;
  fill?: number;
  padding_mode?: PaddingMode;
}
const RANDOM_CROP_KEYS = ['padding', 'fill', 'padding_mode'] as const;

/**
 * RandomCrop(size, padding=None, fill=0, padding_mode='constant'), per sample: the batch is padded
 * once, then each sample's window is gathered at its own (i, j) (two gathers, no loops).
 */
export class RandomCrop extends Transform {
  readonly size: [number, number];
  readonly padding: number | readonly number[] | null;
  readonly fill: number;
  readonly padding_mode: PaddingMode;
  constructor(size: number | readonly number[], ...args: Args<RandomCropOptions, typeof RANDOM_CROP_KEYS>) {
    super();
    _record(this, RandomCrop, arguments, 'torchts:vision/transforms/v2');
    const o = bindArgs<RandomCropOptions>('RandomCrop', RANDOM_CROP_KEYS, args, {
      padding: null,
      fill: 0,
      padding_mode: 'constant',
    });
    this.size = setupSize(size, 'Please provide only two dimensions (h, w) for size.');
    [this.padding, this.fill, this.padding_mode] = [o.padding, o.fill, o.padding_mode];
  }
  override forward(img: Tensor): Tensor {
    return batched(img, (x0) => {
      const x = this.padding === null ? x0 : F.pad(x0, this.padding, this.fill, this.padding_mode);
      const [n, c, h, w] = x.shape;
      const [th, tw] = this.size;
      if (h < th || w < tw)
        throw new Error(`Required crop size (${th}, ${tw}) is larger than input image size (${h}, ${w})`);
      const dev = { device: x.device };
      const i = torch.randint(0, h - th + 1, [n], dev);
      const j = torch.randint(0, w - tw + 1, [n], dev);
      const rows = i.view(n, 1).add(torch.arange(th, dev)).view(n, 1, th, 1).expand(n, c, th, w);
      const cols = j.view(n, 1).add(torch.arange(tw, dev)).view(n, 1, 1, tw).expand(n, c, th, tw);
      return x.gather(2, rows).gather(3, cols);
    });
  }
}

/** RandomHorizontalFlip(p=0.5), per sample: one rand(N) < p mask selects the flipped samples. */
export class RandomHorizontalFlip extends Transform {
  constructor(readonly p = 0.5) {
    super();
    _record(this, RandomHorizontalFlip, arguments, 'torchts:vision/transforms/v2');
  }
  override forward(img: Tensor): Tensor {
    return batched(img, (x) => {
      const mask = torch
        .rand([x.size(0)], { device: x.device })
        .lt(this.p)
        .view(-1, 1, 1, 1);
      return x.flip(-1).where(mask, x);
    });
  }
}

/** Normalize(mean, std, inplace=False) on [..., C, H, W]: already batched. */
export class Normalize extends Transform {
  readonly inplace: boolean;
  constructor(
    readonly mean: readonly number[],
    readonly std: readonly number[],
    opts: { inplace?: boolean } = {},
  ) {
    super();
    _record(this, Normalize, arguments, 'torchts:vision/transforms/v2');
    this.inplace = opts.inplace ?? false;
  }
  override forward(t: Tensor): Tensor {
    return F.normalize(t, this.mean, this.std, this.inplace);
  }
}

/** ConvertImageDtype(dtype): elementwise, so any shape and device. */
export class ConvertImageDtype extends Transform {
  constructor(readonly dtype: dtype) {
    super();
    _record(this, ConvertImageDtype, arguments, 'torchts:vision/transforms/v2');
  }
  override forward(image: Tensor): Tensor {
    return F.convert_image_dtype(image, this.dtype);
  }
}
