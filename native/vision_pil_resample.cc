// Image.resize (Pillow 9, _imaging.c _resize + libImaging/Resample.c) on a crop of a PIL-like
// uint8 image: NEAREST through ImagingScaleAffine's index tables; BILINEAR and BICUBIC through
// ImagingResample's two separable passes (horizontal first, over the rows the vertical pass
// reads) with coefficients in 22-bit fixed point and an 8-bit intermediate image, as Pillow.
#include <algorithm>
#include <cmath>
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

constexpr int kPrecisionBits = 32 - 8 - 2;

// An image view: `h` rows of `w` pixels of `c` bytes, rows `stride` bytes apart.
struct View {
  const uint8_t* data;
  int64_t h, w, c, stride;
};

double BilinearFilter(double x) {
  if (x < 0.0) x = -x;
  if (x < 1.0) return 1.0 - x;
  return 0.0;
}

double BicubicFilter(double x) {
  constexpr double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

// precompute_coeffs + normalize_coeffs_8bpc for the box [0, inSize) (Pillow's float box).
struct Coeffs {
  int ksize;
  std::vector<int> bounds;  // xmin, count per output pixel
  std::vector<int32_t> kk;  // ksize fixed-point weights per output pixel
};

Coeffs Precompute(int inSize, int outSize, double (*filter)(double), double filterSupport) {
  const float in0 = 0.0f, in1 = static_cast<float>(inSize);
  double filterscale, scale;
  filterscale = scale = static_cast<double>(in1 - in0) / outSize;
  if (filterscale < 1.0) filterscale = 1.0;
  const double support = filterSupport * filterscale;
  const int ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  std::vector<double> pre(static_cast<size_t>(outSize) * ksize, 0.0);
  Coeffs c{ksize, std::vector<int>(static_cast<size_t>(outSize) * 2), {}};
  for (int xx = 0; xx < outSize; xx++) {
    const double center = in0 + (xx + 0.5) * scale;
    double ww = 0.0;
    const double ss = 1.0 / filterscale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    double* k = &pre[static_cast<size_t>(xx) * ksize];
    for (int x = 0; x < xmax; x++) {
      const double w = filter((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (int x = 0; x < xmax; x++) {
      if (ww != 0.0) k[x] /= ww;
    }
    c.bounds[xx * 2] = xmin;
    c.bounds[xx * 2 + 1] = xmax;
  }
  c.kk.resize(pre.size());
  for (size_t i = 0; i < pre.size(); i++) {
    c.kk[i] = pre[i] < 0 ? static_cast<int>(-0.5 + pre[i] * (1 << kPrecisionBits))
                         : static_cast<int>(0.5 + pre[i] * (1 << kPrecisionBits));
  }
  return c;
}

inline uint8_t Clip8(int ss) { return static_cast<uint8_t>(std::clamp(ss >> kPrecisionBits, 0, 255)); }

// ImagingResampleHorizontal_8bpc over source rows [offset, offset + outH).
template <int C>
void Horizontal(const View& in, uint8_t* out, int64_t outW, int64_t outH, int64_t offset, const Coeffs& k) {
  for (int64_t yy = 0; yy < outH; yy++) {
    const uint8_t* row = in.data + (yy + offset) * in.stride;
    for (int64_t xx = 0; xx < outW; xx++) {
      const int xmin = k.bounds[xx * 2], xmax = k.bounds[xx * 2 + 1];
      const int32_t* w = &k.kk[xx * k.ksize];
      int ss[C];
      for (int b = 0; b < C; b++) ss[b] = 1 << (kPrecisionBits - 1);
      for (int x = 0; x < xmax; x++) {
        const uint8_t* px = row + (x + xmin) * C;
        for (int b = 0; b < C; b++) ss[b] += px[b] * w[x];
      }
      for (int b = 0; b < C; b++) out[(yy * outW + xx) * C + b] = Clip8(ss[b]);
    }
  }
}

// ImagingResampleVertical_8bpc.
template <int C>
void Vertical(const View& in, uint8_t* out, int64_t outH, const Coeffs& k) {
  for (int64_t yy = 0; yy < outH; yy++) {
    const int ymin = k.bounds[yy * 2], ymax = k.bounds[yy * 2 + 1];
    const int32_t* w = &k.kk[yy * k.ksize];
    for (int64_t xx = 0; xx < in.w; xx++) {
      int ss[C];
      for (int b = 0; b < C; b++) ss[b] = 1 << (kPrecisionBits - 1);
      for (int y = 0; y < ymax; y++) {
        const uint8_t* px = in.data + (y + ymin) * in.stride + xx * C;
        for (int b = 0; b < C; b++) ss[b] += px[b] * w[y];
      }
      for (int b = 0; b < C; b++) out[(yy * in.w + xx) * C + b] = Clip8(ss[b]);
    }
  }
}

// ImagingResampleInner for box (0, 0, w, h).
template <int C>
void Resample(const View& in, uint8_t* out, int64_t outH, int64_t outW, double (*filter)(double), double support) {
  const bool needH = outW != in.w, needV = outH != in.h;
  Coeffs vert = Precompute(static_cast<int>(in.h), static_cast<int>(outH), filter, support);
  const int yFirst = vert.bounds[0];
  const int yLast = vert.bounds[outH * 2 - 2] + vert.bounds[outH * 2 - 1];
  std::vector<uint8_t> temp;
  View src = in;
  if (needH) {
    const Coeffs horiz = Precompute(static_cast<int>(in.w), static_cast<int>(outW), filter, support);
    for (int64_t i = 0; i < outH; i++) vert.bounds[i * 2] -= yFirst;
    const int64_t rows = yLast - yFirst;
    if (!needV) {
      Horizontal<C>(in, out, outW, rows, yFirst, horiz);
      return;
    }
    temp.resize(static_cast<size_t>(rows * outW * C));
    Horizontal<C>(in, temp.data(), outW, rows, yFirst, horiz);
    src = View{temp.data(), rows, outW, C, outW * C};
  }
  Vertical<C>(src, out, outH, vert);
}

}  // namespace

Tensor PilResizedCrop(const Tensor& img, int64_t top, int64_t left, int64_t height, int64_t width, int64_t outH,
                      int64_t outW, int64_t resample) {
  TORCH_CHECK(img.scalar_type() == at::kByte && img.device().is_cpu(), "resize: expected a uint8 CPU image");
  TORCH_CHECK(img.dim() == 2 || (img.dim() == 3 && (img.size(2) == 1 || img.size(2) == 3 || img.size(2) == 4)),
              "resize: expected an H×W or H×W×C (C in 1, 3, 4) image, got ", img.sizes());
  TORCH_CHECK(resample == 0 || resample == 2 || resample == 3, "resize: bad resample ", resample);
  TORCH_CHECK(outH >= 1 && outW >= 1, "height and width must be > 0");
  TORCH_CHECK(top >= 0 && left >= 0 && height >= 1 && width >= 1 && top + height <= img.size(0) &&
                  left + width <= img.size(1),
              "resize: crop box outside the image");
  const Tensor t = img.contiguous();
  const int64_t c = t.dim() == 3 ? t.size(2) : 1;
  const int64_t rowBytes = t.size(1) * c;
  View in{t.data_ptr<uint8_t>() + top * rowBytes + left * c, height, width, c, rowBytes};
  std::vector<int64_t> shape = t.sizes().vec();
  shape[0] = outH;
  shape[1] = outW;
  Tensor out = at::empty(shape, t.options());
  uint8_t* o = out.data_ptr<uint8_t>();
  if (outH == height && outW == width) {  // ImagingCrop
    for (int64_t y = 0; y < height; y++) std::memcpy(o + y * width * c, in.data + y * in.stride, width * c);
    return out;
  }
  if (resample == 0) {
    // ImagingScaleAffine with a = ((box width) / outW, 0, 0, 0, (box height) / outH, 0), fill on.
    auto table = [](int64_t n, int64_t nOut) {
      const double scale = static_cast<double>(static_cast<float>(n)) / nOut;
      std::vector<int64_t> idx(nOut, -1);
      double v = scale * 0.5;
      for (int64_t k = 0; k < nOut; k++, v += scale) {
        const int64_t i = v < 0.0 ? -1 : static_cast<int>(v);
        if (i >= 0 && i < n) idx[k] = i;
      }
      return idx;
    };
    const std::vector<int64_t> xs = table(width, outW), ys = table(height, outH);
    for (int64_t y = 0; y < outH; y++) {
      for (int64_t x = 0; x < outW; x++) {
        uint8_t* dst = o + (y * outW + x) * c;
        if (ys[y] < 0 || xs[x] < 0) std::memset(dst, 0, c);
        else std::memcpy(dst, in.data + ys[y] * in.stride + xs[x] * c, c);
      }
    }
    return out;
  }
  // RGBA is filtered premultiplied (RGBa), as Image.resize does for non-nearest filters.
  std::vector<uint8_t> premultiplied;
  if (c == 4) {
    premultiplied.resize(static_cast<size_t>(height * width * 4));
    for (int64_t y = 0; y < height; y++) std::memcpy(&premultiplied[y * width * 4], in.data + y * in.stride, width * 4);
    PilPremultiply(premultiplied.data(), height * width);
    in = View{premultiplied.data(), height, width, 4, width * 4};
  }
  double (*filter)(double) = resample == 2 ? BilinearFilter : BicubicFilter;
  const double support = resample == 2 ? 1.0 : 2.0;
  if (c == 1) Resample<1>(in, o, outH, outW, filter, support);
  if (c == 3) Resample<3>(in, o, outH, outW, filter, support);
  if (c == 4) {
    Resample<4>(in, o, outH, outW, filter, support);
    PilUnpremultiply(o, outH * outW);
  }
  return out;
}

}  // namespace tts
