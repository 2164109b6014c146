// Image files → uint8 H×W×3 RGB tensors, byte-exact with Pillow's open(f).convert('RGB') on
// Debian (libjpeg62-turbo for JPEG; PNG through libpng with Pillow's unpacking rules).
// Each library is optional at build time (TORCHTS_WITH_JPEG / TORCHTS_WITH_PNG, CMakeLists.txt):
// without it, lib/vision/datasets/image.ts falls back to its JS decoders.
#pragma once

#include "common.h"  // first: Node-API's C headers before ATen (see common.h)

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace tts {

// A decoding failure with the Python exception Pillow raises for it (OSError,
// UnidentifiedImageError, DecompressionBombError); the message names the file.
struct ImageDecodeError : PythonError {
  using PythonError::PythonError;
};

enum class ImageFormat { kUnknown, kPng, kJpeg };

// The format from the magic bytes (as Pillow identifies files), not the name.
ImageFormat SniffImage(const uint8_t* data, size_t size);

// Whether this build decodes `format` natively.
bool CanDecodeNatively(ImageFormat format);

// Decodes a PNG or JPEG file's bytes; throws ImageDecodeError. Thread-safe (no shared state).
at::Tensor DecodeImageRGB(const uint8_t* data, size_t size, const std::string& file);

// decodeImage(bytes, file) and imageDecoders() (kept out of registry.h: adding a line there
// recompiles every op file).
class Registry;
void RegisterImageDecodeOps(Registry& r);

}  // namespace tts
