// The platform's own routes: liveness, readiness, metrics, version and the OpenAPI document.
#pragma once

#include "core/result.h"
#include "http/metrics.h"
#include "http/openapi.h"
#include "http/router.h"

#include <functional>
#include <string>

namespace zt::http {

struct BuildInfo {
  std::string version;  // "0.1.0"
  std::string commit;   // git describe, or "unknown"
};

// Adds GET /healthz, /readyz, /metrics, /api/v1/version and /api/openapi.json.
// `ready` is called on the worker pool for /readyz (it may block, e.g. on a database ping).
// The router, metrics and build info must outlive the routes.
void add_system_routes(Router& router, const BuildInfo& build, Metrics& metrics,
                       std::function<Status()> ready);

// Adds GET /api/v1/debug/sleep?ms=N (blocking, N ≤ 10000): a request that takes as long as asked,
// for exercising graceful shutdown and load shedding; and GET /api/v1/debug/stream?lines=N, a
// streamed (chunked) body for exercising exports. Off unless config [debug] sleep_route.
void add_debug_routes(Router& router);

}  // namespace zt::http
