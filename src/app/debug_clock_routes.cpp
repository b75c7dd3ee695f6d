#include "app/debug_clock_routes.h"

#include "http/json_body.h"
#include "http/openapi.h"
#include "http/problem.h"

#include <boost/json.hpp>

namespace zt::app {

namespace json = boost::json;

namespace {

http::Response now_of(const core::FakeClock& clock) {
  return http::Response::json(200, json::object{{"now", core::format_iso8601(clock.now())}});
}

}  // namespace

void add_debug_clock_routes(http::Router& router, core::FakeClock& clock) {
  const json::object answer = http::schema::object({{"now", http::schema::str()}}, {"now"});
  const char* description =
      "Only in a test build whose config sets [debug] controllable_clock = true: the server's "
      "clock stands still unless moved here, so tests reach deadlines and expiry at once.";
  router.add(http::Method::kGet, "/api/v1/debug/clock",
             [&clock](const http::Request&) { return now_of(clock); },
             {.execution = http::Execution::kInline, .access = http::Access::kPublic},
             {.summary = "Diagnostics: the controllable clock's time",
              .description = description,
              .tag = "system",
              .responses = {{200, "The clock's time", answer}}});
  router.add(http::Method::kPost, "/api/v1/debug/clock",
             [&clock](const http::Request& request) {
               http::JsonBody body(request);
               auto seconds = body.integer("advance_seconds", true);
               if (!body.ok()) return body.problem();
               if (*seconds < 0) {
                 return http::problem(400, "invalid_body", "advance_seconds must not be negative.");
               }
               clock.advance(std::chrono::seconds(*seconds));
               return now_of(clock);
             },
             {.execution = http::Execution::kInline,
              .access = http::Access::kPublic,
              .accepts = {"application/json"}},
             {.summary = "Diagnostics: move the controllable clock forward",
              .description = description,
              .tag = "system",
              .request_schema = http::schema::object({{"advance_seconds", http::schema::integer()}},
                                                     {"advance_seconds"}),
              .responses = {{200, "The clock's new time", answer}}});
}

}  // namespace zt::app
