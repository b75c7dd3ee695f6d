// The HTTP routes of sharing and shared reads (library zt_exchange_api):
//
//   POST /api/v1/sharing/requests                     file a sharing request (consumer)
//   GET  /api/v1/sharing/requests?box=inbox|outbox    the department's requests, newest first
//   GET  /api/v1/sharing/requests/{id}
//   POST /api/v1/sharing/requests/{id}/approve        provider: grant (fields, unmasked, days)
//   POST /api/v1/sharing/requests/{id}/reject         provider: refuse with a reason
//   POST /api/v1/sharing/requests/{id}/withdraw       consumer: take a pending request back
//   GET  /api/v1/sharing/grants?box=inbox|outbox      grants given / held, with their status
//   GET  /api/v1/sharing/grants/{id}
//   POST /api/v1/sharing/grants/{id}/revoke           provider: end a grant now
//   GET  /api/v1/resources/{code}/records/{key}       one record, projected and masked
//   GET  /api/v1/resources/{code}/records?f=v&…       filtered on indexed fields, paged
//   GET  /api/v1/resources/{code}/export?format=csv|ndjson   streamed
//
// Reads take X-Purpose (用途) and X-Case-Id (办件编号) headers, kept in their audit records.
// Thread-safety: handlers run concurrently on the worker pool; the services must outlive the
// router.
#pragma once

#include "exchange/records/service.h"
#include "exchange/sharing/service.h"
#include "http/router.h"

namespace zt::exchange {

void add_sharing_routes(http::Router& router, SharingService& sharing, QueryService& query);

// A shared read's context from its request: X-Purpose, X-Case-Id, address and request id. For
// every route that reads shared records (the registries' too).
ReadContext read_context(const http::Request& request);
// The OpenAPI entries of those two headers.
std::vector<http::ParamDoc> read_headers();

}  // namespace zt::exchange
