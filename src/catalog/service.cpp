#include "catalog/service.h"

#include "catalog/json.h"
#include "db/transaction.h"
#include "identity/department_service.h"
#include "identity/scope.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <chrono>
#include <map>

namespace zt::catalog {

Error resource_not_found(std::string_view code) {
  return Error::not_found("resource_not_found", fmt::format("No resource {}.", code));
}

namespace {

audit::AuditEntry event(const core::Principal& actor, std::string action, const Resource& r,
                        const core::RequestContext& context, std::string detail = {}) {
  audit::AuditEntry e = audit::AuditEntry::of(std::move(action), "resource", r.code, context);
  e.by(actor);
  e.detail = std::move(detail);
  return e;
}

std::string changes_detail(const std::vector<std::string>& changes, std::int64_t version) {
  boost::json::array a;
  for (const auto& c : changes)
    a.emplace_back(c);
  return boost::json::serialize(boost::json::object{{"version", version}, {"changes", a}});
}

std::string today(const core::Clock& clock) {
  const auto d = core::china_date(clock.now());
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

}  // namespace

CatalogService::CatalogService(db::Database& db, audit::AuditLog& audit, const core::Clock& clock,
                               identity::DepartmentService& departments, SchemaHook schema_hook)
    : db_(db),
      audit_(audit),
      clock_(clock),
      departments_(departments),
      schema_hook_(std::move(schema_hook)) {}

bool CatalogService::visible_to(const core::Principal& actor, const Resource& r) {
  if (identity::has_city_scope(actor)) return true;
  if (actor.department_id && *actor.department_id == r.department_id) return true;
  if (!actor.has_permission(permission::kRead)) return false;
  return r.status != ResourceStatus::kDraft && r.share_type != ShareType::kNone;
}

bool CatalogService::may_write(const core::Principal& actor, const Resource& r) {
  if (actor.has_permission(permission::kManage)) return true;
  return actor.has_permission(permission::kPublish) && actor.department_id &&
         *actor.department_id == r.department_id;
}

Status CatalogService::fill_department_name(Resource& r) {
  auto d = departments_.find_department(r.department_id);
  if (d.ok()) r.department_name = d->name;
  return {};
}

Status CatalogService::validate(Resource& r) {
  ZT_TRY(check_resource_code(r.code));
  auto bad = [](std::string detail) { return Error::invalid("invalid_body", std::move(detail)); };
  if (r.name.empty() || r.name.size() > 300) return bad("\"name\" is required (up to 300 bytes).");
  if (r.summary.size() > 4000) return bad("\"summary\" is at most 4000 bytes.");
  if (r.format.empty() || r.format.size() > 100) return bad("\"format\" must be 1-100 bytes.");
  if (r.share_condition.size() > 2000 || r.open_condition.size() > 2000) {
    return bad("Sharing and opening conditions are at most 2000 bytes.");
  }
  if (r.share_type == ShareType::kConditional && r.share_condition.empty()) {
    return bad("A conditional resource needs a \"share_condition\" (the sharing condition).");
  }
  if (r.open_type == OpenType::kConditional && r.open_condition.empty()) {
    return bad("A conditionally open resource needs an \"open_condition\".");
  }
  if (r.keywords.size() > 20 || r.related.size() > 50) {
    return bad("At most 20 keywords and 50 related resources.");
  }
  for (const auto& k : r.keywords) {
    if (k.empty() || k.size() > 100) return bad("Keywords are 1-100 bytes each.");
  }
  for (const auto& code : r.related) {
    if (!check_resource_code(code).ok()) {
      return bad(fmt::format("Related resource '{}' is not a resource code.", code));
    }
  }
  return normalise_fields(r.fields);
}

Result<Resource> CatalogService::create(const core::Principal& actor, Resource input,
                                        const core::RequestContext& context) {
  const bool manager = actor.has_permission(permission::kManage);
  if (!manager && !actor.has_permission(permission::kPublish)) {
    return Error::forbidden(
        "forbidden", "Creating a resource needs catalog.resources.publish or catalog.manage.");
  }
  if (input.department_id == 0) {
    if (!actor.department_id) {
      return Error::invalid("invalid_department",
                            "Name the providing department (\"department_id\").");
    }
    input.department_id = *actor.department_id;
  } else if (!manager && input.department_id != actor.department_id.value_or(0)) {
    return Error::forbidden("forbidden", "A department publishes its own resources only.");
  }
  if (!departments_.find_department(input.department_id).ok()) {
    return Error::invalid("invalid_department",
                          fmt::format("No department {}.", input.department_id));
  }
  ZT_TRY(validate(input));
  const std::int64_t now = core::to_millis(clock_.now());
  input.id = 0;
  input.status = ResourceStatus::kDraft;
  input.version = 1;
  input.publish_date.reset();
  input.created_by = actor.id;
  input.created_at = input.updated_at = now;
  input.published_at.reset();
  input.retired_at.reset();

  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(input.id, store::insert_resource(conn, input));
  ZT_TRY(fill_department_name(input));
  ZT_TRY(store::insert_version(conn,
                               {.version = 1,
                                .action = "create",
                                .changes = {"created"},
                                .changed_by = actor.id,
                                .changed_at = now,
                                .snapshot = boost::json::serialize(to_json(input))},
                               input.id));
  ZT_TRY(audit_.append(conn, event(actor, "catalog.resource.create", input, context)));
  ZT_TRY(tx.commit());
  return input;
}

Result<Resource> CatalogService::update(const core::Principal& actor, std::string_view code,
                                        Resource input,
                                        std::optional<std::int64_t> expected_version,
                                        const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_resource(conn, code));
  if (!found || !visible_to(actor, *found)) return resource_not_found(code);
  const Resource before = std::move(*found);
  if (!may_write(actor, before)) {
    return Error::forbidden("forbidden",
                            "Only the providing department's administrators change a resource.");
  }
  if (before.status == ResourceStatus::kRetired) {
    return Error::conflict("resource_retired", "A retired resource cannot change.");
  }
  if (expected_version && *expected_version != before.version) {
    return Error::conflict("version_conflict",
                           fmt::format("The resource is at version {}, not {}; reload it.",
                                       before.version, *expected_version));
  }
  if (!input.code.empty() && input.code != before.code) {
    return Error::invalid("invalid_body", "A resource's code cannot change.");
  }
  if (input.department_id != 0 && input.department_id != before.department_id) {
    return Error::invalid("invalid_body", "A resource's providing department cannot change.");
  }
  Resource after = std::move(input);
  after.id = before.id;
  after.code = before.code;
  after.department_id = before.department_id;
  after.status = before.status;
  after.publish_date = before.publish_date;
  after.created_by = before.created_by;
  after.created_at = before.created_at;
  after.published_at = before.published_at;
  after.retired_at = before.retired_at;
  after.version = before.version + 1;
  after.updated_at = core::to_millis(clock_.now());
  ZT_TRY(validate(after));

