// Mixed precision: autocast state (torch.autocast) and the GradScaler's fused helpers.
#include <ATen/autocast_mode.h>

#include "registry.h"

namespace tts {
namespace {

// libtorch 2.4 replaced the per-device functions (set_cpu_enabled, set_autocast_gpu_dtype, ...)
// with ones taking a DeviceType; 1.13 has only the former.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool AutocastEnabled(bool cuda) { return at::autocast::is_autocast_enabled(cuda ? at::kCUDA : at::kCPU); }
void SetAutocastEnabled(bool cuda, bool on) { at::autocast::set_autocast_enabled(cuda ? at::kCUDA : at::kCPU, on); }
ScalarType AutocastDtype(bool cuda) { return at::autocast::get_autocast_dtype(cuda ? at::kCUDA : at::kCPU); }
void SetAutocastDtype(bool cuda, ScalarType t) { at::autocast::set_autocast_dtype(cuda ? at::kCUDA : at::kCPU, t); }
#else
bool AutocastEnabled(bool cuda) { return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled(); }
void SetAutocastEnabled(bool cuda, bool on) {
  cuda ? at::autocast::set_enabled(on) : at::autocast::set_cpu_enabled(on);
}
ScalarType AutocastDtype(bool cuda) {
  return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
}
void SetAutocastDtype(bool cuda, ScalarType t) {
  cuda ? at::autocast::set_autocast_gpu_dtype(t) : at::autocast::set_autocast_cpu_dtype(t);
}
#endif

}  // namespace

void RegisterAmpOps(Registry& r) {
  // Python's torch.autocast.__enter__ / __exit__ (device: 'cuda' -> true, 'cpu' -> false).
  // Returns the previous [enabled, dtype, cache_enabled] for autocast_exit.
  r.def("autocast_enter", +[](bool cuda, bool enabled, ScalarType dtype, bool cache_enabled) {
    std::tuple<bool, int64_t, bool> prev{AutocastEnabled(cuda), static_cast<int64_t>(AutocastDtype(cuda)),
                                         at::autocast::is_autocast_cache_enabled()};
    SetAutocastEnabled(cuda, enabled);
    SetAutocastDtype(cuda, dtype);
    at::autocast::increment_nesting();
    at::autocast::set_autocast_cache_enabled(cache_enabled);
    return prev;
  });
  r.def("autocast_exit", +[](bool cuda, bool prev_enabled, ScalarType prev_dtype, bool prev_cache) {
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    SetAutocastEnabled(cuda, prev_enabled);
    SetAutocastDtype(cuda, prev_dtype);
    at::autocast::set_autocast_cache_enabled(prev_cache);
  });
  r.def("is_autocast_enabled", +[](bool cuda) { return AutocastEnabled(cuda); });
  r.def("get_autocast_dtype", +[](bool cuda) { return AutocastDtype(cuda); });

  // GradScaler.unscale_: grads *= inv_scale; found_inf = 1 if any grad has inf/nan. One call for
  // all of an optimizer's gradients (written with plain ops: works on every device and version).
  r.def("amp_unscale_", +[](at::TensorList grads, const Tensor& found_inf, const Tensor& inv_scale) {
    at::NoGradGuard no_grad;
    for (const Tensor& g : grads) {
      if (!g.defined()) continue;
      const Tensor nonfinite = g.isfinite().logical_not().any();
      found_inf.copy_(at::maximum(found_inf, nonfinite.to(found_inf.scalar_type())));
      const_cast<Tensor&>(g).mul_(inv_scale.to(g.scalar_type()));
    }
  });
  // GradScaler.update: PyTorch's _amp_update_scale_ arithmetic, on the scale's device.
  r.def("amp_update_scale_", +[](const Tensor& scale, const Tensor& growth_tracker, const Tensor& found_inf,
                                 double growth_factor, double backoff_factor, int64_t growth_interval) {
    at::NoGradGuard no_grad;
    if (found_inf.item<double>() > 0) {
      const_cast<Tensor&>(scale).mul_(backoff_factor);
      const_cast<Tensor&>(growth_tracker).fill_(0);
    } else {
      const int64_t successful = growth_tracker.item<int64_t>() + 1;
      if (successful == growth_interval) {
        const_cast<Tensor&>(scale).mul_(growth_factor);
        const_cast<Tensor&>(growth_tracker).fill_(0);
      } else {
        const_cast<Tensor&>(growth_tracker).fill_(successful);
      }
    }
  });
}

}  // namespace tts
