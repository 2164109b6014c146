// Autograd beyond the tensor basics: grad mode (thread-local in libtorch), autograd.grad.
#include <torch/csrc/autograd/autograd.h>

#include "registry.h"

namespace tts {

void RegisterAutogradOps(Registry& r) {
  r.def("is_grad_enabled", +[]() { return at::GradMode::is_enabled(); });
  r.def("set_grad_enabled", +[](bool on) { at::GradMode::set_enabled(on); });
  r.def("is_inference_mode_enabled", +[]() { return c10::InferenceMode::is_enabled(); });
  // torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused)
  r.def("autograd_grad", +[](at::TensorList outputs, at::TensorList inputs, at::TensorList grad_outputs,
                             const Opt<bool>& retain_graph, bool create_graph, bool allow_unused) {
    std::vector<Tensor> go(grad_outputs.begin(), grad_outputs.end());
    return torch::autograd::grad(outputs.vec(), inputs.vec(), go, retain_graph, create_graph, allow_unused);
  });
}

}  // namespace tts
