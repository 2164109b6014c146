// Native image decoding for ImageFolder's default loader, byte-exact with Debian's Pillow:
//   JPEG  libjpeg(-turbo) with Pillow's decompress settings (JpegDecode.c): library defaults
//         (ISLOW IDCT, fancy upsampling, block smoothing), out_color_space GRAYSCALE / RGB / CMYK by
//         the number of components; CMYK is read as Adobe-inverted ("CMYK;I") and converted with
//         Pillow's cmyk2rgb. Warnings are ignored as Pillow does, except running out of data before
//         the last scanline, which Pillow reports as a truncated file.
//   PNG   libpng reads the raw rows (no transformations, interlacing resolved); the rows are then
//         unpacked as Pillow's PngImagePlugin + convert('RGB') do: grey 1/2/4 bits scaled to 0..255,
//         16-bit grey is Pillow's mode I, clipped to 255 (not its high byte), other 16-bit samples
//         keep their high byte, alpha and tRNS are dropped, palettes start as Pillow's grey ramp.
// libjpeg and libpng report errors by longjmp: the functions that call setjmp keep everything
// that must survive it in a caller-owned struct and create no C++ objects with destructors.
#include "registry.h"  // first: Node-API's C headers before ATen (see common.h)
#include "image_decode.h"

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <cstring>
#include <vector>

#if TORCHTS_WITH_JPEG
#include <jerror.h>
#include <jpeglib.h>
#endif
#if TORCHTS_WITH_PNG
#include <png.h>
#endif

