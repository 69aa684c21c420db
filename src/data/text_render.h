// Synthetic text-line images for OCR recognition (calibration/evaluation data for
// models such as PaddleOCR's PP-OCRv4 rec): FreeType renders a word or line as dark
// text on a light, slightly uneven background, cropped like a detector's text box.
// All jitter (size, margins, spacing, contrast, tint, noise) comes from a seed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "qtune/tensor.h"

namespace qtune::data {

struct TextRenderOptions {
  int64_t height = 48;  // output height in pixels
  bool rgb = true;      // false: one gray channel
};

class TextRenderer {
 public:
  // Font files (.ttf/.otf/.ttc); "path:N" selects face N of a collection (.ttc).
  explicit TextRenderer(const std::vector<std::string>& fonts);
  ~TextRenderer();
  TextRenderer(const TextRenderer&) = delete;
  TextRenderer& operator=(const TextRenderer&) = delete;

  // uint8 [height, width, 3 or 1]. A font that has every character is chosen at
  // random; otherwise each character falls back to the first font that has it.
  // Throws naming the character when no font has it. Not thread-safe (FreeType faces).
  Tensor render(const std::string& utf8_text, uint64_t seed, const TextRenderOptions& options) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Decodes UTF-8 to code points; throws naming `what` on malformed input.
std::vector<char32_t> decode_utf8(const std::string& text, const std::string& what);

struct TextLineSetOptions {
  std::string words_file;  // one word or line of text per line
  std::vector<std::string> fonts;
  std::string out_dir;     // gets images/000001.png ... and labels.txt
  int64_t height = 48;
  uint64_t seed = 0;
  size_t count = 0;        // 0: one image per word; more cycles through the words
  bool rgb = true;
  bool rotate180 = false;  // upside-down lines, for text-direction classifiers
};

// Renders a whole set (PaddleOCR rec_gt layout: "images/000001.png<TAB>text");
// every file is written atomically. Returns the number of images.
size_t render_text_line_set(const TextLineSetOptions& options);

}  // namespace qtune::data
