// torchvision 0.14 functional_tensor colour ops; see vision_tensor.h. Each line mirrors one line
// of torchvision's Python (noted where Python's scalar-first operands are written tensor-first:
// the same IEEE operation, as addition and multiplication commute).
#include "vision_tensor.h"

namespace tts {
namespace {

// _blend: (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype). Python's
// `float * uint8 tensor` runs in float32; casting first is the same computation.
Tensor Blend(const Tensor& img1, const Tensor& img2, double ratio) {
  const bool fp = at::isFloatingType(img1.scalar_type());
  const double bound = fp ? 1.0 : 255.0;
  const Tensor a = fp ? img1 : img1.to(at::kFloat);
  const Tensor b = at::isFloatingType(img2.scalar_type()) ? img2 : img2.to(at::kFloat);
  return a.mul(ratio).add(b.mul(1.0 - ratio)).clamp(0, bound).to(img1.scalar_type());
}

// _rgb2hsv on float images.
Tensor Rgb2Hsv(const Tensor& img) {
  const auto rgb = img.unbind(-3);
  const Tensor &r = rgb[0], &g = rgb[1], &b = rgb[2];
  const Tensor maxc = std::get<0>(img.max(-3));
  const Tensor minc = std::get<0>(img.min(-3));
  const Tensor eqc = maxc.eq(minc);
  const Tensor cr = maxc.sub(minc);
  const Tensor ones = at::ones_like(maxc);
  const Tensor s = cr.div(at::where(eqc, ones, maxc));
  const Tensor crDivisor = at::where(eqc, ones, cr);
  const Tensor rc = maxc.sub(r).div(crDivisor);
  const Tensor gc = maxc.sub(g).div(crDivisor);
  const Tensor bc = maxc.sub(b).div(crDivisor);
  const Tensor hr = maxc.eq(r).mul(bc.sub(gc));
  const Tensor hg = maxc.eq(g).logical_and(maxc.ne(r)).mul(rc.add(2.0).sub(bc));  // (2.0 + rc - bc)
  const Tensor hb = maxc.ne(g).logical_and(maxc.ne(r)).mul(gc.add(4.0).sub(rc));  // (4.0 + gc - rc)
  const Tensor h = at::fmod(hr.add(hg).add(hb).div(6.0).add(1.0), 1.0);
  return at::stack({h, s, maxc}, -3);
}

// _hsv2rgb: the six sector cases selected by a one-hot mask and an einsum, as torchvision.
Tensor Hsv2Rgb(const Tensor& img) {
  const auto hsv = img.unbind(-3);
  const Tensor &h = hsv[0], &s = hsv[1], &v = hsv[2];
  const Tensor i0 = at::floor(h.mul(6.0));
  const Tensor f = h.mul(6.0).sub(i0);
  const Tensor i = i0.to(at::kInt).remainder(6);
  const Tensor p = at::clamp(v.mul(at::rsub(s, 1.0)), 0.0, 1.0);
  const Tensor q = at::clamp(v.mul(at::rsub(s.mul(f), 1.0)), 0.0, 1.0);
  const Tensor t = at::clamp(v.mul(at::rsub(s.mul(at::rsub(f, 1.0)), 1.0)), 0.0, 1.0);
  const Tensor mask = i.unsqueeze(-3).eq(at::arange(6, at::TensorOptions().device(i.device())).view({-1, 1, 1}));
  const Tensor a1 = at::stack({v, q, p, p, t, v}, -3);
  const Tensor a2 = at::stack({t, v, v, q, p, p}, -3);
  const Tensor a3 = at::stack({p, p, t, v, v, q}, -3);
  const Tensor a4 = at::stack({a1, a2, a3}, -4);
  return at::einsum("...ijk, ...xijk -> ...xjk", {mask.to(img.scalar_type()), a4});
}

}  // namespace

Tensor TensorGrayscale(const Tensor& img, int64_t channels) {
  TORCH_CHECK(img.dim() >= 3, "Input image tensor should have at least 3 dimensions, but found ", img.dim());
  Tensor l;
  if (img.size(-3) == 3) {
    const auto rgb = img.unbind(-3);
    // (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype)
    l = rgb[0].mul(0.2989).add(rgb[1].mul(0.587)).add(rgb[2].mul(0.114)).to(img.scalar_type()).unsqueeze(-3);
  } else {
    l = img.clone();
  }
  return channels == 3 ? l.expand(img.sizes()) : l;
}

Tensor TensorAdjustColor(const Tensor& img, TensorAdjust kind, double factor) {
  TORCH_CHECK(img.dim() >= 3, "Tensor is not a torch image.");
  const int64_t c = img.size(-3);
  switch (kind) {
    case TensorAdjust::kBrightness:
      return Blend(img, at::zeros_like(img), factor);
    case TensorAdjust::kContrast: {
      const ScalarType dt = at::isFloatingType(img.scalar_type()) ? img.scalar_type() : at::kFloat;
      const Tensor gray = c == 3 ? TensorGrayscale(img, 1) : img;
      return Blend(img, gray.to(dt).mean({-3, -2, -1}, true), factor);
    }
    default:
      if (c == 1) return img;  // as PIL
      return Blend(img, TensorGrayscale(img, 1), factor);
  }
}

Tensor TensorAdjustHue(const Tensor& img, double hue_factor) {
  TORCH_CHECK(img.dim() >= 3, "Tensor is not a torch image.");
  if (img.size(-3) == 1) return img;  // as PIL
  const ScalarType orig = img.scalar_type();
  const Tensor x = orig == at::kByte ? img.to(at::kFloat).div(255.0) : img;
  const auto hsv = Rgb2Hsv(x).unbind(-3);
  const Tensor h = hsv[0].add(hue_factor).remainder(1.0);
  const Tensor out = Hsv2Rgb(at::stack({h, hsv[1], hsv[2]}, -3));
  return orig == at::kByte ? out.mul(255.0).to(orig) : out;
}

}  // namespace tts
