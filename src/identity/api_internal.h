// Shared by identity's route files (auth_api.cpp, user_api.cpp, department_api.cpp,
// api_client_api.cpp, policy_api.cpp): the operation tags, the JSON Schema of a user, the paging
// parameters and page body, and the registration function of each concern, which
// add_routes (api.cpp) calls. Internal to zt_identity_api.
//
// Each route file holds one named handler per route with its RouteDoc beside it, and an
// add_<concern>_routes that only registers them.
//
// Thread-safety: the functions are pure; handlers run concurrently on the worker pool and the
// services they call are thread-safe.
#pragma once

#include "http/handler.h"
#include "http/page.h"
#include "http/router.h"
#include "identity/api.h"
#include "identity/service.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::identity::routes {

// The OpenAPI tags of identity's operations, one per concern.
inline constexpr std::string_view kAuthTag = "auth";
inline constexpr std::string_view kUsersTag = "users";
inline constexpr std::string_view kDepartmentsTag = "departments";
inline constexpr std::string_view kApiClientsTag = "api-clients";
inline constexpr std::string_view kSecurityTag = "security";

// What every signed-in route may also answer, for the operation descriptions.
inline constexpr std::string_view kSignedInErrors =
    " 401 unauthenticated or session_expired without a valid session token or API key.";

// The named handlers are bound with http::handler_of.
using http::handler_of;

// A RouteOptions permission from a permission constant.
inline std::string needs(std::string_view permission) {
  return std::string(permission);
}

// JSON null for nullopt.
boost::json::value nullable(const std::optional<std::string>& s);
boost::json::value nullable(const std::optional<std::int64_t>& n);

// The schemas of to_json(User), to_json(Department) and to_json(ApiClient): each comes from the
// same http::shape table as its encoder (api.cpp).
boost::json::object user_schema();
boost::json::object department_schema();
boost::json::object api_client_schema();

// ?limit= and ?cursor= (1..kMaxPageSize, default 50).
inline std::vector<http::ParamDoc> paging_params() {
  return http::paging_params(kMaxPageSize);
}

// One page of identity values paged by id (http::page_json with their to_json).
template <typename T>
boost::json::object page_json(const std::vector<T>& items, int limit) {
  return http::page_json(items, limit, [](const T& item) { return to_json(item); });
}

void add_auth_routes(http::Router& router, AuthService& auth, SessionService& sessions);
void add_user_routes(http::Router& router, UserService& users);
void add_department_routes(http::Router& router, DepartmentService& departments);
void add_api_client_routes(http::Router& router, ApiClientService& api_clients);
void add_policy_routes(http::Router& router, PolicyService& policy);

}  // namespace zt::identity::routes
