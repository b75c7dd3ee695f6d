#include "http/metrics.h"

#include "http/router.h"

#include <fmt/format.h>

namespace zt::http {

namespace {

// Label values are route patterns and method names; escape per the exposition format anyway.
std::string escape_label(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

Metrics::Metrics() {
  slots_.push_back(std::make_unique<Slot>());
}
Metrics::~Metrics() = default;

void Metrics::attach(const Router& router) {
  router_ = &router;
  slots_.clear();
  for (std::size_t i = 0; i <= router.routes().size(); ++i) {
    slots_.push_back(std::make_unique<Slot>());
  }
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  gauges_.push_back({"gauge", std::move(name), std::move(help), std::move(read)});
}

void Metrics::add_counter(std::string name, std::string help, std::function<double()> read) {
  gauges_.push_back({"counter", std::move(name), std::move(help), std::move(read)});
}

void Metrics::record(std::size_t slot, int status, std::chrono::nanoseconds latency) {
  if (slot >= slots_.size()) slot = unmatched_slot();
  Slot& s = *slots_[slot];
  if (status >= 100 && status < 600) {
    s.by_status[status - 100].fetch_add(1, std::memory_order_relaxed);
  }
  const double seconds = std::chrono::duration<double>(latency).count();
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket])
    ++bucket;
  s.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sum_ns.fetch_add(static_cast<std::uint64_t>(latency.count()), std::memory_order_relaxed);
}

std::string Metrics::render() const {
  fmt::memory_buffer out;
  auto labels = [&](std::size_t i) {
    if (router_ && i < router_->routes().size()) {
      const Route& r = *router_->routes()[i];
      return fmt::format("method=\"{}\",route=\"{}\"", method_name(r.method),
                         escape_label(r.pattern));
    }
    return std::string("method=\"\",route=\"unmatched\"");
  };

  fmt::format_to(std::back_inserter(out),
                 "# HELP zt_http_requests_total HTTP requests answered, by route and status.\n"
                 "# TYPE zt_http_requests_total counter\n");
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const std::string l = labels(i);
    for (std::size_t k = 0; k < slots_[i]->by_status.size(); ++k) {
      auto n = slots_[i]->by_status[k].load(std::memory_order_relaxed);
      if (n == 0) continue;
      fmt::format_to(std::back_inserter(out), "zt_http_requests_total{{{},status=\"{}\"}} {}\n", l,
                     k + 100, n);
    }
  }

  fmt::format_to(std::back_inserter(out),
                 "# HELP zt_http_request_duration_seconds Time from request header to response "
                 "written, by route.\n"
                 "# TYPE zt_http_request_duration_seconds histogram\n");
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = *slots_[i];
    const auto count = s.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    const std::string l = labels(i);
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += s.buckets[b].load(std::memory_order_relaxed);
      fmt::format_to(std::back_inserter(out),
                     "zt_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", l, kBuckets[b],
                     cumulative);
    }
    cumulative += s.buckets[kBuckets.size()].load(std::memory_order_relaxed);
    fmt::format_to(std::back_inserter(out),
                   "zt_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", l, cumulative);
    fmt::format_to(std::back_inserter(out), "zt_http_request_duration_seconds_sum{{{}}} {:.9f}\n",
                   l, s.sum_ns.load(std::memory_order_relaxed) / 1e9);
    fmt::format_to(std::back_inserter(out), "zt_http_request_duration_seconds_count{{{}}} {}\n", l,
                   cumulative);
  }

  for (const Gauge& g : gauges_) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n{} {}\n", g.name, g.help,
                   g.name, g.type, g.name, g.read());
  }
  return fmt::to_string(out);
}

}  // namespace zt::http
