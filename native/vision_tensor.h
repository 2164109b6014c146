// torchvision's functional_tensor colour ops (0.14) on tensor images [..., C, H, W], each as one
// native call making torchvision's ATen calls in its order, so values are torchvision's tensor
// path exactly (the composed TS version cost a dozen or more native calls per op).
#pragma once

#include "common.h"

namespace tts {

// rgb_to_grayscale(img, num_output_channels): 0.2989 R + 0.587 G + 0.114 B in img's dtype.
Tensor TensorGrayscale(const Tensor& img, int64_t channels);

enum class TensorAdjust : int64_t { kBrightness = 0, kContrast = 1, kSaturation = 2 };

// adjust_brightness / adjust_contrast / adjust_saturation: _blend with the degenerate image.
Tensor TensorAdjustColor(const Tensor& img, TensorAdjust kind, double factor);

// adjust_hue: RGB -> HSV, h = (h + hue_factor) % 1, HSV -> RGB (uint8 through [0, 1] floats).
Tensor TensorAdjustHue(const Tensor& img, double hue_factor);

}  // namespace tts
