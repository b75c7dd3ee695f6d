// The integration tests' check of every answer against the server's own API document: each
// 2xx application/json answer that HttpClient::request() reads is validated against the
// response schema /api/openapi.json documents for its operation and status
// (support/openapi_check.h). A mismatch — or an undocumented path, method or 2xx status — is a
// test failure naming the route, the status and the JSON pointer of the offending value.
//
// The document is fetched once per server (the first time one of its answers is checked) and
// kept by port; ServerProcess forgets it when a server starts on that port. Thread-safe: the
// cache is guarded, the count is atomic.
#pragma once

#include "integration/http_client.h"

#include <cstdint>
#include <string_view>

namespace zt::test {

// The X-Request-Id of the client's own GET /api/openapi.json, so tests that read the access log
// can leave it out.
inline constexpr std::string_view kApiDocumentRequestId = "zt-test-api-document";

// Checks `response` to `method target` from the server on `port`; adds a test failure when it
// disagrees with the document. Answers the document does not describe as JSON (non-2xx,
// problem+json, NDJSON, CSV, HEAD) are not looked at.
void check_answer(std::uint16_t port, std::string_view method, std::string_view target,
                  const HttpResponse& response);

// Drops the document cached for `port` (a new server listens there).
void forget_api_document(std::uint16_t port);

// Answers validated so far in this process. At the end of the run the count is printed:
// "[api schema] N answers validated against /api/openapi.json".
std::size_t answers_validated();

}  // namespace zt::test
