#include "http/system_routes.h"

#include "http/problem.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <charconv>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace zt::http {

namespace json = boost::json;

void add_system_routes(Router& router, const BuildInfo& build, Metrics& metrics,
                       std::function<Status()> ready) {
  const RouteOptions inline_options{.execution = Execution::kInline, .access = Access::kPublic};
  const json::object status_schema{
      {"type", "object"},
      {"properties", json::object{{"status", json::object{{"type", "string"}}}}}};

  router.add(Method::kGet, "/healthz",
             [](const Request&) {
               return Response::json(200, json::object{{"status", "ok"}});
             },
             inline_options,
             {.summary = "Liveness: the process is up and serving",
              .description = "Answers {\"status\":\"ok\"} from the I/O thread without touching "
                             "the database, for a load balancer's or orchestrator's liveness "
                             "probe. Public.",
              .tag = "system",
              .responses = {{200, "Alive", status_schema}}});

  router.add(Method::kGet, "/readyz",
             [ready = std::move(ready)](const Request&) {
               Status status = ready();
               if (!status.ok()) {
                 return problem(503, "not_ready", "Not ready: " + status.error().detail);
               }
               return Response::json(200, json::object{{"status", "ready"}});
             },
             {.access = Access::kPublic},
             {.summary = "Readiness: the database is reachable",
              .description = "Answers {\"status\":\"ready\"} once a query reaches the database, "
                             "for a readiness probe: take the node out of rotation otherwise. "
                             "Public. Errors: 503 not_ready (the detail says what failed).",
              .tag = "system",
              .responses = {{200, "Ready", status_schema}}});

  router.add(Method::kGet, "/metrics",
             [&metrics](const Request&) {
               return Response::text(200, metrics.render(),
                                     "text/plain; version=0.0.4; charset=utf-8");
             },
             inline_options,
             {.summary = "Prometheus metrics",
              .description = "Requests by route and status, latency histograms, worker-pool queue "
                             "depth and database connections, in the Prometheus text format "
                             "(version 0.0.4). Public.",
              .tag = "system",
              .responses = {{200, "Metrics", json::object{{"type", "string"}}, "text/plain"}}});

  const std::string version_body = json::serialize(json::object{
      {"name", "zhengtong"}, {"version", build.version}, {"commit", build.commit}, {"api", "v1"}});
  router.add(
      Method::kGet, "/api/v1/version",
      [version_body](const Request&) {
        return Response::text(200, version_body, "application/json");
      },
      inline_options,
      {.summary = "Version of this server",
       .description = "The product name, its version and commit, and the API version (v1). "
                      "Public.",
       .tag = "system",
       .responses = {{200, "Version",
                      json::object{{"type", "object"},
                                   {"required", json::array{"name", "version", "commit", "api"}},
                                   {"properties",
                                    json::object{{"name", json::object{{"type", "string"}}},
                                                 {"version", json::object{{"type", "string"}}},
                                                 {"commit", json::object{{"type", "string"}}},
                                                 {"api", json::object{{"type", "string"}}}}}}}}});

  // The document is the same for every request while the routes are (they are all registered
  // before the server serves): serialized at the first request and sent as is after, instead of
  // built from every route's doc each time (~1.5 ms on the I/O thread; more under load). A
  // route added later (tests do) makes the next request build it again.
  struct Document {
    std::mutex mutex;  // the I/O threads may ask at once
    std::size_t routes = 0;
    std::string body;
  };
  router.add(Method::kGet, "/api/openapi.json",
             [&router, build, document = std::make_shared<Document>()](const Request&) {
               std::lock_guard lock(document->mutex);
               if (document->body.empty() || document->routes != router.routes().size()) {
                 document->body =
                     json::serialize(openapi_document(router, {.version = build.version}));
                 document->routes = router.routes().size();
               }
               return Response::text(200, document->body, "application/json");
             },
             inline_options,
             {.summary = "This OpenAPI 3.1 document",
              .description = "Generated from the routes the server registers, so it describes "
                             "exactly what this server answers; linted in CI with Spectral and "
                             "Redocly. Public.",
              .tag = "system",
              .responses = {{200, "The document", json::object{{"type", "object"}}}}});
}

void add_debug_stream_route(Router& router);
void add_debug_upload_route(Router& router);

