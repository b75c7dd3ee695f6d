#include "exchange/api.h"

#include "exchange/feed/api.h"
#include "exchange/ingest/api.h"
#include "exchange/quality/api.h"

namespace zt::exchange {

void add_routes(http::Router& router, ExchangeService& service) {
  add_ingest_routes(router, service.ingest_service());
  add_feed_routes(router, service.feed_service());
  add_quality_routes(router, service.quality_service());
}

}  // namespace zt::exchange
