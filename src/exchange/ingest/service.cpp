#include "exchange/ingest/service.h"

#include "db/transaction.h"
#include "exchange/corrections/store.h"
#include "identity/scope.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <unordered_set>

namespace zt::exchange {

using catalog::Resource;
using catalog::ResourceStatus;

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

Error not_found(std::string_view code) {
  return Error::not_found("resource_not_found", fmt::format("No resource {}.", code));
}

std::string_view format_name(IngestFormat f) {
  return f == IngestFormat::kCsv ? "csv" : "ndjson";
}
std::string_view charset_name(Charset c) {
  return c == Charset::kGbk ? "gbk" : "utf-8";
}

bool valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > 200) return false;
  return std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 127; });
}

std::string counts_detail(const Batch& b) {
  return boost::json::serialize(boost::json::object{{"batch_id", b.id},
                                                    {"status", b.status},
                                                    {"rows", b.rows_read},
                                                    {"inserted", b.inserted},
                                                    {"updated", b.updated},
                                                    {"unchanged", b.unchanged},
                                                    {"deleted", b.deleted},
                                                    {"rejected", b.rejected}});
}

// How a running batch looks to readers: interrupted once its heartbeat is stale.
void settle(Batch& b, std::int64_t now) {
  if (b.status == "running" && now - b.heartbeat_at > kStaleBatchMs) b.status = "interrupted";
}

}  // namespace

ExchangeService::ExchangeService(db::Database& db, catalog::CatalogService& catalog,
                                 SharingService& sharing, audit::AuditLog& audit,
                                 const core::Clock& clock, std::size_t max_uploads)
    : db_(db),
      catalog_(catalog),
      sharing_(sharing),
      audit_(audit),
      clock_(clock),
      max_uploads_(max_uploads) {}

Status ExchangeService::apply_schema(db::Connection& conn, const Resource* before,
                                     const Resource& after) {
  return records::apply_schema(conn, before, after);
}

Result<IngestReport> ExchangeService::ingest(const core::Principal& actor, std::string_view code,
                                             const IngestOptions& options, const PieceSource& body,
                                             const identity::RequestContext& context) {
  auto found = catalog_.find(code);
  if (!found.ok()) return std::move(found).error();
  const Resource resource = std::move(*found);
  if (!catalog::CatalogService::visible_to(actor, resource)) return not_found(code);
  if (!actor.has_permission(permission::kIngest) || !actor.department_id ||
      *actor.department_id != resource.department_id) {
    return Error::forbidden("forbidden",
                            "Only the providing department ingests records into its resource.");
  }
  if (resource.status == ResourceStatus::kDraft) {
    return Error::conflict("resource_not_published",
                           "Publish the resource before ingesting records into it.");
  }
  if (resource.status == ResourceStatus::kRetired) {
    return Error::conflict("resource_retired", "A retired resource takes no more records.");
  }
  if (options.idempotency_key && !valid_idempotency_key(*options.idempotency_key)) {
    return Error::invalid("invalid_idempotency_key",
                          "Idempotency-Key must be 1-200 visible ASCII characters.");
  }

  // A slot among the uploads running at once, given back however this returns.
  if (uploads_.fetch_add(1) >= max_uploads_) {
    uploads_.fetch_sub(1);
    return Error::unavailable(
        "too_many_uploads",
        fmt::format("{} uploads are running; try again when one is done.", max_uploads_));
  }
  struct Slot {
    std::atomic<std::size_t>& count;
    ~Slot() { count.fetch_sub(1); }
  } slot{uploads_};

  const std::int64_t now = core::to_millis(clock_.now());
  Batch batch;
  batch.resource_id = resource.id;
  batch.resource_code = resource.code;
  batch.department_id = resource.department_id;
  batch.actor_kind = actor.kind == core::Principal::Kind::kApiClient ? "api_client" : "user";
  batch.actor_id = actor.id;
  batch.actor_name = actor.name;
  batch.format = format_name(options.format);
  batch.charset = charset_name(options.charset);
  batch.mode = options.all_or_nothing ? "all_or_nothing" : "partial";
  batch.idempotency_key = options.idempotency_key;
  batch.started_at = batch.heartbeat_at = now;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    std::optional<Batch> earlier;
    if (options.idempotency_key) {
      ZT_ASSIGN_OR_RETURN(earlier, batches::find_by_key(conn, resource.id, batch.actor_kind,
                                                        actor.id, *options.idempotency_key));
    }
    if (earlier) {
      settle(*earlier, now);
      if (earlier->status == "completed" || earlier->status == "rejected") {
        IngestReport report;
        ZT_ASSIGN_OR_RETURN(report.rejections,
                            batches::rejections(conn, earlier->id, 0, kReportRejections));
        report.batch = std::move(*earlier);
        report.batch.resource_code = resource.code;
        report.replayed = true;
        return report;
      }
      if (earlier->status == "running") {
        return Error::conflict("idempotency_key_in_use",
                               "An upload with this Idempotency-Key is still running.");
      }
      batch.id = earlier->id;
      ZT_TRY(batches::restart(conn, batch));
    } else {
      auto id = batches::insert(conn, batch);
      if (!id.ok()) {
        if (id.error().code == "duplicate") {
          return Error::conflict("idempotency_key_in_use",
                                 "An upload with this Idempotency-Key is still running.");
        }
        return std::move(id).error();
      }
      batch.id = *id;
    }
    ZT_TRY(tx.commit());
  }

  IngestReport report;
  Status ran = run_ingest(db_, resource, batch, options, clock_, body, report.rejections);
  const std::int64_t end = core::to_millis(clock_.now());
  if (ran.ok()) {
    if (batch.status == "running") batch.status = "completed";
  } else {
    batch.status = "failed";
    batch.error_code = ran.error().code;
    batch.error_detail = ran.error().detail;
  }
  batch.finished_at = end;
  batch.heartbeat_at = end;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_TRY(batches::update(conn, batch));
    audit::AuditEntry entry;
    entry.by(actor);
    entry.action = "exchange.ingest";
    entry.object_type = "resource";
    entry.object_id = resource.code;
    entry.outcome = ran.ok() ? "success" : "failure";
    entry.source_address = context.remote_address;
    entry.request_id = context.request_id;
    entry.detail = counts_detail(batch);
    ZT_TRY(audit_.append(conn, std::move(entry)));
    ZT_TRY(tx.commit());
  }
  if (!ran.ok()) {
    Error e = std::move(ran).error();
    e.detail += fmt::format(" (batch {}: {} rows applied before it stopped)", batch.id,
                            batch.inserted + batch.updated + batch.deleted);
    return e;
  }
  report.batch = std::move(batch);
  return report;
}

