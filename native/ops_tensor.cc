// Tensor handles, properties, autograd basics, and data in and out of JS typed arrays.
#include <torch/csrc/autograd/function.h>

#include "registry.h"

namespace tts {
namespace {

napi_value Undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

// Typed array element type <-> ScalarType. Types ATen lacks (uint16, uint32, uint64) are
// widened in TypeScript before they get here.
bool TypedArrayScalarType(napi_typedarray_type t, ScalarType* out) {
  switch (t) {
    case napi_int8_array: *out = at::kChar; return true;
    case napi_uint8_array:
    case napi_uint8_clamped_array: *out = at::kByte; return true;
    case napi_int16_array: *out = at::kShort; return true;
    case napi_int32_array: *out = at::kInt; return true;
    case napi_float32_array: *out = at::kFloat; return true;
    case napi_float64_array: *out = at::kDouble; return true;
    case napi_bigint64_array: *out = at::kLong; return true;
    default: return false;
  }
}

// The typed array a tensor of this dtype is exported as (half types are widened to float32).
ScalarType ExportType(ScalarType t, napi_typedarray_type* out) {
  switch (t) {
    case at::kBool:
    case at::kByte: *out = napi_uint8_array; return t;
    case at::kChar: *out = napi_int8_array; return t;
    case at::kShort: *out = napi_int16_array; return t;
    case at::kInt: *out = napi_int32_array; return t;
    case at::kLong: *out = napi_bigint64_array; return t;
    case at::kDouble: *out = napi_float64_array; return t;
    case at::kFloat:
    case at::kHalf:
    case at::kBFloat16: *out = napi_float32_array; return at::kFloat;
    default: throw std::runtime_error(std::string("cannot export a tensor of dtype ") + c10::toString(t));
  }
}

struct TypedArrayView {
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_value arraybuffer;
  size_t byte_offset;
  ScalarType scalar_type;
};

TypedArrayView GetTypedArray(napi_env env, napi_value v) {
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  if (!is_ta) ThrowArgType(env, v, "a typed array");
  TypedArrayView ta;
  napi_get_typedarray_info(env, v, &ta.type, &ta.length, &ta.data, &ta.arraybuffer, &ta.byte_offset);
  if (!TypedArrayScalarType(ta.type, &ta.scalar_type)) throw ArgTypeError("unsupported typed array type");
  return ta;
}

void CheckFits(const std::vector<int64_t>& shape, int64_t available, const char* what) {
  int64_t n = 1;
  for (int64_t s : shape) {
    if (s < 0) throw ArgTypeError("negative dimension in shape");
    n *= s;
  }
  if (n > available) throw ArgTypeError(std::string(what) + ": shape needs more elements than the data holds");
}

// fromTypedArray(typedArray, dtypeCode | null, shape): a new tensor with a copy of the data.
napi_value FromTypedArray(napi_env env, napi_callback_info info) {
  try {
    size_t argc = 3;
    napi_value argv[3];
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    TypedArrayView ta = GetTypedArray(env, argv[0]);
    std::vector<int64_t> shape = GetIntList(env, argv[2]);
    CheckFits(shape, static_cast<int64_t>(ta.length), "tensor");
    ScalarType dtype = IsNullish(env, argv[1]) ? ta.scalar_type : GetScalarType(env, argv[1]);
    Tensor view = at::from_blob(ta.data, shape, at::TensorOptions().dtype(ta.scalar_type));
    Tensor out = at::empty(shape, at::TensorOptions().dtype(dtype));
    out.copy_(view);
    return WrapTensor(env, std::move(out));
  } catch (...) {
    return ThrowCurrent(env);
  }
}

// Keeps a JS ArrayBuffer alive while a tensor shares its memory. The storage may die on a
// libtorch thread: then the reference is queued and released on the JS thread.
struct BufferKeepAlive {
  napi_env env;
  napi_ref ref;
  EnvData* data;
};

void ReleaseKeepAlive(void* ctx) {
  auto* ka = static_cast<BufferKeepAlive*>(ctx);
  ReleaseReference(ka->env, ka->data, ka->ref);
  delete ka;
}

// fromBuffer(typedArray, dtypeCode, shape, byteOffset): a tensor that shares the typed array's
// memory (torch.frombuffer / as_tensor semantics).
napi_value FromBuffer(napi_env env, napi_callback_info info) {
  try {
    size_t argc = 4;
    napi_value argv[4];
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    TypedArrayView ta = GetTypedArray(env, argv[0]);
    ScalarType dtype = GetScalarType(env, argv[1]);
    std::vector<int64_t> shape = GetIntList(env, argv[2]);
    const int64_t offset = GetInt64(env, argv[3]);
    const int64_t item = static_cast<int64_t>(c10::elementSize(dtype));
    const int64_t bytes = static_cast<int64_t>(ta.length * c10::elementSize(ta.scalar_type));
    if (offset < 0 || offset > bytes || offset % item != 0) throw ArgTypeError("invalid byte offset");
    CheckFits(shape, (bytes - offset) / item, "frombuffer");
    auto* ka = new BufferKeepAlive{env, nullptr, GetEnvData(env)};
    napi_create_reference(env, ta.arraybuffer, 1, &ka->ref);
    void* data = static_cast<char*>(ta.data) + offset;
    Tensor t;
    try {
      t = at::from_blob(data, shape, [ka](void*) { ReleaseKeepAlive(ka); },
                        at::TensorOptions().dtype(dtype));
    } catch (...) {
      ReleaseKeepAlive(ka);
      throw;
    }
    return WrapTensor(env, std::move(t));
  } catch (...) {
    return ThrowCurrent(env);
  }
}

void DeleteTensorFinalizer(node_api_basic_env, void*, void* hint) { delete static_cast<Tensor*>(hint); }

// A typed array over a CPU tensor's memory; the tensor lives as long as the array buffer.
napi_value TypedArrayOver(napi_env env, const Tensor& t, napi_typedarray_type type) {
  napi_value ab, out;
  const size_t bytes = t.numel() * t.element_size();
  if (bytes == 0) {
    void* unused;
    napi_create_arraybuffer(env, 0, &unused, &ab);
  } else {
    auto* keep = new Tensor(t);
    if (napi_create_external_arraybuffer(env, t.data_ptr(), bytes, DeleteTensorFinalizer, keep, &ab) != napi_ok) {
      delete keep;
      throw std::runtime_error("could not create an external ArrayBuffer");
    }
  }
  napi_create_typedarray(env, type, t.numel(), ab, 0, &out);
  return out;
}

// toTypedArray(handle): a contiguous CPU copy of any tensor (any device, any layout), written
// straight into V8-owned memory: one copy, and V8 frees it like any array (external array
// buffers go through node::Buffer with deferred cleanup, which is much slower).
napi_value ToTypedArray(napi_env env, napi_callback_info info) {
  try {
    size_t argc = 1;
    napi_value argv[1];
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    const Tensor& t = UnwrapTensor(env, argv[0]);
    napi_typedarray_type type;
    ScalarType out_type = ExportType(t.scalar_type(), &type);
    const int64_t numel = t.numel();
    void* data = nullptr;
    napi_value ab, out;
    if (napi_create_arraybuffer(env, numel * c10::elementSize(out_type), &data, &ab) != napi_ok)
      throw std::bad_alloc();
    if (numel > 0) {
      Tensor dst = at::from_blob(data, t.sizes(), at::TensorOptions().dtype(out_type));
      at::NoGradGuard no_grad;
      dst.copy_(t);
    }
    napi_create_typedarray(env, type, numel, ab, 0, &out);
    return out;
  } catch (...) {
    return ThrowCurrent(env);
  }
}

// sharedTypedArray(handle): a typed array sharing a contiguous CPU tensor's memory (numpy()).
napi_value SharedTypedArray(napi_env env, napi_callback_info info) {
  try {
    size_t argc = 1;
    napi_value argv[1];
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    const Tensor& t = UnwrapTensor(env, argv[0]);
    napi_typedarray_type type;
    if (ExportType(t.scalar_type(), &type) != t.scalar_type())
      throw std::runtime_error(std::string("a typed array cannot share the memory of a ") +
                               c10::toString(t.scalar_type()) + " tensor; use toTypedArray() for a float32 copy");
    return TypedArrayOver(env, t, type);
  } catch (...) {
    return ThrowCurrent(env);
  }
}

napi_value Dispose(napi_env env, napi_callback_info info) {
  try {
    size_t argc = 1;
    napi_value argv[1];
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    return ToJS(env, DisposeHandle(env, argv[0]));
  } catch (...) {
    return ThrowCurrent(env);
  }
}

napi_value IsTensor(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  return ToJS(env, argc == 1 && IsTensorHandle(env, argv[0]));
}

napi_value Memory(napi_env env, napi_callback_info) {
  EnvData* d = GetEnvData(env);
  napi_value out;
  napi_create_object(env, &out);
  napi_set_named_property(env, out, "tensors", ToJS(env, d->live_tensors));
  napi_set_named_property(env, out, "bytes", ToJS(env, d->live_bytes));
  return out;
}

// setErrorClass(ctor): the TorchError class errors.cc instantiates (per environment).
napi_value SetErrorClass(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  EnvData* d = GetEnvData(env);
  if (d->error_ctor != nullptr) napi_delete_reference(env, d->error_ctor);
  napi_create_reference(env, argv[0], 1, &d->error_ctor);
  return Undefined(env);
}

}  // namespace

void RegisterTensorOps(Registry& r) {
  r.raw("fromTypedArray", FromTypedArray);
  r.raw("fromBuffer", FromBuffer);
  r.raw("toTypedArray", ToTypedArray);
  r.raw("sharedTypedArray", SharedTypedArray);
  r.raw("dispose", Dispose);
  r.raw("isTensor", IsTensor);
  r.raw("memory", Memory);
  r.raw("setErrorClass", SetErrorClass);

  // Properties.
  r.def("shape", +[](const Tensor& t) { return t.sizes(); });
  r.def("size", +[](const Tensor& t, int64_t dim) { return t.size(dim); });
  r.def("stride", +[](const Tensor& t) { return t.strides(); });
  r.def("dim", +[](const Tensor& t) { return t.dim(); });
  r.def("numel", +[](const Tensor& t) { return t.numel(); });
  r.def("dtype", +[](const Tensor& t) { return t.scalar_type(); });
  r.def("device", +[](const Tensor& t) { return t.device(); });
  r.def("element_size", +[](const Tensor& t) { return static_cast<int64_t>(t.element_size()); });
  r.def("is_contiguous", +[](const Tensor& t) { return t.is_contiguous(); });
  r.def("storage_offset", +[](const Tensor& t) { return t.storage_offset(); });
  r.def("item", +[](const Tensor& t) { return t.item(); });
  r.def("same_storage", +[](const Tensor& a, const Tensor& b) { return a.is_alias_of(b); });

  // Autograd basics (the rest of autograd lives with the training API).
  r.def("requires_grad", +[](const Tensor& t) { return t.requires_grad(); });
  r.def("requires_grad_", +[](const Tensor& t, bool flag) { t.set_requires_grad(flag); });
  r.def("is_leaf", +[](const Tensor& t) { return t.is_leaf(); });
  r.def("grad", +[](const Tensor& t) { return t.grad(); });
  r.def("set_grad", +[](const Tensor& t, const Opt<Tensor>& g) { t.mutable_grad() = g.has_value() ? *g : Tensor(); });
  r.def("grad_fn_name", +[](const Tensor& t) {
    const auto& fn = t.grad_fn();
    return fn ? fn->name() : std::string();
  });
  r.def("retain_grad", +[](const Tensor& t) { t.retain_grad(); });
  r.def("backward", +[](const Tensor& t, const Opt<Tensor>& gradient, const Opt<bool>& retain_graph, bool create_graph) {
    t.backward(gradient.has_value() ? *gradient : Tensor(), retain_graph, create_graph);
  });
  r.def("detach", +[](const Tensor& t) { return t.detach(); });
  r.def("data", +[](const Tensor& t) { return t.variable_data(); });
  r.def("set_data", +[](const Tensor& t, const Tensor& d) { const_cast<Tensor&>(t).set_data(d); });

  // Storage access for serialization: views that share a storage serialize it once.
  r.def("storage_nbytes", +[](const Tensor& t) { return static_cast<int64_t>(t.storage().nbytes()); });
  r.def("storage_key", +[](const Tensor& t) {
    return std::to_string(reinterpret_cast<uintptr_t>(t.storage().unsafeGetStorageImpl()));
  });
  // The whole storage as a 1-D tensor of the tensor's dtype (a view; CPU or not).
  r.def("storage_tensor", +[](const Tensor& t) {
    const int64_t n = static_cast<int64_t>(t.storage().nbytes() / t.element_size());
    return at::empty({0}, t.options()).set_(t.storage(), 0, {n}, {1});
  });
  r.def("as_strided", +[](const Tensor& t, at::IntArrayRef size, at::IntArrayRef stride, int64_t offset) {
    return t.as_strided(size, stride, offset);
  });
  r.def("detach_", +[](const Tensor& t) { t.detach_(); });
}

}  // namespace tts
