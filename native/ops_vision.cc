// vision: natives for torchvision transforms and image ops. Tensor images go through ATen ops
// composed in lib/vision/transforms; PIL-like images (H×W×C uint8, what datasets return) get
// fused kernels here and in vision_pil*.cc, since a 32×32 image costs less to transform than the
// dozen small native calls the composed path makes. Random parameters are drawn with the same
// ATen calls Python makes, in Python's order, from the generator JS passes (null: the default).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "registry.h"
#include "vision_ops.h"
#include "vision_pil.h"
#include "vision_tensor.h"

namespace tts {

// ops_data.cc: a JS torch.Generator handle, or null/undefined for the default generator.
Opt<at::Generator> GeneratorParam(napi_env env, napi_value v);

namespace {

struct Gen {
  Opt<at::Generator> g;
};

// A JS array of numbers (an affine matrix, fill values).
struct Doubles {
  std::vector<double> v;
};

}  // namespace

template <>
struct From<Gen> {
  static Gen Get(napi_env env, napi_value v) { return {GeneratorParam(env, v)}; }
};

template <>
struct From<Doubles> {
  static Doubles Get(napi_env env, napi_value v) {
    bool isArray = false;
    uint32_t n = 0;
    if (napi_is_array(env, v, &isArray) != napi_ok || !isArray || napi_get_array_length(env, v, &n) != napi_ok) {
      ThrowArgType(env, v, "an array of numbers");
    }
    Doubles out{std::vector<double>(n)};
    for (uint32_t i = 0; i < n; i++) {
      napi_value e;
      napi_get_element(env, v, i, &e);
      out.v[i] = GetDouble(env, e);
    }
    return out;
  }
};

namespace {

enum PadMode : int64_t { kConstant = 0, kEdge = 1, kReflect = 2, kSymmetric = 3 };

// The source index of padded coordinate p along an axis of n pixels (-1: the fill value).
inline int64_t PadIndex(int64_t p, int64_t n, int64_t mode) {
  if (p >= 0 && p < n) return p;
  switch (mode) {
    case kConstant:
      return -1;
    case kEdge:
      return p < 0 ? 0 : n - 1;
    case kReflect:
      return p < 0 ? -p : 2 * (n - 1) - p;
    default:
      return p < 0 ? -p - 1 : 2 * n - 1 - p;
  }
}

// Copies one pixel of `size` bytes; fixed sizes let the compiler inline the copy.
inline void CopyPixel(uint8_t* dst, const uint8_t* src, int64_t size) {
  switch (size) {
    case 1:
      *dst = *src;
      return;
    case 3:
      std::memcpy(dst, src, 3);
      return;
    case 4:
      std::memcpy(dst, src, 4);
      return;
    default:
      std::memcpy(dst, src, size);
  }
}

}  // namespace

// crop(pad(img, [l, t, r, b], fill, mode), top, left, height, width) on an H×W or H×W×C image of
// any dtype, in one pass and without building the padded image: each output pixel is copied
// from the source pixel the padding mode maps it to. The box is in padded coordinates.
Tensor PadCrop(const Tensor& img, at::IntArrayRef ltrb, int64_t mode, const Scalar& fill, int64_t top, int64_t left,
               int64_t height, int64_t width) {
  TORCH_CHECK(img.dim() == 2 || img.dim() == 3, "pad_crop: expected an H×W or H×W×C image, got ", img.sizes());
  TORCH_CHECK(img.device().is_cpu(), "pad_crop: expected a CPU image");
  TORCH_CHECK(ltrb.size() == 4 && mode >= kConstant && mode <= kSymmetric, "pad_crop: bad padding");
  const Tensor src = img.contiguous();
  const int64_t H = src.size(0), W = src.size(1);
  const int64_t l = ltrb[0], t = ltrb[1], r = ltrb[2], b = ltrb[3];
  TORCH_CHECK(l >= 0 && t >= 0 && r >= 0 && b >= 0, "pad_crop: negative padding");
  if (mode != kConstant) {
    // ATen's replicate/reflect pads, which the composed path calls, need a non-empty image, and
    // reflect/symmetric need one reflection at most.
    TORCH_CHECK(H > 0 && W > 0, "pad_crop: cannot pad an empty image in mode ", mode);
    const int64_t lim = mode == kReflect ? 1 : 0;
    TORCH_CHECK(mode == kEdge || (std::max(l, r) <= W - lim && std::max(t, b) <= H - lim),
                "pad_crop: padding too large for the image");
  }
  TORCH_CHECK(height >= 0 && width >= 0 && top >= 0 && left >= 0 && top + height <= H + t + b &&
                  left + width <= W + l + r,
              "pad_crop: crop box outside the padded image");
  std::vector<int64_t> shape = src.sizes().vec();
  shape[0] = height;
  shape[1] = width;
  Tensor out = at::empty(shape, src.options());
  const int64_t px = (src.dim() == 3 ? src.size(2) : 1) * static_cast<int64_t>(src.element_size());
  const uint8_t* in = static_cast<const uint8_t*>(src.data_ptr());
  uint8_t* o = static_cast<uint8_t*>(out.data_ptr());
  // The fill pixel, converted as ATen's constant pad converts it (fill_ on the image's dtype).
  Tensor fillPx;
  if (mode == kConstant && (l > 0 || t > 0 || r > 0 || b > 0)) {
    fillPx = at::full({src.dim() == 3 ? src.size(2) : 1}, fill, src.options());
  }
  std::vector<int64_t> cols(width);
  for (int64_t x = 0; x < width; x++) cols[x] = PadIndex(left + x - l, W, mode);
  // Output columns [runStart, runEnd) read the image's own columns in order: one memcpy per row.
  const int64_t runStart = std::min(std::max(l - left, int64_t{0}), width);
  const int64_t runEnd = std::min(std::max(l + W - left, runStart), width);
  const int64_t rowBytes = W * px, outRow = width * px;
  for (int64_t y = 0; y < height; y++) {
    uint8_t* dst = o + y * outRow;
    const int64_t sy = PadIndex(top + y - t, H, mode);
    if (sy < 0) {
      for (int64_t x = 0; x < width; x++) std::memcpy(dst + x * px, fillPx.data_ptr(), px);
      continue;
    }
    const uint8_t* row = in + sy * rowBytes;
    for (int64_t x = 0; x < runStart; x++) {
      if (cols[x] < 0) std::memcpy(dst + x * px, fillPx.data_ptr(), px);
      else CopyPixel(dst + x * px, row + cols[x] * px, px);
    }
    if (runEnd > runStart) std::memcpy(dst + runStart * px, row + cols[runStart] * px, (runEnd - runStart) * px);
    for (int64_t x = runEnd; x < width; x++) {
      if (cols[x] < 0) std::memcpy(dst + x * px, fillPx.data_ptr(), px);
      else CopyPixel(dst + x * px, row + cols[x] * px, px);
    }
  }
  return out;
}

namespace {

// One row reversed pixel by pixel; PX (bytes per pixel) fixed so the copies are plain stores.
template <int PX>
void FlipRow(uint8_t* dst, const uint8_t* row, int64_t w) {
  const uint8_t* s = row + (w - 1) * PX;
  for (int64_t x = 0; x < w; x++, dst += PX, s -= PX) {
    for (int b = 0; b < PX; b++) dst[b] = s[b];
  }
}

}  // namespace

// img.flip(dim) for dim 0 (rows) or 1 (columns) of an H×W or H×W×C image: a contiguous copy.
Tensor FlipHwc(const Tensor& img, int64_t dim) {
  TORCH_CHECK((img.dim() == 2 || img.dim() == 3) && (dim == 0 || dim == 1), "flip_hwc: bad image or dim");
  if (!img.device().is_cpu()) return img.flip(dim);
  const Tensor src = img.contiguous();
  Tensor out = at::empty_like(src, at::MemoryFormat::Contiguous);
  const int64_t H = src.size(0), W = src.size(1);
  const int64_t px = (src.dim() == 3 ? src.size(2) : 1) * static_cast<int64_t>(src.element_size());
  const int64_t rowBytes = W * px;
  const uint8_t* in = static_cast<const uint8_t*>(src.data_ptr());
  uint8_t* o = static_cast<uint8_t*>(out.data_ptr());
  for (int64_t y = 0; y < H; y++) {
    if (dim == 0) {
      std::memcpy(o + (H - 1 - y) * rowBytes, in + y * rowBytes, rowBytes);
      continue;
    }
    const uint8_t* row = in + y * rowBytes;
    uint8_t* dst = o + y * rowBytes;
    switch (px) {
      case 1:
        FlipRow<1>(dst, row, W);
        break;
      case 3:
        FlipRow<3>(dst, row, W);
        break;
      case 4:
        FlipRow<4>(dst, row, W);
        break;
      default:
        for (int64_t x = 0; x < W; x++) std::memcpy(dst + (W - 1 - x) * px, row + x * px, px);
    }
  }
  return out;
}

// `float(torch.empty(1, dtype).uniform_(a, b))`, or NaN where the range is absent (NaN bounds).
double UniformItem(double a, double b, ScalarType dt, const Opt<at::Generator>& g) {
  if (std::isnan(a)) return NAN;
  return at::empty({1}, at::TensorOptions().dtype(dt)).uniform_(a, b, g).item<double>();
}

bool RandLess(double p, ScalarType dt, const Opt<at::Generator>& g) {
  const Tensor r = at::rand({1}, g, at::TensorOptions().dtype(dt));
  // lt against a Python float casts it to the tensor's dtype first; the comparison is exact.
  if (dt == at::kFloat) return r.item<float>() < static_cast<float>(p);
  if (dt == at::kDouble) return r.item<double>() < p;
  return r.lt(p).item<bool>();
}

namespace {

// functional_tensor._gen_affine_grid's base grid (pixel-centre x, y, 1 of an oh×ow output):
// it depends on the size and dtypes only, so it is built once per size. Shared by all threads
// (read only), bounded, and never destroyed (no tensor outlives libtorch at exit).
Tensor BaseGrid(int64_t ow, int64_t oh, ScalarType dt, ScalarType linspaceDt, const at::Device& device) {
  static std::mutex mu;
  static auto* cache = new std::map<std::tuple<int64_t, int64_t, int, int, std::string>, Tensor>();
  const auto key = std::make_tuple(ow, oh, static_cast<int>(dt), static_cast<int>(linspaceDt), device.str());
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache->find(key);
    if (it != cache->end()) return it->second;
  }
  const double d = 0.5;
  const auto lin = at::TensorOptions().dtype(linspaceDt).device(device);
  Tensor base = at::empty({1, oh, ow, 3}, at::TensorOptions().dtype(dt).device(device));
  base.select(-1, 0).copy_(at::linspace(-ow * 0.5 + d, ow * 0.5 + d - 1, ow, lin));
  base.select(-1, 1).copy_(at::linspace(-oh * 0.5 + d, oh * 0.5 + d - 1, oh, lin).unsqueeze_(-1));
  base.select(-1, 2).fill_(1);
  std::lock_guard<std::mutex> lock(mu);
  if (cache->size() >= 16) cache->clear();
  cache->emplace(key, base);
  return base;
}

// torchvision's tensor-path affine resampling (functional_tensor: _cast_squeeze_in, _gen_affine_grid,
// _apply_grid_transform, _cast_squeeze_out) as one call making the same ATen calls in the same order,
// so values are torchvision's. `matrix` is the inverse affine matrix (6 values); mode 0 bilinear,
// 1 nearest; `fill` is used when hasFill (None otherwise).
Tensor AffineGridSample(const Tensor& img, const std::vector<double>& matrix, int64_t ow, int64_t oh, int64_t mode,
                        bool hasFill, const std::vector<double>& fill, ScalarType linspaceDt) {
  TORCH_CHECK(matrix.size() == 6, "affine: the matrix has 6 values");
  const bool squeeze = img.dim() < 4;
  Tensor x = squeeze ? img.unsqueeze(0) : img;
  const ScalarType outDt = x.scalar_type();
  const ScalarType dt = at::isFloatingType(outDt) ? outDt : at::kFloat;  // theta's (and the grid's) dtype
  const bool cast = outDt != dt;
  if (cast) x = x.to(dt);
  const auto dtOpts = at::TensorOptions().dtype(dt).device(x.device());
  const Tensor theta = at::tensor(at::ArrayRef<double>(matrix), at::kDouble).to(dtOpts).reshape({1, 2, 3});
  const int64_t w = x.size(-1), h = x.size(-2);
  const Tensor half = at::tensor(at::ArrayRef<double>({0.5 * w, 0.5 * h}), at::kDouble).to(dtOpts);
  const Tensor rescaled = theta.transpose(1, 2).div(half);
  Tensor grid = BaseGrid(ow, oh, dt, linspaceDt, x.device()).view({1, oh * ow, 3}).bmm(rescaled).view({1, oh, ow, 2});
  if (x.size(0) > 1) grid = grid.expand({x.size(0), grid.size(1), grid.size(2), grid.size(3)});
  if (hasFill) x = at::cat({x, at::ones({x.size(0), 1, x.size(2), x.size(3)}, x.options())}, 1);
  Tensor y = at::grid_sampler(x, grid, mode, 0, false);
  if (hasFill) {
    const int64_t c = y.size(1) - 1;
    const Tensor img2 = y.narrow(1, 0, c);
    const Tensor mask = y.narrow(1, c, 1).expand_as(img2);
    const Tensor fillImg = at::tensor(at::ArrayRef<double>(fill), at::kDouble)
                               .to(y.options())
                               .view({1, static_cast<int64_t>(fill.size()), 1, 1})
                               .expand_as(img2);
    y = mode == 1 ? at::where(mask.lt(0.5), fillImg, img2) : img2.mul(mask).add(at::rsub(mask, 1.0).mul(fillImg));
  }
  if (squeeze) y = y.squeeze(0);
  if (cast) {
    if (!at::isFloatingType(outDt) && outDt != at::kBool) y = y.round();
    y = y.to(outDt);
  }
  return y;
}

}  // namespace

