// Autograd beyond the tensor basics: grad mode (thread-local in libtorch), autograd.grad, and
// tensor hooks that call back into JS during backward.
#include <torch/csrc/autograd/autograd.h>

#include "registry.h"

namespace tts {
namespace {

// A JS function registered with Tensor.register_hook. The autograd engine runs CPU work on the
// thread that called backward(), which is the JS thread, so the hook calls JS directly. A hook
// reached on another thread (a CUDA device thread) cannot call JS while that thread waits in
// backward(): it raises a clear error instead.
struct JsHook {
  napi_env env;
  napi_ref fn;
  EnvData* data;
  ~JsHook() { ReleaseReference(env, data, fn); }
};

// A JS exception thrown by a hook: it stays pending in JS and unwinds the engine as this.
struct JsHookException : std::runtime_error {
  JsHookException() : std::runtime_error("exception in a tensor hook") {}
};

Tensor CallHook(const std::shared_ptr<JsHook>& hook, const Tensor& grad) {
  if (std::this_thread::get_id() != hook->data->thread) {
    throw std::runtime_error(
        "torchts: a tensor hook was reached on an autograd device thread; hooks on tensors whose backward "
        "runs on a device (CUDA) are not supported");
  }
  napi_env env = hook->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value fn, undefined, result;
  napi_get_reference_value(env, hook->fn, &fn);
  napi_get_undefined(env, &undefined);
  napi_value arg = WrapTensor(env, grad);
  const napi_status status = napi_call_function(env, undefined, fn, 1, &arg, &result);
  Tensor replacement;
  bool failed = status != napi_ok;
  if (!failed && IsTensorHandle(env, result)) replacement = UnwrapTensor(env, result);
  napi_close_handle_scope(env, scope);
  if (failed) throw JsHookException();
  return replacement;  // undefined: keep the gradient as it is
}

// registerHook(handle, fn) -> hook id (for removeHook).
napi_value RegisterHook(napi_env env, napi_callback_info info) {
  try {
    size_t argc = 2;
    napi_value argv[2];
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    const Tensor& t = UnwrapTensor(env, argv[0]);
    napi_valuetype type;
    napi_typeof(env, argv[1], &type);
    if (type != napi_function) ThrowArgType(env, argv[1], "a function");
    auto hook = std::make_shared<JsHook>();
    hook->env = env;
    hook->data = GetEnvData(env);
    napi_create_reference(env, argv[1], 1, &hook->fn);
    const unsigned id = t.register_hook([hook](const Tensor& grad) { return CallHook(hook, grad); });
    return ToJS(env, static_cast<int64_t>(id));
  } catch (...) {
    return ThrowCurrent(env);
  }
}

}  // namespace

void RegisterAutogradOps(Registry& r) {
  r.def("is_grad_enabled", +[]() { return at::GradMode::is_enabled(); });
  r.def("set_grad_enabled", +[](bool on) { at::GradMode::set_enabled(on); });
  // torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused)
  r.def("autograd_grad", +[](at::TensorList outputs, at::TensorList inputs, at::TensorList grad_outputs,
                             const Opt<bool>& retain_graph, bool create_graph, bool allow_unused) {
    std::vector<Tensor> go(grad_outputs.begin(), grad_outputs.end());
    return torch::autograd::grad(outputs.vec(), inputs.vec(), go, retain_graph, create_graph, allow_unused);
  });
  r.raw("register_hook", RegisterHook);
  r.def("remove_hook", +[](const Tensor& t, int64_t id) { t.remove_hook(static_cast<unsigned>(id)); });
}

}  // namespace tts
