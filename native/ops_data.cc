// data: natives for torch.Generator and torch.utils.data.
#include "registry.h"

namespace tts {

void RegisterDataOps(Registry& r) {}

}  // namespace tts
