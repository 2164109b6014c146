// Pillow's arithmetic on PIL-like images (H×W×C uint8, C in 1/3/4, or H×W), for the transforms
// torchvision runs through Pillow on PIL images: ImageEnhance (brightness, contrast, colour),
// convert('L'), the HSV round trip of adjust_hue, and Image.rotate. Each kernel reproduces the
// C code of Pillow 9 (libImaging Blend.c, Convert.c, Geometry.c) operation for operation, so
// the bytes equal Pillow's. Kernels take any PIL-like tensor and return a new contiguous one.
#pragma once

#include "common.h"

namespace tts {

enum class PilEnhance : int64_t { kBrightness = 0, kContrast = 1, kColor = 2 };

// ImageEnhance.<kind>(img).enhance(factor): Image.blend(degenerate, img, factor).
Tensor PilEnhanceImage(const Tensor& img, PilEnhance kind, double factor);

// convert('L') (ITU-R 601-2 in 16.16 fixed point); `channels` 3 stacks it into RGB.
Tensor PilGray(const Tensor& img, int64_t channels);

// torchvision's F_pil.adjust_hue: convert('HSV'), H += uint8(hue_factor * 255), convert back.
Tensor PilAdjustHue(const Tensor& img, double hue_factor);

// Image.rotate(angle, resample, expand, center, fillcolor=fill) with Pillow's resample codes
// (0 nearest, 2 bilinear, 3 bicubic); center is NaN for the image centre; fill one value per band.
Tensor PilRotate(const Tensor& img, double angle, int64_t resample, bool expand, double cx, double cy,
                 const std::vector<int64_t>& fill);

// Image.resize((out_w, out_h), resample) of img[top:top+height, left:left+width] (a box inside
// the image): resample 0 nearest, 2 bilinear, 3 bicubic.
Tensor PilResizedCrop(const Tensor& img, int64_t top, int64_t left, int64_t height, int64_t width, int64_t outH,
                      int64_t outW, int64_t resample);

// RGBA <-> RGBa (premultiplied alpha), in place on n pixels: Pillow resamples RGBA through RGBa.
void PilPremultiply(uint8_t* p, int64_t n);
void PilUnpremultiply(uint8_t* p, int64_t n);

}  // namespace tts
