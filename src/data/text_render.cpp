#include "data/text_render.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "data/file_list.h"
#include "data/image_decode.h"
#include "data/image_ops.h"
#include "data/random.h"
#include "util/atomic_file.h"
#include "util/progress.h"

namespace qtune::data {

struct TextRenderer::Impl {
  FT_Library library = nullptr;
  std::vector<std::pair<std::string, FT_Face>> faces;
  ~Impl() {
    for (auto& f : faces) FT_Done_Face(f.second);
    if (library) FT_Done_FreeType(library);
  }
};

namespace {

struct Glyph {
  int64_t x, y, width, height;  // top-left relative to (pen origin, baseline)
  std::vector<uint8_t> coverage;
};

std::string codepoint_name(char32_t c) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "U+%04X", static_cast<unsigned>(c));
  return buffer;
}

// Split "file.ttc:2" into path and face index (the suffix must be all digits).
std::pair<std::string, long> parse_font_spec(const std::string& spec) {
  size_t colon = spec.rfind(':');
  if (colon != std::string::npos && colon + 1 < spec.size() && spec.find_first_not_of("0123456789", colon + 1) == std::string::npos)
    return {spec.substr(0, colon), std::stol(spec.substr(colon + 1))};
  return {spec, 0};
}

Glyph render_glyph(FT_Face face, FT_UInt index, const std::string& font, char32_t c) {
  if (FT_Load_Glyph(face, index, FT_LOAD_RENDER) != 0)
    throw Error(font + ": cannot render glyph for " + codepoint_name(c));
  const FT_Bitmap& bitmap = face->glyph->bitmap;
  if (bitmap.pixel_mode != FT_PIXEL_MODE_GRAY && bitmap.width > 0)
    throw Error(font + ": glyph for " + codepoint_name(c) + " is not an antialiased gray bitmap (color or bitmap-only font?)");
  Glyph g{face->glyph->bitmap_left, -static_cast<int64_t>(face->glyph->bitmap_top), bitmap.width, bitmap.rows, {}};
  g.coverage.resize(static_cast<size_t>(g.width * g.height));
  for (int64_t y = 0; y < g.height; ++y) {
    // A negative pitch means the buffer starts with the bottom row.
    int64_t pitch = std::abs(bitmap.pitch), stored_row = bitmap.pitch >= 0 ? y : g.height - 1 - y;
    const unsigned char* row = bitmap.buffer + stored_row * pitch;
    std::copy(row, row + g.width, g.coverage.begin() + y * g.width);
  }
  return g;
}

}  // namespace

std::vector<char32_t> decode_utf8(const std::string& text, const std::string& what) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    int extra = b < 0x80 ? 0 : (b >> 5) == 0x6 ? 1 : (b >> 4) == 0xE ? 2 : (b >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || i + static_cast<size_t>(extra) >= text.size() + (extra == 0 ? 1 : 0))
      throw Error(what + ": invalid UTF-8 at byte " + std::to_string(i));
    char32_t c = extra == 0 ? b : b & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      auto next = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
      if ((next & 0xC0) != 0x80) throw Error(what + ": invalid UTF-8 at byte " + std::to_string(i));
      c = (c << 6) | (next & 0x3F);
    }
    static constexpr char32_t kMin[4] = {0, 0x80, 0x800, 0x10000};
    if (c < kMin[extra] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
      throw Error(what + ": invalid UTF-8 (overlong or out of range) at byte " + std::to_string(i));
    out.push_back(c);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

TextRenderer::TextRenderer(const std::vector<std::string>& fonts) : impl_(std::make_unique<Impl>()) {
  if (fonts.empty()) throw Error("text renderer: no font given");
  if (FT_Init_FreeType(&impl_->library) != 0) throw Error("text renderer: cannot initialize FreeType");
  for (const auto& spec : fonts) {
    auto [path, index] = parse_font_spec(spec);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path + ": font file does not exist");
    FT_Face face = nullptr;
    if (FT_New_Face(impl_->library, path.c_str(), index, &face) != 0)
      throw Error(spec + ": cannot load font (not a TrueType/OpenType file, or no face " + std::to_string(index) + ")");
    impl_->faces.emplace_back(spec, face);
    if (!FT_IS_SCALABLE(face)) throw Error(spec + ": font is not scalable (bitmap fonts are not supported)");
  }
}

