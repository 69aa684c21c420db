// Progress for long jobs (calibration, evaluation, tuning, benchmarks).
// On a terminal: one self-updating line with a bar, rate and ETA on stderr.
// Otherwise: a plain line at most every few seconds (and at the end), so logs stay readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace qtune {

class Progress {
 public:
  // total == 0 means unknown: no bar and no ETA, just a count.
  Progress(std::string label, int64_t total, bool quiet = false);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(int64_t n = 1);
  // Writes the final line (idempotent; the destructor calls it too).
  void finish();
  double elapsed_seconds() const;

  // Overrides terminal detection (tests, --quiet, CI logs).
  static void set_force_plain(bool plain);

 private:
  void render(bool final_line);

  std::string label_;
  int64_t total_;
  int64_t done_ = 0;
  bool quiet_;
  bool tty_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_render_;
};

// "1m05s", "2h03m", "4.2s"
std::string format_duration(double seconds);

}  // namespace qtune
