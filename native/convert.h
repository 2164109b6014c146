// Conversions between JS values and the C++ parameter / return types of ATen functions.
// From<T>::Get turns argument `v` into something that binds to a parameter of type T;
// ToJS(env, value) turns a result back into a JS value. Add a specialization here to
// teach the op table (registry.h) a new parameter or return type.
#pragma once

#include "common.h"

#include <tuple>
#include <type_traits>

namespace tts {

std::string ArgDescription(napi_env env, napi_value v);  // "a string", "an object", ...
[[noreturn]] void ThrowArgType(napi_env env, napi_value v, const char* expected);

double GetDouble(napi_env env, napi_value v);
int64_t GetInt64(napi_env env, napi_value v);
bool GetBool(napi_env env, napi_value v);
bool IsNullish(napi_env env, napi_value v);
std::vector<int64_t> GetIntList(napi_env env, napi_value v);
std::vector<Tensor> GetTensorList(napi_env env, napi_value v);
Scalar GetScalar(napi_env env, napi_value v);
ScalarType GetScalarType(napi_env env, napi_value v);  // dtype codes are c10::ScalarType values
std::string GetString(napi_env env, napi_value v);

// Device codes cross as one integer: (DeviceType + 1) * 256 + (index + 1); 0 = default (CPU).
at::Device DecodeDevice(int64_t code);
int64_t EncodeDevice(const at::Device& d);

// Factory options packed into one integer by lib/options.ts:
//   bits 0-7 dtype + 1 (0 = default), bits 8-23 device code, bit 24 requires_grad, bit 25 pin_memory.
struct FactoryOptions {
  at::TensorOptions options;
  bool requires_grad = false;
  // Applies what ATen factories leave to the autograd layer.
  Tensor finish(Tensor t) const {
    if (requires_grad) t.set_requires_grad(true);
    return t;
  }
};
FactoryOptions DecodeFactoryOptions(int64_t packed);

template <class T, class Enable = void>
struct From;

template <>
struct From<at::Device> {
  static at::Device Get(napi_env env, napi_value v);
};
template <>
struct From<FactoryOptions> {
  static FactoryOptions Get(napi_env env, napi_value v);
};

template <>
struct From<Tensor> {
  static const Tensor& Get(napi_env env, napi_value v) { return UnwrapTensor(env, v); }
};
template <>
struct From<double> {
  static double Get(napi_env env, napi_value v) { return GetDouble(env, v); }
};
template <>
struct From<int64_t> {
  static int64_t Get(napi_env env, napi_value v) { return GetInt64(env, v); }
};
template <>
struct From<bool> {
  static bool Get(napi_env env, napi_value v) { return GetBool(env, v); }
};
template <>
struct From<Scalar> {
  static Scalar Get(napi_env env, napi_value v) { return GetScalar(env, v); }
};
template <>
struct From<ScalarType> {
  static ScalarType Get(napi_env env, napi_value v) { return GetScalarType(env, v); }
};
template <>
struct From<std::string> {
  static std::string Get(napi_env env, napi_value v) { return GetString(env, v); }
};
// IntArrayRef / TensorList parameters borrow from a vector that lives until the call returns.
template <>
struct From<at::IntArrayRef> {
  static std::vector<int64_t> Get(napi_env env, napi_value v) { return GetIntList(env, v); }
};
template <>
struct From<std::vector<int64_t>> {
  static std::vector<int64_t> Get(napi_env env, napi_value v) { return GetIntList(env, v); }
};
template <>
struct From<at::TensorList> {
  static std::vector<Tensor> Get(napi_env env, napi_value v) { return GetTensorList(env, v); }
};
// null or undefined -> nullopt.
template <class T>
struct From<Opt<T>> {
  static auto Get(napi_env env, napi_value v) -> Opt<std::decay_t<decltype(From<T>::Get(env, v))>> {
    if (IsNullish(env, v)) return {};
    return From<T>::Get(env, v);
  }
};

// Results.
inline napi_value ToJS(napi_env env, const Tensor& t) { return WrapTensor(env, t); }
inline napi_value ToJS(napi_env env, Tensor&& t) { return WrapTensor(env, std::move(t)); }
napi_value ToJS(napi_env env, double d);
napi_value ToJS(napi_env env, int64_t i);
napi_value ToJS(napi_env env, bool b);
napi_value ToJS(napi_env env, const Scalar& s);  // number, BigInt beyond 2^53, or boolean
napi_value ToJS(napi_env env, const std::vector<Tensor>& ts);
napi_value ToJS(napi_env env, const std::vector<int64_t>& xs);
napi_value ToJS(napi_env env, at::IntArrayRef xs);
napi_value ToJS(napi_env env, const std::string& s);
inline napi_value ToJS(napi_env env, ScalarType t) { return ToJS(env, static_cast<int64_t>(t)); }
inline napi_value ToJS(napi_env env, const at::Device& d) { return ToJS(env, EncodeDevice(d)); }
inline napi_value ToJS(napi_env, napi_value v) { return v; }

template <class... T, size_t... I>
napi_value TupleToJS(napi_env env, const std::tuple<T...>& t, std::index_sequence<I...>) {
  napi_value arr;
  napi_create_array_with_length(env, sizeof...(T), &arr);
  (napi_set_element(env, arr, I, ToJS(env, std::get<I>(t))), ...);
  return arr;
}
template <class... T>
napi_value ToJS(napi_env env, const std::tuple<T...>& t) {
  return TupleToJS(env, t, std::index_sequence_for<T...>{});
}

}  // namespace tts
