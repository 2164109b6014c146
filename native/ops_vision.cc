// vision: natives for torchvision transforms and image ops.
#include "registry.h"

namespace tts {

void RegisterVisionOps(Registry& r) {}

}  // namespace tts
