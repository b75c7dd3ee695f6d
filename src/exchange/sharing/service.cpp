#include "exchange/sharing/service.h"

#include "db/transaction.h"
#include "identity/scope.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace zt::exchange {

using catalog::Resource;

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

Error request_not_found(std::int64_t id) {
  return Error::not_found("request_not_found", fmt::format("No sharing request {}.", id));
}

Error grant_not_found(std::int64_t id) {
  return Error::not_found("grant_not_found", fmt::format("No grant {}.", id));
}

audit::AuditEntry event(const core::Principal& actor, std::string action, std::string type,
                        std::int64_t id, const core::RequestContext& context, std::string detail) {
  audit::AuditEntry e =
      audit::AuditEntry::of(std::move(action), std::move(type), std::to_string(id), context);
  e.by(actor);
  e.detail = std::move(detail);
  return e;
}

boost::json::array array_of(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const auto& s : items)
    a.emplace_back(s);
  return a;
}

bool staff_like(const core::Principal& p) {
  return p.department_id.has_value() &&
         (p.kind == core::Principal::Kind::kApiClient || p.user_kind == "staff");
}

}  // namespace

SharingService::SharingService(db::Database& db, catalog::CatalogService& catalog,
                               identity::DepartmentService& departments, audit::AuditLog& audit,
                               const core::Clock& clock)
    : db_(db), catalog_(catalog), departments_(departments), audit_(audit), clock_(clock) {}

const std::string& SharingService::department_name(std::int64_t id, DepartmentNames& names) {
  auto [it, fresh] = names.try_emplace(id);
  if (fresh) {
    auto found = departments_.find_department(id);
    if (found.ok()) it->second = std::move(found->name);
  }
  return it->second;
}

Status SharingService::fill(SharingRequest& r, DepartmentNames& names) {
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(auto found, catalog::store::find_resource_by_id(conn, r.resource_id));
    if (found) {
      r.resource_code = found->code;
      r.resource_name = found->name;
    }
  }
  r.consumer_department_name = department_name(r.consumer_department_id, names);
  r.provider_department_name = department_name(r.provider_department_id, names);
  return {};
}

Status SharingService::fill(Grant& g, DepartmentNames& names) {
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(auto found, catalog::store::find_resource_by_id(conn, g.resource_id));
    if (found) g.resource_code = found->code;
  }
  g.consumer_department_name = department_name(g.consumer_department_id, names);
  g.provider_department_name = department_name(g.provider_department_id, names);
  return {};
}

Result<SharingRequest> SharingService::file_request(const core::Principal& actor,
                                                    RequestInput input,
                                                    const core::RequestContext& context) {
  if (!staff_like(actor) || !actor.has_permission(permission::kQuery)) {
    return Error::forbidden("forbidden",
                            "Filing a sharing request needs a department and exchange.query.");
  }
  ZT_ASSIGN_OR_RETURN(Resource r, catalog_.get(actor, input.resource_code));
  if (r.department_id == *actor.department_id) {
    return Error::conflict("own_resource", "A department reads its own resources without a grant.");
  }
  if (r.status != catalog::ResourceStatus::kPublished) {
    return Error::conflict("invalid_state", "Only published resources can be requested.");
  }
  if (r.share_type != catalog::ShareType::kConditional) {
    return Error::conflict("no_grant_needed",
                           "This resource is shared unconditionally: read it without a request.");
  }
  auto bad = [](std::string d) { return Error::invalid("invalid_body", std::move(d)); };
  if (input.purpose.empty() || input.purpose.size() > 1000) {
    return bad("\"purpose\" (用途) is required, up to 1000 bytes.");
  }
  if (input.legal_basis.empty() || input.legal_basis.size() > 1000) {
    return bad("\"legal_basis\" (依据) is required, up to 1000 bytes.");
  }
  if (input.duration_days < 1 || input.duration_days > kMaxGrantDays) {
    return bad(fmt::format("\"duration_days\" must be 1 to {}.", kMaxGrantDays));
  }
  if (input.fields.empty()) {
    for (const auto& f : r.fields)
      input.fields.push_back(f.name);
  }
  std::set<std::string> seen;
  for (const auto& f : input.fields) {
    if (!r.field(f)) {
      return Error::invalid("invalid_fields", fmt::format("'{}' is not a field of {}.", f, r.code));
    }
    if (!seen.insert(f).second) {
      return Error::invalid("invalid_fields", fmt::format("'{}' is asked twice.", f));
    }
  }
  SharingRequest req;
  req.resource_id = r.id;
  req.resource_code = r.code;
  req.resource_name = r.name;
  req.consumer_department_id = *actor.department_id;
  req.provider_department_id = r.department_id;
  req.purpose = std::move(input.purpose);
  req.legal_basis = std::move(input.legal_basis);
  req.fields = std::move(input.fields);
  req.duration_days = input.duration_days;
  req.requested_by = actor.id;
  req.requested_by_name = actor.name;
  req.requested_at = core::to_millis(clock_.now());
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(req.id, sharing::insert_request(conn, req));
  ZT_TRY(audit_.append(
      conn, event(actor, "exchange.sharing.request", "sharing_request", req.id, context,
                  boost::json::serialize(boost::json::object{{"resource", r.code},
                                                             {"fields", array_of(req.fields)},
                                                             {"purpose", req.purpose}}))));
  ZT_TRY(tx.commit());
  return req;
}

