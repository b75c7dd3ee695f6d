// Random: the demo city's own deterministic random numbers (SplitMix64), so that one seed makes
// the same city on every machine and every run. Never seeded from std::random_device.
//
// Generators are counter-based where it matters: `Random::for_item(seed, stream, i)` gives item
// i of a stream its own sequence, so any resource can regenerate person i without keeping the
// city in memory.
// Thread-safety: a plain value; one thread per object.
#pragma once

#include <cstdint>
#include <span>

namespace zt::demo {

class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  // The sequence of item `index` of `stream` (e.g. one person) under `seed`.
  static Random for_item(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
    Random r(seed ^ (stream * 0xD1B54A32D192ED03ull));
    r.state_ ^= r.next() + index * 0x9E3779B97F4A7C15ull;
    return r;
  }

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  // True with probability p.
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  // An index drawn by the cumulative weights `cumulative` (ascending, last = total).
  std::size_t pick(std::span<const std::uint32_t> cumulative) {
    const std::uint64_t x = below(cumulative.back());
    std::size_t lo = 0, hi = cumulative.size() - 1;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (cumulative[mid] > x)
        hi = mid;
      else
        lo = mid + 1;
    }
    return lo;
  }

 private:
  std::uint64_t state_;
};

}  // namespace zt::demo
