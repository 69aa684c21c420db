#include "quant/tensor_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "qtune/error.h"

namespace qtune::quant {
namespace {

// Smallest power of two > v (v > 0). Strictly above: a value equal to R would have to be
// clamped into the last bin, where doubling R later moves it to another bin than direct
// binning would, and merged statistics would depend on the order samples arrived in.
double pow2_above(double v) {
  int exp = 0;
  std::frexp(v, &exp);  // v = mantissa * 2^exp, mantissa in [0.5, 1)
  return std::ldexp(1.0, exp);
}

bool is_pow2(double v) {
  int exp = 0;
  return v > 0 && std::isfinite(v) && std::frexp(v, &exp) == 0.5;
}

}  // namespace

std::string NonFinite::first_kind() const {
  if (nan) return "NaN";
  if (pos_inf) return "Inf";
  if (neg_inf) return "-Inf";
  return "";
}

TensorStats::TensorStats(int bins_per_side) : bins_per_side_(bins_per_side) {
  if (bins_per_side < 2 || bins_per_side % 2 != 0 || bins_per_side > (1 << 20))
    throw Error("TensorStats: bins per side must be even and in [2, 1048576], got " + std::to_string(bins_per_side));
  histogram_.assign(static_cast<size_t>(2 * bins_per_side), 0);
}

float TensorStats::abs_max() const { return std::max(std::fabs(min_), std::fabs(max_)); }

void TensorStats::grow_to(double range) {
  const size_t n = histogram_.size();
  const size_t half = static_cast<size_t>(bins_per_side_);
  std::vector<int64_t> merged(n);
  while (range_ < range) {
    // Doubling R: old bin i ([-R + i*w, ...)) lies inside new bin B/2 + i/2.
    std::fill(merged.begin(), merged.end(), 0);
    for (size_t i = 0; i < n; ++i) merged[half / 2 + i / 2] += histogram_[i];
    histogram_.swap(merged);
    range_ *= 2;
  }
}

NonFinite TensorStats::update(const float* data, int64_t n) {
  NonFinite bad;
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  int64_t finite = 0;
  for (int64_t i = 0; i < n; ++i) {
    float v = data[i];
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      ++finite;
    } else if (std::isnan(v)) {
      ++bad.nan;
    } else if (v > 0) {
      ++bad.pos_inf;
    } else {
      ++bad.neg_inf;
    }
  }
  if (finite == 0) return bad;
  min_ = count_ == 0 ? lo : std::min(min_, lo);
  max_ = count_ == 0 ? hi : std::max(max_, hi);
  const double needed = std::max(std::fabs(static_cast<double>(lo)), std::fabs(static_cast<double>(hi)));
  if (needed > 0) {
    if (range_ == 0) {
      // Every value before this one was 0: they go to the bin starting at 0.
      range_ = pow2_above(needed);
      histogram_[static_cast<size_t>(bins_per_side_)] += count_;
    } else if (needed >= range_) {
      grow_to(pow2_above(needed));
    }
  }
  count_ += finite;
  if (range_ == 0) return bad;  // all zeros so far: nothing to bin yet

  const double inv_width = bins_per_side_ / range_;
  const int64_t last = 2 * static_cast<int64_t>(bins_per_side_) - 1;
  int64_t* bins = histogram_.data();
  for (int64_t i = 0; i < n; ++i) {
    float v = data[i];
    if (!std::isfinite(v)) continue;
    auto bin = static_cast<int64_t>(std::floor(static_cast<double>(v) * inv_width)) + bins_per_side_;
    ++bins[std::clamp<int64_t>(bin, 0, last)];  // |v| < R: the clamp only guards rounding
  }
  return bad;
}

void TensorStats::update(const float* data, int64_t n, const std::string& tensor_name, int64_t sample_index,
                         const std::string& sample_source) {
  NonFinite bad = update(data, n);
  if (bad.any())
    throw Error("calibration: tensor '" + tensor_name + "' has " + bad.first_kind() + " in sample " +
                std::to_string(sample_index) + (sample_source.empty() ? "" : " (" + sample_source + ")"));
}

void TensorStats::merge(const TensorStats& other) {
  if (other.bins_per_side_ != bins_per_side_)
    throw Error("TensorStats: cannot merge histograms with " + std::to_string(bins_per_side_) + " and " +
                std::to_string(other.bins_per_side_) + " bins per side");
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  const double range = std::max(range_, other.range_);
  if (range > 0) {
    TensorStats rhs = other;
    for (TensorStats* s : {this, &rhs}) {
      if (s->range_ == 0) {
        s->range_ = range;  // all its values were 0
        s->histogram_[static_cast<size_t>(bins_per_side_)] += s->count_;
      } else {
        s->grow_to(range);
      }
    }
    for (size_t i = 0; i < histogram_.size(); ++i) histogram_[i] += rhs.histogram_[i];
  }
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
}

std::vector<int64_t> TensorStats::abs_histogram() const {
  const size_t half = static_cast<size_t>(bins_per_side_);
  std::vector<int64_t> out(half);
  // Negative bin B-1-j covers [-(j+1)w, -jw): |x| in (jw, (j+1)w].
  for (size_t j = 0; j < half; ++j) out[j] = histogram_[half + j] + histogram_[half - 1 - j];
  return out;
}

TensorStats TensorStats::from_parts(int bins_per_side, int64_t count, float min, float max, double range,
                                    std::vector<int64_t> histogram) {
  TensorStats s(bins_per_side);
  if (histogram.size() != s.histogram_.size())
    throw Error("histogram has " + std::to_string(histogram.size()) + " bins, expected " +
                std::to_string(s.histogram_.size()));
  if (count < 0) throw Error("count is negative");
  if (!std::isfinite(min) || !std::isfinite(max) || min > max)
    throw Error("min " + std::to_string(min) + " and max " + std::to_string(max) + " are not a finite ordered pair");
  if (range != 0 && !is_pow2(range)) throw Error("range " + std::to_string(range) + " is not a power of two");
  if (std::any_of(histogram.begin(), histogram.end(), [](int64_t c) { return c < 0; }))
    throw Error("histogram has a negative count");
  int64_t total = 0;
  for (int64_t c : histogram)
    if (__builtin_add_overflow(total, c, &total)) throw Error("histogram counts overflow a 64-bit total");
  if (range > 0 && total != count)
    throw Error("histogram counts sum to " + std::to_string(total) + ", expected count " + std::to_string(count));
  if (range == 0 && (total != 0 || min != 0 || max != 0))
    throw Error("range 0 (all values zero) but min/max or histogram are not zero");
  if (std::max(std::fabs(min), std::fabs(max)) > range) throw Error("min/max lie outside the histogram range");
  s.count_ = count;
  s.min_ = count ? min : 0;
  s.max_ = count ? max : 0;
  s.range_ = range;
  s.histogram_ = std::move(histogram);
  return s;
}

}  // namespace qtune::quant