Result<SharingRequest> SharingService::decided(const core::Principal& actor,
                                               std::int64_t request_id, std::string status,
                                               Decision* decision, std::string reason,
                                               const core::RequestContext& context) {
  const bool withdrawing = status == "withdrawn";
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto found, sharing::find_request(conn, request_id));
  if (!found) return request_not_found(request_id);
  SharingRequest req = std::move(*found);
  const std::int64_t dept = actor.department_id.value_or(0);
  if (dept != req.provider_department_id && dept != req.consumer_department_id) {
    return request_not_found(request_id);
  }
  if (withdrawing) {
    if (dept != req.consumer_department_id || !actor.has_permission(permission::kQuery)) {
      return Error::forbidden("forbidden", "Only the requesting department withdraws its request.");
    }
  } else if (dept != req.provider_department_id ||
             !actor.has_permission(permission::kGrantsManage)) {
    return Error::forbidden(
        "forbidden",
        "Only the providing department's administrator (exchange.grants.manage) decides.");
  }
  if (req.status != "pending") {
    return Error::conflict("invalid_state", fmt::format("The request is {} already.", req.status));
  }
  const std::int64_t now = core::to_millis(clock_.now());
  ZT_ASSIGN_OR_RETURN(auto resource, catalog::store::find_resource_by_id(conn, req.resource_id));
  if (!resource) return Error::not_found("resource_not_found", "The resource is gone.");
  if (decision) {
    std::vector<std::string> fields = decision->fields.empty() ? req.fields : decision->fields;
    for (const auto& f : fields) {
      if (std::find(req.fields.begin(), req.fields.end(), f) == req.fields.end()) {
        return Error::invalid("invalid_fields",
                              fmt::format("'{}' was not asked for; grant only asked fields.", f));
      }
    }
    for (const auto& f : decision->unmasked) {
      const catalog::Field* field = resource->field(f);
      if (std::find(fields.begin(), fields.end(), f) == fields.end() || !field ||
          !field->personal) {
        return Error::invalid(
            "invalid_fields",
            fmt::format("'{}' cannot be unmasked: only granted personal fields can.", f));
      }
    }
    // An approval may shorten what was asked for, never lengthen it: the consumer's leader signed
    // the request for its duration.
    const std::int64_t days = decision->duration_days.value_or(req.duration_days);
    if (days < 1 || days > kMaxGrantDays) {
      return Error::invalid("invalid_body",
                            fmt::format("\"duration_days\" must be 1 to {}.", kMaxGrantDays));
    }
    if (days > req.duration_days) {
      return Error::invalid("duration_exceeds_request",
                            fmt::format("The request asked for {} days; an approval may shorten "
                                        "that, never lengthen it.",
                                        req.duration_days));
    }
    Grant g;
    g.request_id = req.id;
    g.resource_id = req.resource_id;
    g.consumer_department_id = req.consumer_department_id;
    g.provider_department_id = req.provider_department_id;
    g.fields = std::move(fields);
    g.unmasked = decision->unmasked;
    g.purpose = req.purpose;
    g.starts_at = now;
    g.expires_at = now + days * kDayMs;
    if (decision->expires_at) {
      if (*decision->expires_at <= now) {
        return Error::invalid("invalid_body", "\"expires_at\" must be in the future.");
      }
      if (*decision->expires_at > now + req.duration_days * kDayMs) {
        return Error::invalid("duration_exceeds_request",
                              fmt::format("\"expires_at\" lies beyond the {} days the request "
                                          "asked for.",
                                          req.duration_days));
      }
      g.expires_at = *decision->expires_at;
    }
    ZT_ASSIGN_OR_RETURN(g.id, sharing::insert_grant(conn, g));
    ZT_TRY(sharing::bump_grant_version(conn));
    req.grant_id = g.id;
  }
  req.status = std::move(status);
  req.decided_by = actor.id;
  req.decided_by_name = actor.name;
  req.decided_at = now;
  req.decision_reason = std::move(reason);
  ZT_TRY(sharing::update_request(conn, req));
  ZT_TRY(audit_.append(
      conn, event(actor, "exchange.sharing." + req.status, "sharing_request", req.id, context,
                  boost::json::serialize(boost::json::object{
                      {"resource", resource->code},
                      {"grant_id", req.grant_id ? boost::json::value(*req.grant_id)
                                                : boost::json::value(nullptr)},
                      {"reason", req.decision_reason}}))));
  ZT_TRY(tx.commit());
  req.resource_code = resource->code;
  req.resource_name = resource->name;
  return req;
}

