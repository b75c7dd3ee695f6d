#include "exchange/ingest/api.h"

#include "http/json_body.h"
#include "http/openapi.h"
#include "http/problem.h"
#include "identity/api.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <charconv>
#include <map>

namespace zt::exchange {

namespace json = boost::json;
namespace schema = http::schema;

namespace {

using identity::context_of;

constexpr int kMaxPage = 1000;
constexpr std::uint64_t kMaxUpload = std::uint64_t{64} << 30;  // 64 GiB

json::value int_or_null(std::optional<std::int64_t> n) {
  return n ? json::value(*n) : json::value(nullptr);
}

json::array rejections_json(const std::vector<Rejection>& list) {
  json::array out;
  for (const Rejection& r : list) {
    json::array errors;
    for (const FieldError& e : r.errors) {
      errors.push_back(json::object{{"field", e.field}, {"code", e.code}, {"detail", e.detail}});
    }
    out.push_back(json::object{{"line", r.line}, {"errors", std::move(errors)}});
  }
  return out;
}

json::object batch_json(const Batch& b) {
  json::object field_errors;
  for (const auto& [k, v] : b.field_errors)
    field_errors[k] = v;
  json::object o{{"batch_id", b.id},
                 {"resource", b.resource_code},
                 {"status", b.status},
                 {"mode", b.mode},
                 {"format", b.format},
                 {"charset", b.charset},
                 {"counts", json::object{{"rows", b.rows_read},
                                         {"inserted", b.inserted},
                                         {"updated", b.updated},
                                         {"unchanged", b.unchanged},
                                         {"deleted", b.deleted},
                                         {"rejected", b.rejected}}},
                 {"field_errors", std::move(field_errors)},
                 {"first_seq", int_or_null(b.first_seq)},
                 {"last_seq", int_or_null(b.last_seq)},
                 {"bytes", b.bytes},
                 {"idempotency_key",
                  b.idempotency_key ? json::value(*b.idempotency_key) : json::value(nullptr)},
                 {"submitted_by",
                  json::object{{"kind", b.actor_kind}, {"id", b.actor_id}, {"name", b.actor_name}}},
                 {"started_at", http::iso_time_or_null(b.started_at)},
                 {"finished_at", http::iso_time_or_null(b.finished_at)}};
  if (!b.error_code.empty()) {
    o["error"] = json::object{{"code", b.error_code}, {"detail", b.error_detail}};
  }
  return o;
}

json::object report_json(const IngestReport& r) {
  json::object o = batch_json(r.batch);
  o["rejections"] = rejections_json(r.rejections);
  o["rejections_truncated"] = r.batch.rejected > static_cast<std::int64_t>(r.rejections.size());
  o["replayed"] = r.replayed;
  return o;
}

json::object counts_schema() {
  return schema::object({{"rows", schema::integer()},
                         {"inserted", schema::integer()},
                         {"updated", schema::integer()},
                         {"unchanged", schema::integer()},
                         {"deleted", schema::integer()},
                         {"rejected", schema::integer()}});
}

json::object rejection_schema() {
  return schema::object(
      {{"line", schema::integer()},
       {"errors",
        schema::array_of(schema::object(
            {{"field", schema::str()}, {"code", schema::str()}, {"detail", schema::str()}}))}});
}

json::object batch_schema() {
  return schema::object(
      {{"batch_id", schema::integer()},
       {"resource", schema::str()},
       {"status",
        schema::enumeration({"running", "completed", "failed", "rejected", "interrupted"})},
       {"mode", schema::enumeration({"partial", "all_or_nothing"})},
       {"format", schema::enumeration({"ndjson", "csv"})},
       {"charset", schema::enumeration({"utf-8", "gbk"})},
       {"counts", counts_schema()},
       {"field_errors", json::object{{"type", "object"},
                                     {"description", "\"field:code\" → rejected rows"},
                                     {"additionalProperties", schema::integer()}}},
       {"first_seq", schema::ninteger()},
       {"last_seq", schema::ninteger()},
       {"bytes", schema::integer()},
       {"idempotency_key", schema::nstr()},
       {"submitted_by",
        schema::object(
            {{"kind", schema::str()}, {"id", schema::integer()}, {"name", schema::str()}})},
       {"started_at", schema::str()},
       {"finished_at", schema::nstr()},
       {"error", schema::object({{"code", schema::str()}, {"detail", schema::str()}})}});
}

json::object report_schema() {
  json::object s = batch_schema();
  auto& props = s["properties"].as_object();
  props["rejections"] = schema::array_of(rejection_schema());
  props["rejections_truncated"] = schema::boolean();
  props["replayed"] = schema::boolean();
  return s;
}

json::object quality_schema() {
  return schema::object(
      {{"resource", schema::str()},
       {"name", schema::str()},
       {"department_id", schema::integer()},
       {"department_name", schema::str()},
       {"record_count", schema::integer()},
       {"last_seq", schema::integer()},
       {"last_update_at", schema::nstr()},
       {"update_cycle", schema::str()},
       {"stale", schema::boolean()},
       {"rows_read_30d", schema::integer()},
       {"rejected_30d", schema::integer()},
       {"duplicate_keys_30d", schema::integer()},
       {"open_corrections", schema::integer()},
       {"fields", schema::array_of(schema::object({{"field", schema::str()},
                                                   {"completeness", schema::number()},
                                                   {"validity", schema::number()},
                                                   {"invalid", schema::integer()}}))},
       {"daily", schema::array_of(schema::object({{"day", schema::str()},
                                                  {"ingested", schema::integer()},
                                                  {"rejected", schema::integer()}}))}});
}

json::object quality_json(const QualityReport& q) {
  json::array fields, daily;
  for (const FieldQuality& f : q.fields) {
    fields.push_back(json::object{{"field", f.field},
                                  {"completeness", f.completeness},
                                  {"validity", f.validity},
                                  {"invalid", f.invalid}});
  }
  for (const DailyCount& d : q.daily) {
    daily.push_back(
        json::object{{"day", d.day}, {"ingested", d.ingested}, {"rejected", d.rejected}});
  }
  return json::object{{"resource", q.resource_code},
                      {"name", q.resource_name},
                      {"department_id", q.department_id},
                      {"department_name", q.department_name},
                      {"record_count", q.record_count},
                      {"last_seq", q.last_seq},
                      {"last_update_at", http::iso_time_or_null(q.last_update_at)},
                      {"update_cycle", q.update_cycle},
                      {"stale", q.stale},
                      {"rows_read_30d", q.rows_read_30d},
                      {"rejected_30d", q.rejected_30d},
                      {"duplicate_keys_30d", q.duplicate_keys_30d},
                      {"open_corrections", q.open_corrections},
                      {"fields", std::move(fields)},
                      {"daily", std::move(daily)}};
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The upload's format and charset from ?format= / ?charset= or the Content-Type.
Result<IngestOptions> options_of(const http::Request& request) {
  IngestOptions o;
  const std::string type = lower(request.header("Content-Type").value_or(""));
  if (auto f = request.query_param("format"); f && !f->empty()) {
    if (*f == "csv") {
      o.format = IngestFormat::kCsv;
    } else if (*f != "ndjson") {
      return Error::invalid("invalid_format", "format must be ndjson or csv.");
    }
  } else if (type.starts_with("text/csv")) {
    o.format = IngestFormat::kCsv;
  }
  std::string charset = "utf-8";
  if (auto p = type.find("charset="); p != std::string::npos) {
    charset = type.substr(p + 8);
    charset = charset.substr(0, charset.find(';'));
    while (!charset.empty() && (charset.back() == ' ' || charset.back() == '"'))
      charset.pop_back();
    while (!charset.empty() && (charset.front() == ' ' || charset.front() == '"'))
      charset.erase(0, 1);
  }
  if (auto c = request.query_param("charset"); c && !c->empty()) charset = lower(*c);
  if (charset == "gbk" || charset == "gb2312" || charset == "gb18030" || charset == "cp936") {
    o.charset = Charset::kGbk;
  } else if (charset != "utf-8" && charset != "utf8") {
    return Error::invalid("invalid_charset", "charset must be utf-8 or gbk.");
  }
  if (auto m = request.query_param("mode"); m && !m->empty()) {
    if (*m == "all_or_nothing") {
      o.all_or_nothing = true;
    } else if (*m != "partial") {
      return Error::invalid("invalid_mode", "mode must be partial or all_or_nothing.");
    }
  }
  if (auto key = request.header("Idempotency-Key")) o.idempotency_key = std::string(*key);
  return o;
}

std::optional<std::int64_t> non_negative(const std::optional<std::string>& text) {
  if (!text || text->empty()) return 0;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < 0) return std::nullopt;
  return v;
}

std::optional<int> limit_of(const http::Request& request, int fallback) {
  auto v = non_negative(request.query_param("limit"));
  if (!v) return std::nullopt;
  if (*v == 0) return fallback;
  if (*v > kMaxPage) return std::nullopt;
  return static_cast<int>(*v);
}

http::Response ingest(ExchangeService& service, const http::Request& request) {
  auto options = options_of(request);
  if (!options.ok()) return http::problem(options.error());
  http::BodyStream* stream = request.body_stream();
  PieceSource body = [stream](std::string& piece) -> Result<bool> {
    if (!stream) return false;
    return stream->read(piece);
  };
  auto report = service.ingest(*request.principal(), request.param("code"), *options, body,
                               context_of(request));
  if (!report.ok()) return http::problem(report.error());
  if (report->batch.status == "rejected") {
    http::Response r =
        http::problem(422, "batch_rejected",
                      fmt::format("The batch was not applied: {} of {} rows are not valid (mode "
                                  "all_or_nothing). See \"batch\" for the rejected rows.",
                                  report->batch.rejected, report->batch.rows_read));
    boost::system::error_code ec;
    json::value body_json = json::parse(r.body, ec);
    if (!ec && body_json.is_object()) {
      body_json.as_object()["batch"] = report_json(*report);
      r.body = json::serialize(body_json);
    }
    return r;
  }
  http::Response r = http::Response::json(200, report_json(*report));
  if (report->replayed) r.header("Idempotent-Replayed", "true");
  return r;
}

}  // namespace

void add_routes(http::Router& router, ExchangeService& service) {
  const std::string tag = "exchange";
  const http::ParamDoc key_header{
      .name = "Idempotency-Key",
      .in = "header",
      .description =
          "Makes a retried upload apply once: the same key (per resource and caller) "
          "answers the first upload's report again (header Idempotent-Replayed)."};
  router.add(
      http::Method::kPost, "/api/v1/resources/{code}/records",
      [&service](const http::Request& request) { return ingest(service, request); },
      {.permission = std::string(permission::kIngest),
       .body_limit = kMaxUpload,
       .accepts = {"application/x-ndjson", "application/ndjson", "application/jsonl", "text/csv"},
       .stream_body = true},
      {.summary = "Ingest records (数据归集)",
       .description =
           "Streams NDJSON (one JSON object per line) or CSV (a header row of field names) into "
           "a published resource; rows are parsed and validated as they arrive. Each valid row "
           "is upserted by key (inserted, updated, or unchanged when identical); "
           "{\"_op\":\"delete\", <key fields>} deletes. Invalid rows are rejected with their "
           "line and a reason per field, never stopping the good rows; with "
           "mode=all_or_nothing a batch with any invalid row is not applied (422 "
           "batch_rejected). GBK input: charset=gbk (query or Content-Type). Only the providing "
           "department may ingest.",
       .tag = tag,
       .params = {{.name = "format", .description = "ndjson or csv (default: from Content-Type)"},
                  {.name = "charset", .description = "utf-8 (default) or gbk"},
                  {.name = "mode", .description = "partial (default) or all_or_nothing"},
                  key_header},
       .responses = {{200, "The batch report", report_schema()}}});

  router.add(http::Method::kGet, "/api/v1/resources/{code}/batches",
             [&service](const http::Request& request) {
               auto page = http::page_of(request, kMaxPage);
               if (!page) return http::bad_page(kMaxPage);
               auto list = service.batches(*request.principal(), request.param("code"), page->after,
                                           page->limit);
               if (!list.ok()) return http::problem(list.error());
               json::array items;
               for (const Batch& b : *list)
                 items.push_back(batch_json(b));
               json::value next = nullptr;
               if (static_cast<int>(list->size()) == page->limit) {
                 next = std::to_string(list->back().id);
               }
               return http::Response::json(
                   200, json::object{{"items", std::move(items)}, {"next_cursor", next}});
             },
             {},
             {.summary = "Ingest batches of a resource",
              .tag = tag,
              .params = {{.name = "limit", .description = "Page size, 1 to 1000 (default 50)."},
                         {.name = "cursor", .description = "next_cursor of the previous page."}},
              .responses = {{200, "Batches, newest first", schema::page(batch_schema())}}});

  router.add(http::Method::kGet, "/api/v1/resources/{code}/batches/{id}",
             [&service](const http::Request& request) {
               auto id = http::parse_id(request.param("id"));
               if (!id) return http::problem(404, "batch_not_found", "No such batch.");
               auto report = service.batch(*request.principal(), request.param("code"), *id);
               if (!report.ok()) return http::problem(report.error());
               return http::Response::json(200, report_json(*report));
             },
             {},
             {.summary = "One batch report",
              .tag = tag,
              .responses = {{200, "The report with the first rejected rows", report_schema()}}});

  router.add(http::Method::kGet, "/api/v1/resources/{code}/batches/{id}/rejections",
             [&service](const http::Request& request) {
               auto id = http::parse_id(request.param("id"));
               if (!id) return http::problem(404, "batch_not_found", "No such batch.");
               auto after = non_negative(request.query_param("after"));
               auto limit = limit_of(request, 100);
               if (!after || !limit) {
                 return http::problem(400, "invalid_paging",
                                      "after must be a line number; limit 1 to 1000.");
               }
               auto list = service.rejections(*request.principal(), request.param("code"), *id,
                                              static_cast<std::uint64_t>(*after), *limit);
               if (!list.ok()) return http::problem(list.error());
               json::value next = nullptr;
               if (static_cast<int>(list->size()) == *limit) next = list->back().line;
               return http::Response::json(
                   200, json::object{{"items", rejections_json(*list)}, {"next_after", next}});
             },
             {},
             {.summary = "Rejected rows of a batch",
              .tag = tag,
              .params = {{.name = "after", .description = "Only lines after this one."},
                         {.name = "limit", .description = "1 to 1000 (default 100)."}},
              .responses = {{200, "Rejected rows in line order",
                             schema::object({{"items", schema::array_of(rejection_schema())},
                                             {"next_after", schema::ninteger()}})}}});

  router.add(
      http::Method::kGet, "/api/v1/resources/{code}/changes",
      [&service](const http::Request& request) {
        auto after = non_negative(request.query_param("after"));
        auto limit = limit_of(request, 100);
        if (!after || !limit) {
          return http::problem(400, "invalid_paging",
                               "after must be a sequence number (0 for the start); limit 1 to "
                               "1000.");
        }
        std::optional<std::string> purpose;
        if (auto p = request.header("X-Purpose")) purpose = std::string(*p);
        auto page = service.changes(*request.principal(), request.param("code"), *after, *limit,
                                    std::move(purpose), context_of(request));
        if (!page.ok()) return http::problem(page.error());
        json::array items;
        for (const Change& c : page->items) {
          boost::system::error_code ec;
          json::value data = json::parse(c.data, ec);
          items.push_back(json::object{{"seq", c.seq},
                                       {"op", c.op},
                                       {"data", ec ? json::value(nullptr) : std::move(data)},
                                       {"batch_id", c.batch_id},
                                       {"changed_at", http::iso_time_or_null(c.changed_at)}});
        }
        return http::Response::json(200, json::object{{"items", std::move(items)},
                                                      {"next_cursor", page->next_cursor},
                                                      {"last_seq", page->last_seq}});
      },
      {},
      {.summary = "The change feed of a resource (数据交换)",
       .description =
           "Every applied change in sequence order. Store next_cursor and pass it as after= "
           "next time: no change is missed or repeated. data is the record after the change "
           "(for a delete: its key fields). Other departments read it under their access "
           "(unconditional resources, or a grant): fields outside it absent, personal fields "
           "masked; each page read is audited (X-Purpose, else the grant's purpose).",
       .tag = tag,
       .params = {{.name = "after", .description = "Sequence number already applied (0: start)."},
                  {.name = "limit", .description = "1 to 1000 (default 100)."}},
       .responses = {
           {200, "Changes after the cursor",
            schema::object(
                {{"items", schema::array_of(schema::object(
                               {{"seq", schema::integer()},
                                {"op", schema::enumeration({"insert", "update", "delete"})},
                                {"data", json::object{{"type", "object"}}},
                                {"batch_id", schema::integer()},
                                {"changed_at", schema::str()}}))},
                 {"next_cursor", schema::integer()},
                 {"last_seq", schema::integer()}})}}});

  router.add(
      http::Method::kGet, "/api/v1/resources/{code}/quality",
      [&service](const http::Request& request) {
        auto q = service.quality(*request.principal(), request.param("code"));
        if (!q.ok()) return http::problem(q.error());
        return http::Response::json(200, quality_json(*q));
      },
      {},
      {.summary = "Data-quality report of a resource",
       .description = "Record count, freshness against the update cycle (stale), completeness "
                      "and validity per field, duplicate keys rejected and rows per day over "
                      "the last 30 days, and open 纠错 reports (open_corrections).",
       .tag = tag,
       .responses = {{200, "The report", quality_schema()}}});

  router.add(
      http::Method::kGet, "/api/v1/exchange/quality",
      [&service](const http::Request& request) {
        auto list = service.quality_overview(*request.principal());
        if (!list.ok()) return http::problem(list.error());
        json::array resources;
        struct Totals {
          std::string name;
          std::int64_t resources = 0, records = 0, stale = 0, read = 0, rejected = 0;
        };
        std::map<std::int64_t, Totals> departments;
        for (const QualityReport& q : *list) {
          json::object o = quality_json(q);
          o.erase("fields");
          resources.push_back(std::move(o));
          Totals& t = departments[q.department_id];
          t.name = q.department_name;
          ++t.resources;
          t.records += q.record_count;
          t.stale += q.stale ? 1 : 0;
          t.read += q.rows_read_30d;
          t.rejected += q.rejected_30d;
        }
        json::array depts;
        for (const auto& [id, t] : departments) {
          depts.push_back(json::object{{"department_id", id},
                                       {"department_name", t.name},
                                       {"resources", t.resources},
                                       {"records", t.records},
                                       {"stale_resources", t.stale},
                                       {"rows_read_30d", t.read},
                                       {"rejected_30d", t.rejected}});
        }
        return http::Response::json(200, json::object{{"resources", std::move(resources)},
                                                      {"departments", std::move(depts)}});
      },
      {},
      {.summary = "Data-quality figures per resource and department",
       .description = "Published resources of the caller's department (all with city scope).",
       .tag = tag,
       .responses = {
           {200, "Figures",
            schema::object({{"resources", schema::array_of(quality_schema())},
                            {"departments", schema::array_of(schema::object(
                                                {{"department_id", schema::integer()},
                                                 {"department_name", schema::str()},
                                                 {"resources", schema::integer()},
                                                 {"records", schema::integer()},
                                                 {"stale_resources", schema::integer()},
                                                 {"rows_read_30d", schema::integer()},
                                                 {"rejected_30d", schema::integer()}}))}})}}});
}

}  // namespace zt::exchange
