// qtune render-text --words WORDS.txt --font FONT.ttf [--font ...] --out DIR
//                   [--height 48] [--seed N] [--count N] [--gray]
// Renders synthetic OCR text-line images (DIR/images/000001.png ...) and
// DIR/labels.txt ("images/000001.png<TAB>text"), readable by the TextLines dataset.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "data/text_render.h"

namespace qtune::cli {

void add_render_text_command(CLI::App& app) {
  auto opts = std::make_shared<data::TextLineSetOptions>();
  auto gray = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("render-text", "Render text-line images for OCR recognition calibration/evaluation");
  cmd->add_option("--words", opts->words_file, "UTF-8 text file, one word or line of text per line")->required();
  cmd->add_option("--font", opts->fonts, "Font file (.ttf/.otf/.ttc; FILE:N picks face N of a collection); repeatable")
      ->required();
  cmd->add_option("--out", opts->out_dir, "Output folder (gets images/ and labels.txt)")->required();
  cmd->add_option("--height", opts->height, "Image height in pixels")->capture_default_str()->check(CLI::Range(8, 1024));
  cmd->add_option("--seed", opts->seed, "Seed for all size/margin/contrast jitter")->capture_default_str();
  cmd->add_option("--count", opts->count, "Number of images (default: one per word; more cycles through the words)");
  cmd->add_flag("--gray", *gray, "Write one gray channel instead of RGB");
  cmd->add_flag("--rotate180", opts->rotate180, "Turn every line upside down (text-direction classifier data)");
  cmd->callback([opts, gray] {
    opts->rgb = !*gray;
    size_t n = data::render_text_line_set(*opts);
    std::printf("wrote %zu images and %s/labels.txt\n", n, opts->out_dir.c_str());
  });
}

}  // namespace qtune::cli
