#include "audit/api.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include <array>
#include <charconv>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "audit/store.h"
#include "core/csv.h"
#include "core/time.h"
#include "http/header_text.h"
#include "http/route_file.h"
#include "identity/permissions.h"

namespace zt::audit {

namespace {

constexpr std::size_t kDefaultLimit = 50;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::size_t kExportPage = 1000;

Result<std::int64_t> parse_int(std::string_view name, std::string_view text, std::int64_t min) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min) {
    return Error::invalid("invalid_" + std::string(name),
                          fmt::format("{} must be a whole number of at least {}", name, min));
  }
  return value;
}

// The filters shared by the list and the export, from the query string.
Result<RecordFilter> parse_filter(const http::Request& request) {
  RecordFilter f;
  for (const char* name : {"from", "to"}) {
    if (auto text = request.query_param(name)) {
      auto time = parse_time(*text);
      if (!time.ok()) return std::move(time).error();
      (std::string_view(name) == "from" ? f.from : f.to) = *time;
    }
  }
  if (auto text = request.query_param("actor_id")) {
    auto id = parse_int("actor_id", *text, std::numeric_limits<std::int64_t>::min());
    if (!id.ok()) return std::move(id).error();
    f.actor_id = *id;
  }
  if (auto text = request.query_param("department_id")) {
    auto id = parse_int("department_id", *text, std::numeric_limits<std::int64_t>::min());
    if (!id.ok()) return std::move(id).error();
    f.department_id = *id;
  }
  f.actor_name = request.query_param("actor_name");
  f.action = request.query_param("action");
  f.object_type = request.query_param("object_type");
  f.object_id = request.query_param("object_id");
  f.outcome = request.query_param("outcome");
  return f;
}

// The audit record of an audit admin's own use of the log.
AuditEntry usage_entry(const http::Request& request, std::string action) {
  AuditEntry entry = AuditEntry::of(std::move(action), "audit_record", {}, request.context());
  if (const core::Principal* principal = request.principal()) entry.by(*principal);
  if (auto purpose = http::header_text(request, "X-Purpose")) entry.purpose = std::move(*purpose);
  if (!request.query().empty()) {
    entry.detail = json::serialize(json::object{{"query", request.query()}});
  }
  return entry;
}

constexpr std::array<std::string_view, 4> kActorKinds{"user", "api_client", "system", "anonymous"};

constexpr auto kRecordShape = shape::of<AuditRecord>(
    shape::integer("id", &AuditRecord::id), shape::time("time", &AuditRecord::time),
    shape::one_of("actor_kind", shape::via(&AuditRecord::entry, &AuditEntry::actor_kind),
                  kActorKinds),
    shape::ninteger("actor_id", shape::via(&AuditRecord::entry, &AuditEntry::actor_id)),
    shape::str("actor_name", shape::via(&AuditRecord::entry, &AuditEntry::actor_name)),
    shape::ninteger("department_id", shape::via(&AuditRecord::entry, &AuditEntry::department_id)),
    shape::str("source_address", shape::via(&AuditRecord::entry, &AuditEntry::source_address)),
    shape::str("action", shape::via(&AuditRecord::entry, &AuditEntry::action)),
    shape::str("object_type", shape::via(&AuditRecord::entry, &AuditEntry::object_type)),
    shape::str("object_id", shape::via(&AuditRecord::entry, &AuditEntry::object_id)),
    shape::str("outcome", shape::via(&AuditRecord::entry, &AuditEntry::outcome)),
    shape::str("request_id", shape::via(&AuditRecord::entry, &AuditEntry::request_id)),
    shape::str("purpose", shape::via(&AuditRecord::entry, &AuditEntry::purpose)),
    shape::str("case_id", shape::via(&AuditRecord::entry, &AuditEntry::case_id)),
    shape::str("detail", shape::via(&AuditRecord::entry, &AuditEntry::detail)),
    shape::str("prev_hash", &AuditRecord::prev_hash), shape::str("hash", &AuditRecord::hash));

