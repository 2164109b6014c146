// Module entry point. Context-aware: every environment (main thread, worker_threads, Jest
// workers) gets its own EnvData and its own function objects; nothing JS is held statically.
#include "registry.h"
#include "image_decode.h"

namespace tts {

EnvData* GetEnvData(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return static_cast<EnvData*>(data);
}

namespace {
void FinalizeEnvData(node_api_basic_env env, void* data, void*) {
  auto* d = static_cast<EnvData*>(data);
  if (d->error_ctor != nullptr) napi_delete_reference(env, d->error_ctor);
  d->error_ctor = nullptr;
  d->env_gone = true;
  if (d->holders == 0) delete d;  // else the last tensor handle's finalizer frees it
}
}  // namespace

}  // namespace tts

NAPI_MODULE_INIT() {
  auto* data = new tts::EnvData();
  data->thread = std::this_thread::get_id();
  napi_set_instance_data(env, data, tts::FinalizeEnvData, nullptr);
  tts::Registry r(env, exports);
  tts::RegisterTensorOps(r);
  tts::RegisterCreationOps(r);
  tts::RegisterMathOps(r);
  tts::RegisterShapeOps(r);
  tts::RegisterReductionOps(r);
  tts::RegisterAutogradOps(r);
  tts::RegisterNNOps(r);
  tts::RegisterOptimOps(r);
  tts::RegisterAmpOps(r);
  tts::RegisterInitOps(r);
  tts::RegisterDataOps(r);
  tts::RegisterVisionOps(r);
  tts::RegisterPipelineOps(r);
  tts::RegisterImageDecodeOps(r);
  return exports;
}
