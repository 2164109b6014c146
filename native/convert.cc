// JS value <-> C++ conversions used by the op table (see convert.h).
#include "convert.h"

#include <cmath>

namespace tts {

std::string ArgDescription(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return "an unknown value";
  switch (t) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_object: {
      bool is_array = false;
      napi_is_array(env, v, &is_array);
      return is_array ? "an array" : "an object";
    }
    case napi_function: return "a function";
    case napi_external: return IsTensorHandle(env, v) ? "a Tensor" : "a foreign external";
    case napi_bigint: return "a bigint";
  }
  return "an unknown value";
}

void ThrowArgType(napi_env env, napi_value v, const char* expected) {
  throw ArgTypeError(std::string("expected ") + expected + ", got " + ArgDescription(env, v));
}

bool IsNullish(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  return t == napi_undefined || t == napi_null;
}

double GetDouble(napi_env env, napi_value v) {
  double d;
  if (napi_get_value_double(env, v, &d) == napi_ok) return d;
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_bigint) {
    bool lossless;
    int64_t i;
    napi_get_value_bigint_int64(env, v, &i, &lossless);
    return static_cast<double>(i);
  }
  ThrowArgType(env, v, "a number");
}

int64_t GetInt64(napi_env env, napi_value v) {
  double d;
  if (napi_get_value_double(env, v, &d) == napi_ok) {
    if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 9007199254740992.0)
      throw ArgTypeError("expected an integer, got " + std::to_string(d));
    return static_cast<int64_t>(d);
  }
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_bigint) {
    bool lossless;
    int64_t i;
    napi_get_value_bigint_int64(env, v, &i, &lossless);
    if (!lossless) throw ArgTypeError("expected an integer that fits in int64");
    return i;
  }
  ThrowArgType(env, v, "an integer");
}

bool GetBool(napi_env env, napi_value v) {
  bool b;
  if (napi_get_value_bool(env, v, &b) == napi_ok) return b;
  ThrowArgType(env, v, "a boolean");
}

Scalar GetScalar(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_number) {
    double d;
    napi_get_value_double(env, v, &d);
    // JS has one number type: an integer value is an integral Scalar (as Python's `1`), anything
    // else (fractions, -0, inf, nan, beyond 2^53) is a double (as Python's `1.5`).
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) <= 9007199254740992.0 && !(d == 0 && std::signbit(d)))
      return Scalar(static_cast<int64_t>(d));
    return Scalar(d);
  }
  if (t == napi_boolean) return Scalar(GetBool(env, v));
  if (t == napi_bigint) return Scalar(GetInt64(env, v));
  ThrowArgType(env, v, "a number, bigint or boolean");
}

ScalarType GetScalarType(napi_env env, napi_value v) {
  int64_t code = GetInt64(env, v);
  if (code < 0 || code >= static_cast<int64_t>(ScalarType::NumOptions)) throw ArgTypeError("invalid dtype code");
  return static_cast<ScalarType>(code);
}

std::string GetString(napi_env env, napi_value v) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) ThrowArgType(env, v, "a string");
  std::string s(len, '\0');
  napi_get_value_string_utf8(env, v, s.data(), len + 1, &len);
  return s;
}

std::vector<int64_t> GetIntList(napi_env env, napi_value v) {
  bool is_array = false;
  napi_is_array(env, v, &is_array);
  if (!is_array) {
    napi_valuetype t;
    napi_typeof(env, v, &t);
    if (t == napi_number || t == napi_bigint) return {GetInt64(env, v)};  // PyTorch accepts an int
    ThrowArgType(env, v, "an array of integers");
  }
  uint32_t n;
  napi_get_array_length(env, v, &n);
  std::vector<int64_t> out(n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    napi_get_element(env, v, i, &e);
    out[i] = GetInt64(env, e);
  }
  return out;
}

