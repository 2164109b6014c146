// Image.rotate (Pillow 9, Image.py + libImaging/Geometry.c) on PIL-like uint8 images: the
// inverse affine matrix as Python computes it, the transpose fast paths, and ImagingTransformAffine
// (16.16 fixed-point nearest, or the generic engine with Pillow's bilinear/bicubic filters).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "vision_pil.h"

// See vision_pil.cc: Pillow's products are rounded before each sum.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace tts {
namespace {

// Pillow's resample codes.
constexpr int64_t kNearest = 0, kBilinear = 2, kBicubic = 3;

// The source image; C (bytes per pixel: 1, 3 or 4) is a template parameter so that per-pixel
// copies compile to plain loads and stores.
template <int C>
struct Src {
  static constexpr int c = C;
  const uint8_t* data;
  int h, w;  // Pillow's sizes are C ints
  const uint8_t* at(int y, int x) const { return data + (static_cast<int64_t>(y) * w + x) * C; }
};

template <int C>
inline void Put(uint8_t* dst, const uint8_t* px) {
  for (int b = 0; b < C; b++) dst[b] = px[b];
}

inline int Floor(double v) { return v < 0.0 ? static_cast<int>(std::floor(v)) : static_cast<int>(v); }  // FLOOR
inline int Coord(double v) { return v < 0.0 ? -1 : static_cast<int>(v); }                             // COORD
template <class S>
inline int XClip(const S& im, int x) { return x < 0 ? 0 : x < im.w ? x : im.w - 1; }
template <class S>
inline int YClip(const S& im, int y) { return y < 0 ? 0 : y < im.h ? y : im.h - 1; }

// Python's float `x % 360.0`: the remainder takes the divisor's sign.
double PyMod360(double x) {
  double m = std::fmod(x, 360.0);
  if (m != 0.0) {
    if (m < 0.0) m += 360.0;
  } else {
    m = std::copysign(0.0, 360.0);
  }
  return m;
}

// Python's round(x, 15): the correctly rounded 15-decimal string, read back (glibc's printf
// rounds exactly, half to even, as CPython's dtoa does).
double PyRound15(double x) {
  if (!std::isfinite(x)) return x;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15f", x);
  return std::strtod(buf, nullptr);
}

// BILINEAR_HEAD/BODY of Geometry.c for one output pixel, every band.
template <class Src>
bool Bilinear(const Src& im, double xin, double yin, uint8_t* out) {
  if (xin < 0.0 || xin >= im.w || yin < 0.0 || yin >= im.h) return false;
  xin -= 0.5;
  yin -= 0.5;
  const int x = Floor(xin), y = Floor(yin);
  const double dx = xin - x, dy = yin - y;
  const int x0 = XClip(im, x), x1 = XClip(im, x + 1);
  const bool next = y + 1 >= 0 && y + 1 < im.h;
  for (int b = 0; b < im.c; b++) {
    const uint8_t* in = im.at(YClip(im, y), 0) + b;
    double v1 = in[x0 * im.c] + (in[x1 * im.c] - in[x0 * im.c]) * dx;
    double v2 = v1;
    if (next) {
      in = im.at(y + 1, 0) + b;
      v2 = in[x0 * im.c] + (in[x1 * im.c] - in[x0 * im.c]) * dx;
    }
    v1 = v1 + (v2 - v1) * dy;
    out[b] = static_cast<uint8_t>(v1);
  }
  return true;
}

// The BICUBIC macro: Pillow's cubic convolution (a = -1) in Horner form.
inline double Cubic(double v1, double v2, double v3, double v4, double d) {
  const double p1 = v2;
  const double p2 = -v1 + v3;
  const double p3 = 2 * (v1 - v2) + v3 - v4;
  const double p4 = -v1 + v2 - v3 + v4;
  return p1 + d * (p2 + d * (p3 + d * p4));
}

template <class Src>
bool Bicubic(const Src& im, double xin, double yin, uint8_t* out) {
  if (xin < 0.0 || xin >= im.w || yin < 0.0 || yin >= im.h) return false;
  xin -= 0.5;
  yin -= 0.5;
  int x = Floor(xin), y = Floor(yin);
  const double dx = xin - x, dy = yin - y;
  x--;
  y--;
  const int xs[4] = {XClip(im, x) * im.c, XClip(im, x + 1) * im.c, XClip(im, x + 2) * im.c, XClip(im, x + 3) * im.c};
  auto row = [&](int yy, int b) {
    const uint8_t* in = im.at(yy, 0) + b;
    return Cubic(in[xs[0]], in[xs[1]], in[xs[2]], in[xs[3]], dx);
  };
  for (int b = 0; b < im.c; b++) {
    // The first row is clamped; the later ones repeat the previous row when out of range.
    const double v1 = row(YClip(im, y), b);
    const double v2 = (y + 1 >= 0 && y + 1 < im.h) ? row(y + 1, b) : v1;
    const double v3 = (y + 2 >= 0 && y + 2 < im.h) ? row(y + 2, b) : v2;
    const double v4 = (y + 3 >= 0 && y + 3 < im.h) ? row(y + 3, b) : v3;
    const double v = Cubic(v1, v2, v3, v4, dy);
    out[b] = v <= 0.0 ? 0 : v >= 255.0 ? 255 : static_cast<uint8_t>(v);
  }
  return true;
}

// ImagingGenericTransform with affine_transform: pixels whose source falls outside get the fill.
template <class Src, class Filter>
void GenericAffine(const Src& im, uint8_t* out, int ow, int oh, const double a[6], const uint8_t* fill,
                   Filter filter) {
  for (int y = 0; y < oh; y++) {
    for (int x = 0; x < ow; x++) {
      const double xin = x + 0.5, yin = y + 0.5;
      const double xx = a[0] * xin + a[1] * yin + a[2];
      const double yy = a[3] * xin + a[4] * yin + a[5];
      uint8_t* dst = out + (static_cast<int64_t>(y) * ow + x) * Src::c;
      if (!filter(im, xx, yy, dst)) Put<Src::c>(dst, fill);
    }
  }
}

inline bool CheckFixed(const double a[6], int x, int y) {
  return std::fabs(x * a[0] + y * a[1] + a[2]) < 32768.0 && std::fabs(x * a[3] + y * a[4] + a[5]) < 32768.0;
}

// ImagingTransformAffine with NEAREST: ImagingScaleAffine, affine_fixed, or the float loop.
// Pixels whose source falls outside get the fill (Pillow leaves the pre-filled output there).
template <class Src>
void AffineNearest(const Src& im, uint8_t* out, int ow, int oh, const double a[6], const uint8_t* fill) {
  constexpr int c = Src::c;
  auto put = [&](int y, int x, const uint8_t* px) { Put<c>(out + (static_cast<int64_t>(y) * ow + x) * c, px); };
  const bool fixedPoint =
      CheckFixed(a, 0, 0) && CheckFixed(a, ow, oh) && CheckFixed(a, 0, oh) && CheckFixed(a, ow, 0);
  if ((a[1] == 0 && a[3] == 0) || !fixedPoint) {
    for (int64_t i = 0; i < static_cast<int64_t>(ow) * oh; i++) Put<c>(out + i * c, fill);
  }
  if (a[1] == 0 && a[3] == 0) {  // ImagingScaleAffine
    std::vector<int> xintab(ow, 0);
    double xo = a[2] + a[0] * 0.5;
    double yo = a[5] + a[4] * 0.5;
    int xmin = ow, xmax = 0;
    for (int x = 0; x < ow; x++) {
      const int xin = Coord(xo);
      if (xin >= 0 && xin < im.w) {
        xmax = x + 1;
        if (x < xmin) xmin = x;
        xintab[x] = xin;
      }
      xo += a[0];
    }
    for (int y = 0; y < oh; y++) {
      const int yi = Coord(yo);
      if (yi >= 0 && yi < im.h) {
        for (int x = xmin; x < xmax; x++) put(y, x, im.at(yi, xintab[x]));
      }
      yo += a[4];
    }
    return;
  }
  if (fixedPoint) {  // affine_fixed
    auto fix = [](double v) { return Floor(v * 65536.0 + 0.5); };  // 16.16 fixed point
    const int a0 = fix(a[0]), a1 = fix(a[1]), a3 = fix(a[3]), a4 = fix(a[4]);
    int a2 = fix(a[2] + a[0] * 0.5 + a[1] * 0.5);
    int a5 = fix(a[5] + a[3] * 0.5 + a[4] * 0.5);
    for (int y = 0; y < oh; y++) {
      int xx = a2, yy = a5;
      for (int x = 0; x < ow; x++) {
        const int xin = xx >> 16, yin = yy >> 16;
        put(y, x, xin >= 0 && xin < im.w && yin >= 0 && yin < im.h ? im.at(yin, xin) : fill);
        xx += a0;
        yy += a3;
      }
      a2 += a1;
      a5 += a4;
    }
    return;
  }
  double xo = a[2] + a[1] * 0.5 + a[0] * 0.5;
  double yo = a[5] + a[4] * 0.5 + a[3] * 0.5;
  for (int y = 0; y < oh; y++) {
    double xx = xo, yy = yo;
    for (int x = 0; x < ow; x++) {
      const int xin = Coord(xx);
      if (xin >= 0 && xin < im.w) {
        const int yin = Coord(yy);
        if (yin >= 0 && yin < im.h) put(y, x, im.at(yin, xin));
      }
      xx += a[0];
      yy += a[3];
    }
    xo += a[1];
    yo += a[4];
  }
}

template <class Src>
void Sample(const Src& im, uint8_t* out, int ow, int oh, const double a[6], const uint8_t* fill, int64_t resample) {
  if (resample == kNearest) {
    AffineNearest(im, out, ow, oh, a, fill);
  } else if (resample == kBilinear) {
    GenericAffine(im, out, ow, oh, a, fill, Bilinear<Src>);
  } else {
    GenericAffine(im, out, ow, oh, a, fill, Bicubic<Src>);
  }
}

// Transpose.ROTATE_90 / ROTATE_180 / ROTATE_270 (counter-clockwise quarter turns).
Tensor Transpose(const Tensor& t, int quarter) {
  const int64_t h = t.size(0), w = t.size(1), c = t.dim() == 3 ? t.size(2) : 1;
  std::vector<int64_t> shape = t.sizes().vec();
  if (quarter != 2) std::swap(shape[0], shape[1]);
  Tensor out = at::empty(shape, t.options());
  const uint8_t* in = t.data_ptr<uint8_t>();
  uint8_t* o = out.data_ptr<uint8_t>();
  const int64_t ow = shape[1];
  for (int64_t y = 0; y < h; y++) {
    for (int64_t x = 0; x < w; x++) {
      int64_t oy = h - 1 - y, ox = w - 1 - x;  // 180
      if (quarter == 1) oy = w - 1 - x, ox = y;
      if (quarter == 3) oy = x, ox = h - 1 - y;
      std::memcpy(o + (oy * ow + ox) * c, in + (y * w + x) * c, c);
    }
  }
  return out;
}

}  // namespace

