/** torchvision/utils.py (0.14): make_grid and save_image (PNG through pngjs). */
import * as fs from 'fs';
import { PNG } from 'pngjs';
import { cat, full, is_tensor, no_grad, stack, Tensor, TorchError, uint8 } from '../index';

export interface MakeGridOptions {
  /** Images per row of the grid. */
  nrow?: number;
  padding?: number;
  /** Shift images to [0, 1] by `value_range` (default: the tensor's min and max). */
  normalize?: boolean;
  value_range?: readonly [number, number] | null;
  /** Normalize each image by its own min and max instead of the batch's. */
  scale_each?: boolean;
  pad_value?: number;
}

function normRange(t: Tensor, value_range: readonly [number, number] | null): void {
  const [low, high] = value_range ?? [t.min().item() as number, t.max().item() as number];
  t.clamp_(low, high);
  t.sub_(low).div_(Math.max(high - low, 1e-5));
}

/** A grid of images (B x C x H x W, or a list of C x H x W) as one C x H' x W' tensor. */
export function make_grid(input: Tensor | readonly Tensor[], opts: MakeGridOptions = {}): Tensor {
  const { nrow = 8, padding = 2, normalize = false, value_range = null, scale_each = false, pad_value = 0 } = opts;
  if (Array.isArray(input)) {
    for (const t of input) {
      if (!is_tensor(t)) {
        throw new TorchError(`tensor or list of tensors expected, got a list containing ${typeof t}`, 'TypeError');
      }
    }
  } else if (!is_tensor(input)) {
    throw new TorchError(`tensor or list of tensors expected, got ${typeof input}`, 'TypeError');
  }
  let tensor = Array.isArray(input) ? stack([...input], 0) : (input as Tensor);
  if (tensor.dim() === 2) tensor = tensor.unsqueeze(0); // single image H x W
  if (tensor.dim() === 3) {
    if (tensor.size(0) === 1) tensor = cat([tensor, tensor, tensor], 0); // single-channel to RGB
    tensor = tensor.unsqueeze(0);
  }
  if (tensor.dim() === 4 && tensor.size(1) === 1) tensor = cat([tensor, tensor, tensor], 1);

  if (normalize) {
    tensor = tensor.clone(); // the in-place steps below must not touch the caller's tensor
    const t = tensor;
    no_grad(() => {
      if (scale_each) for (let i = 0; i < t.size(0); i++) normRange(t.select(0, i), value_range);
      else normRange(t, value_range);
    });
  }
  if (tensor.size(0) === 1) return tensor.squeeze(0);

  const nmaps = tensor.size(0);
  const xmaps = Math.min(nrow, nmaps);
  const ymaps = Math.ceil(nmaps / xmaps);
  const height = tensor.size(2) + padding;
  const width = tensor.size(3) + padding;
  const grid = full([tensor.size(1), height * ymaps + padding, width * xmaps + padding], pad_value, {
    dtype: tensor.dtype,
    device: tensor.device,
  });
  const src = tensor;
  no_grad(() => {
    for (let k = 0; k < nmaps; k++) {
      const y = Math.floor(k / xmaps);
      const x = k % xmaps;
      const row = grid.narrow(1, y * height + padding, height - padding);
      const cell = row.narrow(2, x * width + padding, width - padding);
      cell.copy_(src.select(0, k));
    }
  });
  return grid;
}

/**
 * Saves a tensor (or a batch, through make_grid) as a PNG, rounding as torchvision does:
 * `mul(255).add_(0.5).clamp_(0, 255)` then a uint8 cast. Only PNG is written (`format` must be
 * 'png' or inferred from a `.png` file name).
 */
export function save_image(
  input: Tensor | readonly Tensor[],
  fp: string,
  opts: MakeGridOptions & { format?: string | null } = {},
): void {
  const { format = null, ...gridOpts } = opts;
  const fmt = (format ?? fp.split('.').pop() ?? '').toLowerCase();
  if (fmt !== 'png') {
    throw new TorchError(`save_image: only PNG is supported, got format '${fmt}' for ${fp}`, 'ValueError');
  }
  const png = no_grad(() => {
    const grid = make_grid(input, gridOpts);
    const hwc = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to('cpu').to(uint8).contiguous();
    const [h, w, c] = hwc.shape;
    const bytes = hwc.toTypedArray() as Uint8Array;
    const out = new PNG({ width: w, height: h, colorType: c === 1 ? 0 : c === 4 ? 6 : 2, inputColorType: 6 });
    // pngjs takes RGBA input; expand grey / RGB pixels into it.
    for (let i = 0; i < w * h; i++) {
      const o = i * 4;
      const p = i * c;
      out.data[o] = bytes[p];
      out.data[o + 1] = c >= 3 ? bytes[p + 1] : bytes[p];
      out.data[o + 2] = c >= 3 ? bytes[p + 2] : bytes[p];
      out.data[o + 3] = c === 4 ? bytes[p + 3] : 255;
    }
    return PNG.sync.write(out, { colorType: c === 1 ? 0 : c === 4 ? 6 : 2 });
  });
  fs.writeFileSync(fp, png);
}
