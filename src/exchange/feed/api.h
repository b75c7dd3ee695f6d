// The HTTP route of the change feed (library zt_exchange_api):
//
//   GET  /api/v1/resources/{code}/changes?after=SEQ&limit=N   the change feed
//
// Thread-safety: handlers run concurrently on the worker pool; the service must outlive the
// router.
#pragma once

#include "exchange/feed/service.h"
#include "http/router.h"

namespace zt::exchange {

void add_feed_routes(http::Router& router, ChangeFeedService& service);

}  // namespace zt::exchange
