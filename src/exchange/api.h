// The routes of ExchangeService's three parts (library zt_exchange_api): ingest and batches
// (ingest/api.h), the change feed (feed/api.h) and the quality figures (quality/api.h). The
// other exchange services register their own routes (records, sharing, subscriptions,
// corrections, stats: each folder's api.h).
//
// Thread-safety: handlers run concurrently on the worker pool; the service must outlive the
// router.
#pragma once

#include "exchange/service.h"
#include "http/router.h"

namespace zt::exchange {

void add_routes(http::Router& router, ExchangeService& service);

}  // namespace zt::exchange
