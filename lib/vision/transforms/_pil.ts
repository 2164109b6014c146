/**
 * Pillow's arithmetic for the colour ops torchvision runs on PIL images, so
 * `adjust_brightness/contrast/saturation/hue` and `rgb_to_grayscale` on a PIL-like image give
 * Pillow's exact bytes (Pillow 9: ImageEnhance + Image.blend, convert('L'), convert('HSV')).
 * CPU images take one fused native each (native/vision_pil.cc); others (a uint8 HWC image on a
 * GPU) take the same arithmetic as tensor ops. Each returns a marked PIL image (see _image.ts).
 */
import * as torch from '../../index';
import { Tensor } from '../../index';
import { N } from '../../native';
import { markPil } from './_image';

/** convert('L'): L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16 (Pillow's fixed-point ITU-R 601-2). */
function pilGrayOps(img: Tensor): Tensor {
  if (img.dim() === 2) return img.clone();
  if (img.size(2) === 1) return img.select(2, 0).clone();
  const [r, g, b] = img.narrow(2, 0, 3).to(torch.int32).unbind(2);
  const l = r.mul(19595).add(g.mul(38470)).add(b.mul(7471)).add(0x8000);
  return l.div(65536, { rounding_mode: 'floor' }).to(torch.uint8);
}

/** An L image back in the input's mode: convert('RGB') repeats L; alpha is 255 (convert('RGBA')). */
function fromGray(l: Tensor, like: Tensor): Tensor {
  if (like.dim() === 2) return l;
  const c = like.size(2);
  const rgb = l.unsqueeze(2).expand(l.size(0), l.size(1), Math.min(c, 3));
  if (c !== 4) return rgb.contiguous();
  return torch.cat([rgb, torch.full([l.size(0), l.size(1), 1], 255, { dtype: torch.uint8, device: l.device })], 2);
}

/**
 * Image.blend(deg, img, alpha): deg + alpha * (img - deg) in C float (ImagingBlend takes a float
 * alpha), truncated to uint8, clipped first when alpha extrapolates. ImageEnhance keeps the
 * image's own alpha channel.
 */
function blend(deg: Tensor, img: Tensor, alpha: number): Tensor {
  const d = deg.to(torch.float32);
  const out = d.add(img.to(torch.float32).sub(d).mul(alpha)).clamp(0, 255).to(torch.uint8);
  if (img.dim() === 3 && img.size(2) === 4) return torch.cat([out.narrow(2, 0, 3), img.narrow(2, 3, 1)], 2);
  return out;
}

// ImageEnhance kinds of the native (PilEnhance in native/vision_pil.h).
const BRIGHTNESS = 0;
const CONTRAST = 1;
const COLOR = 2;

export function pilBrightness(img: Tensor, factor: number): Tensor {
  if (!img.is_cuda) return markPil(new Tensor(N.vision_pil_enhance(img._h, BRIGHTNESS, factor)));
  return markPil(blend(torch.zeros_like(img), img, factor));
}

/** ImageEnhance.Contrast: the degenerate image is the L mean, int(mean + 0.5), in every band. */
export function pilContrast(img: Tensor, factor: number): Tensor {
  if (!img.is_cuda) return markPil(new Tensor(N.vision_pil_enhance(img._h, CONTRAST, factor)));
  const mean = Math.floor(Number(pilGrayOps(img).to(torch.float64).mean().item()) + 0.5);
  return markPil(blend(torch.full_like(img, mean), img, factor));
}

/** ImageEnhance.Color: the degenerate image is convert('L').convert(mode). */
export function pilSaturation(img: Tensor, factor: number): Tensor {
  if (!img.is_cuda) return markPil(new Tensor(N.vision_pil_enhance(img._h, COLOR, factor)));
  return markPil(blend(fromGray(pilGrayOps(img), img), img, factor));
}

/** to_grayscale(img, n): convert('L'), stacked to 3 equal bands for n = 3. */
export function pilToGrayscale(img: Tensor, numOutputChannels: number): Tensor {
  if (!img.is_cuda) return markPil(new Tensor(N.vision_pil_gray(img._h, numOutputChannels)));
  const l = pilGrayOps(img);
  if (numOutputChannels === 1) return markPil(l); // an L image: H×W, as np.array(pil_l_image)
  return markPil(l.unsqueeze(2).expand(l.size(0), l.size(1), 3).contiguous());
}

/**
 * F_pil.adjust_hue on a CPU image: convert('HSV') (8-bit H, S, V), H += np.uint8(hue_factor * 255)
 * with uint8 wrap-around, convert back (an RGBA image comes back opaque, as Pillow's HSV has no
 * alpha). L images are returned unchanged, as torchvision does.
 */
export function pilHue(img: Tensor, hue_factor: number): Tensor {
  return markPil(new Tensor(N.vision_pil_hue(img._h, hue_factor)));
}
