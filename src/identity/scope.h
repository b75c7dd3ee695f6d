// Department scope: which departments' objects a principal may see. Later modules call these
// before they answer with a department's object (a case, a resource, an appeal ticket).
//
// Rule: staff and API clients see the objects of their own department. Principals holding the
// permission scope.city (roles data_admin, supervisor, leader — the 大数据管理中心, 效能监督 and
// 领导驾驶舱 users, whose work is city-wide) see every department's. Anyone else sees none.
// Another department's object answers 404 not_found, not 403, so its existence does not leak.
//
// Thread-safety: pure functions.
#pragma once

#include "core/principal.h"
#include "core/result.h"

#include <cstdint>
#include <optional>

namespace zt::identity {

// Whether the principal sees every department's objects (permission scope.city).
bool has_city_scope(const core::Principal& principal);

// Success when the principal may see an object of `object_department_id`.
// Failure: Error not_found "not_found" otherwise.
Status require_same_department(const core::Principal& principal, std::int64_t object_department_id);

// The department a list query must be limited to: nullopt for city-wide scope, otherwise the
// principal's department, or 0 (which matches no department) when it has none.
std::optional<std::int64_t> department_filter(const core::Principal& principal);

}  // namespace zt::identity
