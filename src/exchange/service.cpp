#include "exchange/service.h"

#include "db/transaction.h"
#include "exchange/key_set.h"
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

// The key of a validated row as bytes: the canonical values of its key fields.
void key_bytes(const Resource& r, const TypedRow& row, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    if (!r.fields[i].key) continue;
    const TypedValue& v = row.values[i];
    if (v.kind == TypedValue::Kind::kText) {
      out += v.text;
    } else {
      out += std::to_string(v.i);
    }
    out += '\x1f';
  }
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

// One upload in progress.
class Ingest {
 public:
  Ingest(db::Database& db, const Resource& resource, Batch& batch, const IngestOptions& options,
         const core::Clock& clock)
      : db_(db),
        resource_(resource),
        batch_(batch),
        options_(options),
        clock_(clock),
        validator_(resource.fields, core::china_date(clock.now())) {}

  // Reads the whole body and applies it. Failure: a fatal error (the batch is then marked
  // failed by the caller); rows applied before it stay.
  Status run(const PieceSource& body, std::vector<Rejection>& first_rejections) {
    std::vector<std::string> names;
    for (const auto& f : resource_.fields)
      names.push_back(f.name);
    ZT_ASSIGN_OR_RETURN(auto reader,
                        RowReader::create(options_.format, options_.charset, std::move(names)));
    first_ = &first_rejections;
    std::string piece;
    RawRow raw;
    bool more = true;
    while (more) {
      ZT_ASSIGN_OR_RETURN(more, body(piece));
      if (more) {
        batch_.bytes += static_cast<std::int64_t>(piece.size());
        ZT_TRY(reader->feed(piece));
      } else {
        ZT_TRY(reader->finish());
      }
      while (true) {
        ZT_ASSIGN_OR_RETURN(bool got, reader->next(raw));
        if (!got) break;
        ZT_TRY(take(raw));
      }
    }
    return finish();
  }

 private:
  Status take(const RawRow& raw) {
    ++batch_.rows_read;
    if (chunk_used_ == chunk_.size()) chunk_.emplace_back();
    TypedRow& row = chunk_[chunk_used_];
    errors_.clear();
    bool ok = validator_.validate(raw, row, errors_);
    if (ok) {
      // Repeats within the chunk are caught here, across chunks by the records' batch stamp
      // (ChunkOutcome::duplicates); a key deleted earlier in the batch is gone from the table,
      // so deleted keys are remembered (deletes are few).
      key_bytes(resource_, row, key_);
      if (deleted_keys_.count(key_) || !chunk_keys_.insert(key_)) {
        ok = false;
        errors_.push_back(duplicate_error(raw.line));
      } else if (row.is_delete) {
        deleted_keys_.insert(key_);
      }
    }
    if (!ok) {
      reject(raw.line);
      // Rejections wait for the next chunk; a long run of them is written alone, so memory
      // stays bounded.
      if (pending_.size() >= kChunkRows) return flush(options_.all_or_nothing ? false : true);
      return {};
    }
    ++chunk_used_;
    if (options_.all_or_nothing) {
      if (chunk_used_ > kMaxAllOrNothingRows) {
        return Error{ErrorKind::kTooLarge, "batch_too_large",
                     fmt::format("An all_or_nothing batch holds at most {} rows; split the "
                                 "upload or leave out mode=all_or_nothing.",
                                 kMaxAllOrNothingRows)};
      }
      return {};
    }
    // A chunk commits when full, or after kChunkSeconds for a slow upload, so its rows become
    // durable and visible without waiting for the end.
    if (chunk_used_ >= kChunkRows ||
        std::chrono::steady_clock::now() - last_flush_ > std::chrono::seconds(kChunkSeconds)) {
      return flush(true);
    }
    return {};
  }

  static FieldError duplicate_error(std::uint64_t line) {
    return {"_key", "duplicate_key",
            fmt::format("line {}: this key appeared earlier in the batch; the first occurrence "
                        "was kept",
                        line)};
  }

