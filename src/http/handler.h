// Binding a module's named route handlers to Router::add: `handler(service, request)`, or, for a
// route whose path ends in an object's {id}, `handler(service, id, request)` with the id already
// parsed and the 404 for an id that names nothing answered once, here.
//
// Thread-safety: the Handlers returned are as thread-safe as the service they call; the service
// must outlive the router.
#pragma once

#include "http/json_body.h"
#include "http/problem.h"
#include "http/router.h"

#include <cstdint>
#include <string_view>

namespace zt::http {

// What a route answers when the {id} of its path names nothing: 404 problem `code` with `detail`
// ("correction_not_found", "No such report."). Built from literals (it keeps views of them).
struct NotFound {
  std::string_view code;
  std::string_view detail;
};

// `handler(service, request)` as a Handler.
template <typename Service>
Handler handler_of(Response (*handler)(Service&, const Request&), Service& service) {
  return [handler, &service](const Request& request) { return handler(service, request); };
}

// `handler(first, second, request)` as a Handler, for a route that needs two services (the audit
// log and its writer); both must outlive the router.
template <typename First, typename Second>
Handler handler_of(Response (*handler)(First&, Second&, const Request&), First& first,
                   Second& second) {
  return [handler, &first, &second](const Request& request) {
    return handler(first, second, request);
  };
}

// `handler(service, id, request)` as a Handler, id being the path parameter {id} (http::parse_id).
// An {id} that is not a positive decimal names nothing: 404 `missing`, and the handler is not
// called — the same answer the service gives for an id it does not know.
template <typename Service>
Handler handler_of(Response (*handler)(Service&, std::int64_t, const Request&), Service& service,
                   NotFound missing) {
  return [handler, &service, missing](const Request& request) {
    auto id = parse_id(request.param("id"));
    if (!id) return problem(404, missing.code, missing.detail);
    return handler(service, *id, request);
  };
}

}  // namespace zt::http
