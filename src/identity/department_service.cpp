#include "identity/department_service.h"

#include "core/division_code.h"
#include "db/transaction.h"
#include "identity/internal.h"
#include "identity/store.h"

#include <fmt/format.h>

#include <string>
#include <utility>

namespace zt::identity {

using namespace internal;  // the module's private helpers (internal.h)

namespace {

Result<DepartmentInput> checked_department(DepartmentInput input) {
  if (!valid_name(input.code, 1, 64, false)) {
    return Error::invalid("invalid_code",
                          "code: 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-'.");
  }
  if (!valid_text(input.name, 200)) {
    return Error::invalid("invalid_name", "name: 1 to 200 bytes of text.");
  }
  ZT_ASSIGN_OR_RETURN(input.division_code, core::check_division_code(input.division_code));
  return input;
}

DepartmentVersion version_of(const Department& d, std::string action, const core::Principal& actor,
                             core::TimePoint at) {
  DepartmentVersion v;
  v.department_id = d.id;
  v.version = d.version;
  v.action = std::move(action);
  v.code = d.code;
  v.name = d.name;
  v.division_code = d.division_code;
  v.parent_id = d.parent_id;
  if (actor.kind == core::Principal::Kind::kUser) v.changed_by = actor.id;
  v.changed_by_name = actor.name;
  v.changed_at = at;
  return v;
}

std::string department_detail(const Department& d) {
  return detail_json({{"code", d.code},
                      {"name", d.name},
                      {"division_code", d.division_code},
                      {"parent_id", d.parent_id ? std::to_string(*d.parent_id) : ""},
                      {"version", std::to_string(d.version)}});
}

Error no_department(std::int64_t id) {
  return Error::not_found("department_not_found", fmt::format("No department with id {}.", id));
}

}  // namespace

DepartmentService::DepartmentService(db::Database& db, const core::Clock& clock,
                                     audit::AuditLog& audit)
    : db_(db), clock_(clock), audit_(audit) {}

Result<std::vector<Department>> DepartmentService::list_departments(
    const core::Principal& actor, std::int64_t after_id, int limit,
    std::optional<std::int64_t> parent_id) {
  ZT_TRY(require_staff_or_client(actor));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  return store::list_departments(conn, after_id, clamp_limit(limit), parent_id);
}

Result<Department> DepartmentService::get_department(const core::Principal& actor,
                                                     std::int64_t id) {
  ZT_TRY(require_staff_or_client(actor));
  return find_department(id);
}

Result<Department> DepartmentService::find_department(std::int64_t id) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_department(conn, id));
  if (!found) return no_department(id);
  return *found;
}

Result<Department> DepartmentService::create_department(const core::Principal& actor,
                                                        const DepartmentInput& raw,
                                                        const core::RequestContext& context) {
  ZT_TRY(require(actor, permission::kDepartmentsManage));
  ZT_ASSIGN_OR_RETURN(const DepartmentInput input, checked_department(raw));
  const core::TimePoint now = clock_.now();
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  if (input.parent_id) {
    ZT_ASSIGN_OR_RETURN(auto parent, store::find_department(conn, *input.parent_id));
    if (!parent) {
      return Error::invalid("invalid_parent",
                            fmt::format("No department with id {}.", *input.parent_id));
    }
  }
  auto id = store::insert_department(conn, input, to_millis(now));
  if (!id.ok()) {
    return rename_duplicate(std::move(id).error(), "department_exists",
                            "A department with this code exists.");
  }
  ZT_ASSIGN_OR_RETURN(auto created, store::find_department(conn, *id));
  const Department& d = *created;
  ZT_TRY(store::insert_department_version(conn, version_of(d, "create", actor, now)));
  audit::AuditEntry entry =
      audit::AuditEntry::of("department.create", "department", std::to_string(d.id), context);
  entry.by(actor);
  entry.detail = department_detail(d);
  ZT_TRY(audit_.append(conn, entry));
  ZT_TRY(tx.commit());
  return d;
}

Result<Department> DepartmentService::update_department(const core::Principal& actor,
                                                        std::int64_t id, const DepartmentInput& raw,
                                                        const core::RequestContext& context) {
  ZT_TRY(require(actor, permission::kDepartmentsManage));
  ZT_ASSIGN_OR_RETURN(const DepartmentInput input, checked_department(raw));
  const core::TimePoint now = clock_.now();
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto existing, store::find_department(conn, id));
  if (!existing) return no_department(id);
  // The new parent must exist and must not be the department or one of its descendants.
  for (std::optional<std::int64_t> at = input.parent_id; at;) {
    if (*at == id) {
      return Error::conflict("department_cycle",
                             "A department cannot be placed under itself or its descendants.");
    }
    ZT_ASSIGN_OR_RETURN(auto parent, store::find_department(conn, *at));
    if (!parent) {
      return Error::invalid("invalid_parent", fmt::format("No department with id {}.", *at));
    }
    at = parent->parent_id;
  }
  if (auto updated = store::update_department(conn, id, input, to_millis(now)); !updated.ok()) {
    return rename_duplicate(std::move(updated).error(), "department_exists",
                            "A department with this code exists.");
  }
  ZT_ASSIGN_OR_RETURN(auto after, store::find_department(conn, id));
  const Department& d = *after;
  ZT_TRY(store::insert_department_version(conn, version_of(d, "update", actor, now)));
  audit::AuditEntry entry =
      audit::AuditEntry::of("department.update", "department", std::to_string(id), context);
  entry.by(actor);
  entry.detail = department_detail(d);
  ZT_TRY(audit_.append(conn, entry));
  ZT_TRY(tx.commit());
  return d;
}

Status DepartmentService::delete_department(const core::Principal& actor, std::int64_t id,
                                            const core::RequestContext& context) {
  ZT_TRY(require(actor, permission::kDepartmentsManage));
  const core::TimePoint now = clock_.now();
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto existing, store::find_department(conn, id));
  if (!existing) return no_department(id);
  ZT_ASSIGN_OR_RETURN(const std::int64_t references, store::department_references(conn, id));
  if (references > 0) {
    return Error::conflict("department_in_use",
                           "Sub-departments, users or API clients still belong to it.");
  }
  Department d = *existing;
  d.version += 1;
  ZT_TRY(store::insert_department_version(conn, version_of(d, "delete", actor, now)));
  ZT_TRY(store::delete_department(conn, id));
  audit::AuditEntry entry =
      audit::AuditEntry::of("department.delete", "department", std::to_string(id), context);
  entry.by(actor);
  entry.detail = department_detail(d);
  ZT_TRY(audit_.append(conn, entry));
  return tx.commit();
}

Result<std::vector<DepartmentVersion>> DepartmentService::department_history(
    const core::Principal& actor, std::int64_t id) {
  ZT_TRY(require_staff_or_client(actor));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto history, store::department_history(conn, id));
  if (history.empty()) return no_department(id);
  return history;
}

}  // namespace zt::identity
