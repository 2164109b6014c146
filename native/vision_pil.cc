// Pillow's arithmetic on PIL-like uint8 images; see vision_pil.h. The expressions below keep
// Pillow's C types and evaluation order (float vs double, truncating casts, CLIP8), since the
// last bit of an intermediate decides a truncated byte.
#include "vision_pil.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

// Pillow rounds every product before the following sum; a fused multiply-add would not, and
// would change some truncated bytes (GCC contracts by default where the target has FMA).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace tts {
namespace {

// A contiguous PIL-like image: h rows of w pixels of c bytes (c = 1 for an H×W L image).
struct Img {
  Tensor t;
  int64_t h, w, c;
  const uint8_t* data;
};

Img CheckPil(const Tensor& img, const char* fn) {
  TORCH_CHECK(img.scalar_type() == at::kByte, fn, ": expected a uint8 PIL-like image, got ", img.scalar_type());
  TORCH_CHECK(img.device().is_cpu(), fn, ": expected a CPU image");
  const bool hwc = img.dim() == 3 && (img.size(2) == 1 || img.size(2) == 3 || img.size(2) == 4);
  TORCH_CHECK(img.dim() == 2 || hwc, fn, ": expected an H×W or H×W×C (C in 1, 3, 4) image, got ", img.sizes());
  Tensor t = img.contiguous();
  return {t, t.size(0), t.size(1), t.dim() == 3 ? t.size(2) : 1, t.data_ptr<uint8_t>()};
}

inline int Clip8(int v) { return v <= 0 ? 0 : v < 256 ? v : 255; }

// ImagingConvert RGB -> L: L24(rgb) >> 16.
inline int Gray(const uint8_t* p) { return (p[0] * 19595 + p[1] * 38470 + p[2] * 7471 + 0x8000) >> 16; }

// ImagingBlend: out = in1 + alpha * (in2 - in1) in C float, clipped, truncated. (Within [0, 1]
// Pillow skips the clip, which cannot trigger there.)
inline uint8_t Blend(int in1, int in2, float alpha) {
  const float temp = static_cast<float>(in1) + alpha * static_cast<float>(in2 - in1);
  if (temp <= 0.0f) return 0;
  if (temp >= 255.0f) return 255;
  return static_cast<uint8_t>(temp);
}

// Convert.c rgb2hsv_row, verbatim (note the double constants).
void Rgb2Hsv(const uint8_t* in, uint8_t* out) {
  float h, s, rc, gc, bc, cr;
  const uint8_t r = in[0], g = in[1], b = in[2];
  const uint8_t maxc = std::max(r, std::max(g, b));
  const uint8_t minc = std::min(r, std::min(g, b));
  uint8_t uh, us;
  if (minc == maxc) {
    uh = 0;
    us = 0;
  } else {
    cr = static_cast<float>(maxc - minc);
    s = cr / static_cast<float>(maxc);
    rc = static_cast<float>(maxc - r) / cr;
    gc = static_cast<float>(maxc - g) / cr;
    bc = static_cast<float>(maxc - b) / cr;
    if (r == maxc) {
      h = bc - gc;
    } else if (g == maxc) {
      h = 2.0 + rc - bc;
    } else {
      h = 4.0 + gc - rc;
    }
    h = std::fmod((h / 6.0 + 1.0), 1.0);
    uh = static_cast<uint8_t>(Clip8(static_cast<int>(h * 255.0)));
    us = static_cast<uint8_t>(Clip8(static_cast<int>(s * 255.0)));
  }
  out[0] = uh;
  out[1] = us;
  out[2] = maxc;
}

// Convert.c hsv2rgb, verbatim.
void Hsv2Rgb(const uint8_t* in, uint8_t* out) {
  const uint8_t h = in[0], s = in[1], v = in[2];
  if (s == 0) {
    out[0] = out[1] = out[2] = v;
    return;
  }
  const int i = static_cast<int>(std::floor(static_cast<float>(h) * 6.0 / 255.0));
  const float f = static_cast<float>(h) * 6.0 / 255.0 - static_cast<float>(i);
  const float fs = static_cast<float>(s) / 255.0;
  const uint8_t up = static_cast<uint8_t>(Clip8(static_cast<int>(std::round(static_cast<float>(v) * (1.0 - fs)))));
  const uint8_t uq = static_cast<uint8_t>(Clip8(static_cast<int>(std::round(static_cast<float>(v) * (1.0 - fs * f)))));
  const uint8_t ut =
      static_cast<uint8_t>(Clip8(static_cast<int>(std::round(static_cast<float>(v) * (1.0 - fs * (1.0 - f))))));
  const uint8_t table[6][3] = {{v, ut, up}, {uq, v, up}, {up, v, ut}, {up, uq, v}, {ut, up, v}, {v, up, uq}};
  std::memcpy(out, table[i % 6], 3);
}

}  // namespace

