// JPEG decode/encode with libjpeg-turbo. libjpeg reports errors by calling
// error_exit, which must not return; we longjmp back into small helper functions
// that own no C++ objects, so no destructor is ever skipped. Resources (the codec
// struct, buffers) live in the caller and are released by RAII after the helper
// returns false.
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <jpeglib.h>
#include <jerror.h>

#include "data/image_codec_util.h"
#include "data/image_decode.h"

namespace qtune::data {
namespace {

struct JpegError {
  jpeg_error_mgr mgr;  // first member: libjpeg hands callbacks a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void fail(j_common_ptr cinfo) {
  auto* error = reinterpret_cast<JpegError*>(cinfo->err);
  cinfo->err->format_message(cinfo, error->message);
  std::longjmp(error->jump, 1);
}

// libjpeg only warns about a truncated or damaged entropy stream and fills the rest
// with gray; that would be a silently wrong image, so those warnings are fatal.
// Benign warnings (extraneous bytes before a marker, common in ImageNet) are ignored.
void on_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;
  int code = cinfo->err->msg_code;
  if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_HUFF_BAD_CODE) fail(cinfo);
}

JpegError* install_error_handler(JpegError& error) {
  jpeg_std_error(&error.mgr);
  error.mgr.error_exit = fail;
  error.mgr.emit_message = on_message;
  error.message[0] = '\0';
  return &error;
}

bool read_header(jpeg_decompress_struct* cinfo, JpegError* error, const unsigned char* data, size_t size) {
  if (setjmp(error->jump)) return false;
  jpeg_create_decompress(cinfo);
  jpeg_mem_src(cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(cinfo, TRUE);
  return true;
}

bool read_pixels(jpeg_decompress_struct* cinfo, JpegError* error, unsigned char* out, size_t row_bytes) {
  if (setjmp(error->jump)) return false;
  jpeg_start_decompress(cinfo);
  while (cinfo->output_scanline < cinfo->output_height) {
    JSAMPROW rows[16];
    JDIMENSION n = 0;
    for (; n < 16 && cinfo->output_scanline + n < cinfo->output_height; ++n)
      rows[n] = out + static_cast<size_t>(cinfo->output_scanline + n) * row_bytes;
    jpeg_read_scanlines(cinfo, rows, n);
  }
  jpeg_finish_decompress(cinfo);
  return true;
}

struct DecompressGuard {
  jpeg_decompress_struct* cinfo;
  ~DecompressGuard() { jpeg_destroy_decompress(cinfo); }  // safe on a never-created struct (mem == NULL)
};

// CMYK/YCCK JPEGs (a few in ImageNet) come out of libjpeg as CMYK; Adobe files
// store the inks inverted, so R = C*K/255 there and (255-C)(255-K)/255 otherwise.
void cmyk_to_color(const uint8_t* cmyk, size_t pixels, bool adobe_inverted, ColorMode mode, uint8_t* out) {
  for (size_t i = 0; i < pixels; ++i, cmyk += 4) {
    unsigned c = cmyk[0], m = cmyk[1], y = cmyk[2], k = cmyk[3];
    if (!adobe_inverted) c = 255 - c, m = 255 - m, y = 255 - y, k = 255 - k;
    auto r = static_cast<uint8_t>((c * k + 127) / 255), g = static_cast<uint8_t>((m * k + 127) / 255),
         b = static_cast<uint8_t>((y * k + 127) / 255);
    if (mode == ColorMode::Gray) {
      *out++ = detail::rgb_to_gray(r, g, b);
    } else if (mode == ColorMode::RGB) {
      *out++ = r, *out++ = g, *out++ = b;
    } else {
      *out++ = b, *out++ = g, *out++ = r;
    }
  }
}

bool write_pixels(jpeg_compress_struct* cinfo, JpegError* error, const uint8_t* pixels, const detail::ImageShape& shape,
                  int quality, unsigned char** buffer, unsigned long* size) {
  if (setjmp(error->jump)) return false;
  jpeg_create_compress(cinfo);
  jpeg_mem_dest(cinfo, buffer, size);
  cinfo->image_width = static_cast<JDIMENSION>(shape.width);
  cinfo->image_height = static_cast<JDIMENSION>(shape.height);
  cinfo->input_components = static_cast<int>(shape.channels);
  cinfo->in_color_space = shape.channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(cinfo);
  jpeg_set_quality(cinfo, quality, TRUE);
  jpeg_start_compress(cinfo, TRUE);
  size_t row_bytes = static_cast<size_t>(shape.width * shape.channels);
  while (cinfo->next_scanline < cinfo->image_height) {
    // libjpeg's API takes non-const rows but only reads them.
    JSAMPROW row = const_cast<uint8_t*>(pixels) + cinfo->next_scanline * row_bytes;
    jpeg_write_scanlines(cinfo, &row, 1);
  }
  jpeg_finish_compress(cinfo);
  return true;
}

}  // namespace

Tensor decode_jpeg(std::string_view bytes, ColorMode mode, const std::string& source) {
  jpeg_decompress_struct cinfo{};
  JpegError error;
  cinfo.err = &install_error_handler(error)->mgr;
  DecompressGuard guard{&cinfo};
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  if (!read_header(&cinfo, &error, data, bytes.size())) throw Error(source + ": corrupt JPEG: " + error.message);
  detail::check_image_size(cinfo.image_width, cinfo.image_height, source);

  bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  if (cmyk) {
    cinfo.out_color_space = JCS_CMYK;
  } else {
    cinfo.out_color_space = mode == ColorMode::Gray ? JCS_GRAYSCALE : mode == ColorMode::RGB ? JCS_RGB : JCS_EXT_BGR;
  }
  const int64_t height = cinfo.image_height, width = cinfo.image_width, channels = color_mode_channels(mode);
  Tensor image(DataType::UInt8, {height, width, channels});
  std::vector<uint8_t> cmyk_pixels;
  uint8_t* target = image.data<uint8_t>();
  size_t row_bytes = static_cast<size_t>(width * channels);
  if (cmyk) {
    cmyk_pixels.resize(static_cast<size_t>(height * width * 4));
    target = cmyk_pixels.data();
    row_bytes = static_cast<size_t>(width * 4);
  }
  if (!read_pixels(&cinfo, &error, target, row_bytes)) throw Error(source + ": corrupt JPEG: " + error.message);
  if (cmyk)
    cmyk_to_color(cmyk_pixels.data(), static_cast<size_t>(height * width), cinfo.saw_Adobe_marker, mode,
                  image.data<uint8_t>());
  return image;
}

std::string encode_jpeg(const Tensor& image, int quality, const std::string& what) {
  detail::ImageShape shape = detail::check_encodable(image, (1u << 1) | (1u << 3), what);
  if (quality < 1 || quality > 100) throw Error(what + ": JPEG quality must be in 1..100, got " + std::to_string(quality));
  jpeg_compress_struct cinfo{};
  JpegError error;
  cinfo.err = &install_error_handler(error)->mgr;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  struct Cleanup {
    jpeg_compress_struct* cinfo;
    unsigned char** buffer;
    ~Cleanup() {
      jpeg_destroy_compress(cinfo);
      std::free(*buffer);
    }
  } cleanup{&cinfo, &buffer};
  if (!write_pixels(&cinfo, &error, image.data<uint8_t>(), shape, quality, &buffer, &size))
    throw Error(what + ": JPEG encoding failed: " + error.message);
  return std::string(reinterpret_cast<const char*>(buffer), size);
}

}  // namespace qtune::data