  std::vector<std::string> changes;
  if (before.status == ResourceStatus::kPublished) {
    ZT_ASSIGN_OR_RETURN(changes, check_compatible(before.fields, after.fields));
    if (after.fields != before.fields) ZT_TRY(schema_hook_(conn, &before, after));
  } else if (after.fields != before.fields) {
    changes.push_back("fields replaced");
  }
  if (after.name != before.name || after.summary != before.summary ||
      after.share_type != before.share_type || after.open_type != before.open_type ||
      after.share_condition != before.share_condition ||
      after.open_condition != before.open_condition || after.share_mode != before.share_mode ||
      after.update_cycle != before.update_cycle || after.category != before.category ||
      after.keywords != before.keywords || after.related != before.related ||
      after.format != before.format) {
    changes.push_back("metadata changed");
  }
  ZT_TRY(store::update_resource(conn, after));
  ZT_TRY(fill_department_name(after));
  ZT_TRY(store::insert_version(conn,
                               {.version = after.version,
                                .action = "update",
                                .changes = changes,
                                .changed_by = actor.id,
                                .changed_at = after.updated_at,
                                .snapshot = boost::json::serialize(to_json(after))},
                               after.id));
  ZT_TRY(audit_.append(conn, event(actor, "catalog.resource.update", after, context,
                                   changes_detail(changes, after.version))));
  ZT_TRY(tx.commit());
  return after;
}

Result<Resource> CatalogService::transition(const core::Principal& actor, std::string_view code,
                                            ResourceStatus to,
                                            const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_resource(conn, code));
  if (!found || !visible_to(actor, *found)) return resource_not_found(code);
  Resource r = std::move(*found);
  if (!may_write(actor, r)) {
    return Error::forbidden("forbidden",
                            "Only the providing department's administrators change a resource.");
  }
  const ResourceStatus from =
      to == ResourceStatus::kPublished ? ResourceStatus::kDraft : ResourceStatus::kPublished;
  if (r.status != from) {
    return Error::conflict("invalid_state",
                           fmt::format("A {} resource cannot be {}.", to_string(r.status),
                                       to == ResourceStatus::kPublished ? "published" : "retired"));
  }
  const std::int64_t now = core::to_millis(clock_.now());
  r.status = to;
  r.version += 1;
  r.updated_at = now;
  std::string action;
  if (to == ResourceStatus::kPublished) {
    r.published_at = now;
    if (!r.publish_date) r.publish_date = today(clock_);
    action = "publish";
    ZT_TRY(schema_hook_(conn, nullptr, r));
  } else {
    r.retired_at = now;
    action = "retire";
  }
  ZT_TRY(store::update_resource(conn, r));
  ZT_TRY(fill_department_name(r));
  ZT_TRY(store::insert_version(conn,
                               {.version = r.version,
                                .action = action,
                                .changes = {std::string(to_string(to))},
                                .changed_by = actor.id,
                                .changed_at = now,
                                .snapshot = boost::json::serialize(to_json(r))},
                               r.id));
  ZT_TRY(audit_.append(conn, event(actor, "catalog.resource." + action, r, context)));
  ZT_TRY(tx.commit());
  return r;
}

