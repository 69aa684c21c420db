#include "data/text_render.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "data/text_lines.h"
#include "data_test_util.h"

namespace qtune::data {
namespace {

using testing::expect_error;
using testing::TempDir;
using testing::write_bytes;

const std::string kDejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const std::string kNotoCjk = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

uint8_t at(const Tensor& t, int64_t y, int64_t x, int64_t c) { return t.data<uint8_t>()[(y * t.dim(1) + x) * t.dim(2) + c]; }

// Checks what a cropped text line looks like: light border all around, dark ink inside.
void expect_text_line(const Tensor& image, int64_t height) {
  ASSERT_EQ(image.dtype(), DataType::UInt8);
  ASSERT_EQ(image.rank(), 3);
  EXPECT_EQ(image.dim(0), height);
  EXPECT_GT(image.dim(1), height / 2);
  int64_t dark = 0;
  for (int64_t y = 0; y < image.dim(0); ++y)
    for (int64_t x = 0; x < image.dim(1); ++x)
      for (int64_t c = 0; c < image.dim(2); ++c) {
        bool border = y < 2 || y >= image.dim(0) - 2 || x < 2 || x >= image.dim(1) - 2;
        if (border) {
          ASSERT_GT(at(image, y, x, c), 150) << "border pixel " << y << "," << x << " is not light";
        }
        dark += at(image, y, x, c) < 100;
      }
  EXPECT_GT(dark, image.dim(0) * 3) << "too little ink";
  EXPECT_LT(dark, image.numel() / 2) << "too much ink";
}

TEST(DataTextRender, DejaVuLinesLookLikeCroppedText) {
  if (!std::filesystem::exists(kDejaVu)) GTEST_SKIP() << "fonts-dejavu-core is not installed";
  TextRenderer renderer({kDejaVu});
  for (uint64_t seed : {1, 2, 3}) {
    Tensor image = renderer.render("Quantize 2024", seed, {48, true});
    expect_text_line(image, 48);
    EXPECT_EQ(image.dim(2), 3);
  }
  Tensor a = renderer.render("hello", 9, {48, true}), b = renderer.render("hello", 9, {48, true});
  ASSERT_EQ(a.dims(), b.dims());
  EXPECT_EQ(std::memcmp(a.raw(), b.raw(), a.byte_size()), 0);  // a function of the seed
  Tensor c = renderer.render("hello", 10, {48, true});
  EXPECT_TRUE(c.dims() != a.dims() || std::memcmp(a.raw(), c.raw(), a.byte_size()) != 0);
  EXPECT_GT(renderer.render("a much longer line of text", 1, {48, true}).dim(1), renderer.render("short", 1, {48, true}).dim(1));
  Tensor gray = renderer.render("gray", 4, {32, false});
  expect_text_line(gray, 32);
  EXPECT_EQ(gray.dim(2), 1);
}

TEST(DataTextRender, MissingGlyphsAndBadTextAreErrors) {
  if (!std::filesystem::exists(kDejaVu)) GTEST_SKIP() << "fonts-dejavu-core is not installed";
  TextRenderer renderer({kDejaVu});
  expect_error([&] { renderer.render("识别", 1, {48, true}); }, {"no font has a glyph for U+8BC6"});
  expect_error([&] { renderer.render("bad \xC3", 1, {48, true}); }, {"invalid UTF-8"});
  expect_error([&] { renderer.render("   ", 1, {48, true}); }, {"no visible characters"});
  expect_error([] { TextRenderer({"/nonexistent/font.ttf"}); }, {"/nonexistent/font.ttf", "does not exist"});
  EXPECT_EQ(decode_utf8("a\xC3\xA9\xE8\xAF\x86\xF0\x9F\x98\x80", "t"), (std::vector<char32_t>{U'a', 0xE9, 0x8BC6, 0x1F600}));
  expect_error([] { decode_utf8("\xC0\x80", "t"); }, {"overlong"});
}

TEST(DataTextRender, ChineseFallsBackToNotoCjk) {
  if (!std::filesystem::exists(kDejaVu) || !std::filesystem::exists(kNotoCjk)) GTEST_SKIP() << "fonts not installed";
  TextRenderer renderer({kDejaVu, kNotoCjk + ":2"});
  expect_text_line(renderer.render("识别文字", 5, {48, true}), 48);
  expect_text_line(renderer.render("PaddleOCR识别", 6, {48, true}), 48);
}

TEST(DataTextRender, LineSetIsReadableAsTextLinesDatasetAndCliWorks) {
  if (!std::filesystem::exists(kDejaVu)) GTEST_SKIP() << "fonts-dejavu-core is not installed";
  TempDir dir;
  write_bytes(dir / "words.txt", "alpha\nBeta 42\n\ngamma-ray\n");
  TextLineSetOptions options;
  options.words_file = dir / "words.txt";
  options.fonts = {kDejaVu};
  options.out_dir = dir / "out";
  options.count = 5;  // cycles: alpha, Beta 42, gamma-ray, alpha, Beta 42
  EXPECT_EQ(render_text_line_set(options), 5u);
  TextLinesDataset ds({dir / "out", "", ColorMode::RGB});
  ASSERT_EQ(ds.size(), 5u);
  EXPECT_EQ(ds.get(1).label.text, "Beta 42");
  EXPECT_EQ(ds.get(3).label.text, "alpha");
  expect_text_line(ds.get(4).inputs[0], 48);
  EXPECT_EQ(testing::read_bytes(dir / "out/labels.txt").substr(0, 24), "images/000001.png\talpha\n");

  const std::string cli = QTUNE_CLI_PATH;
  std::string command = cli + " render-text --words " + (dir / "words.txt") + " --font " + kDejaVu + " --out " + (dir / "cli") +
                        " --height 32 --seed 7 > /dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  TextLinesDataset from_cli({dir / "cli", "", ColorMode::RGB});
  EXPECT_EQ(from_cli.size(), 3u);
  EXPECT_EQ(from_cli.get(0).inputs[0].dim(0), 32);
  std::string bad = cli + " render-text --words " + (dir / "words.txt") + " --font /nonexistent.ttf --out " + (dir / "x") + " 2> " +
                    (dir / "err.txt");
  int status = std::system(bad.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(testing::read_bytes(dir / "err.txt").find("qtune: error: /nonexistent.ttf: font file does not exist"), std::string::npos);
}

// --rotate180 (text-direction classifier data): the same line, upside down.
TEST(DataTextRender, Rotate180TurnsTheSameLineUpsideDown) {
  if (!std::filesystem::exists(kDejaVu)) GTEST_SKIP() << "fonts-dejavu-core is not installed";
  TempDir dir;
  write_bytes(dir / "words.txt", "Upside 42\n");
  TextLineSetOptions options;
  options.words_file = dir / "words.txt";
  options.fonts = {kDejaVu};
  options.out_dir = dir / "up";
  render_text_line_set(options);
  options.out_dir = dir / "down";
  options.rotate180 = true;
  render_text_line_set(options);
  const Tensor up = TextLinesDataset({dir / "up", "", ColorMode::RGB}).get(0).inputs[0];
  const Tensor down = TextLinesDataset({dir / "down", "", ColorMode::RGB}).get(0).inputs[0];
  ASSERT_EQ(up.dims(), down.dims());
  const int64_t h = up.dim(0), w = up.dim(1);
  int64_t differ_from_up = 0;
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      for (int64_t c = 0; c < 3; ++c) {
        ASSERT_EQ(down.data<uint8_t>()[((h - 1 - y) * w + (w - 1 - x)) * 3 + c], up.data<uint8_t>()[(y * w + x) * 3 + c]);
        differ_from_up += down.data<uint8_t>()[(y * w + x) * 3 + c] != up.data<uint8_t>()[(y * w + x) * 3 + c];
      }
  EXPECT_GT(differ_from_up, h * w / 20);  // not symmetric by accident
}

}  // namespace
}  // namespace qtune::data
