// The HTTP routes of shared reads (共享查询; library zt_exchange_api):
//
//   GET  /api/v1/resources/{code}/records/{key}       one record, projected and masked
//   GET  /api/v1/resources/{code}/records?f=v&…       filtered on indexed fields, paged
//   GET  /api/v1/resources/{code}/export?format=csv|ndjson   streamed
//
// Reads take X-Purpose (用途) and X-Case-Id (办件编号) headers, kept in their audit records.
// Thread-safety: handlers run concurrently on the worker pool; the service must outlive the
// router.
#pragma once

#include "exchange/records/service.h"
#include "http/router.h"

namespace zt::exchange {

void add_records_routes(http::Router& router, QueryService& query);

// A shared read's context from its request: X-Purpose, X-Case-Id, address and request id. For
// every route that reads shared records (the registries' too).
ReadContext read_context(const http::Request& request);
// The OpenAPI entries of those two headers.
std::vector<http::ParamDoc> read_headers();

}  // namespace zt::exchange
