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
// for exercising graceful shutdown and load shedding; GET /api/v1/debug/stream?lines=N, a
// streamed (chunked) body for exercising exports; and POST /api/v1/debug/upload[?fail_after=N], a
// stream_body route answering {"bytes", "pieces", "fnv1a64"} of the body it read (or 400
// debug_failure after N bytes, the rest unread), for exercising bulk uploads. Off unless config
// [debug] sleep_route.
void add_debug_routes(Router& router);

}  // namespace zt::http
