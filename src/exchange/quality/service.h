// QualityService: the data-quality figures (数据质量) of published resources — record count,
// freshness against the update cycle, completeness and validity per field, rows and rejections
// per day over the last 30 days, duplicate keys, and open 纠错 reports. Record count and
// completeness come from counts the record store keeps as chunks are applied (state row,
// records::filled_counts), so a report reads a few rows whatever the resource's size.
//
// Reading: the providing department and city-scope principals (oversight: counts, never values);
// others get 404 for resources they cannot see in the catalog and 403 "not_granted" otherwise
// (figures_readable_by, records/access.h).
//
// Errors: 403 "not_granted"; 404 "resource_not_found"; 409 "resource_not_published"; database
// errors.
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "catalog/service.h"
#include "core/principal.h"
#include "core/time.h"
#include "db/database.h"
#include "exchange/quality/model.h"

#include <vector>

namespace zt::exchange {

class QualityService {
 public:
  QualityService(db::Database& db, catalog::CatalogService& catalog, const core::Clock& clock);

  // One resource's report, with the per-field part.
  Result<QualityReport> quality(const core::Principal& actor, std::string_view code);
  // Every published resource the principal may read figures of (own department, or all with
  // city scope), without the per-field part.
  Result<std::vector<QualityReport>> quality_overview(const core::Principal& actor);

 private:
  Result<QualityReport> figures(db::Connection& conn, const catalog::Resource& r, bool with_fields);

  db::Database& db_;
  catalog::CatalogService& catalog_;
  const core::Clock& clock_;
};

}  // namespace zt::exchange
