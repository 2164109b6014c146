// Optimizer steps: one native call updates every parameter of a group (no per-parameter,
// per-op JS round trips). Each *_step function is PyTorch 1.13's `_single_tensor_*` function
// (torch/optim/<name>.py) op for op, in the same order and with the same scalar arithmetic in
// double precision, so trajectories match Python PyTorch on the same libtorch.
//
// Gradients are read here (`p.grad()`) rather than passed from JS: that saves one JS wrapper per
// parameter per step. lib/optim/* passes only the parameters that have a gradient (found with
// optim_grad_indices), exactly as Python builds `params_with_grad`.
#include <cmath>

#include "registry.h"

namespace tts {
namespace {

// A JS array of Tensors where null/undefined stand for "no tensor yet" (SGD's momentum buffers
// before the first step, as Python's `momentum_buffer_list` holds None).
struct MaybeTensors {
  std::vector<Tensor> v;
};

}  // namespace

template <>
struct From<MaybeTensors> {
  static MaybeTensors Get(napi_env env, napi_value v) {
    bool is_array = false;
    napi_is_array(env, v, &is_array);
    if (!is_array) ThrowArgType(env, v, "an array of Tensors or nulls");
    uint32_t n;
    napi_get_array_length(env, v, &n);
    MaybeTensors out;
    out.v.resize(n);
    for (uint32_t i = 0; i < n; i++) {
      napi_value e;
      napi_get_element(env, v, i, &e);
      if (!IsNullish(env, e)) out.v[i] = UnwrapTensor(env, e);
    }
    return out;
  }
};

namespace {

void CheckSameLength(at::TensorList params, size_t n, const char* what) {
  TORCH_CHECK(n == params.size(), "optimizer step: expected ", params.size(), " ", what, ", got ", n);
}

// The gradient Python's step would read as `p.grad`; only parameters that have one are passed.
const Tensor& GradOf(const Tensor& p) {
  const Tensor& g = p.grad();
  TORCH_CHECK(g.defined(), "optimizer step: a parameter has no gradient");
  return g;
}

// `grad if not maximize else -grad`
Tensor MaybeNegated(const Tensor& g, bool maximize) { return maximize ? g.neg() : g; }

// torch/optim/sgd.py _single_tensor_sgd. Returns the momentum buffers created by this step
// (undefined -> null where a buffer existed), or an empty list when none was created.
std::vector<Tensor> SgdStep(at::TensorList params, const MaybeTensors& bufs, double lr, double momentum,
                            double dampening, double weight_decay, bool nesterov, bool maximize) {
  CheckSameLength(params, bufs.v.size(), "momentum buffers");
  at::NoGradGuard no_grad;
  std::vector<Tensor> created;
  for (size_t i = 0; i < params.size(); i++) {
    const Tensor& param = params[i];
    Tensor d_p = MaybeNegated(GradOf(param), maximize);
    if (weight_decay != 0) d_p = d_p.add(param, weight_decay);
    if (momentum != 0) {
      Tensor buf = bufs.v[i];
      if (!buf.defined()) {
        buf = at::clone(d_p).detach();
        if (created.empty()) created.resize(params.size());
        created[i] = buf;
      } else {
        buf.mul_(momentum).add_(d_p, 1 - dampening);
      }
      if (nesterov)
        d_p = d_p.add(buf, momentum);
      else
        d_p = buf;
    }
    param.add_(d_p, -lr);
  }
  return created;
}

// torch/optim/adam.py _single_tensor_adam and adamw.py _single_tensor_adamw (decoupled=true),
// non-capturable path: `step` is a float32 tensor bumped in place and read back with item().
void AdamStep(at::TensorList params, at::TensorList exp_avgs, at::TensorList exp_avg_sqs,
              at::TensorList max_exp_avg_sqs, at::TensorList state_steps, bool amsgrad, double beta1, double beta2,
              double lr, double weight_decay, double eps, bool maximize, bool decoupled) {
  CheckSameLength(params, exp_avgs.size(), "exp_avg tensors");
  CheckSameLength(params, exp_avg_sqs.size(), "exp_avg_sq tensors");
  CheckSameLength(params, state_steps.size(), "step tensors");
  if (amsgrad) CheckSameLength(params, max_exp_avg_sqs.size(), "max_exp_avg_sq tensors");
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < params.size(); i++) {
    Tensor param = params[i];
    const Tensor& g = GradOf(param);
    TORCH_CHECK(!g.is_sparse(), decoupled
                                    ? "AdamW does not support sparse gradients"
                                    : "Adam does not support sparse gradients, please consider SparseAdam instead");
    Tensor grad = MaybeNegated(g, maximize);
    Tensor exp_avg = exp_avgs[i];
    Tensor exp_avg_sq = exp_avg_sqs[i];
    const Tensor& step_t = state_steps[i];
    if (decoupled) {
      // AdamW views complex tensors as real before bumping step and decaying.
      if (param.is_complex()) {
        grad = at::view_as_real(grad);
        exp_avg = at::view_as_real(exp_avg);
        exp_avg_sq = at::view_as_real(exp_avg_sq);
        param = at::view_as_real(param);
      }
      step_t.add_(1);
      param.mul_(1 - lr * weight_decay);
    } else {
      step_t.add_(1);
      if (weight_decay != 0) grad = grad.add(param, weight_decay);
      if (param.is_complex()) {
        grad = at::view_as_real(grad);
        exp_avg = at::view_as_real(exp_avg);
        exp_avg_sq = at::view_as_real(exp_avg_sq);
        param = at::view_as_real(param);
      }
    }
    exp_avg.mul_(beta1).add_(grad, 1 - beta1);
    // Adam multiplies by grad.conj() (a no-op view once complex tensors are viewed as real).
    exp_avg_sq.mul_(beta2).addcmul_(grad, decoupled ? grad : grad.conj(), 1 - beta2);

    const double step = step_t.item<double>();
    const double bias_correction1 = 1 - std::pow(beta1, step);
    const double bias_correction2 = 1 - std::pow(beta2, step);
    const double step_size = lr / bias_correction1;
    const double bias_correction2_sqrt = std::sqrt(bias_correction2);
    Tensor denom;
    if (amsgrad) {
      Tensor max_sq = max_exp_avg_sqs[i];
      at::maximum_out(max_sq, max_sq, exp_avg_sq);  // torch.maximum(m, exp_avg_sq, out=m)
      denom = (max_sq.sqrt() / bias_correction2_sqrt).add_(eps);
    } else {
      denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps);
    }
    param.addcdiv_(exp_avg, denom, -step_size);
  }
}