// reason is null while the chain is whole.
json::value reason_json(const VerifyReport& report) {
  return report.ok ? json::value(nullptr) : json::value(report.reason);
}

json::object reason_schema() {
  return {
      {"type", json::array{"string", "null"}},
      {"enum", json::array{"checkpoint_signature_invalid", "checkpoint_missing",
                           "keyed_from_mismatch", "gap", "prev_hash_mismatch", "hash_mismatch",
                           "checkpoint_mismatch", "head_mismatch", "records_missing", nullptr}}};
}

constexpr auto kReportShape = shape::of<VerifyReport>(
    shape::integer("records_checked", &VerifyReport::records_checked),
    shape::boolean("ok", &VerifyReport::ok),
    shape::ninteger("first_broken_id", &VerifyReport::first_broken_id),
    shape::raw("reason", reason_json, reason_schema),
    shape::integer("head_id", &VerifyReport::head_id),
    shape::integer("keyed_from", &VerifyReport::keyed_from),
    shape::integer("checkpoints_checked", &VerifyReport::checkpoints_checked),
    shape::ninteger("last_checkpoint_id", &VerifyReport::last_checkpoint_id));

std::vector<http::ParamDoc> filter_params() {
  return {
      {.name = "from", .description = "Records at or after this time (ISO 8601 with offset)"},
      {.name = "to", .description = "Records before this time (ISO 8601 with offset)"},
      {.name = "actor_id",
       .description = "User or API client id",
       .schema = json::object{{"type", "integer"}}},
      {.name = "actor_name", .description = "Username or API client name (exact)"},
      {.name = "department_id",
       .description = "The actor's department",
       .schema = json::object{{"type", "integer"}}},
      {.name = "action", .description = "e.g. auth.login, user.password_change"},
      {.name = "object_type", .description = "e.g. user, department, person"},
      {.name = "object_id", .description = "The object's id (with object_type)"},
      {.name = "outcome",
       .description = "success, failure or denied",
       .schema =
           json::object{{"type", "string"}, {"enum", json::array{"success", "failure", "denied"}}}},
  };
}

}  // namespace

json::object to_json(const AuditRecord& r) {
  return kRecordShape.encode(r);
}

json::object to_json(const VerifyReport& report) {
  return kReportShape.encode(report);
}

std::string_view csv_header() {
  return "id,time,actor_kind,actor_id,actor_name,department_id,source_address,action,"
         "object_type,object_id,outcome,request_id,purpose,case_id,detail,prev_hash,hash\r\n";
}

std::string csv_line(const AuditRecord& r) {
  const AuditEntry& e = r.entry;
  std::string out = std::to_string(r.id);
  auto text = [&out](std::string_view value) {
    out += ',';
    core::append_csv_cell(out, value);
  };
  auto number = [&out](const std::optional<std::int64_t>& value) {
    out += ',';
    if (value) out += std::to_string(*value);
  };
  out += ',';
  out += core::format_iso8601(r.time);
  text(e.actor_kind);
  number(e.actor_id);
  text(e.actor_name);
  number(e.department_id);
  text(e.source_address);
  text(e.action);
  text(e.object_type);
  text(e.object_id);
  text(e.outcome);
  text(e.request_id);
  text(e.purpose);
  text(e.case_id);
  text(e.detail);
  text(r.prev_hash);
  text(r.hash);
  out += "\r\n";
  return out;
}

