/**
 * adjust_hue: torchvision's tensor path (RGB → HSV, shift, HSV → RGB with the one-hot einsum),
 * op for op. PIL-like images take it too, in C×H×W view: Pillow's own HSV conversion is 8-bit and
 * differs from it by a few grey levels.
 */
import * as torch from '../../index';
import { Tensor } from '../../index';
import { checkTensor, getDimensions, onChw } from './_image';

function rgb2hsv(img: Tensor): Tensor {
  const [r, g, b] = img.unbind(-3);
  const maxc = img.max(-3).values;
  const minc = img.min(-3).values;
  const eqc = maxc.eq(minc);
  const cr = maxc.sub(minc);
  const ones = torch.ones_like(maxc);
  const s = cr.div(ones.where(eqc, maxc));
  const crDivisor = ones.where(eqc, cr);
  const rc = maxc.sub(r).div(crDivisor);
  const gc = maxc.sub(g).div(crDivisor);
  const bc = maxc.sub(b).div(crDivisor);
  const hr = maxc.eq(r).mul(bc.sub(gc));
  const hg = maxc.eq(g).logical_and(maxc.ne(r)).mul(rc.add(2.0).sub(bc));
  const hb = maxc.ne(g).logical_and(maxc.ne(r)).mul(gc.add(4.0).sub(rc));
  const h = hr.add(hg).add(hb).div(6.0).add(1.0).fmod(1.0);
  return torch.stack([h, s, maxc], -3);
}

function hsv2rgb(img: Tensor): Tensor {
  const [h, s, v] = img.unbind(-3);
  const i0 = h.mul(6.0).floor();
  const f = h.mul(6.0).sub(i0);
  const i = i0.to(torch.int32).remainder(6);
  const p = v.mul(s.rsub(1.0)).clamp(0.0, 1.0);
  const q = v.mul(s.mul(f).rsub(1.0)).clamp(0.0, 1.0);
  const t = v.mul(s.mul(f.rsub(1.0)).rsub(1.0)).clamp(0.0, 1.0);
  const mask = i.unsqueeze(-3).eq(torch.arange(6, { device: i.device }).view(-1, 1, 1));
  const a1 = torch.stack([v, q, p, p, t, v], -3);
  const a2 = torch.stack([t, v, v, q, p, p], -3);
  const a3 = torch.stack([p, p, t, v, v, q], -3);
  const a4 = torch.stack([a1, a2, a3], -4);
  return torch.einsum('...ijk, ...xijk -> ...xjk', mask.to(img.dtype), a4);
}

/** adjust_hue(img, hue_factor): hue_factor in [-0.5, 0.5] turns the hue wheel by that fraction. */
export function adjust_hue(img: Tensor, hue_factor: number): Tensor {
  checkTensor('adjust_hue', img);
  if (!(hue_factor >= -0.5 && hue_factor <= 0.5)) throw new Error(`hue_factor (${hue_factor}) is not in [-0.5, 0.5].`);
  const c = getDimensions(img)[0];
  if (c !== 1 && c !== 3) throw new TypeError(`Input image tensor permitted channel values are [1, 3], but found ${c}`);
  if (c === 1) return img; // as PIL
  return onChw(img, (x0) => {
    const origDtype = x0.dtype;
    const x = origDtype === torch.uint8 ? x0.to(torch.float32).div(255.0) : x0;
    const [h, s, v] = rgb2hsv(x).unbind(-3);
    const out = hsv2rgb(torch.stack([h.add(hue_factor).remainder(1.0), s, v], -3));
    return origDtype === torch.uint8 ? out.mul(255.0).to(origDtype) : out;
  });
}
