// The HTTP routes of correction reports (数据纠错/异议) and of the exchange figures (library
// zt_exchange_api):
//
//   POST /api/v1/resources/{code}/records/{key}/corrections   report a record as wrong
//   GET  /api/v1/corrections?box=inbox|outbox&status=…         the department's reports
//   GET  /api/v1/corrections/{id}
//   POST /api/v1/corrections/{id}/answer                       provider: corrected or answered
//   GET  /api/v1/exchange/stats?days=N                         figures for the dashboards
//
// Thread-safety: handlers run concurrently on the worker pool; the services must outlive the
// router.
#pragma once

#include "exchange/corrections/service.h"
#include "exchange/stats/service.h"
#include "http/router.h"

namespace zt::exchange {

void add_correction_routes(http::Router& router, CorrectionService& corrections);
void add_stats_routes(http::Router& router, StatsService& stats);

}  // namespace zt::exchange
