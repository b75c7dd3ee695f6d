#include "exchange/ingest/service.h"

#include "db/transaction.h"
#include "exchange/ingest/store.h"
#include "exchange/records/access.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>

namespace zt::exchange {

using catalog::Resource;
using catalog::ResourceStatus;

namespace {

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

IngestService::IngestService(db::Database& db, catalog::CatalogService& catalog,
                             audit::AuditLog& audit, const core::CryptoProvider& crypto,
                             const core::Clock& clock, std::size_t max_uploads, std::string node_id)
    : db_(db),
      catalog_(catalog),
      audit_(audit),
      crypto_(crypto),
      clock_(clock),
      max_uploads_(max_uploads),
      node_id_(std::move(node_id)) {}

Result<std::int64_t> IngestService::interrupt_own_batches() {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  return batches::interrupt_node(conn, node_id_);
}

Result<IngestReport> IngestService::ingest(const core::Principal& actor, std::string_view code,
                                           const IngestOptions& options, const PieceSource& body,
                                           const core::RequestContext& context) {
  auto found = catalog_.find(code);
  if (!found.ok()) return std::move(found).error();
  const Resource resource = std::move(*found);
  if (!catalog::CatalogService::visible_to(actor, resource))
    return catalog::resource_not_found(code);
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
  batch.node_id = node_id_;
  batch.started_at = batch.heartbeat_at = now;

  // The body's SM3, taken as the pipeline reads it; finish_digest() reads what is left.
  ZT_ASSIGN_OR_RETURN(std::unique_ptr<core::Sm3Stream> digest, crypto_.sm3_stream());
  bool body_ended = false;
  const PieceSource hashed = [&](std::string& piece) -> Result<bool> {
    Result<bool> more = body(piece);
    if (!more.ok()) return more;
    if (*more) {
      ZT_TRY(digest->update(piece));
    } else {
      body_ended = true;
    }
    return more;
  };
  auto finish_digest = [&]() -> Result<std::string> {
    std::string piece;
    while (!body_ended) {
      ZT_TRY(hashed(piece));
    }
    ZT_ASSIGN_OR_RETURN(const std::string sum, digest->finish());
    return core::to_hex(sum);
  };

  std::optional<Batch> replay;  // a finished batch with this Idempotency-Key
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
        replay = std::move(earlier);
      } else if (earlier->status == "running") {
        return Error::conflict("idempotency_key_in_use",
                               "An upload with this Idempotency-Key is still running.");
      } else {
        if (earlier->attempt >= kMaxBatchAttempts) {
          return Error::conflict(
              "too_many_attempts",
              fmt::format("Batch {} was tried {} times; upload with a new Idempotency-Key.",
                          earlier->id, earlier->attempt + 1));
        }
        batch.id = earlier->id;
        batch.attempt = earlier->attempt + 1;
        // The changes the interrupted run appended belong to this batch: its range starts there.
        batch.first_seq = earlier->first_seq;
        batch.last_seq = earlier->last_seq;
        ZT_ASSIGN_OR_RETURN(const bool taken, batches::restart(conn, batch));
        if (!taken) {
          return Error::conflict("idempotency_key_in_use",
                                 "An upload with this Idempotency-Key is still running.");
        }
      }
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
    if (!replay) ZT_TRY(tx.commit());
  }
  if (replay) {
    // The same key promises the same body: compared by digest (read outside the transaction, so
    // that a slow client holds no lock). Batches from before digests were kept replay as before.
    if (!replay->body_digest.empty()) {
      ZT_ASSIGN_OR_RETURN(const std::string sent, finish_digest());
      if (sent != replay->body_digest) {
        return Error{ErrorKind::kUnprocessable, "idempotency_key_reused",
                     fmt::format("Batch {} was made with this Idempotency-Key from another body; "
                                 "use a new key for new rows.",
                                 replay->id)};
      }
    }
    IngestReport report;
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(report.rejections,
                        batches::rejections(conn, replay->id, 0, kReportRejections));
    report.batch = std::move(*replay);
    report.batch.resource_code = resource.code;
    report.replayed = true;
    return report;
  }

  IngestReport report;
  Status ran = run_ingest(db_, resource, batch, options, clock_, hashed, report.rejections);
  if (ran.ok()) {
    // A client that leaves now loses nothing applied; the batch is then kept without a digest.
    if (auto sum = finish_digest(); sum.ok()) batch.body_digest = *sum;
  }
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
    audit::AuditEntry entry =
        audit::AuditEntry::of("exchange.ingest", "resource", resource.code, context);
    entry.by(actor);
    entry.outcome = ran.ok() ? "success" : "failure";
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

Result<std::vector<Batch>> IngestService::batches(const core::Principal& actor,
                                                  std::string_view code, std::int64_t before,
                                                  int limit) {
  ZT_ASSIGN_OR_RETURN(Resource r, readable_by_provider(catalog_, actor, code));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto list, batches::list(conn, r.id, before, limit));
  const std::int64_t now = core::to_millis(clock_.now());
  for (Batch& b : list) {
    b.resource_code = r.code;
    settle(b, now);
  }
  return list;
}

Result<IngestReport> IngestService::batch(const core::Principal& actor, std::string_view code,
                                          std::int64_t batch_id) {
  ZT_ASSIGN_OR_RETURN(Resource r, readable_by_provider(catalog_, actor, code));
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

Result<std::vector<Rejection>> IngestService::rejections(const core::Principal& actor,
                                                         std::string_view code,
                                                         std::int64_t batch_id,
                                                         std::uint64_t after_line, int limit) {
  ZT_ASSIGN_OR_RETURN(Resource r, readable_by_provider(catalog_, actor, code));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, batches::find(conn, batch_id));
  if (!found || found->resource_id != r.id) {
    return Error::not_found("batch_not_found", fmt::format("No batch {} of {}.", batch_id, code));
  }
  return batches::rejections(conn, batch_id, after_line, limit);
}

}  // namespace zt::exchange
