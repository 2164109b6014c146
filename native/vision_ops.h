// Image kernels and random-parameter draws of ops_vision.cc that the DataLoader's native
// workers (data_pipeline.cc) run too, so both paths make the same calls in the same order.
#pragma once

#include <tuple>

#include "common.h"

namespace tts {

// crop(pad(img, [l, t, r, b], fill, mode), top, left, height, width) on an H×W(×C) image in one
// pass; mode 0 constant, 1 edge, 2 reflect, 3 symmetric; the box is in padded coordinates.
Tensor PadCrop(const Tensor& img, at::IntArrayRef ltrb, int64_t mode, const Scalar& fill, int64_t top, int64_t left,
               int64_t height, int64_t width);

// img.flip(dim) for dim 0 (rows) or 1 (columns) of an H×W(×C) image, as a contiguous copy.
Tensor FlipHwc(const Tensor& img, int64_t dim);

// `float(torch.empty(1, dtype).uniform_(a, b))`, or NaN where the range is absent (NaN bounds).
double UniformItem(double a, double b, ScalarType dt, const Opt<at::Generator>& g);

// `bool(torch.rand(1, dtype) < p)`.
bool RandLess(double p, ScalarType dt, const Opt<at::Generator>& g);

// RandomResizedCrop.get_params(img, scale, ratio) on a height×width image: (i, j, h, w).
std::tuple<int64_t, int64_t, int64_t, int64_t> ResizedCropParams(int64_t height, int64_t width, double s0, double s1,
                                                                 double r0, double r1, ScalarType dt,
                                                                 const Opt<at::Generator>& g);

}  // namespace tts