// Convert.c rgbA2rgba (MULDIV255) and rgba2rgbA.
void PilPremultiply(uint8_t* p, int64_t n) {
  for (int64_t i = 0; i < n; i++, p += 4) {
    const unsigned alpha = p[3];
    for (int b = 0; b < 3; b++) {
      const unsigned tmp = p[b] * alpha + 128;  // MULDIV255
      p[b] = static_cast<uint8_t>(((tmp >> 8) + tmp) >> 8);
    }
  }
}

void PilUnpremultiply(uint8_t* p, int64_t n) {
  for (int64_t i = 0; i < n; i++, p += 4) {
    const unsigned alpha = p[3];
    if (alpha == 255 || alpha == 0) continue;
    for (int b = 0; b < 3; b++) p[b] = static_cast<uint8_t>(std::min<unsigned>((255 * p[b]) / alpha, 255));
  }
}

Tensor PilEnhanceImage(const Tensor& img, PilEnhance kind, double factor) {
  const Img im = CheckPil(img, "adjust");
  const float alpha = static_cast<float>(factor);  // Image.blend parses alpha as a C float
  Tensor out = at::empty_like(im.t);
  uint8_t* o = out.data_ptr<uint8_t>();
  const uint8_t* p = im.data;
  const int64_t n = im.h * im.w;
  const int64_t c = im.c;
  const int64_t bands = c == 4 ? 3 : c;  // ImageEnhance puts the image's own alpha on the degenerate
  if (kind == PilEnhance::kColor) {
    if (c == 1) return out.copy_(im.t);  // convert('L') of an L image is itself: blend(x, x) = x
    for (int64_t i = 0; i < n; i++, p += c, o += c) {
      const int l = Gray(p);
      for (int64_t b = 0; b < 3; b++) o[b] = Blend(l, p[b], alpha);
      if (c == 4) o[3] = p[3];
    }
    return out;
  }
  int base = 0;  // brightness: the degenerate image is black
  if (kind == PilEnhance::kContrast && n > 0) {
    // int(ImageStat.Stat(image.convert('L')).mean[0] + 0.5): an exact integer sum, one division.
    int64_t sum = 0;
    for (int64_t i = 0; i < n; i++) sum += c >= 3 ? Gray(p + i * c) : p[i * c];
    base = static_cast<int>(static_cast<double>(sum) / static_cast<double>(n) + 0.5);
  }
  uint8_t lut[256];  // the degenerate is one value, so each output byte depends on the input byte only
  for (int v = 0; v < 256; v++) lut[v] = Blend(base, v, alpha);
  for (int64_t i = 0; i < n; i++, p += c, o += c) {
    for (int64_t b = 0; b < bands; b++) o[b] = lut[p[b]];
    if (c == 4) o[3] = p[3];
  }
  return out;
}

Tensor PilGray(const Tensor& img, int64_t channels) {
  const Img im = CheckPil(img, "rgb_to_grayscale");
  TORCH_CHECK(channels == 1 || channels == 3, "num_output_channels should be either 1 or 3");
  Tensor out = channels == 1 ? at::empty({im.h, im.w}, im.t.options()) : at::empty({im.h, im.w, 3}, im.t.options());
  uint8_t* o = out.data_ptr<uint8_t>();
  const int64_t n = im.h * im.w;
  for (int64_t i = 0; i < n; i++) {
    const uint8_t* p = im.data + i * im.c;
    const uint8_t l = static_cast<uint8_t>(im.c >= 3 ? Gray(p) : p[0]);
    if (channels == 1) {
      o[i] = l;
    } else {
      o[3 * i] = o[3 * i + 1] = o[3 * i + 2] = l;
    }
  }
  return out;
}

Tensor PilAdjustHue(const Tensor& img, double hue_factor) {
  const Img im = CheckPil(img, "adjust_hue");
  if (im.c == 1) return im.t;  // torchvision returns L images unchanged
  // np.uint8(hue_factor * 255): the float is truncated to an integer, which wraps modulo 256.
  const uint8_t shift = static_cast<uint8_t>(static_cast<int>(hue_factor * 255));
  Tensor out = at::empty_like(im.t);
  uint8_t* o = out.data_ptr<uint8_t>();
  const int64_t n = im.h * im.w;
  for (int64_t i = 0; i < n; i++) {
    uint8_t hsv[3];
    Rgb2Hsv(im.data + i * im.c, hsv);
    hsv[0] = static_cast<uint8_t>(hsv[0] + shift);
    Hsv2Rgb(hsv, o + i * im.c);
    if (im.c == 4) o[i * im.c + 3] = 255;  // HSV has no alpha: convert('RGBA') makes it opaque
  }
  return out;
}

}  // namespace tts
