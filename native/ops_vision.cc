// vision: natives for torchvision transforms and image ops. Everything else the transforms need
// is composed from existing tensor ops in lib/vision/transforms (no per-pixel JS).
#include "registry.h"

namespace tts {

void RegisterVisionOps(Registry& r) {
  // torch.grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners): what
  // F.grid_sample reaches; torchvision's rotate/affine tensor path samples through it.
  // Modes are ATen's enums: interpolation 0 bilinear / 1 nearest / 2 bicubic,
  // padding 0 zeros / 1 border / 2 reflection.
  r.def("vision_grid_sampler", +[](const Tensor& input, const Tensor& grid, int64_t interpolation, int64_t padding,
                                   bool align_corners) {
    return at::grid_sampler(input, grid, interpolation, padding, align_corners);
  });
}

}  // namespace tts
