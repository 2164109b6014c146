// Optimizer steps: one native call updates every parameter of a group (no per-parameter,
// per-op JS round trips).
#include "registry.h"

namespace tts {

void RegisterOptimOps(Registry& r) {}

}  // namespace tts