namespace tts {
namespace {

// Pillow's Image.open refuses images over 2 * MAX_IMAGE_PIXELS (DecompressionBombError).
constexpr int64_t kMaxPixels = 2 * (1024LL * 1024 * 1024 / 4 / 3);

// [[maybe_unused]]: a build without either library uses none of these helpers.
[[maybe_unused]] void CheckPixels(int64_t w, int64_t h, const std::string& file) {
  if (w * h <= kMaxPixels) return;
  throw ImageDecodeError("Image size (" + std::to_string(w * h) + " pixels) exceeds limit of " +
                             std::to_string(kMaxPixels) + " pixels, could be decompression bomb DOS attack. ('" +
                             file + "')",
                         "DecompressionBombError");
}

[[noreturn, maybe_unused]] void Truncated(const std::string& file) {
  throw ImageDecodeError("image file is truncated (" + file + ")", "OSError");
}

[[noreturn]] void Unidentified(const std::string& file, const std::string& why) {
  throw ImageDecodeError("cannot identify image file '" + file + "' (" + why + ")", "UnidentifiedImageError");
}

[[noreturn, maybe_unused]] void Broken(const std::string& file, const std::string& why) {
  throw ImageDecodeError("broken data stream when reading image file '" + file + "' (" + why + ")", "OSError");
}

#if TORCHTS_WITH_JPEG

// Grey samples at the start of a row of w RGB pixels → R = G = B (back to front: in place).
void ReplicateGrey(uint8_t* row, int64_t w) {
  for (int64_t x = w - 1; x >= 0; x--) row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = row[x];
}

struct JpegErrors {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  bool eof;
  char message[JMSG_LENGTH_MAX];
};

void JpegErrorExit(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

// jpeg_mem_src signals the end of the data with this warning (and a fake EOI).
void JpegEmitMessage(j_common_ptr cinfo, int level) {
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) reinterpret_cast<JpegErrors*>(cinfo->err)->eof = true;
}

void JpegOutputMessage(j_common_ptr) {}

struct JpegJob {
  jpeg_decompress_struct cinfo;
  JpegErrors err;
  bool created = false;
  bool header_read = false;
  bool eof_in_image = false;  // the data ran out before the last scanline
  at::Tensor out;
  std::vector<uint8_t> row;  // CMYK scanline
  std::string file;
  ~JpegJob() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

// Pillow's "CMYK;I" unpacker (Adobe's inverted CMYK) followed by its cmyk2rgb.
void CmykInvertedToRgb(const uint8_t* in, uint8_t* out, int64_t w) {
  for (int64_t x = 0; x < w; x++, in += 4, out += 3) {
    const int nk = in[3];  // 255 - (255 - k)
    for (int c = 0; c < 3; c++) {
      const int tmp = (255 - in[c]) * nk + 128;
      const int v = nk - (((tmp >> 8) + tmp) >> 8);
      out[c] = static_cast<uint8_t>(v < 0 ? 0 : v);
    }
  }
}

enum class HeaderCheck { kOk, kTruncated, kUnidentified };

// Pillow parses a JPEG's markers up to SOS itself (JpegImagePlugin._open) before libjpeg sees the
// file; replaying that walk tells its two failures apart: a marker segment cut short is an OSError
// ("Truncated File Read"), anything else (junk to the end, an unknown marker) an unidentified file.
HeaderCheck PillowJpegHeader(const uint8_t* d, size_t n) {
  size_t pos = 3;  // past FF D8 FF
  int s = 0xff;    // the byte in hand
  while (true) {
    if (s != 0xff) {  // junk before a marker
      if (pos >= n) return HeaderCheck::kUnidentified;
      s = d[pos++];
      continue;
    }
    if (pos >= n) return HeaderCheck::kUnidentified;
    const int marker = 0xff00 | d[pos++];
    if (marker >= 0xffc0 && marker <= 0xfffe) {
      // Markers without a segment: RSTn, SOI, EOI, JPG (C8) and JPGn (F0-FD).
      const bool bare =
          marker == 0xffc8 || (marker >= 0xffd0 && marker <= 0xffd9) || (marker >= 0xfff0 && marker <= 0xfffd);
      if (!bare) {
        if (pos + 2 > n) return HeaderCheck::kUnidentified;  // i16 of a short read: struct.error
        const size_t len = (static_cast<size_t>(d[pos]) << 8) | d[pos + 1];
        if (len > 2 && pos + len > n) return HeaderCheck::kTruncated;
        pos += len > 2 ? len : 2;
      }
      if (marker == 0xffda) return HeaderCheck::kOk;
      if (pos >= n) return HeaderCheck::kUnidentified;
      s = d[pos++];
    } else if (marker == 0xff00) {  // an escaped FF: skip it
      if (pos >= n) return HeaderCheck::kUnidentified;
      s = d[pos++];
    } else if (marker != 0xffff) {
      return HeaderCheck::kUnidentified;  // "no marker found"
    }
  }
}

// False when libjpeg reported an error (job->err.message). Exceptions thrown here (our own
// checks, allocation) unwind normally: no libjpeg frame is between.
bool RunJpeg(JpegJob* job, const uint8_t* data, size_t size) {
  if (setjmp(job->err.jump)) return false;
  job->cinfo.err = jpeg_std_error(&job->err.pub);
  job->err.pub.error_exit = JpegErrorExit;
  job->err.pub.emit_message = JpegEmitMessage;
  job->err.pub.output_message = JpegOutputMessage;
  job->err.eof = false;
  jpeg_create_decompress(&job->cinfo);
  job->created = true;
  jpeg_mem_src(&job->cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&job->cinfo, TRUE);
  job->header_read = true;
  const int components = job->cinfo.num_components;
  if (components == 1) {
    job->cinfo.out_color_space = JCS_GRAYSCALE;
  } else if (components == 3) {
    job->cinfo.out_color_space = JCS_RGB;
  } else if (components == 4) {
    job->cinfo.out_color_space = JCS_CMYK;
  } else {
    Unidentified(job->file, "cannot handle " + std::to_string(components) + "-layer images");
  }
  const int64_t w = job->cinfo.image_width, h = job->cinfo.image_height;
  CheckPixels(w, h, job->file);
  jpeg_start_decompress(&job->cinfo);
  job->out = at::empty({h, w, 3}, at::kByte);
  if (components == 4) job->row.resize(static_cast<size_t>(w) * 4);
  uint8_t* base = job->out.data_ptr<uint8_t>();
  while (job->cinfo.output_scanline < job->cinfo.output_height) {
    uint8_t* dst = base + static_cast<int64_t>(job->cinfo.output_scanline) * w * 3;
    JSAMPROW row = components == 4 ? job->row.data() : dst;
    if (jpeg_read_scanlines(&job->cinfo, &row, 1) != 1) break;
    if (components == 1) ReplicateGrey(dst, w);
    if (components == 4) CmykInvertedToRgb(job->row.data(), dst, w);
  }
  // Pillow stops once it has every scanline: a missing EOI after them is no error.
  job->eof_in_image = job->err.eof;
  return true;
}

at::Tensor DecodeJpeg(const uint8_t* data, size_t size, const std::string& file) {
  const HeaderCheck header = PillowJpegHeader(data, size);
  if (header == HeaderCheck::kTruncated) Truncated(file);
  if (header == HeaderCheck::kUnidentified) Unidentified(file, "no valid JPEG marker sequence");
  JpegJob job;
  job.file = file;
  const bool ok = RunJpeg(&job, data, size);
  // Out of data (even in the header, where Pillow's own parser reads past the end) is Pillow's
  // "truncated" OSError; libjpeg errors in the header are files Pillow cannot identify.
  if (job.err.eof && (!ok || job.eof_in_image)) Truncated(file);
  if (!ok && !job.header_read) Unidentified(file, job.err.message);
  if (!ok) Broken(file, job.err.message);
  return job.out;
}

#endif  // TORCHTS_WITH_JPEG

#if TORCHTS_WITH_PNG

struct PngJob {
  png_structp png = nullptr;
  png_infop info = nullptr;
  const uint8_t* data = nullptr;
  size_t size = 0, pos = 0;
  bool truncated = false;
  bool header_read = false;
  char message[256] = {0};
  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = 0;
  size_t rowbytes = 0;
  std::vector<uint8_t> raw;  // the image's raw rows, de-interlaced
  std::vector<png_bytep> rows;
  std::vector<uint8_t> palette;  // 256 RGB entries
  std::string file;
  ~PngJob() {
    if (png != nullptr) png_destroy_read_struct(&png, info != nullptr ? &info : nullptr, nullptr);
  }
};

void PngRead(png_structp png, png_bytep out, size_t n) {
  auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
  if (n > job->size - job->pos) {
    job->truncated = true;
    png_error(png, "unexpected end of data");
  }
  std::memcpy(out, job->data + job->pos, n);
  job->pos += n;
}

void PngError(png_structp png, png_const_charp message) {
  auto* job = static_cast<PngJob*>(png_get_error_ptr(png));
  std::snprintf(job->message, sizeof(job->message), "%s", message);
  png_longjmp(png, 1);
}

// Pillow's PNG reader knows no libpng warnings (benign errors included).
void PngWarning(png_structp, png_const_charp) {}

// False when libpng reported an error (job->message).
bool RunPng(PngJob* job) {
  job->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, job, PngError, PngWarning);
  if (job->png == nullptr) throw std::bad_alloc();
  job->info = png_create_info_struct(job->png);
  if (job->info == nullptr) throw std::bad_alloc();
  if (setjmp(png_jmpbuf(job->png))) return false;
  png_set_read_fn(job->png, job, PngRead);
  // Pillow has no size limits of its own beyond the decompression-bomb check.
  png_set_user_limits(job->png, 0x7fffffff, 0x7fffffff);
  png_read_info(job->png, job->info);
  job->header_read = true;
  png_get_IHDR(job->png, job->info, &job->width, &job->height, &job->bit_depth, &job->color_type, nullptr, nullptr,
               nullptr);
  CheckPixels(job->width, job->height, job->file);
  if (job->color_type == PNG_COLOR_TYPE_PALETTE) {
    // Pillow's palette starts as a grey ramp; PLTE overwrites its first entries.
    job->palette.resize(256 * 3);
    for (int i = 0; i < 256; i++) job->palette[3 * i] = job->palette[3 * i + 1] = job->palette[3 * i + 2] = i;
    png_colorp plte = nullptr;
    int n = 0;
    if (png_get_PLTE(job->png, job->info, &plte, &n) != 0) {
      for (int i = 0; i < n && i < 256; i++) {
        job->palette[3 * i] = plte[i].red;
        job->palette[3 * i + 1] = plte[i].green;
        job->palette[3 * i + 2] = plte[i].blue;
      }
    }
  }
  png_set_interlace_handling(job->png);
  png_read_update_info(job->png, job->info);
  job->rowbytes = png_get_rowbytes(job->png, job->info);
  job->raw.resize(job->rowbytes * job->height);
  job->rows.resize(job->height);
  for (png_uint_32 y = 0; y < job->height; y++) job->rows[y] = job->raw.data() + y * job->rowbytes;
  png_read_image(job->png, job->rows.data());
  return true;
}

// One raw PNG row → RGB, as Pillow's unpacker for the row's mode + convert('RGB').
void PngRowToRgb(const PngJob& job, const uint8_t* in, uint8_t* out) {
  const int64_t w = job.width;
  const int d = job.bit_depth;
  switch (job.color_type) {
    case PNG_COLOR_TYPE_GRAY:
    case PNG_COLOR_TYPE_PALETTE: {
      const bool pal = job.color_type == PNG_COLOR_TYPE_PALETTE;
      const int scale = d == 1 ? 255 : d == 2 ? 85 : d == 4 ? 17 : 1;  // Pillow's 1 / L;2 / L;4 modes
      for (int64_t x = 0; x < w; x++) {
        int v;
        if (d == 16) {
          v = (in[2 * x] << 8) | in[2 * x + 1];
          v = v > 255 ? 255 : v;  // mode I → RGB clips
        } else if (d == 8) {
          v = in[x];
        } else {
          const int64_t bit = x * d;
          v = (in[bit >> 3] >> (8 - d - (bit & 7))) & ((1 << d) - 1);
        }
        if (pal) {
          std::memcpy(out + 3 * x, job.palette.data() + 3 * v, 3);
        } else {
          out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = static_cast<uint8_t>(v * scale);
        }
      }
      break;
    }
    case PNG_COLOR_TYPE_GRAY_ALPHA: {
      const int step = d == 16 ? 4 : 2;
      for (int64_t x = 0; x < w; x++) out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = in[step * x];
      break;
    }
    default: {  // RGB, RGBA: the high byte of 16-bit samples
      const int channels = job.color_type == PNG_COLOR_TYPE_RGB ? 3 : 4;
      const int bytes = d == 16 ? 2 : 1;
      if (channels == 3 && bytes == 1) {
        std::memcpy(out, in, static_cast<size_t>(w) * 3);
        break;
      }
      for (int64_t x = 0; x < w; x++) {
        const uint8_t* p = in + x * channels * bytes;
        out[3 * x] = p[0];
        out[3 * x + 1] = p[bytes];
        out[3 * x + 2] = p[2 * bytes];
      }
    }
  }
}

at::Tensor DecodePng(const uint8_t* data, size_t size, const std::string& file) {
  PngJob job;
  job.data = data;
  job.size = size;
  job.file = file;
  if (!RunPng(&job)) {
    if (job.truncated) Truncated(file);
    if (!job.header_read) Unidentified(file, job.message);
    Broken(file, job.message);
  }
  const int64_t w = job.width, h = job.height;
  at::Tensor out = at::empty({h, w, 3}, at::kByte);
  uint8_t* base = out.data_ptr<uint8_t>();
  for (int64_t y = 0; y < h; y++) PngRowToRgb(job, job.rows[y], base + y * w * 3);
  return out;
}

#endif  // TORCHTS_WITH_PNG

}  // namespace

ImageFormat SniffImage(const uint8_t* d, size_t n) {
  if (n >= 8 && std::memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return ImageFormat::kPng;
  if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff) return ImageFormat::kJpeg;
  return ImageFormat::kUnknown;
}

bool CanDecodeNatively(ImageFormat format) {
  switch (format) {
#if TORCHTS_WITH_JPEG
    case ImageFormat::kJpeg:
      return true;
#endif
#if TORCHTS_WITH_PNG
    case ImageFormat::kPng:
      return true;
#endif
    default:
      return false;
  }
}

at::Tensor DecodeImageRGB(const uint8_t* data, size_t size, const std::string& file) {
  const ImageFormat format = SniffImage(data, size);
#if TORCHTS_WITH_JPEG
  if (format == ImageFormat::kJpeg) return DecodeJpeg(data, size, file);
#endif
#if TORCHTS_WITH_PNG
  if (format == ImageFormat::kPng) return DecodePng(data, size, file);
#endif
  Unidentified(file, format == ImageFormat::kUnknown ? "not a PNG or JPEG file" : "this build has no decoder for it");
}

namespace {

// decodeImage(bytes: Uint8Array, file: string): a uint8 H×W×3 tensor handle.
napi_value DecodeImageBinding(napi_env env, napi_callback_info info) {
  try {
    size_t argc = 2;
    napi_value argv[2];
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    bool is_ta = false;
    napi_is_typedarray(env, argv[0], &is_ta);
    napi_typedarray_type type = napi_int8_array;
    size_t length = 0;
    void* bytes = nullptr;
    if (is_ta) napi_get_typedarray_info(env, argv[0], &type, &length, &bytes, nullptr, nullptr);
    if (!is_ta || type != napi_uint8_array) ThrowArgType(env, argv[0], "a Uint8Array or Buffer");
    const std::string file = GetString(env, argv[1]);
    return WrapTensor(env, DecodeImageRGB(static_cast<const uint8_t*>(bytes), length, file));
  } catch (...) {
    return ThrowCurrent(env);
  }
}

}  // namespace

void RegisterImageDecodeOps(Registry& r) {
  r.raw("decodeImage", DecodeImageBinding);
  // [jpeg, png]: which formats this build decodes natively (JS falls back to jpeg-js / pngjs).
  r.def("imageDecoders", +[]() {
    return std::make_tuple(CanDecodeNatively(ImageFormat::kJpeg), CanDecodeNatively(ImageFormat::kPng));
  });
}

}  // namespace tts