void add_debug_routes(Router& router) {
  add_debug_stream_route(router);
  add_debug_upload_route(router);
  router.add(Method::kGet, "/api/v1/debug/sleep",
             [](const Request& request) {
               auto text = request.query_param("ms").value_or("");
               int ms = -1;
               auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
               if (ec != std::errc() || end != text.data() + text.size() || ms < 0 || ms > 10000) {
                 return problem(400, "invalid_parameter",
                                "ms must be a whole number from 0 to 10000.");
               }
               std::this_thread::sleep_for(std::chrono::milliseconds(ms));
               return Response::json(200, json::object{{"slept_ms", ms}});
             },
             {.access = Access::kPublic},
             {.summary = "Diagnostics: answer after the given delay",
              .description = "Only present when the server runs with [debug] sleep_route = true.",
              .tag = "system",
              .params = {{.name = "ms",
                          .description = "milliseconds, 0 to 10000",
                          .required = true,
                          .schema = json::object{{"type", "integer"}}}},
              .responses = {{200, "Slept", json::object{{"type", "object"}}}}});
}

void add_debug_stream_route(Router& router) {
  router.add(Method::kGet, "/api/v1/debug/stream",
             [](const Request& request) {
               auto text = request.query_param("lines").value_or("");
               long lines = -1;
               auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), lines);
               if (ec != std::errc() || end != text.data() + text.size() || lines < 0 ||
                   lines > 10'000'000) {
                 return problem(400, "invalid_parameter",
                                "lines must be a whole number from 0 to 10000000.");
               }
               return Response::streamed(200, "text/plain; charset=utf-8", [lines](BodySink& sink) {
                 for (long i = 0; i < lines; ++i) {
                   if (!sink.write(fmt::format("line {} 数据多跑路\n", i))) break;
                 }
                 return Status{};
               });
             },
             {.access = Access::kPublic},
             {.summary = "Diagnostics: a streamed body of the given number of lines",
              .description = "Only present when the server runs with [debug] sleep_route = true.",
              .tag = "system",
              .params = {{.name = "lines",
                          .description = "0 to 10000000",
                          .required = true,
                          .schema = json::object{{"type", "integer"}}}},
              .responses = {{200, "The lines", json::object{{"type", "string"}}, "text/plain"}}});
}

void add_debug_upload_route(Router& router) {
  router.add(
      Method::kPost, "/api/v1/debug/upload",
      [](const Request& request) {
        std::optional<std::uint64_t> fail_after;
        if (auto text = request.query_param("fail_after")) {
          std::uint64_t n = 0;
          auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
          if (ec != std::errc() || end != text->data() + text->size()) {
            return problem(400, "invalid_parameter", "fail_after must be a whole number of bytes.");
          }
          fail_after = n;
        }
        BodyStream& body = *request.body_stream();
        std::uint64_t hash = 0xcbf29ce484222325;  // FNV-1a 64
        std::uint64_t pieces = 0;
        std::string piece;
        while (true) {
          if (fail_after && body.bytes_read() >= *fail_after) {
            return problem(400, "debug_failure",
                           fmt::format("Failed on purpose after {} bytes.", body.bytes_read()));
          }
          auto more = body.read(piece);
          if (!more.ok()) return problem(more.error());
          if (!*more) break;
          ++pieces;
          for (unsigned char c : piece) {
            hash ^= c;
            hash *= 0x100000001b3;
          }
        }
        return Response::json(200, json::object{{"bytes", body.bytes_read()},
                                                {"pieces", pieces},
                                                {"fnv1a64", fmt::format("{:016x}", hash)}});
      },
      {.access = Access::kPublic,
       .body_limit = 64 << 20,
       .accepts = {"application/octet-stream", "text/csv", "application/x-ndjson"},
       .stream_body = true},
      {.summary = "Diagnostics: read a streamed upload and describe it",
       .description = "Only present when the server runs with [debug] sleep_route = true. The body "
                      "is read as it arrives (stream_body), up to 64 MiB.",
       .tag = "system",
       .params = {{.name = "fail_after",
                   .description = "answer 400 debug_failure once this many bytes are read, "
                                  "leaving the rest unread",
                   .schema = json::object{{"type", "integer"}}}},
       .responses = {
           {200, "The body's size, the pieces it came in and its FNV-1a 64 hash",
            json::object{
                {"type", "object"},
                {"required", json::array{"bytes", "pieces", "fnv1a64"}},
                {"properties", json::object{{"bytes", json::object{{"type", "integer"}}},
                                            {"pieces", json::object{{"type", "integer"}}},
                                            {"fnv1a64", json::object{{"type", "string"}}}}}}}}});
}

}  // namespace zt::http