// RandomResizedCrop.get_params, as torchvision 0.14 computes it: ten tries at a box of area
// scale × image area and log-uniform aspect ratio (tensor draws in the default dtype, Python
// float arithmetic, round half to even), then a central crop clamped to the ratio range.
std::tuple<int64_t, int64_t, int64_t, int64_t> ResizedCropParams(int64_t height, int64_t width, double s0, double s1,
                                                                 double r0, double r1, ScalarType dt,
                                                                 const Opt<at::Generator>& g) {
  const double area = static_cast<double>(height * width);
  const Tensor logRatio = at::log(at::tensor({r0, r1}, at::TensorOptions().dtype(dt)));
  const double lr0 = logRatio[0].item<double>(), lr1 = logRatio[1].item<double>();
  for (int k = 0; k < 10; k++) {
    const double targetArea = area * UniformItem(s0, s1, dt, g);
    const double aspect = at::empty({1}, at::TensorOptions().dtype(dt)).uniform_(lr0, lr1, g).exp().item<double>();
    const int64_t w = static_cast<int64_t>(std::nearbyint(std::sqrt(targetArea * aspect)));
    const int64_t h = static_cast<int64_t>(std::nearbyint(std::sqrt(targetArea / aspect)));
    if (0 < w && w <= width && 0 < h && h <= height) {
      const int64_t i = at::randint(0, height - h + 1, {1}, g, at::kLong).item<int64_t>();
      const int64_t j = at::randint(0, width - w + 1, {1}, g, at::kLong).item<int64_t>();
      return {i, j, h, w};
    }
  }
  const double inRatio = static_cast<double>(width) / static_cast<double>(height);
  int64_t w = width, h = height;
  if (inRatio < std::min(r0, r1)) {
    h = static_cast<int64_t>(std::nearbyint(w / std::min(r0, r1)));
  } else if (inRatio > std::max(r0, r1)) {
    w = static_cast<int64_t>(std::nearbyint(h * std::max(r0, r1)));
  }
  auto floorDiv2 = [](int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); };  // Python's // 2
  return {floorDiv2(height - h), floorDiv2(width - w), h, w};
}

