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

// The tensor's own bytes, capped at its storage size (expand() can report a huge numel) and at
// what TensorHolder::accounted_bytes holds (8 TB).
int64_t DataBytes(const Tensor& t) {
  int64_t bytes = t.numel() * static_cast<int64_t>(t.element_size());
  if (t.has_storage()) bytes = std::min<int64_t>(bytes, static_cast<int64_t>(t.storage().nbytes()));
  return std::min<int64_t>(bytes, (int64_t{1} << 43) - kHandleOverhead);
}

// Reporting policy. V8 starts a full (mark-compact) collection whenever the external memory it has
// been told about has grown by 64 MB since the last one, while scavenges (young-generation GCs,
// which free young dead handles too) come only with JS allocation. Reporting every tensor's bytes
// at birth made a training loop's activations (megabytes per step, little JS allocation) start a
// mark-compact every ~6 LeNet-5 steps, 150-180 per epoch: most of the gap to Python
// (docs/benchmarks.md, bench/lenet_epoch).
//
// So the data of large tensors (kDeferMinBytes and up) is "deferred": reported only once its
// handle outlives a collection, or once the deferred data of handles made since the last
// collection ("young": their epoch is still EnvData::epoch) exceeds kYoungAllowance. Most
// activations die in the next GC, scavenge or not, and are never reported; the first handle made
// after a collection (noticed by a finalizer having run) promotes the survivors. Garbage waits for
// a GC at most kYoungAllowance longer. Small tensors and every handle's overhead are reported at
// once as before: floods of small results keep the GC cadence that bench/overhead measures best
// (fewer collections there mean colder memory, 3-5% slower).
constexpr int64_t kDeferMinBytes = 64 * 1024;
constexpr int64_t kYoungAllowance = 64 << 20;
constexpr uint64_t kEpochMask = (1 << 19) - 1;  // TensorHolder::epoch's width
// Reports are batched in steps of kAccountingQuantum rather than made per tensor: each positive
// report over V8's limit runs GC heuristics (an incremental-marking step), costly per op.
constexpr int64_t kAccountingQuantum = 256 * 1024;

// Brings V8's figure to: every handle's overhead + other data + young data over the allowance.
// A positive report may start a garbage collection, so it is only made where the caller allows
// (WrapTensor, never inside GC); finalizers only ever report a decrease, which V8 records without
// running any heuristics.
void Sync(node_api_basic_env env, EnvData* d, bool may_grow) {
  const int64_t young_over = std::max<int64_t>(0, d->young_bytes - kYoungAllowance);
  const int64_t target = d->live_tensors * kHandleOverhead + d->old_bytes + young_over;
  const int64_t diff = target - d->reported_bytes;
  if ((may_grow && diff >= kAccountingQuantum) || diff <= -kAccountingQuantum) {
    int64_t ignored;
    napi_adjust_external_memory(env, diff, &ignored);
    d->reported_bytes = target;
  }
}

// A handle that outlived exactly a multiple of 2^19 collections passes for young here; that only
// moves its bytes between the two counts until the next promotion adds young to old again.
void ReleaseAccounting(node_api_basic_env env, TensorHolder* h) {
  if (h->accounted_bytes == 0) return;
  EnvData* d = h->env_data;
  const int64_t bytes = static_cast<int64_t>(h->accounted_bytes);
  d->live_tensors--;
  d->live_bytes -= bytes;
  const bool young = h->deferred && h->epoch == (d->epoch & kEpochMask);
  (young ? d->young_bytes : d->old_bytes) -= bytes - kHandleOverhead;
  Sync(env, d, false);
  h->accounted_bytes = 0;
}

void FinalizeHolder(node_api_basic_env env, void* data, void* /*hint*/) {
  auto* h = static_cast<TensorHolder*>(data);
  EnvData* d = h->env_data;
  d->collected = true;
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
  const int64_t data = DataBytes(t);
  if (d->collected) {  // a GC ran since the last handle was made: the young ones alive survived it
    d->old_bytes += d->young_bytes;
    d->young_bytes = 0;
    d->epoch++;
    d->collected = false;
  }
  const bool deferred = data >= kDeferMinBytes;
  const auto accounted = static_cast<uint64_t>(data + kHandleOverhead);
  auto* h = new TensorHolder{std::move(t), accounted, deferred, d->epoch & kEpochMask, d};
  if (napi_create_external(env, h, FinalizeHolder, nullptr, &result) != napi_ok) {
    delete h;
    throw std::runtime_error("torchts: could not create a tensor handle");
  }
  napi_type_tag_object(env, result, &kTensorTag);
  d->holders++;
  d->live_tensors++;
  d->live_bytes += data + kHandleOverhead;
  (deferred ? d->young_bytes : d->old_bytes) += data;
  Sync(env, d, true);
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
