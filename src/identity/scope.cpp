#include "identity/scope.h"

#include "identity/model.h"

namespace zt::identity {

bool has_city_scope(const core::Principal& principal) {
  return principal.has_permission(permission::kCityScope);
}

Status require_same_department(const core::Principal& principal,
                               std::int64_t object_department_id) {
  if (has_city_scope(principal)) return {};
  if (principal.department_id && *principal.department_id == object_department_id) return {};
  return Error::not_found("not_found", "No such object.");
}

std::optional<std::int64_t> department_filter(const core::Principal& principal) {
  if (has_city_scope(principal)) return std::nullopt;
  return principal.department_id.value_or(0);
}

}  // namespace zt::identity