TextRenderer::~TextRenderer() = default;

Tensor TextRenderer::render(const std::string& text, uint64_t seed, const TextRenderOptions& options) const {
  const int64_t H = options.height;
  if (H < 8 || H > 1024) throw Error("text renderer: height must be in 8..1024, got " + std::to_string(H));
  std::vector<char32_t> chars = decode_utf8(text, "text '" + text + "'");
  if (chars.empty()) throw Error("text renderer: empty text");
  Rng rng(seed);
  auto& faces = impl_->faces;

  // Prefer one font for the whole line (as real text is), else fall back per character.
  std::vector<size_t> complete;
  for (size_t f = 0; f < faces.size(); ++f)
    if (std::all_of(chars.begin(), chars.end(), [&](char32_t c) { return FT_Get_Char_Index(faces[f].second, c) != 0; }))
      complete.push_back(f);
  std::vector<size_t> font_of(chars.size());
  if (!complete.empty()) {
    std::fill(font_of.begin(), font_of.end(), complete[rng.below(complete.size())]);
  } else {
    for (size_t i = 0; i < chars.size(); ++i) {
      size_t f = 0;
      while (f < faces.size() && FT_Get_Char_Index(faces[f].second, chars[i]) == 0) ++f;
      if (f == faces.size())
        throw Error("text '" + text + "': no font has a glyph for " + codepoint_name(chars[i]) + " (fonts: " + faces[0].first +
                    (faces.size() > 1 ? ", ..." : "") + ")");
      font_of[i] = f;
    }
  }

  // Vertical layout: margins of 6-16% of the height above and below a text box that
  // spans cap height to descender (0.95 em), so all lines share one scale.
  const double pad_top = static_cast<double>(H) * (0.06 + 0.10 * rng.uniform());
  const double pad_bottom = static_cast<double>(H) * (0.06 + 0.10 * rng.uniform());
  const int64_t box = std::max<int64_t>(4, std::llround(static_cast<double>(H) - pad_top - pad_bottom));
  const int64_t px = std::max<int64_t>(6, std::llround(static_cast<double>(box) / 0.95));
  const double spacing = static_cast<double>(px) * 0.06 * rng.uniform();
  for (auto& f : faces) FT_Set_Pixel_Sizes(f.second, 0, static_cast<FT_UInt>(px));

  std::vector<Glyph> glyphs;
  double pen = 0;
  FT_UInt previous = 0;
  for (size_t i = 0; i < chars.size(); ++i) {
    FT_Face face = faces[font_of[i]].second;
    FT_UInt index = FT_Get_Char_Index(face, chars[i]);
    if (previous && i > 0 && font_of[i] == font_of[i - 1] && FT_HAS_KERNING(face)) {
      FT_Vector delta{};
      if (FT_Get_Kerning(face, previous, index, FT_KERNING_DEFAULT, &delta) == 0) pen += static_cast<double>(delta.x) / 64.0;
    }
    Glyph g = render_glyph(face, index, faces[font_of[i]].first, chars[i]);
    g.x += std::llround(pen);
    if (g.width > 0 && g.height > 0) glyphs.push_back(std::move(g));
    pen += static_cast<double>(face->glyph->advance.x) / 64.0 + spacing;
    previous = index;
  }
  if (glyphs.empty()) throw Error("text '" + text + "': has no visible characters");

  int64_t left = INT64_MAX, right = INT64_MIN, top = -std::llround(0.75 * static_cast<double>(px)),
          bottom = std::llround(0.2 * static_cast<double>(px));
  for (const auto& g : glyphs) {
    left = std::min(left, g.x), right = std::max(right, g.x + g.width);
    top = std::min(top, g.y), bottom = std::max(bottom, g.y + g.height);
  }
  Tensor mask(DataType::Float32, {bottom - top, right - left, 1});
  float* m = mask.data<float>();
  for (const auto& g : glyphs)
    for (int64_t y = 0; y < g.height; ++y)
      for (int64_t x = 0; x < g.width; ++x) {
        float& v = m[(g.y + y - top) * (right - left) + (g.x + x - left)];
        v = std::max(v, static_cast<float>(g.coverage[static_cast<size_t>(y * g.width + x)]) / 255.0f);
      }
  // Tall glyphs (accents, CJK) may overflow the box: scale the ink to fit.
  if (mask.dim(0) != box) {
    int64_t width = std::max<int64_t>(1, std::llround(static_cast<double>(mask.dim(1)) * static_cast<double>(box) / static_cast<double>(mask.dim(0))));
    mask = resize_image(mask, box, width, Interpolation::Bilinear, true);
  }

  // Compose: light background with a gentle gradient, tint and noise; dark ink.
  const int64_t pad_left = std::llround(static_cast<double>(H) * (0.05 + 0.25 * rng.uniform()));
  const int64_t pad_right = std::llround(static_cast<double>(H) * (0.05 + 0.25 * rng.uniform()));
  const int64_t top_row = std::llround(pad_top), W = pad_left + mask.dim(1) + pad_right, C = options.rgb ? 3 : 1;
  const double background = 195 + 55 * rng.uniform(), ink = 5 + 75 * rng.uniform();
  const double gradient = 28 * (rng.uniform() - 0.5);
  double bg_tint[3], ink_tint[3];
  for (int c = 0; c < 3; ++c) {
    bg_tint[c] = options.rgb ? 12 * (rng.uniform() - 0.5) : 0;
    ink_tint[c] = options.rgb ? 20 * (rng.uniform() - 0.5) : 0;
  }
  Tensor image(DataType::UInt8, {H, W, C});
  uint8_t* out = image.data<uint8_t>();
  const float* a = mask.data<float>();
  for (int64_t y = 0; y < H; ++y)
    for (int64_t x = 0; x < W; ++x) {
      int64_t my = y - top_row, mx = x - pad_left;
      double alpha = (my >= 0 && my < mask.dim(0) && mx >= 0 && mx < mask.dim(1)) ? a[my * mask.dim(1) + mx] : 0.0;
      double bg = background + gradient * (static_cast<double>(x) / static_cast<double>(W) - 0.5) + 6 * (rng.uniform() - 0.5);
      for (int64_t c = 0; c < C; ++c) {
        double v = (bg + bg_tint[c]) * (1 - alpha) + (ink + ink_tint[c]) * alpha;
        out[(y * W + x) * C + c] = static_cast<uint8_t>(std::clamp(std::nearbyint(v), 0.0, 255.0));
      }
    }
  return image;
}

