#include "exchange/records/api.h"

#include "exchange/request_params.h"
#include "http/header_text.h"
#include "http/route_file.h"
#include "identity/api.h"

namespace zt::exchange {

ReadContext read_context(const http::Request& request) {
  ReadContext c;
  c.purpose = http::header_text(request, "X-Purpose");
  if (auto id = request.header("X-Case-Id")) c.case_id = std::string(*id);
  c.request = request.context();
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

// The read headers, the route's own parameters, then fields=.
std::vector<http::ParamDoc> record_params(std::vector<http::ParamDoc> own = {}) {
  auto params = read_headers();
  params.insert(params.end(), own.begin(), own.end());
  params.push_back({.name = "fields", .description = "Only these fields (comma-separated)."});
  return params;
}

const std::string kTag = "exchange";

// Who may read, said once for the three read routes.
constexpr std::string_view kReadRule =
    "Who: a department's staff or API client holding exchange.query (the export: "
    "exchange.export) — a roleless account or a client without permissions reads nothing. The "
    "providing department reads every field unmasked; other departments read unconditional "
    "resources whole and conditional ones with an active grant (its fields; personal fields "
    "masked unless the grant unmasks them). City-wide scope (supervisor, leader) opens no "
    "records; the data administrator reads through its department's grants. share_type none "
    "is 404 to others.";

// The query's filters: every parameter except fields, limit, cursor, format.
Result<QueryInput> query_input(const http::Request& request) {
  QueryInput in;
  // Names and values percent-decoded, as every other query parameter: `name=%E7%8E%8B%E4%BF%8A`
  // filters on 王俊.
  auto params = request.query_params();
  if (!params) return Error::invalid("invalid_query", "The query string is malformed.");
  for (auto& [key, value] : *params) {
    if (key == "fields" || key == "limit" || key == "cursor" || key == "format") continue;
    in.filters.emplace_back(std::move(key), std::move(value));
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

// GET /api/v1/resources/{code}/records/{key}
http::Response get_record(QueryService& query, const http::Request& request) {
  auto r = query.record(*request.principal(), request.param("code"), request.param("key"),
                        split_list(request.query_param("fields")), read_context(request));
  if (!r.ok()) return http::problem(r.error());
  return http::Response::text(200, std::move(*r), "application/json");
}

http::RouteDoc get_record_doc() {
  auto params = record_params();
  return {.summary = "One record by key (共享查询)",
          .description = fmt::format(
              "The record with this key, projected to the fields you may read (absent "
              "otherwise) and masked. Composite keys: values comma-separated in key order. "
              "Every read is audited with its purpose and case (exchange.record.read).\n\n{}\n\n"
              "Errors: 400 invalid_key, invalid_fields, purpose_required, invalid_purpose; 403 "
              "forbidden (no department), grant_required; 404 resource_not_found (also a "
              "draft), record_not_found.",
              kReadRule),
          .tag = kTag,
          .params = std::move(params),
          .responses = {{200, "The record", json::object{{"type", "object"}}}}};
}

// GET /api/v1/resources/{code}/records
http::Response query_records(QueryService& query, const http::Request& request) {
  auto in = query_input(request);
  if (!in.ok()) return http::problem(in.error());
  auto page = query.query(*request.principal(), request.param("code"), *in, read_context(request));
  if (!page.ok()) return http::problem(page.error());
  return http::raw_page_response(page->items, page->next_cursor);
}

http::RouteDoc query_records_doc() {
  auto params = record_params();
  params = http::with_paging(std::move(params), kMaxQueryPage, 100);
  return {
      .summary = "Records by filters on indexed fields",
      .description = fmt::format(
          "field=value, field__gt/__gte/__lt/__lte=value, field__prefix=text on the key or "
          "indexed fields, each value checked against the field's type — only on fields you read, "
          "and on a field masked for you only field=value (403 filter_not_allowed); fields=a,b; "
          "limit "
          "(1-1000, default 100) and cursor page in key order — with a range or prefix filter "
          "and no exact match, in that field's order, then key order (each page one walk of "
          "the field's index). Records are projected and masked "
          "as for one record; one audit record per request with the keys returned.\n\n{}\n\n"
          "Errors: 400 invalid_query, invalid_paging, invalid_cursor, invalid_filter, "
          "field_not_filterable, invalid_fields, purpose_required, invalid_purpose; 403 "
          "forbidden, grant_required, filter_not_allowed; 404 resource_not_found (also a "
          "draft).",
          kReadRule),
      .tag = kTag,
      .params = std::move(params),
      .responses = {{200, "A page of records", schema::page(json::object{{"type", "object"}})}}};
}

// GET /api/v1/resources/{code}/export
http::Response export_records(QueryService& query, const http::Request& request) {
  auto in = query_input(request);
  if (!in.ok()) return http::problem(in.error());
  const std::string format = request.query_param("format").value_or("csv");
  if (format != "csv" && format != "ndjson") {
    return http::problem(400, "invalid_format", "format is csv or ndjson.");
  }
  auto plan = query.export_records(*request.principal(), request.param("code"),
                                   format == "csv" ? ExportFormat::kCsv : ExportFormat::kNdjson,
                                   *in, read_context(request));
  if (!plan.ok()) return http::problem(plan.error());
  auto write = std::move(plan->write);
  return http::Response::streamed(
      200, plan->content_type, [write = std::move(write)](http::BodySink& sink) {
        return write([&sink](std::string_view piece) { return sink.write(piece); });
      });
}

http::RouteDoc export_records_doc() {
  auto params = record_params({{.name = "format", .description = "csv (default) or ndjson."}});
  return {.summary = "Export records as CSV or NDJSON (streamed)",
          .description = fmt::format(
              "Every record you may read (filters as for the records query), projected and "
              "masked, streamed in constant memory. One audit record per export, with its "
              "count.\n\n{}\n\n"
              "Errors (before the body starts): 400 invalid_format, invalid_query, "
              "invalid_filter, field_not_filterable, invalid_fields, purpose_required, "
              "invalid_purpose; 403 forbidden, grant_required, filter_not_allowed; 404 "
              "resource_not_found (also a draft).",
              kReadRule),
          .tag = kTag,
          .params = std::move(params),
          .responses = {{200, "The records", json::value(nullptr), "text/csv"}}};
}

}  // namespace

void add_records_routes(http::Router& router, QueryService& query) {
  const std::string read(identity::permission::kExchangeQuery);
  router.add(http::Method::kGet, "/api/v1/resources/{code}/records/{key}",
             http::handler_of(get_record, query), {.permission = read, .read_scope = true},
             get_record_doc());
  router.add(http::Method::kGet, "/api/v1/resources/{code}/records",
             http::handler_of(query_records, query), {.permission = read, .read_scope = true},
             query_records_doc());
  router.add(http::Method::kGet, "/api/v1/resources/{code}/export",
             http::handler_of(export_records, query),
             {.permission = std::string(identity::permission::kExchangeExport)},
             export_records_doc());
}

}  // namespace zt::exchange
