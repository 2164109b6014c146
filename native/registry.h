// The op table: one mechanism binds every ATen op.
//
//   r.def("add", +[](const Tensor& a, const Tensor& b, const Scalar& alpha) { return at::add(a, b, alpha); });
//
// def() deduces the function's signature; Invoke converts each JS argument with From<T>
// (convert.h), calls the function, converts the result with ToJS, and turns any C++
// exception into a JS exception (errors.cc). The function pointer travels as the
// callback's data, so each op costs one generic trampoline and no per-op boilerplate.
#pragma once

#include "convert.h"

#include <utility>

namespace tts {

template <class R, class... A, size_t... I>
napi_value CallWithArgs(napi_env env, R (*fn)(A...), napi_value* argv, std::index_sequence<I...>) {
  if constexpr (std::is_void_v<R>) {
    fn(From<std::decay_t<A>>::Get(env, argv[I])...);
    return nullptr;
  } else {
    return ToJS(env, fn(From<std::decay_t<A>>::Get(env, argv[I])...));
  }
}

template <class R, class... A>
napi_value Invoke(napi_env env, napi_callback_info info) {
  constexpr size_t kArity = sizeof...(A);
  size_t argc = kArity;
  napi_value argv[kArity + 1];  // +1: no zero-length arrays
  void* data;
  napi_get_cb_info(env, info, &argc, argv, nullptr, &data);
  // Missing trailing arguments arrive as undefined (optional parameters accept it).
  auto fn = reinterpret_cast<R (*)(A...)>(data);
  try {
    return CallWithArgs(env, fn, argv, std::index_sequence_for<A...>{});
  } catch (...) {
    return ThrowCurrent(env);
  }
}

class Registry {
 public:
  Registry(napi_env env, napi_value exports) : env_(env), exports_(exports) {}

  template <class R, class... A>
  void def(const char* name, R (*fn)(A...)) {
    napi_value f;
    napi_create_function(env_, name, NAPI_AUTO_LENGTH, &Invoke<R, A...>, reinterpret_cast<void*>(fn), &f);
    napi_set_named_property(env_, exports_, name, f);
  }

  // For the few functions that need the raw Node-API view (typed arrays, nested data).
  void raw(const char* name, napi_callback cb) {
    napi_value f;
    napi_create_function(env_, name, NAPI_AUTO_LENGTH, cb, nullptr, &f);
    napi_set_named_property(env_, exports_, name, f);
  }

 private:
  napi_env env_;
  napi_value exports_;
};

// Each ops_*.cc file contributes one registration function.
void RegisterTensorOps(Registry& r);    // handles, properties, data in/out
void RegisterCreationOps(Registry& r);  // factories and random numbers
void RegisterMathOps(Registry& r);      // pointwise, comparison, linear algebra
void RegisterShapeOps(Registry& r);     // views, joins, indexing
void RegisterReductionOps(Registry& r);
void RegisterAutogradOps(Registry& r);  // grad mode, autograd.grad, hooks
void RegisterNNOps(Registry& r);        // nn.functional
void RegisterOptimOps(Registry& r);     // optimizer steps (one native call per step)
void RegisterAmpOps(Registry& r);       // autocast, GradScaler helpers
void RegisterInitOps(Registry& r);      // nn.init helpers (erfinv_, linalg_qr, diag)
void RegisterDataOps(Registry& r);      // torch.Generator, torch.utils.data
void RegisterVisionOps(Registry& r);    // torchvision transforms and image ops
void RegisterPipelineOps(Registry& r);  // DataLoader native worker threads

}  // namespace tts
