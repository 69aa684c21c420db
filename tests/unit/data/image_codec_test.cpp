#include <gtest/gtest.h>
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstdlib>

#include <jpeglib.h>

#include "data/image_decode.h"
#include "data_test_util.h"

namespace qtune::data {
namespace {

using testing::expect_error;
using testing::TempDir;
using testing::write_bytes;

// A 2x3 RGB image with distinct pixels (row-major HWC).
Tensor small_rgb() {
  return Tensor::from_vector<uint8_t>({2, 3, 3}, {255, 0, 0,   0, 255, 0,   0, 0, 255,
                                                  10, 20, 30,  200, 100, 50, 255, 255, 255});
}

TEST(DataImageCodec, PngRoundTripKeepsEveryPixelInRgbAndSwapsForBgr) {
  TempDir dir;
  Tensor image = small_rgb();
  write_png(testing::mk(dir / "a.png"), image);
  Tensor rgb = read_image(dir / "a.png", ColorMode::RGB);
  ASSERT_EQ(rgb.dims(), (std::vector<int64_t>{2, 3, 3}));
  for (int64_t i = 0; i < image.numel(); ++i) EXPECT_EQ(rgb.data<uint8_t>()[i], image.data<uint8_t>()[i]) << i;
  Tensor bgr = read_image(dir / "a.png", ColorMode::BGR);
  for (int64_t p = 0; p < 6; ++p)
    for (int c = 0; c < 3; ++c) EXPECT_EQ(bgr.data<uint8_t>()[p * 3 + c], image.data<uint8_t>()[p * 3 + 2 - c]);
}

TEST(DataImageCodec, PngColorToGrayUsesRec601Weights) {
  TempDir dir;
  write_png(testing::mk(dir / "a.png"), small_rgb());
  Tensor gray = read_image(dir / "a.png", ColorMode::Gray);
  ASSERT_EQ(gray.dims(), (std::vector<int64_t>{2, 3, 1}));
  // Y = 0.299 R + 0.587 G + 0.114 B: red 76.2, green 149.7, blue 29.1,
  // (10,20,30) 18.14, (200,100,50) 124.2, white 255.
  const double expected[6] = {76.2, 149.7, 29.1, 18.1, 124.2, 255};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(gray.data<uint8_t>()[i], expected[i], 1.0) << i;
}

TEST(DataImageCodec, GrayAndRgbaPngsConvertToRequestedMode) {
  TempDir dir;
  Tensor gray = Tensor::from_vector<uint8_t>({1, 2, 1}, {7, 200});
  write_png(testing::mk(dir / "g.png"), gray);
  Tensor as_rgb = read_image(dir / "g.png", ColorMode::RGB);
  EXPECT_EQ(std::vector<uint8_t>(as_rgb.values<uint8_t>().begin(), as_rgb.values<uint8_t>().end()),
            (std::vector<uint8_t>{7, 7, 7, 200, 200, 200}));
  // Alpha is dropped, not composited (as PIL's convert("RGB") does).
  Tensor rgba = Tensor::from_vector<uint8_t>({1, 1, 4}, {90, 80, 70, 0});
  write_png(testing::mk(dir / "rgba.png"), rgba);
  Tensor out = read_image(dir / "rgba.png", ColorMode::RGB);
  EXPECT_EQ(std::vector<uint8_t>(out.values<uint8_t>().begin(), out.values<uint8_t>().end()), (std::vector<uint8_t>{90, 80, 70}));
}

// Writes a 16-bit palette-free RGB PNG and a 2-bit palette PNG straight through libpng,
// the kinds of files our writer never produces.
std::string libpng_file(const std::string& path, int color_type, int bit_depth, const std::vector<uint8_t>& row,
                        const std::vector<png_color>& palette) {
  FILE* f = std::fopen(path.c_str(), "wb");
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) std::abort();
  png_init_io(png, f);
  png_set_IHDR(png, info, 2, 1, bit_depth, color_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (!palette.empty()) png_set_PLTE(png, info, palette.data(), static_cast<int>(palette.size()));
  png_write_info(png, info);
  png_write_row(png, row.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  std::fclose(f);
  return path;
}

TEST(DataImageCodec, SixteenBitAndPalettePngsDecodeTo8BitRgb) {
  TempDir dir;
  // 16-bit big-endian samples: 0x1234 keeps its high byte 0x12 = 18; 0xFF00 -> 255.
  libpng_file(dir / "16.png", PNG_COLOR_TYPE_RGB, 16, {0x12, 0x34, 0xFF, 0x00, 0x00, 0x01, 0, 0, 0x80, 0x00, 0xAB, 0xCD}, {});
  Tensor a = read_image(dir / "16.png", ColorMode::RGB);
  EXPECT_EQ(std::vector<uint8_t>(a.values<uint8_t>().begin(), a.values<uint8_t>().end()),
            (std::vector<uint8_t>{0x12, 0xFF, 0x00, 0x00, 0x80, 0xAB}));
  // 2-bit palette: pixel indices 1 and 3 packed in one byte (01 11 00 00).
  libpng_file(dir / "p.png", PNG_COLOR_TYPE_PALETTE, 2, {0x70}, {{0, 0, 0}, {10, 20, 30}, {0, 0, 0}, {250, 128, 5}});
  Tensor p = read_image(dir / "p.png", ColorMode::RGB);
  EXPECT_EQ(std::vector<uint8_t>(p.values<uint8_t>().begin(), p.values<uint8_t>().end()),
            (std::vector<uint8_t>{10, 20, 30, 250, 128, 5}));
}

TEST(DataImageCodec, JpegRoundTripIsCloseAndDetectedByMagicNotExtension) {
  TempDir dir;
  // A smooth 16x16 gradient survives quality-95 JPEG within a few levels.
  Tensor image(DataType::UInt8, {16, 16, 3});
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x) {
      uint8_t* p = image.data<uint8_t>() + (y * 16 + x) * 3;
      p[0] = static_cast<uint8_t>(x * 16), p[1] = static_cast<uint8_t>(y * 16), p[2] = 128;
    }
  write_jpeg(testing::mk(dir / "looks_like.png"), image, 95);  // the name lies; the magic bytes decide
  Tensor rgb = read_image(dir / "looks_like.png", ColorMode::RGB);
  ASSERT_EQ(rgb.dims(), image.dims());
  int worst = 0;
  for (int64_t i = 0; i < image.numel(); ++i) worst = std::max(worst, std::abs(rgb.data<uint8_t>()[i] - image.data<uint8_t>()[i]));
  EXPECT_LE(worst, 12);
  Tensor bgr = read_image(dir / "looks_like.png", ColorMode::BGR);
  EXPECT_EQ(bgr.data<uint8_t>()[0], rgb.data<uint8_t>()[2]);
  EXPECT_EQ(bgr.data<uint8_t>()[2], rgb.data<uint8_t>()[0]);
  // Gray output is the luma channel: x=0,y=0 pixel (0,0,128) has Y = 0.114 * 128 = 14.6.
  Tensor gray = read_image(dir / "looks_like.png", ColorMode::Gray);
  EXPECT_EQ(gray.dims(), (std::vector<int64_t>{16, 16, 1}));
  EXPECT_NEAR(gray.data<uint8_t>()[0], 14.6, 6);
}

// A CMYK JPEG with an Adobe marker, written directly with libjpeg; Adobe stores inks
// inverted, so pure red (C=0, M=1, Y=1, K=0) is stored as (255, 0, 0, 255).
TEST(DataImageCodec, AdobeCmykJpegConvertsToRgb) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr error;
  cinfo.err = jpeg_std_error(&error);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = 8, cinfo.image_height = 8, cinfo.input_components = 4, cinfo.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 100, TRUE);
  cinfo.write_Adobe_marker = TRUE;
  jpeg_start_compress(&cinfo, TRUE);
  std::vector<unsigned char> row(8 * 4);
  for (int x = 0; x < 8; ++x) row[x * 4] = 255, row[x * 4 + 1] = 0, row[x * 4 + 2] = 0, row[x * 4 + 3] = 255;
  for (int y = 0; y < 8; ++y) {
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&cinfo, &r, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::string bytes(reinterpret_cast<char*>(buffer), size);
  jpeg_destroy_compress(&cinfo);
  std::free(buffer);
  Tensor rgb = decode_image(bytes, ColorMode::RGB, "cmyk.jpg");
  ASSERT_EQ(rgb.dims(), (std::vector<int64_t>{8, 8, 3}));
  EXPECT_NEAR(rgb.data<uint8_t>()[0], 255, 3);
  EXPECT_NEAR(rgb.data<uint8_t>()[1], 0, 3);
  EXPECT_NEAR(rgb.data<uint8_t>()[2], 0, 3);
}

TEST(DataImageCodec, CorruptJpegIsAnErrorNamingTheFile) {
  TempDir dir;
  Tensor image(DataType::UInt8, {64, 64, 3});
  for (int64_t i = 0; i < image.numel(); ++i) image.data<uint8_t>()[i] = static_cast<uint8_t>(i * 7);
  std::string jpeg = encode_jpeg(image, 90);
  write_bytes(dir / "truncated.jpg", jpeg.substr(0, jpeg.size() / 2));
  expect_error([&] { read_image(dir / "truncated.jpg", ColorMode::RGB); }, {dir / "truncated.jpg", "corrupt JPEG"});
  std::string garbage = jpeg.substr(0, 3) + std::string(200, '\x55');  // SOI, then nonsense
  write_bytes(dir / "garbage.jpg", garbage);
  expect_error([&] { read_image(dir / "garbage.jpg", ColorMode::RGB); }, {dir / "garbage.jpg", "corrupt JPEG"});
}

TEST(DataImageCodec, TruncatedOrCorruptPngIsAnErrorNamingTheFile) {
  TempDir dir;
  Tensor image(DataType::UInt8, {32, 32, 3});
  for (int64_t i = 0; i < image.numel(); ++i) image.data<uint8_t>()[i] = static_cast<uint8_t>(i * 13);
  std::string png = encode_png(image);
  write_bytes(dir / "cut.png", png.substr(0, png.size() / 2));
  expect_error([&] { read_image(dir / "cut.png", ColorMode::RGB); }, {dir / "cut.png", "corrupt PNG", "truncated"});
  std::string flipped = png;
  flipped[flipped.size() / 2] ^= 0x5A;  // inside IDAT: the chunk CRC no longer matches
  write_bytes(dir / "crc.png", flipped);
  expect_error([&] { read_image(dir / "crc.png", ColorMode::RGB); }, {dir / "crc.png", "corrupt PNG"});
}

TEST(DataImageCodec, OtherBytesAreRejected) {
  TempDir dir;
  write_bytes(dir / "x.jpg", "GIF89a....");
  expect_error([&] { read_image(dir / "x.jpg", ColorMode::RGB); }, {dir / "x.jpg", "not a JPEG or PNG"});
  expect_error([&] { read_image(dir / "missing.png", ColorMode::RGB); }, {dir / "missing.png", "no such file"});
  expect_error([] { encode_png(Tensor(DataType::Float32, {2, 2, 3})); }, {"can only encode uint8"});
}

}  // namespace
}  // namespace qtune::data
