// ChangeFeedService: the change feed (数据交换) of a published resource — every applied change
// in sequence order, read by cursor, as the reader may see it.
//
// Access follows the sharing rules (sharing/service.h, records/access.h): the providing
// department reads every change whole; other departments under their access (unconditional
// resources, or a grant), each record projected to the readable fields and personal values
// masked; share_type none and invisible resources are 404 "resource_not_found".
//
// Every page with changes writes an audit record "exchange.changes.read" (purpose: the given
// one, else the grant's, else "数据交换"; the case: X-Case-Id). On a resource keyed by
// id_number or uscc it names the subject of every change on the page (records/service.h
// subject_field), so each person or enterprise finds the read under 谁用了我的数据.
//
// Errors: 403 "forbidden", "grant_required" (the access errors); 404 "resource_not_found";
// 409 "resource_not_published" (a draft has no feed); database errors.
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "audit/service.h"
#include "catalog/service.h"
#include "core/principal.h"
#include "db/database.h"
#include "exchange/feed/model.h"
#include "exchange/sharing/service.h"
#include "identity/model.h"

#include <optional>
#include <string>

namespace zt::exchange {

class ChangeFeedService {
 public:
  ChangeFeedService(db::Database& db, catalog::CatalogService& catalog, SharingService& sharing,
                    audit::AuditLog& audit);

  // Changes with seq > after, oldest first, at most `limit`, projected and masked for the
  // reader. Success: the page, its next cursor (= after when empty) and the resource's last_seq.
  // case_id: the 办件编号 the read serves (X-Case-Id), kept in the audit record.
  Result<ChangePage> changes(const core::Principal& actor, std::string_view code,
                             std::int64_t after, int limit, std::optional<std::string> purpose,
                             const core::RequestContext& context, std::string_view case_id = {});

 private:
  db::Database& db_;
  catalog::CatalogService& catalog_;
  SharingService& sharing_;
  audit::AuditLog& audit_;
};

}  // namespace zt::exchange
