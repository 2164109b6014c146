// nn.init helpers: the ATen calls torch/nn/init.py makes beyond the tensor basics, bound
// one-to-one so that the TypeScript port draws the same random numbers in the same order.
#include <cmath>

#include "registry.h"

namespace tts {

void RegisterInitOps(Registry& r) {
  // trunc_normal_: uniform_ then erfinv_ in place.
  r.def("erfinv_", +[](const Tensor& t) { t.erfinv_(); });
  // orthogonal_: q, r = torch.linalg.qr(flattened); d = torch.diag(r, 0).
  r.def("linalg_qr", +[](const Tensor& a, const std::string& mode) { return at::linalg_qr(a, mode); });
  r.def("diag", +[](const Tensor& t, int64_t diagonal) { return at::diag(t, diagonal); });
  // Python's math.erf is the C library's erf; JS has none. trunc_normal_'s bounds need the same bits.
  r.def("erf_double", +[](double x) { return std::erf(x); });
}

}  // namespace tts
