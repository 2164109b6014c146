/**
 * adjust_hue: torchvision's tensor path (RGB → HSV, shift, HSV → RGB with the one-hot einsum),
 * op for op in one native call (native/vision_tensor.cc). PIL-like CPU images take Pillow's
 * 8-bit HSV round trip instead (_pil.ts), as torchvision does for PIL images; a PIL-like image on
 * a GPU takes the tensor path in C×H×W view.
 */
import { Tensor } from '../../index';
import { N } from '../../native';
import { checkTensor, getDimensions, isPilCpu, onChw } from './_image';
import { pilHue } from './_pil';

/** adjust_hue(img, hue_factor): hue_factor in [-0.5, 0.5] turns the hue wheel by that fraction. */
export function adjust_hue(img: Tensor, hue_factor: number): Tensor {
  checkTensor('adjust_hue', img);
  if (!(hue_factor >= -0.5 && hue_factor <= 0.5)) throw new Error(`hue_factor (${hue_factor}) is not in [-0.5, 0.5].`);
  const c = getDimensions(img)[0];
  // F_pil.adjust_hue takes any mode (RGBA too) and returns an L image unchanged.
  if (isPilCpu(img)) return c === 1 ? img : pilHue(img, hue_factor);
  if (c !== 1 && c !== 3) throw new TypeError(`Input image tensor permitted channel values are [1, 3], but found ${c}`);
  if (c === 1) return img; // as PIL
  return onChw(img, (x) => new Tensor(N.vision_adjust_hue(x._h, hue_factor)));
}
