// The tuning journal, `history.jsonl` in the workspace: one JSON object per finished trial,
// appended and flushed to disk before the next trial starts, so a run killed at any point
// (kill -9 included) loses at most the trial in progress. `qtune tune --resume` reads it
// back; a torn last line (the kill hit mid-write) is ignored.
//   {"trial": 3, "run": "41d2...", "key": "9f0c...", "description": "fallback p2o.Conv.1 to FP32",
//    "change": "+fp32 p2o.Conv.1", "sampling_size": 100, "accuracy": 0.91, "meets": true,
//    "latency_ms": 6.2, "model_bytes": 3012345, "seconds": 14.2, "plan": {...}}
// ("run" fingerprints the model and the calibration data the trial was run with, "key" the
// plan; "change" is the difference from the best trial before it; latency_ms is null for
// trials that missed the criterion.)
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tune/trial.h"

namespace qtune::tune {

class History {
 public:
  // `run` fingerprints the model and calibration data of this run.
  History(std::string path, std::string run);
  ~History();
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  // Trials recorded by earlier runs, by plan key. Throws qtune::Error naming the file and
  // line for a record that is not a torn last line and does not parse, or that belongs to
  // another model or calibration set (its results would not hold for this one).
  std::map<std::string, TrialResult> load() const;
  // Appends one record and flushes it to disk (fsync). A torn last line left by a kill is
  // cut off first, so the journal stays one record per line.
  void append(const TrialResult& result, const std::string& change);
  // Removes the journal (a fresh run).
  void clear();
  const std::string& path() const { return path_; }

 private:
  void cut_torn_last_line() const;

  std::string path_;
  std::string run_;
  std::FILE* file_ = nullptr;
};

}  // namespace qtune::tune
