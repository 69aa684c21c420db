#include "util/progress.h"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>

namespace qtune {
namespace {

std::atomic<bool> g_force_plain{false};

}  // namespace

void Progress::set_force_plain(bool plain) { g_force_plain = plain; }

std::string format_duration(double seconds) {
  char buf[32];
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  } else if (seconds < 3600) {
    auto s = static_cast<long>(seconds);
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    auto m = static_cast<long>(seconds / 60);
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", m / 60, m % 60);
  }
  return buf;
}

Progress::Progress(std::string label, int64_t total, bool quiet)
    : label_(std::move(label)),
      total_(total),
      quiet_(quiet),
      tty_(!g_force_plain && ::isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()),
      last_render_(start_) {}

Progress::~Progress() { finish(); }

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::advance(int64_t n) {
  done_ += n;
  auto now = std::chrono::steady_clock::now();
  // Terminal: redraw 10x a second; logs: a line every 5 s keeps them short.
  double interval = tty_ ? 0.1 : 5.0;
  if (std::chrono::duration<double>(now - last_render_).count() >= interval) {
    last_render_ = now;
    render(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  render(true);
}

void Progress::render(bool final_line) {
  if (quiet_) return;
  double elapsed = elapsed_seconds();
  double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  std::string line = label_ + ": ";
  char buf[160];
  if (total_ > 0) {
    double frac = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
    if (tty_) {
      constexpr int kWidth = 24;
      int filled = static_cast<int>(frac * kWidth);
      line += '[';
      line.append(static_cast<size_t>(filled), '#');
      line.append(static_cast<size_t>(kWidth - filled), '.');
      line += "] ";
    }
    double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : NAN;
    std::snprintf(buf, sizeof buf, "%lld/%lld (%.0f%%) %.1f/s elapsed %s", static_cast<long long>(done_),
                  static_cast<long long>(total_), frac * 100.0, rate, format_duration(elapsed).c_str());
    line += buf;
    if (!final_line) line += " ETA " + format_duration(eta);
  } else {
    std::snprintf(buf, sizeof buf, "%lld done, %.1f/s elapsed %s", static_cast<long long>(done_), rate,
                  format_duration(elapsed).c_str());
    line += buf;
  }
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace qtune
