// The security-policy routes (安全策略): the policy in force, its changes and their history.
#include "http/route_file.h"
#include "identity/api_internal.h"
#include "identity/policy.h"

#include <variant>

namespace zt::identity::routes {

namespace {

const std::string kAbout =
    "Only the security admin (sec_admin) holds identity.policy.manage; the system and audit "
    "admins get 403 forbidden. Stored fields override the [identity] config keys of the same "
    "name; the argon2 cost stays config-only.";

json::object policy_value_schema() {
  return {{"type", json::array{"integer", "string", "array"}}, {"items", schema::str()}};
}

json::object policy_schema() {
  json::object fields;
  for (std::string_view field : policy_fields()) {
    fields[field] = schema::object({{"value", policy_value_schema()},
                                    {"source", schema::enumeration({"config", "database"})},
                                    {"config_value", policy_value_schema()}});
  }
  return schema::object(
      {{"version", schema::integer()}, {"fields", schema::object(std::move(fields))}});
}

json::object policy_input_schema() {
  json::object fields;
  for (std::string_view field : policy_fields()) {
    json::object f;
    if (field == "password_profile") {
      f = {{"type", json::array{"string", "null"}}, {"enum", {"dengbao", "asvs", nullptr}}};
    } else if (field == "totp_roles") {
      f = {{"type", json::array{"array", "null"}}, {"items", schema::str()}};
    } else {
      f = schema::ninteger();
    }
    fields[field] = std::move(f);
  }
  json::object o = schema::object(std::move(fields));
  o["additionalProperties"] = false;
  return o;
}

json::object policy_change_schema() {
  return schema::object({{"id", schema::integer()},
                         {"version", schema::integer()},
                         {"changed_by", schema::ninteger()},
                         {"changed_by_name", schema::str()},
                         {"changed_at", schema::str()},
                         {"old", json::object{{"type", "object"}}},
                         {"new", json::object{{"type", "object"}}}});
}

// The PUT body as PolicyChanges: integers in decimal, the profile's name, role arrays joined
// with ',' and null to drop a stored value. The service checks names and bounds.
std::variant<PolicyChanges, http::Response> policy_changes(const http::Request& request) {
  const json::value* v = request.json();
  const json::object* object = v ? v->if_object() : nullptr;
  if (object == nullptr) {
    return http::problem(400, "invalid_body", "The body must be a JSON object.");
  }
  PolicyChanges changes;
  for (const auto& [key, value] : *object) {
    const std::string field(key);
    const auto bad = [&field](std::string_view what) {
      return http::problem(400, "invalid_policy", field + ": must be " + std::string(what) + ".");
    };
    if (value.is_null()) {
      changes.emplace(field, std::nullopt);
    } else if (value.is_int64()) {
      changes.emplace(field, std::to_string(value.get_int64()));
    } else if (value.is_string()) {
      if (field == "totp_roles") return bad("an array of role names");
      changes.emplace(field, std::string(value.get_string()));
    } else if (value.is_array()) {
      std::string joined;
      for (const json::value& item : value.get_array()) {
        if (!item.is_string() || item.get_string().empty() ||
            item.get_string().find(',') != json::string::npos) {
          return bad("an array of role names");
        }
        if (!joined.empty()) joined.push_back(',');
        joined += item.get_string();
      }
      changes.emplace(field, std::move(joined));
    } else {
      return bad("an integer, a string, an array of role names or null");
    }
  }
  return changes;
}

// --- GET /api/v1/security/policy ---

http::Response get_policy(PolicyService& policy, const http::Request& request) {
  return http::respond(200, policy.get_policy(*request.principal()), to_json);
}

http::RouteDoc get_policy_doc() {
  return {.summary = "The security policy in force, each field with its source",
          .description =
              "Each field's effective value, whether it comes from the config or the "
              "database, and the config's value. " +
              kAbout + " Errors: 403 forbidden." + std::string(kSignedInErrors),
          .tag = std::string(kSecurityTag),
          .responses = {{200, "The effective policy", policy_schema()}}};
}

// --- PUT /api/v1/security/policy ---

http::Response set_policy(PolicyService& policy, const http::Request& request) {
  auto changes = policy_changes(request);
  if (auto* problem = std::get_if<http::Response>(&changes)) return std::move(*problem);
  return http::respond(
      200,
      policy.set_policy(*request.principal(), std::get<PolicyChanges>(changes), request.context()),
      to_json);
}

http::RouteDoc set_policy_doc() {
  return {
      .summary = "Change security policy fields (any subset; null returns a field to the config)",
      .description = kAbout +
                     " Each change is kept in the history and audited "
                     "(security.policy_change); every server node applies it within about a "
                     "second. Errors: 400 invalid_body, invalid_policy (names the field and "
                     "its allowed values, the bounds of the config keys); 403 forbidden; 409 "
                     "policy_conflict (another change won a race)." +
                     std::string(kSignedInErrors),
      .tag = std::string(kSecurityTag),
      .request_schema = policy_input_schema(),
      .responses = {{200, "The new effective policy", policy_schema()}}};
}

// --- GET /api/v1/security/policy/history ---

http::Response policy_history(PolicyService& policy, const http::Request& request) {
  auto page = http::page_of(request, kMaxPageSize);
  if (!page) return http::bad_page(kMaxPageSize);
  auto result = policy.policy_history(*request.principal(), page->after, page->limit);
  if (!result.ok()) return http::problem(result.error());
  return http::Response::json(200, page_json(*result, page->limit));
}

http::RouteDoc policy_history_doc() {
  return {.summary = "Changes of the security policy, newest first",
          .description =
              "Each change with the old and new effective values of the fields it "
              "changed, who made it and when. " +
              kAbout + " Errors: 400 invalid_paging; 403 forbidden." + std::string(kSignedInErrors),
          .tag = std::string(kSecurityTag),
          .params = paging_params(),
          .responses = {{200, "A page of changes", schema::page(policy_change_schema())}}};
}

}  // namespace

void add_policy_routes(http::Router& router, PolicyService& policy) {
  const std::string manage = needs(permission::kPolicyManage);
  router.add(http::Method::kGet, "/api/v1/security/policy", handler_of(get_policy, policy),
             {.permission = manage}, get_policy_doc());
  router.add(http::Method::kPut, "/api/v1/security/policy", handler_of(set_policy, policy),
             {.permission = manage, .body_limit = 16 * 1024, .accepts = {"application/json"}},
             set_policy_doc());
  router.add(http::Method::kGet, "/api/v1/security/policy/history",
             handler_of(policy_history, policy), {.permission = manage}, policy_history_doc());
}

}  // namespace zt::identity::routes
