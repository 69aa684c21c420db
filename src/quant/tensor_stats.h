// TensorStats: streaming statistics of one float tensor over many calibration samples:
// element count, min, max, and a fixed-size histogram over a symmetric range [-R, R].
//
// R is always a power of two. When a value beyond R arrives, R doubles (as often as
// needed) and neighbouring bins merge pairwise: memory stays fixed, no value is ever
// dropped, and because bin edges sit on multiples of a power of two, doubling and merging
// two stats are exact (no value moves to a bin that does not contain it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qtune::quant {

// Non-finite values an update skipped.
struct NonFinite {
  int64_t nan = 0;
  int64_t pos_inf = 0;
  int64_t neg_inf = 0;
  bool any() const { return nan + pos_inf + neg_inf > 0; }
  // "NaN", "Inf" or "-Inf": the first kind present, in that order ("" when none).
  std::string first_kind() const;
};

class TensorStats {
 public:
  static constexpr int kDefaultBinsPerSide = 2048;

  // `bins_per_side` must be even and >= 2 (pairs of bins merge when R doubles).
  explicit TensorStats(int bins_per_side = kDefaultBinsPerSide);

  // Adds the finite values of data[0..n). NaN and +-Inf are not absorbed: they are skipped
  // and counted in the result, so the caller can report them.
  NonFinite update(const float* data, int64_t n);
  // Same, but throws qtune::Error "calibration: tensor 'X' has NaN in sample 7 (<source>)"
  // when a value is not finite. `sample_index` is 0-based; `sample_source` may be empty.
  void update(const float* data, int64_t n, const std::string& tensor_name, int64_t sample_index,
              const std::string& sample_source = "");
  // Adds another tensor's statistics (parallel or resumed calibration); exact.
  // Throws qtune::Error when the bin counts differ.
  void merge(const TensorStats& other);

  int64_t count() const { return count_; }
  // Smallest and largest value seen (0 when count() == 0).
  float min() const { return min_; }
  float max() const { return max_; }
  float abs_max() const;
  int bins_per_side() const { return bins_per_side_; }
  // R: the histogram covers [-R, R]. 0 while every value seen was 0; then the histogram is
  // empty. Otherwise the histogram counts sum to count().
  double range() const { return range_; }
  double bin_width() const { return range_ / bins_per_side_; }
  // 2 * bins_per_side() counts; bin i covers [-R + i*w, -R + (i+1)*w) (the last one also R).
  const std::vector<int64_t>& histogram() const { return histogram_; }
  // Counts of |x| in bins_per_side() bins; bin j covers [j*w, (j+1)*w].
  std::vector<int64_t> abs_histogram() const;

  // Rebuilds stats from their parts (for loading); throws qtune::Error naming what is
  // inconsistent (odd bin count, R not a power of two, counts not summing to `count`...).
  static TensorStats from_parts(int bins_per_side, int64_t count, float min, float max, double range,
                                std::vector<int64_t> histogram);

  bool operator==(const TensorStats&) const = default;

 private:
  void grow_to(double range);

  int bins_per_side_;
  int64_t count_ = 0;
  float min_ = 0;
  float max_ = 0;
  double range_ = 0;
  std::vector<int64_t> histogram_;
};

}  // namespace qtune::quant