  void reject(std::uint64_t line) {
    ++batch_.rejected;
    for (const FieldError& e : errors_)
      ++batch_.field_errors[e.field + ":" + e.code];
    Rejection r{line, errors_};
    // The report keeps the first rejections by line (duplicates across chunks are found late).
    if (first_->size() < static_cast<std::size_t>(kReportRejections)) {
      first_->push_back(r);
    } else if (line < first_->back().line) {
      first_->back() = r;
    }
    std::sort(first_->begin(), first_->end(),
              [](const Rejection& a, const Rejection& b) { return a.line < b.line; });
    pending_.push_back(std::move(r));
  }

  // Writes the pending rejections and, when `apply`, the chunk's rows, in one transaction.
  Status flush(bool apply) {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    const std::int64_t now = core::to_millis(clock_.now());
    if (apply && chunk_used_ > 0) {
      ZT_ASSIGN_OR_RETURN(ChunkOutcome o, records::apply_chunk(
                                              conn, tx, resource_,
                                              std::span<const TypedRow>(chunk_.data(), chunk_used_),
                                              batch_.id, now));
      for (std::uint64_t line : o.duplicates) {
        errors_.assign(1, duplicate_error(line));
        reject(line);
      }
      batch_.inserted += o.inserted;
      batch_.updated += o.updated;
      batch_.unchanged += o.unchanged;
      batch_.deleted += o.deleted;
      if (o.first_seq && !batch_.first_seq) batch_.first_seq = o.first_seq;
      if (o.last_seq) batch_.last_seq = o.last_seq;
    }
    ZT_TRY(batches::insert_rejections(conn, batch_.id, pending_));
    batch_.heartbeat_at = now;
    ZT_TRY(batches::update(conn, batch_));
    ZT_TRY(tx.commit());
    if (apply) {
      chunk_used_ = 0;
      chunk_keys_.clear();
    }
    last_flush_ = std::chrono::steady_clock::now();
    pending_.clear();
    return {};
  }

  Status finish() {
    if (options_.all_or_nothing && batch_.rejected > 0) {
      batch_.status = "rejected";  // nothing applied; the rejections are kept
      return flush(false);
    }
    return flush(true);
  }

  db::Database& db_;
  const Resource& resource_;
  Batch& batch_;
  const IngestOptions& options_;
  const core::Clock& clock_;
  Validator validator_;
  KeySet chunk_keys_;
  std::unordered_set<std::string> deleted_keys_;
  std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
  std::vector<TypedRow> chunk_;  // rows kept between chunks to reuse their storage
  std::size_t chunk_used_ = 0;
  std::vector<Rejection> pending_;
  std::vector<Rejection>* first_ = nullptr;
  std::vector<FieldError> errors_;
  std::string key_;
};

}  // namespace

ExchangeService::ExchangeService(db::Database& db, catalog::CatalogService& catalog,
                                 audit::AuditLog& audit, const core::Clock& clock)
    : db_(db), catalog_(catalog), audit_(audit), clock_(clock) {}

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
    return Error{ErrorKind::kForbidden, "forbidden",
                 "Only the providing department ingests records into its resource."};
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
  Ingest ingest(db_, resource, batch, options, clock_);
  Status ran = ingest.run(body, report.rejections);
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
    return Error{ErrorKind::kForbidden, "not_granted",
                 "Only the providing department and the data administrators read this; other "
                 "departments need a sharing grant."};
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
                                            std::int64_t after, int limit) {
  ZT_ASSIGN_OR_RETURN(Resource r, readable(actor, code));
  if (r.status == ResourceStatus::kDraft) {
    return Error::conflict("resource_not_published", "A draft resource has no change feed yet.");
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ChangePage page;
  ZT_ASSIGN_OR_RETURN(page.items, records::read_changes(conn, r.id, after, limit));
  ZT_ASSIGN_OR_RETURN(StorageState state, records::state(conn, r.id));
  page.last_seq = state.last_seq;
  page.next_cursor = page.items.empty() ? after : page.items.back().seq;
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
