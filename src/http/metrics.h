// Metrics: request counters and latency histograms per route, plus gauges, rendered as the
// Prometheus text format at /metrics.
//
// Counting is lock-free (relaxed atomics) so it can stay on the hot path. attach() and
// add_gauge() are for start-up only, before the server runs; record() and render() may then be
// called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace zt::http {

class Router;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Makes a slot for every route of `router` (which must outlive this), plus one for requests
  // that matched no route.
  void attach(const Router& router);
  std::size_t unmatched_slot() const { return slots_.size() - 1; }

  // Adds a gauge (or a counter: a value that only grows) read at render time, e.g. the
  // worker-pool queue depth.
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  void add_counter(std::string name, std::string help, std::function<double()> read);

  // Counts one finished request. `slot` is a route index or unmatched_slot().
  void record(std::size_t slot, int status, std::chrono::nanoseconds latency);

  std::string render() const;

 private:
  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  struct Slot {
    std::array<std::atomic<std::uint64_t>, 500> by_status{};  // status 100..599
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  struct Gauge {
    std::string type;  // "gauge" or "counter"
    std::string name;
    std::string help;
    std::function<double()> read;
  };

  const Router* router_ = nullptr;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Gauge> gauges_;
};

}  // namespace zt::http
