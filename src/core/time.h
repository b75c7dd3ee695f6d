// Time helpers: the clock seam and ISO 8601 formatting in China Standard Time (+08:00).
//
// Every API time is ISO 8601 with an offset; Zhengtong serves Chinese cities, so it formats in
// UTC+08:00 (no DST). Code that decides on deadlines takes a Clock so tests can use a fake one.
// Thread-safety: SystemClock is stateless; FakeClock is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace zt::core {

using TimePoint = std::chrono::system_clock::time_point;

// The source of "now"; a real seam (tests use FakeClock).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told: for tests of deadlines, expiry and display periods, in
// process (the service test harness) and over HTTP (a test build's server on a controllable
// clock). Thread-safe: request threads read it while the test moves it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override {
    return TimePoint(TimePoint::duration(now_.load(std::memory_order_acquire)));
  }
  void advance(std::chrono::system_clock::duration d) {
    now_.fetch_add(std::chrono::duration_cast<TimePoint::duration>(d).count(),
                   std::memory_order_acq_rel);
  }
  void set(TimePoint t) { now_.store(t.time_since_epoch().count(), std::memory_order_release); }

 private:
  std::atomic<TimePoint::rep> now_;
};

// "2026-11-23T08:00:00.123+08:00" (milliseconds, always +08:00).
std::string format_iso8601(TimePoint t);

// The calendar date of t in China Standard Time.
std::chrono::year_month_day china_date(TimePoint t);

// Milliseconds since the Unix epoch: how the modules store times (BIGINT columns), so that time
// arithmetic is the same on both databases.
inline std::int64_t to_millis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_millis(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace zt::core
