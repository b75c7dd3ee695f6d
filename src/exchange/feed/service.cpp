#include "exchange/feed/service.h"

#include "exchange/records/access.h"
#include "exchange/records/store.h"

#include <fmt/format.h>
#include <boost/json.hpp>

namespace zt::exchange {

using catalog::Resource;
using catalog::ResourceStatus;

ChangeFeedService::ChangeFeedService(db::Database& db, catalog::CatalogService& catalog,
                                     SharingService& sharing, audit::AuditLog& audit)
    : db_(db), catalog_(catalog), sharing_(sharing), audit_(audit) {}

Result<ChangePage> ChangeFeedService::changes(const core::Principal& actor, std::string_view code,
                                              std::int64_t after, int limit,
                                              std::optional<std::string> purpose,
                                              const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(Resource r, catalog_.find(code));
  if (r.status == ResourceStatus::kDraft) {
    if (!catalog::CatalogService::visible_to(actor, r)) return catalog::resource_not_found(code);
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
    audit::AuditEntry e =
        audit::AuditEntry::of("exchange.changes.read", "resource", r.code, context);
    e.by(actor);
    e.purpose = purpose && !purpose->empty() ? *purpose
                : !access.purpose.empty()    ? access.purpose
                                             : std::string("数据交换");
    e.detail = boost::json::serialize(boost::json::object{{"basis", to_string(access.basis)},
                                                          {"first_seq", page.items.front().seq},
                                                          {"last_seq", page.items.back().seq},
                                                          {"count", page.items.size()}});
    ZT_TRY(audit_.append(std::move(e)));
  }
  return page;
}

}  // namespace zt::exchange
