// identity::add_routes and the JSON forms of identity's values; the routes themselves are in
// auth_api.cpp, user_api.cpp, department_api.cpp, api_client_api.cpp and policy_api.cpp.
#include "identity/api.h"

#include "http/route_file.h"
#include "identity/api_internal.h"
#include "identity/policy.h"

namespace zt::identity {

namespace routes {

json::value nullable(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::value nullable(const std::optional<std::int64_t>& n) {
  return n ? json::value(*n) : json::value(nullptr);
}

constexpr auto kUserShape = shape::of<User>(
    shape::integer("id", &User::id), shape::str("username", &User::username),
    shape::named("kind", &User::kind, kUserKindNames),
    shape::str("display_name", &User::display_name), shape::nstr("id_number", &User::id_number),
    shape::nstr("uscc", &User::uscc), shape::nstr("responsible_person", &User::responsible_person),
    shape::ninteger("department_id", &User::department_id), shape::strings("roles", &User::roles),
    shape::boolean("disabled", &User::disabled),
    shape::boolean("must_change_password", &User::must_change_password),
    shape::boolean("totp_enabled", &User::totp_enabled),
    shape::ntime("password_changed_at", &User::password_changed_at),
    shape::time("created_at", &User::created_at), shape::time("updated_at", &User::updated_at));

constexpr auto kDepartmentShape = shape::of<Department>(
    shape::integer("id", &Department::id), shape::str("code", &Department::code),
    shape::str("name", &Department::name), shape::str("division_code", &Department::division_code),
    shape::ninteger("parent_id", &Department::parent_id),
    shape::integer("version", &Department::version),
    shape::time("created_at", &Department::created_at),
    shape::time("updated_at", &Department::updated_at));

constexpr auto kApiClientShape =
    shape::of<ApiClient>(shape::integer("id", &ApiClient::id), shape::str("name", &ApiClient::name),
                         shape::integer("department_id", &ApiClient::department_id),
                         shape::strings("permissions", &ApiClient::permissions),
                         shape::time("created_at", &ApiClient::created_at),
                         shape::ntime("revoked_at", &ApiClient::revoked_at));

json::object user_schema() {
  return kUserShape.schema();
}

json::object department_schema() {
  return kDepartmentShape.schema();
}

json::object api_client_schema() {
  return kApiClientShape.schema();
}

}  // namespace routes

void add_routes(http::Router& router, IdentityService& service) {
  routes::add_auth_routes(router, service.auth(), service.sessions());
  routes::add_department_routes(router, service.departments());
  routes::add_user_routes(router, service.users());
  routes::add_api_client_routes(router, service.api_clients());
  routes::add_policy_routes(router, service.policy());
}

json::object to_json(const User& user) {
  return routes::kUserShape.encode(user);
}

json::object to_json(const Department& d) {
  return routes::kDepartmentShape.encode(d);
}

json::object to_json(const ApiClient& c) {
  return routes::kApiClientShape.encode(c);
}

json::object to_json(const EffectivePolicy& policy) {
  json::object fields;
  for (std::string_view field : policy_fields()) {
    fields[field] =
        json::object{{"value", json::parse(policy_value_json(policy.config, field))},
                     {"source", policy.is_from_database(field) ? "database" : "config"},
                     {"config_value", json::parse(policy_value_json(policy.defaults, field))}};
  }
  return json::object{{"version", policy.version}, {"fields", std::move(fields)}};
}

json::object to_json(const PolicyChange& c) {
  return json::object{{"id", c.id},
                      {"version", c.version},
                      {"changed_by", routes::nullable(c.changed_by)},
                      {"changed_by_name", c.changed_by_name},
                      {"changed_at", core::format_iso8601(c.changed_at)},
                      {"old", json::parse(c.old_values)},
                      {"new", json::parse(c.new_values)}};
}

}  // namespace zt::identity
