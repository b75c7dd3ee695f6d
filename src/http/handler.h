// Binding a module's named route handlers to Router::add: `handler(services…, request)`, or, for a
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
#include <type_traits>

namespace zt::http {

// What a route answers when the {id} of its path names nothing: 404 problem `code` with `detail`
// ("correction_not_found", "No such report."). Built from literals (it keeps views of them).
struct NotFound {
  std::string_view code;
  std::string_view detail;
};

// `handler(services…, request)` as a Handler, for a route that needs one service or several
// (the audit log, its writer, its checkpointer); every one must outlive the router. The
// services' types come from the arguments after the handler (type_identity keeps the handler's
// type out of deduction: a pack before the request cannot be deduced from it).
template <typename... Services>
Handler handler_of(std::type_identity_t<Response (*)(Services&..., const Request&)> handler,
                   Services&... services) {
  return [handler, &services...](const Request& request) { return handler(services..., request); };
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
