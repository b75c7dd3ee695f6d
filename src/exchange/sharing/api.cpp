#include "exchange/sharing/api.h"

#include "audit/model.h"
#include "http/json_body.h"
#include "http/openapi.h"
#include "http/percent.h"
#include "http/problem.h"
#include "identity/api.h"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>

namespace zt::exchange {

namespace json = boost::json;
namespace schema = http::schema;

ReadContext read_context(const http::Request& request) {
  ReadContext c;
  if (auto p = request.header("X-Purpose")) c.purpose = std::string(*p);
  if (auto id = request.header("X-Case-Id")) c.case_id = std::string(*id);
  c.request = identity::context_of(request);
  return c;
}

std::vector<http::ParamDoc> read_headers() {
  return {{.name = "X-Purpose",
           .in = "header",
           .description = "The purpose of the read (用途); defaults to the grant's purpose."},
          {.name = "X-Case-Id",
           .in = "header",
           .description = "The case (办件编号) the read serves; kept in the audit record."}};
}

namespace {

using identity::context_of;

constexpr int kMaxPage = 200;

json::object to_json(const SharingRequest& r) {
  return json::object{{"id", r.id},
                      {"resource", r.resource_code},
                      {"resource_name", r.resource_name},
                      {"consumer_department_id", r.consumer_department_id},
                      {"provider_department_id", r.provider_department_id},
                      {"purpose", r.purpose},
                      {"legal_basis", r.legal_basis},
                      {"fields", http::string_array(r.fields)},
                      {"duration_days", r.duration_days},
                      {"status", r.status},
                      {"requested_by", r.requested_by_name},
                      {"requested_at", http::iso_time_or_null(r.requested_at)},
                      {"decided_by", r.decided_by_name},
                      {"decided_at", http::iso_time_or_null(r.decided_at)},
                      {"decision_reason", r.decision_reason},
                      {"grant_id", r.grant_id ? json::value(*r.grant_id) : json::value(nullptr)}};
}

json::object to_json(const Grant& g, std::int64_t now) {
  return json::object{{"id", g.id},
                      {"request_id", g.request_id},
                      {"resource", g.resource_code},
                      {"consumer_department_id", g.consumer_department_id},
                      {"provider_department_id", g.provider_department_id},
                      {"fields", http::string_array(g.fields)},
                      {"unmasked", http::string_array(g.unmasked)},
                      {"purpose", g.purpose},
                      {"status", g.status(now)},
                      {"starts_at", http::iso_time_or_null(g.starts_at)},
                      {"expires_at", http::iso_time_or_null(g.expires_at)},
                      {"revoked_at", http::iso_time_or_null(g.revoked_at)},
                      {"revoke_reason", g.revoke_reason}};
}

std::int64_t now_ms() {
  return core::to_millis(std::chrono::system_clock::now());
}

json::object request_schema() {
  return schema::object(
      {{"id", schema::integer()},
       {"resource", schema::str()},
       {"resource_name", schema::str()},
       {"consumer_department_id", schema::integer()},
       {"provider_department_id", schema::integer()},
       {"purpose", schema::str()},
       {"legal_basis", schema::str()},
       {"fields", schema::strings()},
       {"duration_days", schema::integer()},
       {"status", schema::enumeration({"pending", "approved", "rejected", "withdrawn"})},
       {"requested_by", schema::str()},
       {"requested_at", schema::str()},
       {"decided_by", schema::str()},
       {"decided_at", schema::nstr()},
       {"decision_reason", schema::str()},
       {"grant_id", schema::ninteger()}});
}

json::object grant_schema() {
  return schema::object({{"id", schema::integer()},
                         {"request_id", schema::integer()},
                         {"resource", schema::str()},
                         {"consumer_department_id", schema::integer()},
                         {"provider_department_id", schema::integer()},
                         {"fields", schema::strings()},
                         {"unmasked", schema::strings()},
                         {"purpose", schema::str()},
                         {"status", schema::enumeration({"active", "expired", "revoked"})},
                         {"starts_at", schema::str()},
                         {"expires_at", schema::str()},
                         {"revoked_at", schema::nstr()},
                         {"revoke_reason", schema::str()}});
}

// Splits "a,b,c" (empty: none).
std::vector<std::string> split_list(const std::optional<std::string>& text) {
  std::vector<std::string> out;
  if (!text) return out;
  std::size_t start = 0;
  while (start <= text->size()) {
    std::size_t end = text->find(',', start);
    if (end == std::string::npos) end = text->size();
    if (end > start) out.push_back(text->substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The query's filters: every parameter except fields, limit, cursor, format.
Result<QueryInput> query_input(const http::Request& request) {
  QueryInput in;
  const std::string query(request.query());  // parse_query needs a NUL-terminated string
  auto params = boost::urls::parse_query(query);
  if (!params) return Error::invalid("invalid_query", "The query string is malformed.");
  for (const auto& p : *params) {
    const std::string key(p.key);
    if (key == "fields" || key == "limit" || key == "cursor" || key == "format") continue;
    in.filters.emplace_back(key, std::string(p.value));
  }
  in.fields = split_list(request.query_param("fields"));
  if (auto limit = request.query_param("limit"); limit && !limit->empty()) {
    auto n = http::parse_id(*limit);
    if (!n || *n > kMaxQueryPage) {
      return Error::invalid("invalid_paging", fmt::format("limit is 1 to {}.", kMaxQueryPage));
    }
    in.limit = static_cast<int>(*n);
  }
  in.cursor = request.query_param("cursor").value_or("");
  return in;
}

http::Response list_response(json::array items, std::optional<std::int64_t> next) {
  return http::Response::json(
      200, json::object{
               {"items", std::move(items)},
               {"next_cursor", next ? json::value(std::to_string(*next)) : json::value(nullptr)}});
}

}  // namespace

void add_sharing_routes(http::Router& router, SharingService& sharing, QueryService& query) {
  const std::string tag = "sharing";
  const std::vector<http::ParamDoc> box_params = {
      {.name = "box", .description = "inbox (to your department as provider) or outbox."},
      {.name = "status", .description = "pending, approved, rejected or withdrawn."},
      {.name = "limit", .description = "1 to 200 (default 50)."},
      {.name = "cursor", .description = "next_cursor of the previous page."}};

  router.add(
      http::Method::kPost, "/api/v1/sharing/requests",
      [&sharing](const http::Request& request) {
        http::JsonBody body(request);
        RequestInput in;
        in.resource_code = body.string("resource", true).value_or("");
        in.purpose = body.string("purpose", true).value_or("");
        in.legal_basis = body.string("legal_basis", true).value_or("");
        in.fields = body.strings("fields").value_or(std::vector<std::string>{});
        in.duration_days = body.integer("duration_days").value_or(365);
        if (!body.ok()) return body.problem();
        auto r = sharing.file_request(*request.principal(), std::move(in), context_of(request));
        if (!r.ok()) return http::problem(r.error());
        return http::Response::json(201, to_json(*r));
      },
      {.body_limit = 64 * 1024, .accepts = {"application/json"}},
      {.summary = "File a sharing request (共享申请)",
       .description = "For a conditional resource of another department: purpose, legal basis, "
                      "the fields needed (default: all) and a duration in days (default 365).",
       .tag = tag,
       .request_schema = schema::object({{"resource", schema::str()},
                                         {"purpose", schema::str()},
                                         {"legal_basis", schema::str()},
                                         {"fields", schema::strings()},
                                         {"duration_days", schema::integer()}},
                                        {"resource", "purpose", "legal_basis"}),
       .responses = {{201, "The pending request", request_schema()}}});

  router.add(http::Method::kGet, "/api/v1/sharing/requests",
             [&sharing](const http::Request& request) {
               auto page = http::page_of(request, kMaxPage);
               if (!page) return http::bad_page(kMaxPage);
               const bool inbox = request.query_param("box").value_or("outbox") == "inbox";
               std::optional<std::string> status = request.query_param("status");
               if (status && status->empty()) status.reset();
               auto list = sharing.requests(*request.principal(), inbox, std::move(status),
                                            page->after, page->limit);
               if (!list.ok()) return http::problem(list.error());
               json::array items;
               for (const auto& r : *list)
                 items.push_back(to_json(r));
               std::optional<std::int64_t> next;
               if (static_cast<int>(list->size()) == page->limit) next = list->back().id;
               return list_response(std::move(items), next);
             },
             {},
             {.summary = "Sharing requests of your department",
              .tag = tag,
              .params = box_params,
              .responses = {{200, "Requests, newest first", schema::page(request_schema())}}});

  router.add(http::Method::kGet, "/api/v1/sharing/requests/{id}",
             [&sharing](const http::Request& request) {
               auto id = http::parse_id(request.param("id"));
               if (!id) return http::problem(404, "request_not_found", "No such request.");
               auto r = sharing.get_request(*request.principal(), *id);
               if (!r.ok()) return http::problem(r.error());
               return http::Response::json(200, to_json(*r));
             },
             {},
             {.summary = "One sharing request",
              .tag = tag,
              .responses = {{200, "The request", request_schema()}}});

  router.add(
      http::Method::kPost, "/api/v1/sharing/requests/{id}/approve",
      [&sharing](const http::Request& request) {
        auto id = http::parse_id(request.param("id"));
        if (!id) return http::problem(404, "request_not_found", "No such request.");
        Decision d;
        if (request.json()) {
          http::JsonBody body(request);
          d.fields = body.strings("fields").value_or(std::vector<std::string>{});
          d.unmasked = body.strings("unmasked").value_or(std::vector<std::string>{});
          d.duration_days = body.integer("duration_days");
          if (auto until = body.string("expires_at")) {
            auto parsed = audit::parse_time(*until);
            if (!parsed.ok()) {
              return http::problem(400, "invalid_body",
                                   "\"expires_at\" must be an ISO 8601 time with an offset.");
            }
            d.expires_at = core::to_millis(*parsed);
          }
          if (!body.ok()) return body.problem();
        }
        auto r = sharing.approve(*request.principal(), *id, std::move(d), context_of(request));
        if (!r.ok()) return http::problem(r.error());
        return http::Response::json(200, to_json(*r));
      },
      {.body_limit = 64 * 1024, .accepts = {"application/json"}},
      {.summary = "Approve a sharing request (grant)",
       .description = "By the providing department's administrator. May grant fewer fields than "
                      "asked, unmask some personal fields, and shorten the duration.",
       .tag = tag,
       .request_schema = schema::object({{"fields", schema::strings()},
                                         {"unmasked", schema::strings()},
                                         {"duration_days", schema::integer()},
                                         {"expires_at", schema::str()}}),
       .responses = {{200, "The request, approved, with its grant_id", request_schema()}}});

  for (const char* action : {"reject", "withdraw"}) {
    const bool rejecting = std::string_view(action) == "reject";
    router.add(http::Method::kPost, std::string("/api/v1/sharing/requests/{id}/") + action,
               [&sharing, rejecting](const http::Request& request) {
                 auto id = http::parse_id(request.param("id"));
                 if (!id) return http::problem(404, "request_not_found", "No such request.");
                 Result<SharingRequest> r = Error::internal("internal_error", "");
                 if (rejecting) {
                   http::JsonBody body(request);
                   auto reason = body.string("reason", true);
                   if (!body.ok()) return body.problem();
                   r = sharing.reject(*request.principal(), *id, *reason, context_of(request));
                 } else {
                   r = sharing.withdraw(*request.principal(), *id, context_of(request));
                 }
                 if (!r.ok()) return http::problem(r.error());
                 return http::Response::json(200, to_json(*r));
               },
               rejecting
                   ? http::RouteOptions{.body_limit = 16 * 1024, .accepts = {"application/json"}}
                   : http::RouteOptions{},
               {.summary = rejecting ? "Reject a sharing request with a reason"
                                     : "Withdraw your pending sharing request",
                .tag = tag,
                .request_schema =
                    rejecting ? json::value(schema::object({{"reason", schema::str()}}, {"reason"}))
                              : json::value(nullptr),
                .responses = {{200, "The request", request_schema()}}});
  }

  router.add(http::Method::kGet, "/api/v1/sharing/grants",
             [&sharing](const http::Request& request) {
               auto page = http::page_of(request, kMaxPage);
               if (!page) return http::bad_page(kMaxPage);
               const bool inbox = request.query_param("box").value_or("outbox") == "inbox";
               auto list = sharing.grants(*request.principal(), inbox, page->after, page->limit);
               if (!list.ok()) return http::problem(list.error());
               json::array items;
               const std::int64_t now = now_ms();
               for (const auto& g : *list)
                 items.push_back(to_json(g, now));
               std::optional<std::int64_t> next;
               if (static_cast<int>(list->size()) == page->limit) next = list->back().id;
               return list_response(std::move(items), next);
             },
             {},
             {.summary = "Grants your department gave (inbox) or holds (outbox)",
              .tag = tag,
              .params = {{.name = "box", .description = "inbox (given) or outbox (held)."},
                         {.name = "limit", .description = "1 to 200 (default 50)."},
                         {.name = "cursor", .description = "next_cursor of the previous page."}},
              .responses = {{200, "Grants, newest first", schema::page(grant_schema())}}});

  router.add(
      http::Method::kGet, "/api/v1/sharing/grants/{id}",
      [&sharing](const http::Request& request) {
        auto id = http::parse_id(request.param("id"));
        if (!id) return http::problem(404, "grant_not_found", "No such grant.");
        auto g = sharing.get_grant(*request.principal(), *id);
        if (!g.ok()) return http::problem(g.error());
        return http::Response::json(200, to_json(*g, now_ms()));
      },
      {}, {.summary = "One grant", .tag = tag, .responses = {{200, "The grant", grant_schema()}}});

  router.add(
      http::Method::kPost, "/api/v1/sharing/grants/{id}/revoke",
      [&sharing](const http::Request& request) {
        auto id = http::parse_id(request.param("id"));
        if (!id) return http::problem(404, "grant_not_found", "No such grant.");
        http::JsonBody body(request);
        auto reason = body.string("reason", true);
        if (!body.ok()) return body.problem();
        auto g = sharing.revoke(*request.principal(), *id, *reason, context_of(request));
        if (!g.ok()) return http::problem(g.error());
        return http::Response::json(200, to_json(*g, now_ms()));
      },
      {.body_limit = 16 * 1024, .accepts = {"application/json"}},
      {.summary = "Revoke a grant now",
       .description = "Takes effect at once on every server (cached access decisions are checked "
                      "against the grant version).",
       .tag = tag,
       .request_schema = schema::object({{"reason", schema::str()}}, {"reason"}),
       .responses = {{200, "The revoked grant", grant_schema()}}});

  router.add(
      http::Method::kGet, "/api/v1/resources/{code}/records/{key}",
      [&query](const http::Request& request) {
        auto r = query.record(*request.principal(), request.param("code"), request.param("key"),
                              split_list(request.query_param("fields")), read_context(request));
        if (!r.ok()) return http::problem(r.error());
        http::Response response = http::Response::text(200, std::move(*r), "application/json");
        return response;
      },
      {.read_scope = true},
      {.summary = "One record by key (共享查询)",
       .description = "Fields outside your access are absent; personal fields are masked unless "
                      "your grant unmasks them. Composite keys: values comma-separated in key "
                      "order. Every read is audited with its purpose and case.",
       .tag = "exchange",
       .params =
           [&] {
             auto p = read_headers();
             p.push_back({.name = "fields", .description = "Only these fields (comma-separated)."});
             return p;
           }(),
       .responses = {{200, "The record", json::object{{"type", "object"}}}}});

  router.add(
      http::Method::kGet, "/api/v1/resources/{code}/records",
      [&query](const http::Request& request) {
        auto in = query_input(request);
        if (!in.ok()) return http::problem(in.error());
        auto page =
            query.query(*request.principal(), request.param("code"), *in, read_context(request));
        if (!page.ok()) return http::problem(page.error());
        std::string body = "{\"items\":[";
        for (std::size_t i = 0; i < page->items.size(); ++i) {
          if (i) body += ',';
          body += page->items[i];
        }
        body += "],\"next_cursor\":";
        body += page->next_cursor ? json::serialize(json::value(*page->next_cursor)) : "null";
        body += '}';
        return http::Response::text(200, std::move(body), "application/json");
      },
      {.read_scope = true},
      {.summary = "Records by filters on indexed fields",
       .description = "field=value, field__gt/__gte/__lt/__lte=value, field__prefix=text on the "
                      "key or indexed fields (others: 400 field_not_filterable); fields=a,b; "
                      "limit (1-1000, default 100) and cursor page in key order.",
       .tag = "exchange",
       .params =
           [&] {
             auto p = read_headers();
             p.push_back({.name = "fields", .description = "Only these fields (comma-separated)."});
             p.push_back({.name = "limit", .description = "1 to 1000 (default 100)."});
             p.push_back({.name = "cursor", .description = "next_cursor of the previous page."});
             return p;
           }(),
       .responses = {{200, "A page of records",
                      schema::object({{"items", schema::array_of(json::object{{"type", "object"}})},
                                      {"next_cursor", schema::nstr()}})}}});

  router.add(
      http::Method::kGet, "/api/v1/resources/{code}/export",
      [&query](const http::Request& request) {
        auto in = query_input(request);
        if (!in.ok()) return http::problem(in.error());
        const std::string format = request.query_param("format").value_or("csv");
        if (format != "csv" && format != "ndjson") {
          return http::problem(400, "invalid_format", "format is csv or ndjson.");
        }
        auto plan =
            query.export_records(*request.principal(), request.param("code"),
                                 format == "csv" ? ExportFormat::kCsv : ExportFormat::kNdjson, *in,
                                 read_context(request));
        if (!plan.ok()) return http::problem(plan.error());
        auto write = std::move(plan->write);
        return http::Response::streamed(
            200, plan->content_type, [write = std::move(write)](http::BodySink& sink) {
              return write([&sink](std::string_view piece) { return sink.write(piece); });
            });
      },
      {},
      {.summary = "Export records as CSV or NDJSON (streamed)",
       .description = "Every record you may read (filters as for the records query), projected "
                      "and masked, streamed in constant memory. One audit record per export.",
       .tag = "exchange",
       .params =
           [&] {
             auto p = read_headers();
             p.push_back({.name = "format", .description = "csv (default) or ndjson."});
             p.push_back({.name = "fields", .description = "Only these fields (comma-separated)."});
             return p;
           }(),
       .responses = {{200, "The records", json::value(nullptr), "text/csv"}}});
}

}  // namespace zt::exchange
