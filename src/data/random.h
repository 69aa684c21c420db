// Small deterministic random numbers for data work: SplitMix64 (Steele, Lea, Flood
// 2014). Each sample derives its own stream from (seed, sample index, salt), so
// random transforms and dummy data give the same values whatever thread runs them.
#pragma once

#include <cstdint>

namespace qtune::data {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // A stream for one (seed, index, salt) triple; well separated for nearby inputs.
  static Rng for_sample(uint64_t seed, uint64_t index, uint64_t salt = 0) {
    Rng mixer(seed ^ 0x6a09e667f3bcc909ull);
    uint64_t a = mixer.next() ^ index;
    Rng second(a);
    uint64_t b = second.next() ^ (salt * 0x9E3779B97F4A7C15ull);
    return Rng(Rng(b).next());
  }

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n) (n > 0); Lemire's multiply-shift, bias < 2^-64 * n.
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }

 private:
  uint64_t state_;
};

}  // namespace qtune::data
