// nn.functional: convolutions, pooling, normalization, activations, losses.
#include "registry.h"

namespace tts {

void RegisterNNOps(Registry& r) {}

}  // namespace tts
