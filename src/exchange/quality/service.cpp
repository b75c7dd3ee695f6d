#include "exchange/quality/service.h"

#include "exchange/corrections/store.h"
#include "exchange/ingest/store.h"
#include "exchange/records/access.h"
#include "exchange/records/store.h"
#include "identity/scope.h"

namespace zt::exchange {

using catalog::Resource;
using catalog::ResourceStatus;

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

}  // namespace

QualityService::QualityService(db::Database& db, catalog::CatalogService& catalog,
                               const core::Clock& clock)
    : db_(db), catalog_(catalog), clock_(clock) {}

Result<QualityReport> QualityService::figures(db::Connection& conn, const Resource& r,
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

Result<QualityReport> QualityService::quality(const core::Principal& actor, std::string_view code) {
  ZT_ASSIGN_OR_RETURN(Resource r, figures_readable_by(catalog_, actor, code));
  if (r.status == ResourceStatus::kDraft) {
    return Error::conflict("resource_not_published", "A draft resource has no records yet.");
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  return figures(conn, r, true);
}

Result<std::vector<QualityReport>> QualityService::quality_overview(const core::Principal& actor) {
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