// torch/optim/rmsprop.py _single_tensor_rmsprop (state['step'] is a Python int bumped in JS).
void RmspropStep(at::TensorList params, at::TensorList square_avgs, at::TensorList grad_avgs,
                 at::TensorList momentum_buffers, double lr, double alpha, double eps, double weight_decay,
                 double momentum, bool centered, bool maximize) {
  CheckSameLength(params, square_avgs.size(), "square_avg tensors");
  if (centered) CheckSameLength(params, grad_avgs.size(), "grad_avg tensors");
  if (momentum > 0) CheckSameLength(params, momentum_buffers.size(), "momentum buffers");
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < params.size(); i++) {
    Tensor param = params[i];
    const Tensor& g = GradOf(param);
    TORCH_CHECK(!g.is_sparse(), "RMSprop does not support sparse gradients");
    Tensor grad = MaybeNegated(g, maximize);
    Tensor square_avg = square_avgs[i];
    if (weight_decay != 0) grad = grad.add(param, weight_decay);
    const bool is_complex_param = param.is_complex();
    if (is_complex_param) {
      param = at::view_as_real(param);
      grad = at::view_as_real(grad);
      square_avg = at::view_as_real(square_avg);
    }
    square_avg.mul_(alpha).addcmul_(grad, grad, 1 - alpha);
    Tensor avg;
    if (centered) {
      Tensor grad_avg = is_complex_param ? at::view_as_real(grad_avgs[i]) : grad_avgs[i];
      grad_avg.mul_(alpha).add_(grad, 1 - alpha);
      avg = square_avg.addcmul(grad_avg, grad_avg, -1).sqrt_();
    } else {
      avg = square_avg.sqrt();
    }
    avg = avg.add_(eps);
    if (momentum > 0) {
      Tensor buf = is_complex_param ? at::view_as_real(momentum_buffers[i]) : momentum_buffers[i];
      buf.mul_(momentum).addcdiv_(grad, avg);
      param.add_(buf, -lr);
    } else {
      param.addcdiv_(grad, avg, -lr);
    }
  }
}