std::vector<Tensor> GetTensorList(napi_env env, napi_value v) {
  bool is_array = false;
  napi_is_array(env, v, &is_array);
  if (!is_array) ThrowArgType(env, v, "an array of Tensors");
  uint32_t n;
  napi_get_array_length(env, v, &n);
  std::vector<Tensor> out;
  out.reserve(n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    napi_get_element(env, v, i, &e);
    out.push_back(UnwrapTensor(env, e));
  }
  return out;
}

napi_value ToJS(napi_env env, double d) {
  napi_value r;
  napi_create_double(env, d, &r);
  return r;
}

napi_value ToJS(napi_env env, int64_t i) {
  napi_value r;
  if (i >= -9007199254740991LL && i <= 9007199254740991LL)
    napi_create_int64(env, i, &r);
  else
    napi_create_bigint_int64(env, i, &r);
  return r;
}

napi_value ToJS(napi_env env, bool b) {
  napi_value r;
  napi_get_boolean(env, b, &r);
  return r;
}

napi_value ToJS(napi_env env, const Scalar& s) {
  if (s.isBoolean()) return ToJS(env, s.toBool());
  if (s.isIntegral(false)) return ToJS(env, s.toLong());
  if (s.isComplex()) throw std::runtime_error("complex scalars are not supported");
  return ToJS(env, s.toDouble());
}

napi_value ToJS(napi_env env, const std::vector<Tensor>& ts) {
  napi_value arr;
  napi_create_array_with_length(env, ts.size(), &arr);
  for (size_t i = 0; i < ts.size(); i++) napi_set_element(env, arr, i, WrapTensor(env, ts[i]));
  return arr;
}

napi_value ToJS(napi_env env, at::IntArrayRef xs) {
  napi_value arr;
  napi_create_array_with_length(env, xs.size(), &arr);
  for (size_t i = 0; i < xs.size(); i++) {
    napi_value e;
    napi_create_int64(env, xs[i], &e);
    napi_set_element(env, arr, i, e);
  }
  return arr;
}

napi_value ToJS(napi_env env, const std::vector<int64_t>& xs) { return ToJS(env, at::IntArrayRef(xs)); }

napi_value ToJS(napi_env env, const std::string& s) {
  napi_value r;
  napi_create_string_utf8(env, s.data(), s.size(), &r);
  return r;
}

at::Device DecodeDevice(int64_t code) {
  if (code == 0) return at::Device(at::kCPU);
  const int64_t type = code / 256 - 1, index = code % 256 - 1;
  if (type < 0 || type >= static_cast<int64_t>(c10::DeviceType::COMPILE_TIME_MAX_DEVICE_TYPES))
    throw ArgTypeError("invalid device code");
  return at::Device(static_cast<c10::DeviceType>(type), static_cast<c10::DeviceIndex>(index));
}

int64_t EncodeDevice(const at::Device& d) {
  return (static_cast<int64_t>(d.type()) + 1) * 256 + (static_cast<int64_t>(d.index()) + 1);
}

FactoryOptions DecodeFactoryOptions(int64_t packed) {
  FactoryOptions f;
  const int64_t dtype = packed & 0xff, device = (packed >> 8) & 0xffff;
  if (dtype != 0) {
    if (dtype - 1 >= static_cast<int64_t>(ScalarType::NumOptions)) throw ArgTypeError("invalid dtype code");
    f.options = f.options.dtype(static_cast<ScalarType>(dtype - 1));
  }
  if (device != 0) f.options = f.options.device(DecodeDevice(device));
  if (packed & (1 << 25)) f.options = f.options.pinned_memory(true);
  f.requires_grad = (packed & (1 << 24)) != 0;
  return f;
}

at::Device From<at::Device>::Get(napi_env env, napi_value v) { return DecodeDevice(GetInt64(env, v)); }

FactoryOptions From<FactoryOptions>::Get(napi_env env, napi_value v) {
  if (IsNullish(env, v)) return FactoryOptions{};
  return DecodeFactoryOptions(GetInt64(env, v));
}

}  // namespace tts
