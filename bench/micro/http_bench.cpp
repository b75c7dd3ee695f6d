// Costs on the request hot path: route matching, problem+json rendering, access-log lines.
#include "http/access_log.h"
#include "http/problem.h"
#include "http/router.h"

#include <benchmark/benchmark.h>
#include <fcntl.h>

#include <unistd.h>
#include <memory>

namespace {

using namespace zt::http;

Router& sample_router() {
  static const std::unique_ptr<Router> router = [] {
    auto r = std::make_unique<Router>();
    auto ok = [](const Request&) { return Response{}; };
    const RouteDoc doc{.summary = "bench", .responses = {{200, "ok"}}};
    for (const char* p :
         {"/healthz", "/readyz", "/metrics", "/api/v1/version", "/api/v1/catalog/resources",
          "/api/v1/catalog/resources/{code}", "/api/v1/resources/{code}/records",
          "/api/v1/resources/{code}/records/{key}", "/api/v1/registry/persons/{id_number}",
          "/api/v1/audit/records"}) {
      r->add(Method::kGet, p, ok, {}, doc);
    }
    return r;
  }();
  return *router;
}

void BM_RouteLiteral(benchmark::State& state) {
  Router& router = sample_router();
  for (auto _ : state)
    benchmark::DoNotOptimize(router.match("GET", "/api/v1/version"));
}
BENCHMARK(BM_RouteLiteral);

void BM_RouteWithParameters(benchmark::State& state) {
  Router& router = sample_router();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        router.match("GET", "/api/v1/resources/330300-GA-0001/records/330302199001011234"));
  }
}
BENCHMARK(BM_RouteWithParameters);

void BM_RouteNotFound(benchmark::State& state) {
  Router& router = sample_router();
  for (auto _ : state)
    benchmark::DoNotOptimize(router.match("GET", "/api/v1/nope/at/all"));
}
BENCHMARK(BM_RouteNotFound);

void BM_Problem(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(problem(404, "route_not_found", "No route for GET /api/v1/nope."));
  }
}
BENCHMARK(BM_Problem);

void BM_AccessLogLine(benchmark::State& state) {
  const int fd = ::open("/dev/null", O_WRONLY);
  {
    AccessLog log(fd, true);
    for (auto _ : state) {
      log.write({.request_id = "17ee6bf58609865fc8d514d99e9db586",
                 .method = "GET",
                 .target = "/api/v1/version",
                 .route = "/api/v1/version",
                 .status = 200,
                 .bytes = 79,
                 .duration = std::chrono::microseconds(42),
                 .remote = "127.0.0.1"});
    }
  }
  ::close(fd);
}
BENCHMARK(BM_AccessLogLine);

}  // namespace