Result<SharingRequest> SharingService::approve(const core::Principal& actor,
                                               std::int64_t request_id, Decision decision,
                                               const core::RequestContext& context) {
  return decided(actor, request_id, "approved", &decision, "", context);
}

Result<SharingRequest> SharingService::reject(const core::Principal& actor, std::int64_t request_id,
                                              std::string reason,
                                              const core::RequestContext& context) {
  if (reason.empty() || reason.size() > 1000) {
    return Error::invalid("invalid_body", "\"reason\" is required (up to 1000 bytes).");
  }
  return decided(actor, request_id, "rejected", nullptr, std::move(reason), context);
}

Result<SharingRequest> SharingService::withdraw(const core::Principal& actor,
                                                std::int64_t request_id,
                                                const core::RequestContext& context) {
  return decided(actor, request_id, "withdrawn", nullptr, "", context);
}

Result<SharingRequest> SharingService::get_request(const core::Principal& actor,
                                                   std::int64_t request_id) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, sharing::find_request(conn, request_id));
  const std::int64_t dept = actor.department_id.value_or(0);
  if (!found || (dept != found->provider_department_id && dept != found->consumer_department_id &&
                 !identity::has_city_scope(actor))) {
    return request_not_found(request_id);
  }
  ZT_TRY(fill(*found));
  return std::move(*found);
}

Result<std::vector<SharingRequest>> SharingService::requests(const core::Principal& actor,
                                                             bool inbox,
                                                             std::optional<std::string> status,
                                                             std::int64_t before, int limit) {
  if (!staff_like(actor))
    return Error::forbidden("forbidden", "Sharing requests belong to departments.");
  std::vector<SharingRequest> list;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(list, sharing::list_requests(conn, *actor.department_id, inbox,
                                                     std::move(status), before, limit));
  }
  DepartmentNames names;
  for (auto& r : list)
    ZT_TRY(fill(r, names));
  return list;
}

Result<std::vector<Grant>> SharingService::grants(const core::Principal& actor, bool inbox,
                                                  std::int64_t before, int limit) {
  if (!staff_like(actor)) return Error::forbidden("forbidden", "Grants belong to departments.");
  std::vector<Grant> list;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(list,
                        sharing::list_grants(conn, *actor.department_id, inbox, before, limit));
  }
  DepartmentNames names;
  for (auto& g : list)
    ZT_TRY(fill(g, names));
  return list;
}

Result<Grant> SharingService::get_grant(const core::Principal& actor, std::int64_t grant_id) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, sharing::find_grant(conn, grant_id));
  const std::int64_t dept = actor.department_id.value_or(0);
  if (!found || (dept != found->provider_department_id && dept != found->consumer_department_id &&
                 !identity::has_city_scope(actor))) {
    return grant_not_found(grant_id);
  }
  ZT_TRY(fill(*found));
  return std::move(*found);
}

