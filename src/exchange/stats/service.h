// StatsService: the exchange figures the dashboards show (GET /api/v1/exchange/stats) — per
// published resource and per department, over the last N days (Beijing time): reads and
// change-feed deliveries per day, grants active and expiring within 30 days, open 纠错 reports
// and record counts.
//
// Reads and deliveries are counted from the audit log's daily counts (audit/daily_counts.h, kept
// as records are appended), where every read path writes its record:
// reads are key lookups (exchange.record.read), filtered queries (exchange.records.query) and
// exports (exchange.records.export), one per request; deliveries are change-feed pages pulled
// (exchange.changes.read) and webhook batches delivered (exchange.webhook.deliver, successful
// ones). Reads count with the resource read, whoever read it (the provider's own reads too).
// Reads written through the group-commit writer show once it has flushed (within 200 ms).
//
// Who sees what: the figures of the resources of the caller's own department; with city scope
// (data_admin, leader) of every published resource. Departments: the caller's own, or with city
// scope every department that provides a published resource or holds an active grant. A
// department's reads, deliveries and open reports are those of the resources it provides;
// grants_given are the active grants on them, grants_held those it holds on others'.
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "audit/service.h"
#include "catalog/service.h"
#include "core/principal.h"
#include "core/time.h"
#include "db/database.h"
#include "exchange/stats/model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace zt::identity {
class IdentityService;
}

namespace zt::exchange {

class StatsService {
 public:
  StatsService(db::Database& db, catalog::CatalogService& catalog,
               identity::IdentityService& identity, audit::AuditLog& audit,
               const core::Clock& clock);

  // The figures of the last `days` days (today included). Failure: 400 "invalid_days" outside
  // 1..kMaxStatsDays; database errors.
  Result<ExchangeStats> stats(const core::Principal& actor, int days);

 private:
  db::Database& db_;
  catalog::CatalogService& catalog_;
  identity::IdentityService& identity_;
  audit::AuditLog& audit_;
  const core::Clock& clock_;
};

}  // namespace zt::exchange