namespace {

const std::string kTag = "audit";

// GET /api/v1/audit/records
http::Response list_records(AuditLog& log, AuditWriter& writer, const http::Request& request) {
  auto filter = parse_filter(request);
  if (!filter.ok()) return http::problem(filter.error());
  std::size_t limit = kDefaultLimit;
  if (auto text = request.query_param("limit")) {
    auto n = parse_int("limit", *text, 1);
    if (!n.ok() || *n > static_cast<std::int64_t>(kMaxPageSize)) {
      return http::problem(400, "invalid_limit", "limit must be a whole number from 1 to 500");
    }
    limit = static_cast<std::size_t>(*n);
  }
  std::optional<std::int64_t> cursor;
  if (auto text = request.query_param("cursor")) {
    auto id = parse_int("cursor", *text, 1);
    if (!id.ok()) return http::problem(400, "invalid_cursor", "cursor is not one this API gave");
    cursor = *id;
  }
  auto page = log.list(*filter, cursor, limit);
  if (!page.ok()) return http::problem(page.error());
  writer.submit(usage_entry(request, "audit.query"));
  return http::Response::json(200, http::page_json(page->items, page->next_cursor, kRecordShape));
}

http::RouteDoc list_records_doc() {
  return {.summary = "List audit records (安全审计日志)",
          .description =
              "Newest first. Filters combine with AND; page with next_cursor. Needs "
              "audit.read (the audit admin); the query is itself audited "
              "(audit.query). Errors: 400 invalid_time, invalid_actor_id, "
              "invalid_department_id, invalid_limit, invalid_cursor; 403 forbidden.",
          .tag = kTag,
          .params = http::with_paging(filter_params(), static_cast<int>(kMaxPageSize),
                                      static_cast<int>(kDefaultLimit)),
          .responses = {{200, "One page of records", http::schema::page(kRecordShape.schema())}}};
}

// GET /api/v1/audit/records/export
http::Response export_records(AuditLog& log, AuditWriter& writer, const http::Request& request) {
  if (auto format = request.query_param("format"); format && *format != "csv") {
    return http::problem(400, "invalid_format", "format must be csv");
  }
  auto filter = parse_filter(request);
  if (!filter.ok()) return http::problem(filter.error());
  writer.submit(usage_entry(request, "audit.export"));
  auto response = http::Response::streamed(
      200, "text/csv; charset=utf-8",
      [&log, filter = std::move(filter).value()](http::BodySink& sink) -> Status {
        // The sink buffers and sends 64 KiB at a time; false means the client left.
        std::string head(kUtf8Bom);
        head += csv_header();
        if (!sink.write(head)) return {};
        auto scanned = log.scan(
            filter, 0, std::numeric_limits<std::size_t>::max(),
            [&sink](const AuditRecord& record) { return sink.write(csv_line(record)); },
            kExportPage);
        if (!scanned.ok()) return std::move(scanned).error();
        return {};
      });
  response.header("Content-Disposition", "attachment; filename=\"audit-records.csv\"");
  return response;
}

http::RouteDoc export_records_doc() {
  std::vector<http::ParamDoc> params = filter_params();
  params.push_back({.name = "format",
                    .description = "csv (the only format)",
                    .schema = json::object{{"type", "string"}, {"enum", json::array{"csv"}}}});
  return {.summary = "Export audit records as CSV",
          .description =
              "Oldest first, the same filters as the list; UTF-8 with a BOM so that "
              "Excel reads Chinese text, a header row, streamed in pages so any number "
              "of records uses constant memory. Text cells starting with = + - @ are "
              "prefixed with ' so a spreadsheet never runs them. Needs audit.read (the "
              "audit admin); the export is itself audited (audit.export). Errors: 400 "
              "invalid_format, invalid_time, invalid_actor_id, invalid_department_id; "
              "403 forbidden.",
          .tag = kTag,
          .params = std::move(params),
          .responses = {{200, "CSV: id,time,actor_kind,…,prev_hash,hash",
                         json::object{{"type", "string"}}, "text/csv"}}};
}

// GET /api/v1/audit/verify
http::Response verify(AuditLog& log, AuditWriter& writer, AuditCheckpointer& checkpointer,
                      const http::Request& request) {
  auto external = file_checkpoints(checkpointer);
  if (!external.ok()) return http::problem(external.error());
  auto report = verify_chain(log.database(), log.crypto(), log.keys(), *external);
  if (!report.ok()) return http::problem(report.error());
  writer.submit(usage_entry(request, "audit.verify"));
  return http::Response::json(200, to_json(*report));
}

http::RouteDoc verify_doc() {
  return {.summary = "Verify the audit hash chain",
          .description =
              "Checks every signed checkpoint (the table's and this node's checkpoint "
              "file: checkpoint_signature_invalid, checkpoint_missing, "
              "keyed_from_mismatch), then walks every record, recomputing its HMAC-SM3 "
              "(SM3 before keyed_from); names the first broken record (hash_mismatch, "
              "prev_hash_mismatch, gap: a deleted record, checkpoint_mismatch: the chain "
              "was rewritten, head_mismatch: records deleted at the end, "
              "records_missing: the log was cut behind a checkpoint). Takes time in "
              "proportion to the log. Needs audit.read (the audit admin); the check is "
              "itself audited (audit.verify). Errors: 403 forbidden; 400 "
              "invalid_checkpoint (the node's checkpoint file has a line that is none).",
          .tag = kTag,
          .responses = {
              {200, "The report (ok false names the first broken record)", kReportShape.schema()}}};
}

// GET /api/v1/audit/checkpoints
http::Response download_checkpoints(AuditLog& log, AuditWriter& writer,
                                    const http::Request& request) {
  writer.submit(usage_entry(request, "audit.checkpoints"));
  auto response =
      http::Response::streamed(200, "application/x-ndjson", [&log](http::BodySink& sink) -> Status {
        for (std::int64_t after = 0;;) {
          std::vector<Checkpoint> page;
          {  // a connection per page: a slow client never holds one
            ZT_ASSIGN_OR_RETURN(auto conn, log.database().acquire(db::Access::kRead));
            ZT_ASSIGN_OR_RETURN(page, store::checkpoints(conn, after, kExportPage));
          }
          if (page.empty()) return {};
          after = page.back().record_id;
          for (const Checkpoint& c : page) {
            if (!sink.write(checkpoint_line(c))) return {};
          }
        }
      });
  response.header("Content-Disposition", "attachment; filename=\"audit-checkpoints.ndjson\"");
  return response;
}

http::RouteDoc download_checkpoints_doc() {
  return {.summary = "Download the signed audit checkpoints",
          .description =
              "Every checkpoint of the audit chain, oldest first, one JSON object a line "
              "(record_id, record_hash, keyed_from, time, signature: SM2 over them), the "
              "format of the checkpoint file. Keep the download outside the database and "
              "give it to `zhengtong audit verify --checkpoints FILE`: then a cut or "
              "emptied log, or a deleted checkpoint, is named. Needs audit.read (the "
              "audit admin); the download is itself audited (audit.checkpoints). "
              "Errors: 403 forbidden.",
          .tag = kTag,
          .responses = {{200, "NDJSON: one checkpoint a line", json::object{{"type", "string"}},
                         "application/x-ndjson"}}};
}

}  // namespace

Result<std::vector<Checkpoint>> file_checkpoints(const AuditCheckpointer& checkpointer) {
  const auto& file = checkpointer.options().file;
  std::error_code ec;
  if (!file || !std::filesystem::exists(*file, ec)) return std::vector<Checkpoint>();
  return read_checkpoint_file(*file);
}

void add_routes(http::Router& router, AuditLog& log, AuditWriter& writer,
                AuditCheckpointer& checkpointer) {
  const http::RouteOptions options{.permission = std::string(identity::permission::kAuditRead)};
  router.add(http::Method::kGet, "/api/v1/audit/records",
             http::handler_of(list_records, log, writer), options, list_records_doc());
  router.add(http::Method::kGet, "/api/v1/audit/records/export",
             http::handler_of(export_records, log, writer), options, export_records_doc());
  router.add(http::Method::kGet, "/api/v1/audit/verify",
             http::handler_of(verify, log, writer, checkpointer), options, verify_doc());
  router.add(http::Method::kGet, "/api/v1/audit/checkpoints",
             http::handler_of(download_checkpoints, log, writer), options,
             download_checkpoints_doc());
}

}  // namespace zt::audit
