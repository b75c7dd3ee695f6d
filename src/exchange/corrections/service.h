// CorrectionService: correction reports (数据纠错/异议). A department that may read a record of
// another department's resource reports it as wrong, with a reason and optionally the fields it
// thinks wrong; the providing department sees the report in its inbox, corrects the record (by
// ingesting the fixed row through the normal ingest route) or answers, and closes the report as
// "corrected" or "answered" with an answer the reporter sees in its outbox. Open reports count in
// the resource's quality figures (QualityService, StatsService).
//
// Who: reporting needs exchange.query, a department other than the provider, and read access to
// the resource under the sharing rules (records/access.h): a `none` resource is 404, a conditional
// one without a grant 403 "grant_required". The named fields must be ones the reporter may read.
// The record must exist (404 "record_not_found"); the report keeps its key as given and never
// the record's values. Answering: the providing department, with exchange.grants.manage or
// exchange.ingest. Reading a report: the reporting and the providing department, and city scope.
// Every change writes an audit record (exchange.correction.report / .answer).
//
// Errors: 400 "invalid_body", "invalid_fields", "invalid_key", "invalid_status"; 403
// "forbidden", "grant_required"; 404 "resource_not_found", "record_not_found",
// "correction_not_found"; 409 "own_resource", "invalid_state".
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "audit/service.h"
#include "catalog/service.h"
#include "core/principal.h"
#include "core/time.h"
#include "db/database.h"
#include "exchange/corrections/model.h"
#include "exchange/corrections/store.h"
#include "exchange/sharing/service.h"
#include "identity/model.h"

namespace zt::exchange {

class CorrectionService {
 public:
  CorrectionService(db::Database& db, catalog::CatalogService& catalog, SharingService& sharing,
                    audit::AuditLog& audit, const core::Clock& clock);

  // Files an open report. Success: the report.
  Result<Correction> report(const core::Principal& actor, CorrectionInput input,
                            const core::RequestContext& context);
  // Closes an open report: outcome "corrected" (the record was fixed) or "answered" (it stands,
  // and `answer` says why). Failure beyond the above: 409 "invalid_state" when already closed.
  Result<Correction> answer(const core::Principal& actor, std::int64_t id, std::string outcome,
                            std::string answer, const core::RequestContext& context);
  Result<Correction> get(const core::Principal& actor, std::int64_t id);
  // inbox: reports on resources the actor's department provides; otherwise those it filed.
  // status: open, corrected or answered (nullopt: all). Newest first, id < before (0: newest).
  Result<std::vector<Correction>> list(const core::Principal& actor, bool inbox,
                                       std::optional<std::string> status, std::int64_t before,
                                       int limit);

 private:
  Status fill(Correction& correction);

  db::Database& db_;
  catalog::CatalogService& catalog_;
  SharingService& sharing_;
  audit::AuditLog& audit_;
  const core::Clock& clock_;
};

}  // namespace zt::exchange