Result<Resource> CatalogService::publish(const core::Principal& actor, std::string_view code,
                                         const core::RequestContext& context) {
  return transition(actor, code, ResourceStatus::kPublished, context);
}

Result<Resource> CatalogService::retire(const core::Principal& actor, std::string_view code,
                                        const core::RequestContext& context) {
  return transition(actor, code, ResourceStatus::kRetired, context);
}

Result<Resource> CatalogService::get(const core::Principal& actor, std::string_view code) {
  ZT_ASSIGN_OR_RETURN(Resource r, find(code));
  if (!visible_to(actor, r)) return resource_not_found(code);
  return r;
}

Result<SearchResult> CatalogService::search(const core::Principal& actor, SearchQuery query) {
  if (!identity::has_city_scope(actor)) {
    if (!actor.has_permission(permission::kRead)) {
      return Error::forbidden("forbidden", "Browsing the catalog needs catalog.resources.read.");
    }
    query.own_department = actor.department_id.value_or(0);
  } else {
    query.own_department.reset();
  }
  query.open_only = false;
  return run_search(query);
}

Result<SearchResult> CatalogService::open_resources(SearchQuery query) {
  query.status = ResourceStatus::kPublished;
  query.own_department.reset();
  query.open_only = true;
  if (query.open_type == OpenType::kClosed) return SearchResult{};
  return run_search(query);
}

Result<SearchResult> CatalogService::run_search(const SearchQuery& query) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(SearchResult result, store::search(conn, query));
  std::map<std::int64_t, std::string> names;
  for (Resource& r : result.items) {
    auto it = names.find(r.department_id);
    if (it == names.end()) {
      ZT_TRY(fill_department_name(r));
      names[r.department_id] = r.department_name;
    } else {
      r.department_name = it->second;
    }
  }
  for (FacetCount& f : result.facets["department_id"]) {
    Resource probe;
    probe.department_id = std::stoll(f.value);
    ZT_TRY(fill_department_name(probe));
    f.label = probe.department_name;
  }
  return result;
}

Result<std::vector<ResourceVersion>> CatalogService::history(const core::Principal& actor,
                                                             std::string_view code) {
  ZT_ASSIGN_OR_RETURN(Resource r, get(actor, code));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  return store::list_versions(conn, r.id);
}

Result<Resource> CatalogService::find(std::string_view code) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_resource(conn, code));
  if (!found) return resource_not_found(code);
  ZT_TRY(fill_department_name(*found));
  return std::move(*found);
}

Result<std::vector<Resource>> CatalogService::published() {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto list, store::published_resources(conn));
  std::map<std::int64_t, std::string> names;
  for (Resource& r : list) {
    auto [it, fresh] = names.try_emplace(r.department_id);
    if (fresh) {
      ZT_TRY(fill_department_name(r));
      it->second = r.department_name;
    }
    r.department_name = it->second;
  }
  return list;
}

}  // namespace zt::catalog
