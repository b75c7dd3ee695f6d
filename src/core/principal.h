// Principal: who is acting — a signed-in user or an API client — as every module sees it.
//
// The identity module makes one per authenticated request (from a session token or an API key);
// services use it to authorise (permissions, department scope) and the audit log records it.
// Thread-safety: a plain value.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::core {

struct Principal {
  enum class Kind { kUser, kApiClient };

  Kind kind = Kind::kUser;
  std::int64_t id = 0;                        // user id or API client id
  std::string name;                           // username or API client name
  std::string user_kind;                      // "citizen", "enterprise", "staff" (users only)
  std::optional<std::int64_t> department_id;  // staff and API clients
  std::vector<std::string> roles;
  std::vector<std::string> permissions;  // sorted; what the roles (or the API key) grant
  std::int64_t session_id = 0;           // the session behind a user's token (0 for API clients)
  bool must_change_password = false;     // only password change, me and logout are allowed
  bool must_enrol_totp = false;          // a second factor is required but not set up yet: likewise

  bool has_permission(std::string_view permission) const {
    return std::binary_search(permissions.begin(), permissions.end(), permission);
  }
  bool has_role(std::string_view role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
};

}  // namespace zt::core
