// JS tensor handles: each is a napi external owning one at::Tensor reference.
//
// The module is built with NAPI_EXPERIMENTAL so that Node runs these finalizers inside the
// garbage collector instead of deferring them to setImmediate: a synchronous loop of a million
// ops then frees its temporaries as V8 collects them, and resident memory stays flat.
// Finalizers therefore only touch "basic" Node-API (memory accounting, reference deletion).
#include "common.h"

namespace tts {
namespace {

// Distinguishes our handles from any other external or object (checked before every unwrap).
constexpr napi_type_tag kTensorTag = {0x7a1c6c2b5e0f4d11ULL, 0x9b3e2f6a8c4d7e05ULL};

// Bookkeeping a handle costs besides the tensor's bytes (TensorImpl, storage, holder).
constexpr int64_t kHandleOverhead = 512;

int64_t AccountedBytes(const Tensor& t) {
  int64_t bytes = t.numel() * static_cast<int64_t>(t.element_size());
  // A view never costs more than the storage it looks at (expand() can report huge numel).
  if (t.has_storage()) bytes = std::min<int64_t>(bytes, static_cast<int64_t>(t.storage().nbytes()));
  return bytes + kHandleOverhead;
}

// Reports memory to V8 in steps of kAccountingQuantum rather than per tensor: each report can
// run GC heuristics (an incremental-marking step once over the limit), which is costly per op.
// A positive report may start a garbage collection, so it is only made for a growth (delta > 0,
// from WrapTensor, never inside GC); finalizers run inside GC and only ever report a decrease,
// which V8 records without running any heuristics.
constexpr int64_t kAccountingQuantum = 256 * 1024;

void Account(node_api_basic_env env, EnvData* d, int64_t delta) {
  d->unreported_bytes += delta;
  const bool flush = delta > 0 ? d->unreported_bytes >= kAccountingQuantum : d->unreported_bytes <= -kAccountingQuantum;
  if (flush) {
    int64_t ignored;
    napi_adjust_external_memory(env, d->unreported_bytes, &ignored);
    d->unreported_bytes = 0;
  }
}

void ReleaseAccounting(node_api_basic_env env, TensorHolder* h) {
  if (h->accounted_bytes == 0) return;
  h->env_data->live_tensors--;
  h->env_data->live_bytes -= h->accounted_bytes;
  Account(env, h->env_data, -h->accounted_bytes);
  h->accounted_bytes = 0;
}

void FinalizeHolder(node_api_basic_env env, void* data, void* /*hint*/) {
  auto* h = static_cast<TensorHolder*>(data);
  EnvData* d = h->env_data;
  ReleaseAccounting(env, h);
  delete h;  // may free storage; a from_blob deleter only releases a reference (basic API)
  if (--d->holders == 0 && d->env_gone) delete d;
}

}  // namespace

napi_value WrapTensor(napi_env env, Tensor t) {
  napi_value result;
  if (!t.defined()) {
    napi_get_null(env, &result);
    return result;
  }
  EnvData* d = GetEnvData(env);
  if (d->has_pending.load(std::memory_order_relaxed)) DrainPendingUnrefs(env, d);
  const int64_t bytes = AccountedBytes(t);
  auto* h = new TensorHolder{std::move(t), bytes, d};
  if (napi_create_external(env, h, FinalizeHolder, nullptr, &result) != napi_ok) {
    delete h;
    throw std::runtime_error("torchts: could not create a tensor handle");
  }
  napi_type_tag_object(env, result, &kTensorTag);
  d->holders++;
  d->live_tensors++;
  d->live_bytes += bytes;
  Account(env, d, bytes);
  return result;
}

bool IsTensorHandle(napi_env env, napi_value v) {
  // Only objects and externals can carry a tag. Asking about a primitive would run ToObject, which
  // throws for null/undefined and leaves that exception pending in the environment.
  napi_valuetype type;
  if (napi_typeof(env, v, &type) != napi_ok || (type != napi_external && type != napi_object)) return false;
  bool tagged = false;
  return napi_check_object_type_tag(env, v, &kTensorTag, &tagged) == napi_ok && tagged;
}

TensorHolder* UnwrapHolder(napi_env env, napi_value v) {
  if (!IsTensorHandle(env, v)) throw ArgTypeError("expected a Tensor");
  void* p = nullptr;
  napi_get_value_external(env, v, &p);
  return static_cast<TensorHolder*>(p);
}

const Tensor& UnwrapTensor(napi_env env, napi_value v) {
  TensorHolder* h = UnwrapHolder(env, v);
  if (!h->tensor.defined()) throw std::runtime_error("Tensor has been disposed: it can no longer be used");
  return h->tensor;
}

// Drops the tensor now; the handle stays (a later use is a clear error) until GC frees it.
bool DisposeHandle(napi_env env, napi_value v) {
  TensorHolder* h = UnwrapHolder(env, v);
  if (!h->tensor.defined()) return false;
  ReleaseAccounting(env, h);
  h->tensor.reset();
  return true;
}

void ReleaseReference(napi_env env, EnvData* d, napi_ref ref) {
  if (std::this_thread::get_id() == d->thread) {
    napi_delete_reference(env, ref);
    return;
  }
  std::lock_guard<std::mutex> lock(d->pending_mu);
  d->pending_unrefs.push_back(ref);
  d->has_pending.store(true, std::memory_order_relaxed);
}

void DrainPendingUnrefs(napi_env env, EnvData* d) {
  std::vector<napi_ref> refs;
  {
    std::lock_guard<std::mutex> lock(d->pending_mu);
    refs.swap(d->pending_unrefs);
    d->has_pending.store(false, std::memory_order_relaxed);
  }
  for (napi_ref r : refs) napi_delete_reference(env, r);
}

}  // namespace tts
