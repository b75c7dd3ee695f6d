#include "exchange/corrections/service.h"

#include "db/transaction.h"
#include "exchange/ingest/service.h"
#include "exchange/records/service.h"
#include "exchange/records/store.h"
#include "identity/scope.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <map>
#include <set>

namespace zt::exchange {

using catalog::Resource;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxKeyBytes = 1000;

Error correction_not_found(std::int64_t id) {
  return Error::not_found("correction_not_found", fmt::format("No correction report {}.", id));
}

bool staff_like(const core::Principal& p) {
  return p.department_id.has_value() &&
         (p.kind == core::Principal::Kind::kApiClient || p.user_kind == "staff");
}

audit::AuditEntry event(const core::Principal& actor, std::string action, std::int64_t id,
                        const core::RequestContext& context, json::object detail) {
  audit::AuditEntry e =
      audit::AuditEntry::of(std::move(action), "correction", std::to_string(id), context);
  e.by(actor);
  e.detail = json::serialize(detail);
  return e;
}

json::array array_of(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items)
    a.emplace_back(s);
  return a;
}

}  // namespace

CorrectionService::CorrectionService(db::Database& db, catalog::CatalogService& catalog,
                                     SharingService& sharing, audit::AuditLog& audit,
                                     const core::Clock& clock)
    : db_(db), catalog_(catalog), sharing_(sharing), audit_(audit), clock_(clock) {}

Result<Correction> CorrectionService::report(const core::Principal& actor, CorrectionInput input,
                                             const core::RequestContext& context) {
  if (!staff_like(actor) || !actor.has_permission(permission::kQuery)) {
    return Error::forbidden("forbidden",
                            "Reporting a record as wrong needs a department and exchange.query.");
  }
  ZT_ASSIGN_OR_RETURN(Resource r, catalog_.find(input.resource_code));
  // The rules of reading decide who may report: 404 for what the actor may not know of (none,
  // drafts), 403 grant_required for a conditional resource without a grant.
  ZT_ASSIGN_OR_RETURN(Access access, sharing_.access(actor, r));
  if (r.department_id == *actor.department_id) {
    return Error::conflict("own_resource",
                           "The providing department corrects its own records by ingesting them.");
  }
  if (input.reason.empty() || input.reason.size() > kMaxCorrectionText) {
    return Error::invalid("invalid_body", fmt::format("\"reason\" is required (up to {} bytes).",
                                                      kMaxCorrectionText));
  }
  std::set<std::string> seen;
  for (const auto& name : input.fields) {
    std::size_t index = r.fields.size();
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      if (r.fields[i].name == name) index = i;
    }
    if (index == r.fields.size() || !access.can_read(index)) {
      return Error::invalid("invalid_fields",
                            fmt::format("'{}' is not a field of {} you may read.", name, r.code));
    }
    if (!seen.insert(name).second) {
      return Error::invalid("invalid_fields", fmt::format("'{}' is named twice.", name));
    }
  }
  if (input.record_key.empty() || input.record_key.size() > kMaxKeyBytes) {
    return Error::invalid("invalid_key",
                          fmt::format("The record key is 1 to {} bytes.", kMaxKeyBytes));
  }
  ZT_ASSIGN_OR_RETURN(auto key,
                      parse_record_key(r, input.record_key, core::china_date(clock_.now())));
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(auto found, records::find_record(conn, r, key));
    if (!found) {
      return Error::not_found("record_not_found",
                              fmt::format("No record {} in {}.", input.record_key, r.code));
    }
  }
  Correction c;
  c.resource_id = r.id;
  c.resource_code = r.code;
  c.resource_name = r.name;
  c.provider_department_id = r.department_id;
  c.reporter_department_id = *actor.department_id;
  c.record_key = std::move(input.record_key);
  c.fields = std::move(input.fields);
  c.reason = std::move(input.reason);
  c.reported_by = actor.id;
  c.reported_by_name = actor.name;
  c.reported_at = core::to_millis(clock_.now());
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(c.id, corrections::insert(conn, c));
  ZT_TRY(audit_.append(conn, event(actor, "exchange.correction.report", c.id, context,
                                   json::object{{"resource", r.code},
                                                {"key", c.record_key},
                                                {"fields", array_of(c.fields)},
                                                {"basis", to_string(access.basis)}})));
  ZT_TRY(tx.commit());
  return c;
}