Result<Grant> SharingService::revoke(const core::Principal& actor, std::int64_t grant_id,
                                     std::string reason, const core::RequestContext& context) {
  if (reason.empty() || reason.size() > 1000) {
    return Error::invalid("invalid_body", "\"reason\" is required (up to 1000 bytes).");
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto found, sharing::find_grant(conn, grant_id));
  const std::int64_t dept = actor.department_id.value_or(0);
  if (!found || (dept != found->provider_department_id && dept != found->consumer_department_id)) {
    return grant_not_found(grant_id);
  }
  Grant g = std::move(*found);
  if (dept != g.provider_department_id || !actor.has_permission(permission::kGrantsManage)) {
    return Error::forbidden(
        "forbidden",
        "Only the providing department's administrator (exchange.grants.manage) revokes.");
  }
  const std::int64_t now = core::to_millis(clock_.now());
  if (g.status(now) != "active") {
    return Error::conflict("invalid_state", fmt::format("The grant is {}.", g.status(now)));
  }
  g.revoked_at = now;
  g.revoked_by = actor.id;
  g.revoke_reason = std::move(reason);
  ZT_TRY(sharing::revoke_grant(conn, g));
  ZT_TRY(sharing::bump_grant_version(conn));
  ZT_TRY(audit_.append(
      conn, event(actor, "exchange.grant.revoke", "grant", g.id, context,
                  boost::json::serialize(boost::json::object{{"reason", g.revoke_reason}}))));
  ZT_TRY(tx.commit());
  ZT_TRY(fill(g));
  return g;
}

Result<Access> SharingService::decide(db::Connection& conn, std::int64_t department_id,
                                      const Resource& r, std::int64_t now,
                                      std::int64_t& valid_until) {
  valid_until = INT64_MAX;
  if (department_id == r.department_id) return Access::provider(r);
  if (r.share_type == catalog::ShareType::kNone || r.status == catalog::ResourceStatus::kDraft) {
    return catalog::resource_not_found(r.code);
  }
  if (r.share_type == catalog::ShareType::kUnconditional) {
    return Access::unconditional(r);
  }
  ZT_ASSIGN_OR_RETURN(auto grants, sharing::active_grants(conn, department_id, r.id, now));
  if (grants.empty()) {
    return Error::forbidden(
        "grant_required",
        fmt::format("{} is shared on conditions: file a sharing request and read it "
                    "once the provider grants it.",
                    r.code));
  }
  Access a;
  a.basis = Access::Basis::kGrant;
  a.readable.assign(r.fields.size(), false);
  a.unmasked.assign(r.fields.size(), false);
  for (const Grant& g : grants) {
    valid_until = std::min(valid_until, g.expires_at);
    if (!a.grant_id) {
      a.grant_id = g.id;
      a.purpose = g.purpose;
    }
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      const auto& name = r.fields[i].name;
      if (std::find(g.fields.begin(), g.fields.end(), name) != g.fields.end()) {
        a.readable[i] = true;
      }
      if (std::find(g.unmasked.begin(), g.unmasked.end(), name) != g.unmasked.end()) {
        a.unmasked[i] = true;
      }
    }
  }
  return a;
}

Result<Access> SharingService::access_for_department(std::int64_t department_id,
                                                     const Resource& r) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(std::int64_t version, sharing::grant_version(conn));
  const std::int64_t now = core::to_millis(clock_.now());
  const auto key = std::make_pair(department_id, r.id);
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.grant_version == version &&
        it->second.resource_version == r.version && now < it->second.valid_until) {
      return it->second.access;
    }
  }
  std::int64_t valid_until = 0;
  Result<Access> decided = decide(conn, department_id, r, now, valid_until);
  if (decided.ok() || decided.error().kind != ErrorKind::kInternal) {
    std::lock_guard lock(mutex_);
    cache_[key] = CacheEntry{decided, r.version, version, valid_until};
  }
  return decided;
}

Result<Access> SharingService::access(const core::Principal& actor, const Resource& r) {
  if (!staff_like(actor)) {
    return Error::forbidden("forbidden",
                            "Shared data is read by government departments and their systems.");
  }
  return access_for_department(*actor.department_id, r);
}

Result<sharing::GrantCounts> SharingService::grant_counts(std::int64_t resource_id) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  const std::int64_t now = core::to_millis(clock_.now());
  return sharing::grant_counts(conn, resource_id, now, now + 30 * kDayMs);
}

}  // namespace zt::exchange