namespace {

// [H, W, C] turned upside down: pixel (h, w) moves to (H-1-h, W-1-w).
Tensor rotated_180(const Tensor& image) {
  Tensor out(image.dtype(), image.dims());
  const int64_t h = image.dim(0), w = image.dim(1), c = image.dim(2);
  const uint8_t* src = image.data<uint8_t>();
  uint8_t* dst = out.data<uint8_t>();
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      for (int64_t k = 0; k < c; ++k) dst[((h - 1 - y) * w + (w - 1 - x)) * c + k] = src[(y * w + x) * c + k];
  return out;
}

}  // namespace

size_t render_text_line_set(const TextLineSetOptions& options) {
  std::vector<TextLine> words = read_text_lines(options.words_file);
  if (words.empty()) throw Error(options.words_file + ": no words (one word or line of text per line)");
  for (const auto& w : words)
    if (w.text.find('\t') != std::string::npos)
      throw Error(options.words_file + ":" + std::to_string(w.number) + ": text contains a tab, which labels.txt uses as separator");
  TextRenderer renderer(options.fonts);
  std::filesystem::create_directories(options.out_dir + "/images");
  const size_t count = options.count ? options.count : words.size();
  TextRenderOptions render_options{options.height, options.rgb};
  std::string labels;
  Progress progress("render-text", static_cast<int64_t>(count));
  for (size_t i = 0; i < count; ++i) {
    const TextLine& word = words[i % words.size()];
    Tensor image;
    try {
      image = renderer.render(word.text, Rng::for_sample(options.seed, i, 0x7e47).next(), render_options);
    } catch (const Error& e) {
      throw Error(options.words_file + ":" + std::to_string(word.number) + ": " + e.what());
    }
    if (options.rotate180) image = rotated_180(image);
    char name[32];
    std::snprintf(name, sizeof(name), "images/%06zu.png", i + 1);
    write_png(options.out_dir + "/" + name, image);
    labels += std::string(name) + "\t" + word.text + "\n";
    progress.advance();
  }
  write_file_atomic(options.out_dir + "/labels.txt", labels);
  progress.finish();
  return count;
}

}  // namespace qtune::data