// torch/optim/adagrad.py _single_tensor_adagrad, dense gradients.
void AdagradStep(at::TensorList params, at::TensorList state_sums, at::TensorList state_steps, double lr,
                 double weight_decay, double lr_decay, double eps, bool maximize) {
  CheckSameLength(params, state_sums.size(), "sum tensors");
  CheckSameLength(params, state_steps.size(), "step tensors");
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < params.size(); i++) {
    Tensor param = params[i];
    Tensor state_sum = state_sums[i];
    const Tensor& step_t = state_steps[i];
    step_t.add_(1);
    const double step = step_t.item<double>();
    Tensor grad = MaybeNegated(GradOf(param), maximize);
    if (weight_decay != 0) {
      TORCH_CHECK(!grad.is_sparse(), "weight_decay option is not compatible with sparse gradients");
      grad = grad.add(param, weight_decay);
    }
    const double clr = lr / (1 + (step - 1) * lr_decay);
    if (grad.is_sparse()) {
      TORCH_CHECK_NOT_IMPLEMENTED(false, "Adagrad with sparse gradients is not supported by torchts");
    }
    if (param.is_complex()) {
      grad = at::view_as_real(grad);
      state_sum = at::view_as_real(state_sum);
      param = at::view_as_real(param);
    }
    state_sum.addcmul_(grad, grad, 1);
    Tensor std = state_sum.sqrt().add_(eps);
    param.addcdiv_(grad, std, -clr);
  }
}

// Optimizer.zero_grad for a whole group (1.13 semantics): set to None, or detach / stop requiring
// grad and zero in place.
void ZeroGrad(at::TensorList params, bool set_to_none) {
  for (const Tensor& p : params) {
    Tensor& g = p.mutable_grad();
    if (!g.defined()) continue;
    if (set_to_none) {
      g = Tensor();
      continue;
    }
    if (g.grad_fn() != nullptr)
      g.detach_();
    else
      g.requires_grad_(false);
    g.zero_();
  }
}

// Indices of the parameters whose .grad is not None (Python's `if p.grad is not None`).
std::vector<int64_t> GradIndices(at::TensorList params) {
  std::vector<int64_t> out;
  out.reserve(params.size());
  for (size_t i = 0; i < params.size(); i++)
    if (params[i].grad().defined()) out.push_back(static_cast<int64_t>(i));
  return out;
}

// Index of the first tensor an optimizer may not take (`not (param.is_leaf or param.retains_grad)`), or -1.
int64_t FirstNonLeaf(at::TensorList params) {
  for (size_t i = 0; i < params.size(); i++)
    if (!params[i].is_leaf() && !params[i].retains_grad()) return static_cast<int64_t>(i);
  return -1;
}

}  // namespace

void RegisterOptimOps(Registry& r) {
  r.def("optim_sgd_step", &SgdStep);
  r.def("optim_adam_step", &AdamStep);
  r.def("optim_rmsprop_step", &RmspropStep);
  r.def("optim_adagrad_step", &AdagradStep);
  r.def("optim_zero_grad", &ZeroGrad);
  r.def("optim_grad_indices", &GradIndices);
  r.def("optim_first_non_leaf", &FirstNonLeaf);
}

}  // namespace tts
