// Shared declarations for the torchts addon: libtorch compatibility shims, the tensor handle,
// per-environment state and the one place where C++ exceptions become JS exceptions.
#pragma once

// NAPI_VERSION is NAPI_VERSION_EXPERIMENTAL (set in CMakeLists.txt) so that Node runs "basic"
// finalizers inside GC; see tensor_handle.cc.
#include <js_native_api.h>
#include <node_api.h>

#include <ATen/ATen.h>
// TORCH_VERSION_*: generated as torch/headeronly/version.h since 2.10 (torch/version.h forwards
// there); 1.13 only has torch/version.h.
#if __has_include(<torch/headeronly/version.h>)
#include <torch/headeronly/version.h>
#else
#include <torch/version.h>
#endif

#include <atomic>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tts {

using at::Scalar;
using at::ScalarType;
using at::Tensor;

// The optional type of ATen signatures: c10's own class up to 2.1, std::optional from 2.2 on
// (c10::optional became an alias in Nov 2023 and is deprecated since; C10_NODEPRECATED removes it).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 2)
template <class T>
using Opt = std::optional<T>;
#else
template <class T>
using Opt = c10::optional<T>;
#endif

// std/var correction: `int? correction` in 1.13, `Scalar? correction` from 2.0 on
// (an int would pick the `unbiased` overload).
#if TORCH_VERSION_MAJOR >= 2
using Correction = Opt<Scalar>;
#else
using Correction = Opt<int64_t>;
#endif

// A JS argument of the wrong kind. Caught in ThrowCurrent and raised as a JS TypeError.
struct ArgTypeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An error of a Python kind ATen has no class for (OSError, ...). Caught in ThrowCurrent and
// raised as a TorchError with this python_type.
struct PythonError : std::runtime_error {
  PythonError(const std::string& message, std::string type) : std::runtime_error(message), python_type(std::move(type)) {}
  std::string python_type;
};

// Per-environment state (main thread, each worker thread, each Jest worker has its own).
struct EnvData {
  napi_ref error_ctor = nullptr;  // TorchError class, handed over by lib/native.ts
  int64_t holders = 0;            // handle objects not yet finalized (keep this struct alive)
  int64_t live_tensors = 0;       // tensors owned by JS handles, for leak tests
  int64_t live_bytes = 0;         // bytes accounted for them
  // External-memory reporting to V8 (policy in tensor_handle.cc).
  int64_t young_bytes = 0;        // deferred data of live handles made since the last collection
  int64_t old_bytes = 0;          // data of the other live handles
  int64_t reported_bytes = 0;     // what V8 has been told
  uint64_t epoch = 0;             // bumped when a collection is noticed
  bool collected = false;         // a finalizer ran since the last epoch bump
  bool env_gone = false;          // instance data finalized; freed when live_tensors drops to 0
  std::thread::id thread;         // the JS thread of this environment
  // References to JS ArrayBuffers whose tensors died on another thread; released on the JS thread.
  std::mutex pending_mu;
  std::vector<napi_ref> pending_unrefs;
  std::atomic<bool> has_pending{false};
};

EnvData* GetEnvData(napi_env env);

// The holder behind each JS tensor handle (a type-tagged napi external).
struct TensorHolder {
  Tensor tensor;
  // Bit fields keep the holder at 24 bytes: one more word (32) measurably slowed small-op loops
  // (a different malloc size class for a million short-lived holders).
  uint64_t accounted_bytes : 44;  // data bytes + handle overhead, 0 once released (tensor_handle.cc)
  uint64_t deferred : 1;          // a large tensor: its data is reported once it outlives a GC
  uint64_t epoch : 19;            // EnvData::epoch at creation, modulo 2^19: young while current
  EnvData* env_data;
};

napi_value WrapTensor(napi_env env, Tensor t);  // undefined tensor -> null
TensorHolder* UnwrapHolder(napi_env env, napi_value v);
const Tensor& UnwrapTensor(napi_env env, napi_value v);  // throws ArgTypeError / disposed error
bool IsTensorHandle(napi_env env, napi_value v);
bool DisposeHandle(napi_env env, napi_value v);  // false if already disposed
void DrainPendingUnrefs(napi_env env, EnvData* data);
// Deletes a reference now when on the environment's JS thread, else queues it for that thread
// (libtorch may free storages and hooks on its own threads). Safe inside GC finalizers.
void ReleaseReference(napi_env env, EnvData* data, napi_ref ref);

// Translates the exception being handled into a pending JS exception; returns nullptr.
napi_value ThrowCurrent(napi_env env);
void ThrowTorchError(napi_env env, const std::string& message, const char* python_type);
// The TorchError object itself (to reject a promise with).
napi_value MakeTorchError(napi_env env, const std::string& message, const char* python_type);

// Status check for Node-API calls whose failure means a JS exception is already pending
// or the argument was of the wrong kind.
inline void Check(napi_status s, const char* what) {
  if (s != napi_ok && s != napi_pending_exception) throw ArgTypeError(what);
  if (s == napi_pending_exception) throw ArgTypeError(what);
}

}  // namespace tts
