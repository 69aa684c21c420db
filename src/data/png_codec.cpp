// PNG decode/encode with libpng. As for JPEG, libpng's errors longjmp back into
// helpers that own no C++ objects; the png structs are released by a guard in the
// caller. Truncation is detected by the read callback (png_error on short data)
// and by reading through IEND, which also checks the remaining chunk CRCs.
#include <png.h>

#include <csetjmp>
#include <cstring>
#include <vector>

#include "data/image_codec_util.h"
#include "data/image_decode.h"

namespace qtune::data {
namespace {

struct PngContext {
  const unsigned char* data = nullptr;  // reading
  size_t size = 0, position = 0;
  std::string* output = nullptr;  // writing
  char message[256] = {};
};

void on_error(png_structp png, png_const_charp message) {
  auto* context = static_cast<PngContext*>(png_get_error_ptr(png));
  std::strncpy(context->message, message, sizeof(context->message) - 1);
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}  // e.g. "known incorrect sRGB profile": harmless

void read_from_memory(png_structp png, png_bytep out, png_size_t length) {
  auto* context = static_cast<PngContext*>(png_get_io_ptr(png));
  if (context->size - context->position < length) png_error(png, "file is truncated (unexpected end of data)");
  std::memcpy(out, context->data + context->position, length);
  context->position += length;
}

void write_to_string(png_structp png, png_bytep data, png_size_t length) {
  static_cast<PngContext*>(png_get_io_ptr(png))->output->append(reinterpret_cast<const char*>(data), length);
}

void flush_nothing(png_structp) {}

// Reads the header and configures libpng to deliver 8-bit pixels in `mode`.
bool read_header(png_structp png, png_infop info, ColorMode mode, png_uint_32* width, png_uint_32* height) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_info(png, info);
  int bit_depth = 0, color_type = 0;
  png_get_IHDR(png, info, width, height, &bit_depth, &color_type, nullptr, nullptr, nullptr);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (bit_depth == 16) png_set_strip_16(png);
  // Expanding a palette also turns tRNS into alpha; alpha is dropped either way.
  if ((color_type & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS)) png_set_strip_alpha(png);
  bool color = (color_type & PNG_COLOR_MASK_COLOR) != 0;
  if (mode == ColorMode::Gray && color) png_set_rgb_to_gray_fixed(png, PNG_ERROR_ACTION_NONE, 29900, 58700);
  if (mode != ColorMode::Gray && !color) png_set_gray_to_rgb(png);
  if (mode == ColorMode::BGR) png_set_bgr(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  return true;
}

bool read_pixels(png_structp png, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  png_read_end(png, nullptr);
  return true;
}

bool write_pixels(png_structp png, png_infop info, const detail::ImageShape& shape, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  static constexpr int kColorTypes[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                         PNG_COLOR_TYPE_RGB_ALPHA};
  png_set_IHDR(png, info, static_cast<png_uint_32>(shape.width), static_cast<png_uint_32>(shape.height), 8,
               kColorTypes[shape.channels], PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  return true;
}

}  // namespace

Tensor decode_png(std::string_view bytes, ColorMode mode, const std::string& source) {
  PngContext context;
  context.data = reinterpret_cast<const unsigned char*>(bytes.data());
  context.size = bytes.size();
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &context, on_error, on_warning);
  if (!png) throw Error(source + ": cannot initialize libpng");
  png_infop info = png_create_info_struct(png);
  struct Guard {
    png_structp* png;
    png_infop* info;
    ~Guard() { png_destroy_read_struct(png, info, nullptr); }
  } guard{&png, &info};
  if (!info) throw Error(source + ": cannot initialize libpng");
  png_set_read_fn(png, &context, read_from_memory);

  png_uint_32 width = 0, height = 0;
  if (!read_header(png, info, mode, &width, &height)) throw Error(source + ": corrupt PNG: " + context.message);
  detail::check_image_size(width, height, source);
  const int64_t channels = color_mode_channels(mode);
  if (png_get_rowbytes(png, info) != static_cast<size_t>(width) * static_cast<size_t>(channels))
    throw Error(source + ": PNG row size " + std::to_string(png_get_rowbytes(png, info)) + " does not match " +
                std::to_string(width) + "x" + std::to_string(channels) + " channels after conversion");
  Tensor image(DataType::UInt8, {static_cast<int64_t>(height), static_cast<int64_t>(width), channels});
  std::vector<png_bytep> rows(height);
  for (png_uint_32 y = 0; y < height; ++y) rows[y] = image.data<uint8_t>() + static_cast<size_t>(y) * width * channels;
  if (!read_pixels(png, rows.data())) throw Error(source + ": corrupt PNG: " + context.message);
  return image;
}

std::string encode_png(const Tensor& image, const std::string& what) {
  detail::ImageShape shape = detail::check_encodable(image, 0b11110, what);
  std::string output;
  PngContext context;
  context.output = &output;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, on_error, on_warning);
  if (!png) throw Error(what + ": cannot initialize libpng");
  png_infop info = png_create_info_struct(png);
  struct Guard {
    png_structp* png;
    png_infop* info;
    ~Guard() { png_destroy_write_struct(png, info); }
  } guard{&png, &info};
  if (!info) throw Error(what + ": cannot initialize libpng");
  png_set_write_fn(png, &context, write_to_string, flush_nothing);
  std::vector<png_bytep> rows(static_cast<size_t>(shape.height));
  // libpng takes non-const rows for writing but only reads them.
  auto* pixels = const_cast<uint8_t*>(image.data<uint8_t>());
  for (int64_t y = 0; y < shape.height; ++y) rows[static_cast<size_t>(y)] = pixels + y * shape.width * shape.channels;
  if (!write_pixels(png, info, shape, rows.data())) throw Error(what + ": PNG encoding failed: " + context.message);
  return output;
}

}  // namespace qtune::data
