// identity::add_routes and the JSON forms of identity's values; the routes themselves are in
// auth_api.cpp, user_api.cpp, department_api.cpp, api_client_api.cpp and policy_api.cpp.
#include "identity/api.h"

#include "http/json_body.h"
#include "http/openapi.h"
#include "identity/api_internal.h"
#include "identity/policy.h"

#include <boost/json.hpp>

namespace zt::identity {

namespace json = boost::json;

namespace routes {

json::value nullable(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::value nullable(const std::optional<std::int64_t>& n) {
  return n ? json::value(*n) : json::value(nullptr);
}

json::object user_schema() {
  namespace schema = http::schema;
  return schema::object({{"id", schema::integer()},
                         {"username", schema::str()},
                         {"kind", schema::enumeration(kUserKindNames.names)},
                         {"display_name", schema::str()},
                         {"id_number", schema::nstr()},
                         {"uscc", schema::nstr()},
                         {"responsible_person", schema::nstr()},
                         {"department_id", schema::ninteger()},
                         {"roles", schema::strings()},
                         {"disabled", schema::boolean()},
                         {"must_change_password", schema::boolean()},
                         {"totp_enabled", schema::boolean()},
                         {"password_changed_at", schema::nstr()},
                         {"created_at", schema::str()},
                         {"updated_at", schema::str()}});
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
  return json::object{
      {"id", user.id},
      {"username", user.username},
      {"kind", to_string(user.kind)},
      {"display_name", user.display_name},
      {"id_number", routes::nullable(user.id_number)},
      {"uscc", routes::nullable(user.uscc)},
      {"responsible_person", routes::nullable(user.responsible_person)},
      {"department_id", routes::nullable(user.department_id)},
      {"roles", http::string_array(user.roles)},
      {"disabled", user.disabled},
      {"must_change_password", user.must_change_password},
      {"totp_enabled", user.totp_enabled},
      {"password_changed_at", user.password_changed_at
                                  ? json::value(core::format_iso8601(*user.password_changed_at))
                                  : json::value(nullptr)},
      {"created_at", core::format_iso8601(user.created_at)},
      {"updated_at", core::format_iso8601(user.updated_at)}};
}

json::object to_json(const Department& d) {
  return json::object{{"id", d.id},
                      {"code", d.code},
                      {"name", d.name},
                      {"division_code", d.division_code},
                      {"parent_id", routes::nullable(d.parent_id)},
                      {"version", d.version},
                      {"created_at", core::format_iso8601(d.created_at)},
                      {"updated_at", core::format_iso8601(d.updated_at)}};
}

json::object to_json(const ApiClient& c) {
  return json::object{{"id", c.id},
                      {"name", c.name},
                      {"department_id", c.department_id},
                      {"permissions", http::string_array(c.permissions)},
                      {"created_at", core::format_iso8601(c.created_at)},
                      {"revoked_at", c.revoked_at ? json::value(core::format_iso8601(*c.revoked_at))
                                                  : json::value(nullptr)}};
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