Tensor PilRotate(const Tensor& img, double angle, int64_t resample, bool expand, double cx, double cy,
                 const std::vector<int64_t>& fill) {
  TORCH_CHECK(img.scalar_type() == at::kByte && img.device().is_cpu(), "rotate: expected a uint8 CPU image");
  TORCH_CHECK(img.dim() == 2 || (img.dim() == 3 && (img.size(2) == 1 || img.size(2) == 3 || img.size(2) == 4)),
              "rotate: expected an H×W or H×W×C (C in 1, 3, 4) image, got ", img.sizes());
  TORCH_CHECK(resample == kNearest || resample == kBilinear || resample == kBicubic, "rotate: bad resample ", resample);
  const Tensor t = img.contiguous();
  const int64_t c = t.dim() == 3 ? t.size(2) : 1;
  TORCH_CHECK(static_cast<int64_t>(fill.size()) == c, "rotate: expected ", c, " fill values, got ", fill.size());
  int w = static_cast<int>(t.size(1)), h = static_cast<int>(t.size(0));
  const bool centered = std::isnan(cx);

  angle = PyMod360(angle);
  if (centered) {  // Pillow's fast paths (only without an explicit center)
    if (angle == 0) return t.clone();
    if (angle == 180) return Transpose(t, 2);
    if ((angle == 90 || angle == 270) && (expand || w == h)) return Transpose(t, angle == 90 ? 1 : 3);
  }
  const double rcx = centered ? w / 2.0 : cx, rcy = centered ? h / 2.0 : cy;
  const double rad = -(angle * (M_PI / 180.0));  // -math.radians(angle)
  double m[6] = {PyRound15(std::cos(rad)), PyRound15(std::sin(rad)), 0.0,
                 PyRound15(-std::sin(rad)), PyRound15(std::cos(rad)), 0.0};
  auto transform = [&m](double x, double y, double* ox, double* oy) {
    *ox = m[0] * x + m[1] * y + m[2];
    *oy = m[3] * x + m[4] * y + m[5];
  };
  double t2, t5;
  transform(-rcx - 0, -rcy - 0, &t2, &t5);
  m[2] = t2 + rcx;
  m[5] = t5 + rcy;
  if (expand) {
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    const double corners[4][2] = {{0, 0}, {static_cast<double>(w), 0}, {static_cast<double>(w), static_cast<double>(h)},
                                  {0, static_cast<double>(h)}};
    for (const auto& p : corners) {
      double x, y;
      transform(p[0], p[1], &x, &y);
      xmin = std::min(xmin, x), xmax = std::max(xmax, x), ymin = std::min(ymin, y), ymax = std::max(ymax, y);
    }
    const int nw = static_cast<int>(std::ceil(xmax) - std::floor(xmin));
    const int nh = static_cast<int>(std::ceil(ymax) - std::floor(ymin));
    transform(-(nw - w) / 2.0, -(nh - h) / 2.0, &m[2], &m[5]);
    w = nw;
    h = nh;
  }

  const bool premultiplied = c == 4 && resample != kNearest;
  Tensor src = t;
  if (premultiplied) {
    src = t.clone();
    PilPremultiply(src.data_ptr<uint8_t>(), src.numel() / 4);
  }
  std::vector<int64_t> outShape = t.sizes().vec();
  outShape[0] = h;
  outShape[1] = w;
  Tensor out = at::empty(outShape, t.options());
  // Image.new(mode, size, fillcolor): the fill, clipped to 0..255, where no source pixel lands.
  uint8_t px[4];
  for (int64_t b = 0; b < c; b++) px[b] = static_cast<uint8_t>(std::clamp<int64_t>(fill[b], 0, 255));
  const uint8_t* data = src.data_ptr<uint8_t>();
  const int sh = static_cast<int>(src.size(0)), sw = static_cast<int>(src.size(1));
  if (c == 1) {
    Sample(Src<1>{data, sh, sw}, out.data_ptr<uint8_t>(), w, h, m, px, resample);
  } else if (c == 3) {
    Sample(Src<3>{data, sh, sw}, out.data_ptr<uint8_t>(), w, h, m, px, resample);
  } else {
    Sample(Src<4>{data, sh, sw}, out.data_ptr<uint8_t>(), w, h, m, px, resample);
  }
  if (premultiplied) PilUnpremultiply(out.data_ptr<uint8_t>(), out.numel() / 4);
  return out;
}

}  // namespace tts
