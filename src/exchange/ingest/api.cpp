#include "exchange/ingest/api.h"

#include "exchange/request_params.h"
#include "http/route_file.h"
#include "identity/api.h"

#include <array>
#include <string_view>

namespace zt::exchange {

namespace {

const std::string kTag = "exchange";
constexpr http::NotFound kBatchNotFound{"batch_not_found", "No such batch."};
constexpr int kMaxPage = 1000;
constexpr std::uint64_t kMaxUpload = std::uint64_t{64} << 30;  // 64 GiB

constexpr std::array<std::string_view, 5> kBatchStatuses{"running", "completed", "failed",
                                                         "rejected", "interrupted"};
constexpr std::array<std::string_view, 2> kModes{"partial", "all_or_nothing"};
constexpr std::array<std::string_view, 2> kFormats{"ndjson", "csv"};
constexpr std::array<std::string_view, 2> kCharsets{"utf-8", "gbk"};

constexpr auto kFieldErrorShape = shape::of<FieldError>(shape::str("field", &FieldError::field),
                                                        shape::str("code", &FieldError::code),
                                                        shape::str("detail", &FieldError::detail));

constexpr auto kRejectionShape =
    shape::of<Rejection>(shape::integer("line", &Rejection::line),
                         shape::array_of("errors", &Rejection::errors, kFieldErrorShape));

// A batch's counts and its submitter are objects of their own in the answer.
constexpr auto kCountsShape = shape::of<Batch>(
    shape::integer("rows", &Batch::rows_read), shape::integer("inserted", &Batch::inserted),
    shape::integer("updated", &Batch::updated), shape::integer("unchanged", &Batch::unchanged),
    shape::integer("deleted", &Batch::deleted), shape::integer("rejected", &Batch::rejected));

constexpr auto kSubmitterShape =
    shape::of<Batch>(shape::str("kind", &Batch::actor_kind), shape::integer("id", &Batch::actor_id),
                     shape::str("name", &Batch::actor_name));

json::value field_errors_json(const Batch& b) {
  json::object field_errors;
  for (const auto& [k, v] : b.field_errors)
    field_errors[k] = v;
  return field_errors;
}

json::object field_errors_schema() {
  return json::object{{"type", "object"},
                      {"description", "\"field:code\" → rejected rows"},
                      {"additionalProperties", schema::integer()}};
}

constexpr auto kWhole = [](const Batch& b) -> const Batch& { return b; };

// Every member but "error", which only a failed batch has (batch_json adds it).
constexpr auto kBatchShape = shape::of<Batch>(
    shape::integer("batch_id", &Batch::id), shape::str("resource", &Batch::resource_code),
    shape::one_of("status", &Batch::status, kBatchStatuses),
    shape::one_of("mode", &Batch::mode, kModes), shape::one_of("format", &Batch::format, kFormats),
    shape::one_of("charset", &Batch::charset, kCharsets),
    shape::object("counts", kWhole, kCountsShape),
    shape::raw("field_errors", field_errors_json, field_errors_schema),
    shape::ninteger("first_seq", &Batch::first_seq), shape::ninteger("last_seq", &Batch::last_seq),
    shape::integer("bytes", &Batch::bytes), shape::nstr("idempotency_key", &Batch::idempotency_key),
    shape::object("submitted_by", kWhole, kSubmitterShape),
    shape::time("started_at", &Batch::started_at),
    shape::ntime("finished_at", &Batch::finished_at));

json::array rejections_json(const std::vector<Rejection>& list) {
  json::array out;
  out.reserve(list.size());
  for (const Rejection& r : list)
    out.push_back(kRejectionShape.encode(r));
  return out;
}

json::object batch_json(const Batch& b) {
  json::object o = kBatchShape.encode(b);
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

json::object rejection_schema() {
  return kRejectionShape.schema();
}

json::object batch_schema() {
  json::object s = kBatchShape.schema();
  s["properties"].as_object()["error"] =
      schema::object({{"code", schema::str()}, {"detail", schema::str()}}, {"code", "detail"});
  return s;
}

json::object report_schema() {
  json::object s = batch_schema();
  auto& props = s["properties"].as_object();
  props["rejections"] = schema::array_of(rejection_schema());
  props["rejections_truncated"] = schema::boolean();
  props["replayed"] = schema::boolean();
  auto& required = s["required"].as_array();
  for (std::string_view name : {"rejections", "rejections_truncated", "replayed"})
    required.emplace_back(name);
  return s;
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

// POST /api/v1/resources/{code}/records
http::Response ingest_records(IngestService& service, const http::Request& request) {
  auto options = options_of(request);
  if (!options.ok()) return http::problem(options.error());
  http::BodyStream* stream = request.body_stream();
  PieceSource body = [stream](std::string& piece) -> Result<bool> {
    if (!stream) return false;
    return stream->read(piece);
  };
  auto report = service.ingest(*request.principal(), request.param("code"), *options, body,
                               request.context());
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

http::RouteDoc ingest_records_doc() {
  return {
      .summary = "Ingest records (数据归集)",
      .description =
          "Streams NDJSON (one JSON object per line) or CSV (a header row of field names) into "
          "a published resource; rows are parsed and validated as they arrive and applied in "
          "chunks, each committed with its rejected rows. Each valid row is upserted by key "
          "(inserted, updated, or unchanged when identical); {\"_op\":\"delete\", <key "
          "fields>} deletes. Invalid rows are rejected with their line and a reason per field, "
          "never stopping the good rows; with mode=all_or_nothing a batch with any invalid row "
          "is not applied (422 batch_rejected, the report under \"batch\"). GBK input: "
          "charset=gbk (query or Content-Type). An Idempotency-Key makes a retried upload apply "
          "once: the same key with the same bytes answers the first report again "
          "(Idempotent-Replayed: true); with other bytes it is 422 idempotency_key_reused. A "
          "batch whose server stopped mid-upload (status interrupted: its node restarted, or "
          "no chunk for two minutes) is run again under the same batch id by the retry; the "
          "rows the interrupted run stored are then counted unchanged, not duplicate_key.\n\n"
          "Who: a principal with exchange.ingest of the providing department (its staff or API "
          "client).\n\n"
          "Errors: 400 invalid_format, invalid_charset, invalid_mode, invalid_idempotency_key and "
          "the reader's fatal codes (unknown_field, csv_header_missing, …); 403 forbidden; 404 "
          "resource_not_found; 409 resource_not_published, resource_retired, "
          "idempotency_key_in_use, too_many_attempts; 413 body_too_large, batch_too_large; 415 "
          "unsupported_media_type; 422 batch_rejected, idempotency_key_reused; 503 "
          "too_many_uploads, client_gone.",
      .tag = kTag,
      .params = {{.name = "format", .description = "ndjson or csv (default: from Content-Type)"},
                 {.name = "charset", .description = "utf-8 (default) or gbk"},
                 {.name = "mode", .description = "partial (default) or all_or_nothing"},
                 {.name = "Idempotency-Key",
                  .in = "header",
                  .description =
                      "Makes a retried upload apply once: the same key (per resource and caller) "
                      "answers the first upload's report again (header Idempotent-Replayed)."}},
      .responses = {{200, "The batch report", report_schema()}}};
}

// GET /api/v1/resources/{code}/batches
http::Response list_batches(IngestService& service, const http::Request& request) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  auto list =
      service.batches(*request.principal(), request.param("code"), page->after, page->limit);
  if (!list.ok()) return http::problem(list.error());
  return http::Response::json(200, http::page_json(*list, page->limit, batch_json));
}

http::RouteDoc list_batches_doc() {
  return {.summary = "Ingest batches of a resource",
          .description =
              "The kept report of every upload into the resource, newest first, with its counts "
              "(a running batch whose server stopped shows as interrupted).\n\n"
              "Who: the providing department's principals with exchange.ingest.\n\n"
              "Errors: 400 invalid_paging; 403 not_granted (another department); 404 "
              "resource_not_found.",
          .tag = kTag,
          .params = http::paging_params(kMaxPage),
          .responses = {{200, "Batches, newest first", schema::page(batch_schema())}}};
}

// GET /api/v1/resources/{code}/batches/{id}
http::Response get_batch(IngestService& service, std::int64_t id, const http::Request& request) {
  return http::respond(200, service.batch(*request.principal(), request.param("code"), id),
                       report_json);
}

http::RouteDoc get_batch_doc() {
  return {.summary = "One batch report",
          .description =
              "The batch's counts, status and error, with its first 100 rejected rows "
              "(rejections_truncated when there are more: see its rejections).\n\n"
              "Who: the providing department's principals with exchange.ingest.\n\n"
              "Errors: 403 not_granted; 404 resource_not_found, batch_not_found.",
          .tag = kTag,
          .responses = {{200, "The report with the first rejected rows", report_schema()}}};
}

// GET /api/v1/resources/{code}/batches/{id}/rejections
http::Response list_rejections(IngestService& service, std::int64_t id,
                               const http::Request& request) {
  auto after = non_negative(request.query_param("after"));
  auto limit = limit_of(request, 100, kMaxPage);
  if (!after || !limit) {
    return http::problem(400, "invalid_paging", "after must be a line number; limit 1 to 1000.");
  }
  auto list = service.rejections(*request.principal(), request.param("code"), id,
                                 static_cast<std::uint64_t>(*after), *limit);
  if (!list.ok()) return http::problem(list.error());
  json::value next = nullptr;
  if (static_cast<int>(list->size()) == *limit) next = list->back().line;
  return http::Response::json(
      200, json::object{{"items", rejections_json(*list)}, {"next_after", next}});
}

http::RouteDoc list_rejections_doc() {
  return {.summary = "Rejected rows of a batch",
          .description =
              "Every rejected row of the batch in line order, each with its line and one reason "
              "per field (values are never repeated: they may be personal data). Page with "
              "after=next_after.\n\n"
              "Who: the providing department's principals with exchange.ingest.\n\n"
              "Errors: 400 invalid_paging; 403 not_granted; 404 resource_not_found, "
              "batch_not_found.",
          .tag = kTag,
          .params = {{.name = "after", .description = "Only lines after this one."},
                     {.name = "limit", .description = "1 to 1000 (default 100)."}},
          .responses = {{200, "Rejected rows in line order",
                         schema::object({{"items", schema::array_of(rejection_schema())},
                                         {"next_after", schema::ninteger()}})}}};
}

}  // namespace

void add_ingest_routes(http::Router& router, IngestService& service) {
  const http::RouteOptions ingest{.permission = std::string(permission::kIngest)};
  router.add(
      http::Method::kPost, "/api/v1/resources/{code}/records",
      http::handler_of(ingest_records, service),
      {.permission = std::string(permission::kIngest),
       .body_limit = kMaxUpload,
       .accepts = {"application/x-ndjson", "application/ndjson", "application/jsonl", "text/csv"},
       .stream_body = true},
      ingest_records_doc());
  router.add(http::Method::kGet, "/api/v1/resources/{code}/batches",
             http::handler_of(list_batches, service), ingest, list_batches_doc());
  router.add(http::Method::kGet, "/api/v1/resources/{code}/batches/{id}",
             http::handler_of(get_batch, service, kBatchNotFound), ingest, get_batch_doc());
  router.add(http::Method::kGet, "/api/v1/resources/{code}/batches/{id}/rejections",
             http::handler_of(list_rejections, service, kBatchNotFound), ingest,
             list_rejections_doc());
}

}  // namespace zt::exchange