void RegisterVisionOps(Registry& r) {
  // torch.grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners): what
  // F.grid_sample reaches; torchvision's rotate/affine tensor path samples through it.
  // Modes are ATen's enums: interpolation 0 bilinear / 1 nearest / 2 bicubic,
  // padding 0 zeros / 1 border / 2 reflection.
  r.def("vision_grid_sampler", +[](const Tensor& input, const Tensor& grid, int64_t interpolation, int64_t padding,
                                   bool align_corners) {
    return at::grid_sampler(input, grid, interpolation, padding, align_corners);
  });

  // ---- random parameters, as torchvision draws them (one call instead of factory + op + item)
  // `torch.randint(low, high, (1,)).item()`
  r.def("vision_randint", +[](int64_t low, int64_t high, const Gen& g) {
    return at::randint(low, high, {1}, g.g, at::kLong).item<int64_t>();
  });
  // `torch.empty(1).uniform_(a, b).item()` in the default dtype `dt`
  r.def("vision_uniform", +[](double a, double b, ScalarType dt, const Gen& g) { return UniformItem(a, b, dt, g.g); });
  // `bool(torch.rand(1) < p)`: compared in the default dtype `dt`, as Python compares
  r.def("vision_rand_less", +[](double p, ScalarType dt, const Gen& g) { return RandLess(p, dt, g.g); });
  // ColorJitter.get_params: randperm(4), then one uniform draw per factor whose range is not NaN.
  r.def("vision_jitter_params", +[](double b0, double b1, double c0, double c1, double s0, double s1, double h0,
                                    double h1, ScalarType dt, const Gen& g) {
    const Tensor perm = at::randperm(4, g.g, at::kLong);
    const int64_t* p = perm.data_ptr<int64_t>();
    const double b = UniformItem(b0, b1, dt, g.g);
    const double c = UniformItem(c0, c1, dt, g.g);
    const double s = UniformItem(s0, s1, dt, g.g);
    const double h = UniformItem(h0, h1, dt, g.g);
    return std::make_tuple(std::vector<int64_t>(p, p + 4), b, c, s, h);
  });
  // RandomResizedCrop.get_params(img, scale, ratio) on a height×width image: (i, j, h, w).
  r.def("vision_rrc_params", +[](int64_t height, int64_t width, double s0, double s1, double r0, double r1,
                                 ScalarType dt, const Gen& g) {
    return ResizedCropParams(height, width, s0, s1, r0, r1, dt, g.g);
  });

  // ---- geometry on H×W(×C) images (PIL-like layout), any dtype
  // torchvision's tensor-path rotate after the matrix: grid, grid_sample and fill in one call.
  r.def("vision_affine_grid_sample", +[](const Tensor& img, const Doubles& matrix, int64_t ow, int64_t oh,
                                         int64_t mode, const Opt<Doubles>& fill, ScalarType linspaceDt) {
    return AffineGridSample(img, matrix.v, ow, oh, mode, fill.has_value(), fill ? fill->v : std::vector<double>(),
                            linspaceDt);
  });
  r.def("vision_pad_crop", +[](const Tensor& img, at::IntArrayRef ltrb, int64_t mode, const Scalar& fill, int64_t top,
                               int64_t left, int64_t height, int64_t width) {
    return PadCrop(img, ltrb, mode, fill, top, left, height, width);
  });
  r.def("vision_flip_hwc", +[](const Tensor& img, int64_t dim) { return FlipHwc(img, dim); });

  // ---- torchvision's tensor-path colour ops on [..., C, H, W] images (vision_tensor.cc)
  r.def("vision_grayscale", +[](const Tensor& img, int64_t channels) { return TensorGrayscale(img, channels); });
  r.def("vision_adjust_color", +[](const Tensor& img, int64_t kind, double factor) {
    TORCH_CHECK(kind >= 0 && kind <= 2, "adjust_color: bad kind ", kind);
    return TensorAdjustColor(img, static_cast<TensorAdjust>(kind), factor);
  });
  r.def("vision_adjust_hue", +[](const Tensor& img, double hue_factor) { return TensorAdjustHue(img, hue_factor); });

  // ---- Pillow's arithmetic on PIL-like uint8 images (vision_pil*.cc)
  r.def("vision_pil_enhance", +[](const Tensor& img, int64_t kind, double factor) {
    TORCH_CHECK(kind >= 0 && kind <= 2, "pil_enhance: bad kind ", kind);
    return PilEnhanceImage(img, static_cast<PilEnhance>(kind), factor);
  });
  r.def("vision_pil_gray", +[](const Tensor& img, int64_t channels) { return PilGray(img, channels); });
  r.def("vision_pil_hue", +[](const Tensor& img, double hue_factor) { return PilAdjustHue(img, hue_factor); });
  r.def("vision_pil_resized_crop", +[](const Tensor& img, int64_t top, int64_t left, int64_t height, int64_t width,
                                       int64_t out_h, int64_t out_w, int64_t resample) {
    return PilResizedCrop(img, top, left, height, width, out_h, out_w, resample);
  });
  r.def("vision_pil_rotate", +[](const Tensor& img, double angle, int64_t resample, bool expand, double cx, double cy,
                                 std::vector<int64_t> fill) {
    return PilRotate(img, angle, resample, expand, cx, cy, fill);
  });
}

}  // namespace tts
