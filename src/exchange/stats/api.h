// The HTTP route of the exchange figures (交换统计; library zt_exchange_api):
//
//   GET  /api/v1/exchange/stats?days=N                         figures for the dashboards
//
// Thread-safety: handlers run concurrently on the worker pool; the service must outlive the
// router.
#pragma once

#include "exchange/stats/service.h"
#include "http/router.h"

namespace zt::exchange {

void add_stats_routes(http::Router& router, StatsService& stats);

}  // namespace zt::exchange