Result<Correction> CorrectionService::answer(const core::Principal& actor, std::int64_t id,
                                             std::string outcome, std::string answer,
                                             const core::RequestContext& context) {
  if (outcome != "corrected" && outcome != "answered") {
    return Error::invalid("invalid_body", "\"outcome\" is corrected or answered.");
  }
  if (answer.empty() || answer.size() > kMaxCorrectionText) {
    return Error::invalid("invalid_body", fmt::format("\"answer\" is required (up to {} bytes).",
                                                      kMaxCorrectionText));
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto found, corrections::find(conn, id));
  const std::int64_t dept = actor.department_id.value_or(0);
  if (!found || (dept != found->provider_department_id && dept != found->reporter_department_id &&
                 !identity::has_city_scope(actor))) {
    return correction_not_found(id);
  }
  Correction c = std::move(*found);
  if (dept != c.provider_department_id || (!actor.has_permission(permission::kGrantsManage) &&
                                           !actor.has_permission(permission::kIngest))) {
    return Error::forbidden(
        "forbidden",
        "Only the providing department (exchange.grants.manage or exchange.ingest) answers.");
  }
  if (c.status != "open") {
    return Error::conflict("invalid_state", fmt::format("The report is {} already.", c.status));
  }
  c.status = std::move(outcome);
  c.answered_by = actor.id;
  c.answered_by_name = actor.name;
  c.answered_at = core::to_millis(clock_.now());
  c.answer = std::move(answer);
  ZT_TRY(corrections::update_answer(conn, c));
  ZT_ASSIGN_OR_RETURN(auto resource, catalog::store::find_resource_by_id(conn, c.resource_id));
  if (resource) {
    c.resource_code = resource->code;
    c.resource_name = resource->name;
  }
  ZT_TRY(audit_.append(conn, event(actor, "exchange.correction.answer", c.id, context,
                                   json::object{{"resource", c.resource_code},
                                                {"outcome", c.status},
                                                {"answer", c.answer}})));
  ZT_TRY(tx.commit());
  return c;
}

Status CorrectionService::fill(Correction& c) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, catalog::store::find_resource_by_id(conn, c.resource_id));
  if (found) {
    c.resource_code = found->code;
    c.resource_name = found->name;
  }
  return {};
}

Result<Correction> CorrectionService::get(const core::Principal& actor, std::int64_t id) {
  std::optional<Correction> found;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(found, corrections::find(conn, id));
  }
  const std::int64_t dept = actor.department_id.value_or(0);
  if (!found || (dept != found->provider_department_id && dept != found->reporter_department_id &&
                 !identity::has_city_scope(actor))) {
    return correction_not_found(id);
  }
  ZT_TRY(fill(*found));
  return std::move(*found);
}

Result<std::vector<Correction>> CorrectionService::list(const core::Principal& actor, bool inbox,
                                                        std::optional<std::string> status,
                                                        std::int64_t before, int limit) {
  if (!staff_like(actor))
    return Error::forbidden("forbidden", "Correction reports belong to departments.");
  if (status && *status != "open" && *status != "corrected" && *status != "answered") {
    return Error::invalid("invalid_status", "status is open, corrected or answered.");
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto list, corrections::list(conn, *actor.department_id, inbox,
                                                   std::move(status), before, limit));
  std::map<std::int64_t, std::optional<Resource>> resources;
  for (Correction& c : list) {
    auto it = resources.find(c.resource_id);
    if (it == resources.end()) {
      ZT_ASSIGN_OR_RETURN(auto found, catalog::store::find_resource_by_id(conn, c.resource_id));
      it = resources.emplace(c.resource_id, std::move(found)).first;
    }
    if (it->second) {
      c.resource_code = it->second->code;
      c.resource_name = it->second->name;
    }
  }
  return list;
}

}  // namespace zt::exchange
