#include "exchange/feed/service.h"

#include "exchange/records/access.h"
#include "exchange/records/service.h"
#include "exchange/records/store.h"

#include <fmt/format.h>
#include <boost/json.hpp>

namespace zt::exchange {

using catalog::Resource;
using catalog::ResourceStatus;

namespace {

// The text value of `field` in the change's JSON object, when it has one.
std::optional<std::string> subject_of(std::string_view data, std::string_view field) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(data, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto it = v.get_object().find(field);
  if (it == v.get_object().end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().get_string());
}

}  // namespace

ChangeFeedService::ChangeFeedService(db::Database& db, catalog::CatalogService& catalog,
                                     SharingService& sharing, audit::AuditLog& audit)
    : db_(db), catalog_(catalog), sharing_(sharing), audit_(audit) {}

Result<ChangePage> ChangeFeedService::changes(const core::Principal& actor, std::string_view code,
                                              std::int64_t after, int limit,
                                              std::optional<std::string> purpose,
                                              const core::RequestContext& context,
                                              std::string_view case_id) {
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
  // Whose changes these are, read before projection (a grant may leave the key out).
  audit::ReadSubjects subjects = read_subjects(r);
  if (const auto field = subject_field(r)) {
    for (const Change& c : page.items) {
      if (auto value = subject_of(c.data, r.fields[*field].name)) subjects.add(*value);
    }
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
    e.case_id = std::string(case_id);
    e.subjects = std::move(subjects);
    e.detail = boost::json::serialize(boost::json::object{{"basis", to_string(access.basis)},
                                                          {"first_seq", page.items.front().seq},
                                                          {"last_seq", page.items.back().seq},
                                                          {"count", page.items.size()}});
    ZT_TRY(audit_.append(std::move(e)));
  }
  return page;
}

}  // namespace zt::exchange