Result<Resource> ExchangeService::readable(const core::Principal& actor, std::string_view code) {
  ZT_ASSIGN_OR_RETURN(Resource r, catalog_.find(code));
  if (!catalog::CatalogService::visible_to(actor, r)) return not_found(code);
  const bool own = actor.department_id && *actor.department_id == r.department_id;
  if (!own && !identity::has_city_scope(actor)) {
    return Error::forbidden(
        "not_granted",
        "Only the providing department and the data administrators read this; other "
        "departments need a sharing grant.");
  }
  return r;
}

Result<std::vector<Batch>> ExchangeService::batches(const core::Principal& actor,
                                                    std::string_view code, std::int64_t before,
                                                    int limit) {
  ZT_ASSIGN_OR_RETURN(Resource r, readable(actor, code));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto list, batches::list(conn, r.id, before, limit));
  const std::int64_t now = core::to_millis(clock_.now());
  for (Batch& b : list) {
    b.resource_code = r.code;
    settle(b, now);
  }
  return list;
}

Result<IngestReport> ExchangeService::batch(const core::Principal& actor, std::string_view code,
                                            std::int64_t batch_id) {
  ZT_ASSIGN_OR_RETURN(Resource r, readable(actor, code));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, batches::find(conn, batch_id));
  if (!found || found->resource_id != r.id) {
    return Error::not_found("batch_not_found", fmt::format("No batch {} of {}.", batch_id, code));
  }
  IngestReport report;
  ZT_ASSIGN_OR_RETURN(report.rejections, batches::rejections(conn, batch_id, 0, kReportRejections));
  report.batch = std::move(*found);
  report.batch.resource_code = r.code;
  settle(report.batch, core::to_millis(clock_.now()));
  return report;
}

Result<std::vector<Rejection>> ExchangeService::rejections(const core::Principal& actor,
                                                           std::string_view code,
                                                           std::int64_t batch_id,
                                                           std::uint64_t after_line, int limit) {
  ZT_ASSIGN_OR_RETURN(Resource r, readable(actor, code));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, batches::find(conn, batch_id));
  if (!found || found->resource_id != r.id) {
    return Error::not_found("batch_not_found", fmt::format("No batch {} of {}.", batch_id, code));
  }
  return batches::rejections(conn, batch_id, after_line, limit);
}

