#include "exchange/corrections/api.h"

#include "http/route_file.h"
#include "identity/api.h"

#include <array>
#include <string_view>

namespace zt::exchange {

namespace {

const std::string kTag = "corrections";
constexpr http::NotFound kCorrectionNotFound{"correction_not_found", "No such report."};
constexpr int kMaxPage = 200;

constexpr std::array<std::string_view, 3> kCorrectionStatuses{"open", "corrected", "answered"};

constexpr auto kCorrectionShape = shape::of<Correction>(
    shape::integer("id", &Correction::id), shape::str("resource", &Correction::resource_code),
    shape::str("resource_name", &Correction::resource_name),
    shape::str("record_key", &Correction::record_key),
    shape::strings("fields", &Correction::fields), shape::str("reason", &Correction::reason),
    shape::one_of("status", &Correction::status, kCorrectionStatuses),
    shape::integer("provider_department_id", &Correction::provider_department_id),
    shape::integer("reporter_department_id", &Correction::reporter_department_id),
    shape::str("reported_by", &Correction::reported_by_name),
    shape::time("reported_at", &Correction::reported_at),
    shape::str("answered_by", &Correction::answered_by_name),
    shape::ntime("answered_at", &Correction::answered_at),
    shape::str("answer", &Correction::answer));

// POST /api/v1/resources/{code}/records/{key}/corrections
http::Response report_correction(CorrectionService& corrections, const http::Request& request) {
  http::JsonBody body(request);
  CorrectionInput in;
  in.resource_code = std::string(request.param("code"));
  in.record_key = std::string(request.param("key"));
  in.reason = body.string("reason", true).value_or("");
  in.fields = body.strings("fields").value_or(std::vector<std::string>{});
  if (!body.ok()) return body.problem();
  return http::respond(201,
                       corrections.report(*request.principal(), std::move(in), request.context()),
                       kCorrectionShape);
}

http::RouteDoc report_correction_doc() {
  return {.summary = "Report a record as wrong (数据纠错/异议)",
          .description =
              "Files an open report on one record of another department's resource: a reason "
              "and optionally the fields thought wrong, among those you may read. The report "
              "keeps the key as given and never the record's values; nothing is read, so no "
              "X-Purpose is needed. The providing department sees it in its inbox; audited.\n\n"
              "Who: a department's staff or API client with exchange.query that may read the "
              "record under the sharing rules (a none resource is 404, a conditional one "
              "without a grant 403 grant_required); not the providing department.\n\n"
              "Errors: 400 invalid_body, invalid_fields, invalid_key; 403 forbidden, "
              "grant_required; 404 resource_not_found, record_not_found; 409 own_resource.",
          .tag = kTag,
          .request_schema = schema::object(
              {{"reason", schema::str()}, {"fields", schema::strings()}}, {"reason"}),
          .responses = {{201, "The open report", kCorrectionShape.schema()}}};
}

// GET /api/v1/corrections
http::Response list_corrections(CorrectionService& corrections, const http::Request& request) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  const std::string box = request.query_param("box").value_or("outbox");
  if (box != "inbox" && box != "outbox") {
    return http::problem(400, "invalid_box", "box is inbox or outbox.");
  }
  std::optional<std::string> status = request.query_param("status");
  if (status && status->empty()) status.reset();
  auto list = corrections.list(*request.principal(), box == "inbox", std::move(status), page->after,
                               page->limit);
  if (!list.ok()) return http::problem(list.error());
  return http::Response::json(200, http::page_json(*list, page->limit, kCorrectionShape));
}

http::RouteDoc list_corrections_doc() {
  return {.summary = "Correction reports of your department",
          .description =
              "inbox: reports on resources your department provides; outbox "
              "(default): reports your department filed, with their outcome. Newest "
              "first.\n\n"
              "Who: a department's staff or API client.\n\n"
              "Errors: 400 invalid_box, invalid_status, invalid_paging; 403 forbidden "
              "(no department).",
          .tag = kTag,
          .params =
              http::with_paging({{.name = "box", .description = "inbox or outbox (default)."},
                                 {.name = "status", .description = "open, corrected or answered."}},
                                kMaxPage),
          .responses = {{200, "Reports, newest first", schema::page(kCorrectionShape.schema())}}};
}

// GET /api/v1/corrections/{id}
http::Response get_correction(CorrectionService& corrections, std::int64_t id,
                              const http::Request& request) {
  return http::respond(200, corrections.get(*request.principal(), id), kCorrectionShape);
}

http::RouteDoc get_correction_doc() {
  return {.summary = "One correction report",
          .description =
              "The report with its status and answer.\n\n"
              "Who: the reporting and the providing department, and city-scope "
              "principals.\n\n"
              "Errors: 404 correction_not_found (also for other departments).",
          .tag = kTag,
          .responses = {{200, "The report", kCorrectionShape.schema()}}};
}

// POST /api/v1/corrections/{id}/answer
http::Response answer_correction(CorrectionService& corrections, std::int64_t id,
                                 const http::Request& request) {
  http::JsonBody body(request);
  auto outcome = body.string("outcome", true);
  auto answer = body.string("answer", true);
  if (!body.ok()) return body.problem();
  return http::respond(200,
                       corrections.answer(*request.principal(), id, std::move(*outcome),
                                          std::move(*answer), request.context()),
                       kCorrectionShape);
}

http::RouteDoc answer_correction_doc() {
  return {
      .summary = "Answer a correction report",
      .description =
          "Closes an open report. The record itself is corrected by ingesting the fixed row "
          "through POST /api/v1/resources/{code}/records; then answer with outcome "
          "corrected. outcome answered keeps the record and says why. The reporter sees "
          "the outcome and answer; audited.\n\n"
          "Who: the providing department, with exchange.grants.manage or "
          "exchange.ingest.\n\n"
          "Errors: 400 invalid_body; 403 forbidden; 404 correction_not_found; 409 "
          "invalid_state (already closed).",
      .tag = kTag,
      .request_schema = schema::object(
          {{"outcome", schema::enumeration({"corrected", "answered"})}, {"answer", schema::str()}},
          {"outcome", "answer"}),
      .responses = {{200, "The closed report", kCorrectionShape.schema()}}};
}

}  // namespace

void add_correction_routes(http::Router& router, CorrectionService& corrections) {
  const http::RouteOptions json_body{.body_limit = 16 * 1024, .accepts = {"application/json"}};
  router.add(http::Method::kPost, "/api/v1/resources/{code}/records/{key}/corrections",
             http::handler_of(report_correction, corrections), json_body, report_correction_doc());
  router.add(http::Method::kGet, "/api/v1/corrections",
             http::handler_of(list_corrections, corrections), {}, list_corrections_doc());
  router.add(http::Method::kGet, "/api/v1/corrections/{id}",
             http::handler_of(get_correction, corrections, kCorrectionNotFound), {},
             get_correction_doc());
  router.add(http::Method::kPost, "/api/v1/corrections/{id}/answer",
             http::handler_of(answer_correction, corrections, kCorrectionNotFound), json_body,
             answer_correction_doc());
}

}  // namespace zt::exchange
