// DepartmentService: the department tree (部门: 市 → 区县 → 部门/镇街) with a version history
// that outlives deletion.
//
// Reading: any staff user or API client. Writing: identity.departments.manage. Every create,
// update and delete writes a history row and the audit record department.<action> in the same
// transaction as the change.
//
// Errors: 403 "forbidden"; 400 "invalid_code", "invalid_name", the division code's
// "invalid_division_code…" codes (core/division_code.h), "invalid_parent"; 404
// "department_not_found"; 409 "department_exists", "department_in_use", "department_cycle";
// plus the database's errors (unavailable, internal).
//
// Thread-safety: all methods may be called from many threads at once; the object holds only
// references to thread-safe collaborators, which must outlive it.
#pragma once

#include "audit/service.h"
#include "core/principal.h"
#include "core/result.h"
#include "core/time.h"
#include "db/database.h"
#include "identity/model.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace zt::identity {

class DepartmentService {
 public:
  DepartmentService(db::Database& db, const core::Clock& clock, audit::AuditLog& audit);

  // Staff or API client. Departments by id after `after_id`, at most `limit` (clamped to
  // 1..kMaxPageSize), only the children of `parent_id` when given. Failure: forbidden.
  Result<std::vector<Department>> list_departments(const core::Principal& actor,
                                                   std::int64_t after_id, int limit,
                                                   std::optional<std::int64_t> parent_id);
  // Staff or API client. Failure: forbidden; 404 "department_not_found".
  Result<Department> get_department(const core::Principal& actor, std::int64_t id);
  // For other modules (the catalog names a resource's department): the department by id, with no
  // actor check. Failure: 404 "department_not_found".
  Result<Department> find_department(std::int64_t id);
  // identity.departments.manage. A new department (version 1) under an existing parent.
  // Failure: forbidden; the input's invalid_* codes; "department_exists" (the code is taken).
  Result<Department> create_department(const core::Principal& actor, const DepartmentInput& input,
                                       const core::RequestContext& context);
  // identity.departments.manage. Replaces code, name, division code and parent; the version
  // grows by one. Failure: as create; "department_not_found"; "department_cycle" (the new
  // parent is the department or one of its descendants).
  Result<Department> update_department(const core::Principal& actor, std::int64_t id,
                                       const DepartmentInput& input,
                                       const core::RequestContext& context);
  // identity.departments.manage. Deletes the department; its history stays. Failure: forbidden;
  // "department_not_found"; "department_in_use" while sub-departments, users or API clients
  // refer to it.
  Status delete_department(const core::Principal& actor, std::int64_t id,
                           const core::RequestContext& context);
  // Staff or API client. The versions, oldest first, also after deletion. Failure: forbidden;
  // "department_not_found" when there never was such a department.
  Result<std::vector<DepartmentVersion>> department_history(const core::Principal& actor,
                                                            std::int64_t id);

 private:
  db::Database& db_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
};

}  // namespace zt::identity