Result<ChangePage> ExchangeService::changes(const core::Principal& actor, std::string_view code,
                                            std::int64_t after, int limit,
                                            std::optional<std::string> purpose,
                                            const identity::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(Resource r, catalog_.find(code));
  if (r.status == ResourceStatus::kDraft) {
    if (!catalog::CatalogService::visible_to(actor, r)) return not_found(code);
    return Error::conflict("resource_not_published", "A draft resource has no change feed yet.");
  }
  ZT_ASSIGN_OR_RETURN(Access access, sharing_.access(actor, r));
  ChangePage page;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(page.items, records::read_changes(conn, r.id, after, limit));
    ZT_ASSIGN_OR_RETURN(StorageState state, records::state(conn, r.id));
    page.last_seq = state.last_seq;
    page.next_cursor = page.items.empty() ? after : page.items.back().seq;
  }
  if (access.basis != Access::Basis::kProvider) {
    for (Change& c : page.items) {
      ZT_ASSIGN_OR_RETURN(c.data, project(r, access, c.data));
    }
  }
  if (!page.items.empty()) {
    audit::AuditEntry e;
    e.by(actor);
    e.action = "exchange.changes.read";
    e.object_type = "resource";
    e.object_id = r.code;
    e.purpose = purpose && !purpose->empty() ? *purpose
                : !access.purpose.empty()    ? access.purpose
                                             : std::string("数据交换");
    e.source_address = context.remote_address;
    e.request_id = context.request_id;
    e.detail = boost::json::serialize(boost::json::object{{"basis", to_string(access.basis)},
                                                          {"first_seq", page.items.front().seq},
                                                          {"last_seq", page.items.back().seq},
                                                          {"count", page.items.size()}});
    ZT_TRY(audit_.append(std::move(e)));
  }
  return page;
}

Result<QualityReport> ExchangeService::figures(db::Connection& conn, const Resource& r,
                                               bool with_fields) {
  const std::int64_t now = core::to_millis(clock_.now());
  QualityReport q;
  q.resource_code = r.code;
  q.resource_name = r.name;
  q.department_id = r.department_id;
  q.department_name = r.department_name;
  q.update_cycle = std::string(catalog::to_string(r.update_cycle));
  ZT_ASSIGN_OR_RETURN(StorageState state, records::state(conn, r.id));
  q.record_count = state.record_count;
  q.last_seq = state.last_seq;
  q.last_update_at = state.last_change_at;
  ZT_ASSIGN_OR_RETURN(q.open_corrections, corrections::open_count(conn, r.id));
  if (auto cycle = catalog::update_cycle_ms(r.update_cycle)) {
    const std::int64_t since = state.last_change_at.value_or(r.published_at.value_or(now));
    q.stale = now - since > *cycle;
  }
  const std::int64_t month_ago = now - 30 * kDayMs;
  ZT_ASSIGN_OR_RETURN(q.daily, batches::daily(conn, r.id, month_ago));
  ZT_ASSIGN_OR_RETURN(auto totals, batches::error_totals(conn, r.id, month_ago));
  q.rows_read_30d = totals.second;
  for (const DailyCount& d : q.daily)
    q.rejected_30d += d.rejected;
  if (auto it = totals.first.find("_key:duplicate_key"); it != totals.first.end()) {
    q.duplicate_keys_30d = it->second;
  }
  if (!with_fields) return q;
  ZT_ASSIGN_OR_RETURN(auto filled, records::filled_counts(conn, r));
  const std::int64_t total = filled[0];
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    FieldQuality f;
    f.field = r.fields[i].name;
    f.completeness = total > 0 ? static_cast<double>(filled[i + 1]) / total : 1.0;
    const std::string prefix = f.field + ":";
    for (auto it = totals.first.lower_bound(prefix);
         it != totals.first.end() && it->first.starts_with(prefix); ++it) {
      f.invalid += it->second;
    }
    f.validity = totals.second > 0 ? 1.0 - static_cast<double>(f.invalid) / totals.second : 1.0;
    q.fields.push_back(std::move(f));
  }
  return q;
}

Result<QualityReport> ExchangeService::quality(const core::Principal& actor,
                                               std::string_view code) {
  ZT_ASSIGN_OR_RETURN(Resource r, readable(actor, code));
  if (r.status == ResourceStatus::kDraft) {
    return Error::conflict("resource_not_published", "A draft resource has no records yet.");
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  return figures(conn, r, true);
}

Result<std::vector<QualityReport>> ExchangeService::quality_overview(const core::Principal& actor) {
  ZT_ASSIGN_OR_RETURN(auto published, catalog_.published());
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  const bool city = identity::has_city_scope(actor);
  std::vector<QualityReport> out;
  for (const Resource& r : published) {
    if (!city && (!actor.department_id || *actor.department_id != r.department_id)) continue;
    ZT_ASSIGN_OR_RETURN(QualityReport q, figures(conn, r, false));
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace zt::exchange
