#include "identity/api.h"

#include "http/json_body.h"
#include "http/openapi.h"
#include "http/problem.h"
#include "identity/policy.h"

#include <boost/json.hpp>

#include <charconv>
#include <variant>

namespace zt::identity {

namespace json = boost::json;

namespace {

json::value nullable(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}
json::value nullable(const std::optional<std::int64_t>& n) {
  return n ? json::value(*n) : json::value(nullptr);
}

using http::string_array;

using http::JsonBody;
using http::parse_id;

std::optional<http::Page> page_of(const http::Request& request) {
  return http::page_of(request, kMaxPageSize);
}

http::Response bad_page() {
  return http::bad_page(kMaxPageSize);
}

template <typename T>
json::object page_json(const std::vector<T>& items, int limit) {
  json::array array;
  for (const T& item : items)
    array.push_back(to_json(item));
  json::value next = nullptr;
  if (static_cast<int>(items.size()) == limit && !items.empty()) {
    next = std::to_string(items.back().id);
  }
  return json::object{{"items", std::move(array)}, {"next_cursor", next}};
}

using http::no_content;

// --- OpenAPI schemas ---

using http::schema::boolean;
using http::schema::integer;
using http::schema::ninteger;
using http::schema::nstr;
using http::schema::str;
using http::schema::strings;
json::object object_schema(json::object properties, json::array required = {}) {
  return http::schema::object(std::move(properties), std::move(required));
}
json::object page_schema(json::object item) {
  return http::schema::page(std::move(item));
}

json::object user_schema() {
  return object_schema(
      {{"id", integer()},
       {"username", str()},
       {"kind", json::object{{"type", "string"}, {"enum", {"citizen", "enterprise", "staff"}}}},
       {"display_name", str()},
       {"id_number", nstr()},
       {"uscc", nstr()},
       {"responsible_person", nstr()},
       {"department_id", ninteger()},
       {"roles", strings()},
       {"disabled", boolean()},
       {"must_change_password", boolean()},
       {"totp_enabled", boolean()},
       {"password_changed_at", nstr()},
       {"created_at", str()},
       {"updated_at", str()}});
}

json::object department_schema() {
  return object_schema({{"id", integer()},
                        {"code", str()},
                        {"name", str()},
                        {"division_code", str()},
                        {"parent_id", ninteger()},
                        {"version", integer()},
                        {"created_at", str()},
                        {"updated_at", str()}});
}

json::object department_input_schema() {
  return object_schema(
      {{"code", str()}, {"name", str()}, {"division_code", str()}, {"parent_id", ninteger()}},
      {"code", "name", "division_code"});
}

json::object api_client_schema() {
  return object_schema({{"id", integer()},
                        {"name", str()},
                        {"department_id", integer()},
                        {"permissions", strings()},
                        {"created_at", str()},
                        {"revoked_at", nstr()}});
}

std::vector<http::ParamDoc> paging_params() {
  return {{.name = "limit", .description = "Page size, 1 to 200 (default 50)."},
          {.name = "cursor", .description = "next_cursor of the previous page."}};
}

const http::ParamDoc kDepartmentFilter{.name = "department_id",
                                       .description = "Only users of this department."};

std::optional<DepartmentInput> department_input(JsonBody& body) {
  DepartmentInput input;
  input.code = body.string("code", true).value_or("");
  input.name = body.string("name", true).value_or("");
  input.division_code = body.string("division_code", true).value_or("");
  input.parent_id = body.integer("parent_id");
  if (!body.ok()) return std::nullopt;
  return input;
}

void add_auth_routes(http::Router& router, IdentityService& service) {
  router.add(
      http::Method::kPost, "/api/v1/auth/login",
      [&service](const http::Request& request) {
        JsonBody body(request);
        LoginRequest login;
        login.username = body.string("username", true).value_or("");
        login.password = body.string("password", true).value_or("");
        login.totp = body.string("totp");
        if (!body.ok()) return body.problem();
        auto result = service.auth().login(login, context_of(request));
        if (!result.ok()) return http::problem(result.error());
        return http::Response::json(
            200, json::object{{"token", result->token},
                              {"expires_at", core::format_iso8601(result->expires_at)},
                              {"user", to_json(result->user)},
                              {"totp_enrolment_required", result->totp_enrolment_required}});
      },
      {.access = http::Access::kPublic, .body_limit = 16 * 1024, .accepts = {"application/json"}},
      {.summary = "Sign in (登录)",
       .description =
           "Username and password, plus a TOTP code for accounts that have one enrolled. The "
           "token is shown once: send it as Authorization: Bearer <token>. Wrong credentials, "
           "unknown users and locked accounts all answer 401 invalid_credentials.",
       .tag = "auth",
       .request_schema = object_schema({{"username", str()}, {"password", str()}, {"totp", str()}},
                                       {"username", "password"}),
       .responses = {{200, "Signed in",
                      object_schema({{"token", str()},
                                     {"expires_at", str()},
                                     {"user", user_schema()},
                                     {"totp_enrolment_required", boolean()}})}}});

  router.add(http::Method::kPost, "/api/v1/auth/logout",
             [&service](const http::Request& request) {
               auto result = service.sessions().logout(*request.principal(), context_of(request));
               if (!result.ok()) return http::problem(result.error());
               return no_content();
             },
             {.allowed_before_password_change = true},
             {.summary = "Sign out: end this session",
              .tag = "auth",
              .responses = {{204, "The session has ended"}}});

  router.add(http::Method::kGet, "/api/v1/auth/me",
             [&service](const http::Request& request) {
               const core::Principal& principal = *request.principal();
               if (principal.kind == core::Principal::Kind::kApiClient) {
                 return http::Response::json(
                     200, json::object{{"kind", "api_client"},
                                       {"id", principal.id},
                                       {"name", principal.name},
                                       {"department_id", nullable(principal.department_id)},
                                       {"permissions", string_array(principal.permissions)}});
               }
               auto user = service.auth().me(principal);
               if (!user.ok()) return http::problem(user.error());
               json::object out = to_json(*user);
               out["permissions"] = string_array(principal.permissions);
               return http::Response::json(200, out);
             },
             {.allowed_before_password_change = true},
             {.summary = "Who am I: the signed-in user (or API client) and its permissions",
              .tag = "auth",
              .responses = {{200, "The user, with permissions", user_schema()}}});

  router.add(
      http::Method::kPost, "/api/v1/auth/password",
      [&service](const http::Request& request) {
        JsonBody body(request);
        auto current = body.string("current_password", true);
        auto next = body.string("new_password", true);
        if (!body.ok()) return body.problem();
        auto result = service.auth().change_password(*request.principal(), *current, *next,
                                                     context_of(request));
        if (!result.ok()) return http::problem(result.error());
        return no_content();
      },
      {.allowed_before_password_change = true,
       .body_limit = 16 * 1024,
       .accepts = {"application/json"}},
      {.summary = "Change the own password (ends the user's other sessions)",
       .tag = "auth",
       .request_schema = object_schema({{"current_password", str()}, {"new_password", str()}},
                                       {"current_password", "new_password"}),
       .responses = {{204, "Changed"}}});

  router.add(http::Method::kPost, "/api/v1/auth/totp/setup",
             [&service](const http::Request& request) {
               auto result =
                   service.auth().begin_totp_enrolment(*request.principal(), context_of(request));
               if (!result.ok()) return http::problem(result.error());
               return http::Response::json(200, json::object{{"secret", result->secret},
                                                             {"otpauth_uri", result->otpauth_uri}});
             },
             {.allowed_before_password_change = true},
             {.summary = "Start TOTP enrolment: a new secret and its otpauth:// URI (QR code)",
              .tag = "auth",
              .responses = {{200, "The pending secret",
                             object_schema({{"secret", str()}, {"otpauth_uri", str()}})}}});

  router.add(http::Method::kPost, "/api/v1/auth/totp/confirm",
             [&service](const http::Request& request) {
               JsonBody body(request);
               auto code = body.string("code", true);
               if (!body.ok()) return body.problem();
               auto result = service.auth().confirm_totp_enrolment(*request.principal(), *code,
                                                                   context_of(request));
               if (!result.ok()) return http::problem(result.error());
               return no_content();
             },
             {.allowed_before_password_change = true,
              .body_limit = 4 * 1024,
              .accepts = {"application/json"}},
             {.summary = "Confirm TOTP enrolment with a current code",
              .tag = "auth",
              .request_schema = object_schema({{"code", str()}}, {"code"}),
              .responses = {{204, "TOTP is now required at sign-in"}}});
}

void add_department_routes(http::Router& router, IdentityService& service) {
  router.add(
      http::Method::kGet, "/api/v1/departments",
      [&service](const http::Request& request) {
        auto page = page_of(request);
        if (!page) return bad_page();
        std::optional<std::int64_t> parent;
        if (auto p = request.query_param("parent_id"); p && !p->empty()) {
          parent = parse_id(*p);
          if (!parent) return http::problem(400, "invalid_parent", "parent_id must be an id.");
        }
        auto result = service.departments().list_departments(*request.principal(), page->after,
                                                             page->limit, parent);
        if (!result.ok()) return http::problem(result.error());
        return http::Response::json(200, page_json(*result, page->limit));
      },
      {},
      {.summary = "List departments (部门)",
       .tag = "departments",
       .params =
           [] {
             auto params = paging_params();
             params.push_back({.name = "parent_id", .description = "Only children of this one."});
             return params;
           }(),
       .responses = {{200, "A page of departments", page_schema(department_schema())}}});

  router.add(http::Method::kPost, "/api/v1/departments",
             [&service](const http::Request& request) {
               JsonBody body(request);
               auto input = department_input(body);
               if (!input) return body.problem();
               auto result = service.departments().create_department(*request.principal(), *input,
                                                                     context_of(request));
               if (!result.ok()) return http::problem(result.error());
               return http::Response::json(201, to_json(*result));
             },
             {.permission = std::string(permission::kDepartmentsManage),
              .body_limit = 16 * 1024,
              .accepts = {"application/json"}},
             {.summary = "Create a department",
              .tag = "departments",
              .request_schema = department_input_schema(),
              .responses = {{201, "The new department", department_schema()}}});

  router.add(http::Method::kGet, "/api/v1/departments/{id}",
             [&service](const http::Request& request) {
               auto id = parse_id(request.param("id"));
               if (!id) return http::problem(404, "department_not_found", "No such department.");
               auto result = service.departments().get_department(*request.principal(), *id);
               if (!result.ok()) return http::problem(result.error());
               return http::Response::json(200, to_json(*result));
             },
             {},
             {.summary = "One department",
              .tag = "departments",
              .responses = {{200, "The department", department_schema()}}});

  router.add(http::Method::kPut, "/api/v1/departments/{id}",
             [&service](const http::Request& request) {
               auto id = parse_id(request.param("id"));
               if (!id) return http::problem(404, "department_not_found", "No such department.");
               JsonBody body(request);
               auto input = department_input(body);
               if (!input) return body.problem();
               auto result = service.departments().update_department(*request.principal(), *id,
                                                                     *input, context_of(request));
               if (!result.ok()) return http::problem(result.error());
               return http::Response::json(200, to_json(*result));
             },
             {.permission = std::string(permission::kDepartmentsManage),
              .body_limit = 16 * 1024,
              .accepts = {"application/json"}},
             {.summary = "Replace a department's code, name, division code and parent",
              .tag = "departments",
              .request_schema = department_input_schema(),
              .responses = {{200, "The department's new version", department_schema()}}});

  router.add(http::Method::kDelete, "/api/v1/departments/{id}",
             [&service](const http::Request& request) {
               auto id = parse_id(request.param("id"));
               if (!id) return http::problem(404, "department_not_found", "No such department.");
               auto result = service.departments().delete_department(*request.principal(), *id,
                                                                     context_of(request));
               if (!result.ok()) return http::problem(result.error());
               return no_content();
             },
             {.permission = std::string(permission::kDepartmentsManage)},
             {.summary = "Delete a department nothing refers to (its history stays)",
              .tag = "departments",
              .responses = {{204, "Deleted"}}});

  router.add(http::Method::kGet, "/api/v1/departments/{id}/history",
             [&service](const http::Request& request) {
               auto id = parse_id(request.param("id"));
               if (!id) return http::problem(404, "department_not_found", "No such department.");
               auto result = service.departments().department_history(*request.principal(), *id);
               if (!result.ok()) return http::problem(result.error());
               json::array items;
               for (const DepartmentVersion& v : *result) {
                 items.push_back(json::object{{"version", v.version},
                                              {"action", v.action},
                                              {"code", v.code},
                                              {"name", v.name},
                                              {"division_code", v.division_code},
                                              {"parent_id", nullable(v.parent_id)},
                                              {"changed_by", nullable(v.changed_by)},
                                              {"changed_by_name", v.changed_by_name},
                                              {"changed_at", core::format_iso8601(v.changed_at)}});
               }
               return http::Response::json(200, json::object{{"items", std::move(items)}});
             },
             {},
             {.summary = "A department's versions, oldest first (also after deletion)",
              .tag = "departments",
              .responses = {{200, "The versions",
                             object_schema({{"items", json::object{{"type", "array"}}}})}}});
}

void add_user_routes(http::Router& router, IdentityService& service) {
  router.add(
      http::Method::kGet, "/api/v1/users",
      [&service](const http::Request& request) {
        auto page = page_of(request);
        if (!page) return bad_page();
        UserFilter filter{.after_id = page->after, .limit = page->limit};
        if (auto d = request.query_param("department_id"); d && !d->empty()) {
          filter.department_id = parse_id(*d);
          if (!filter.department_id) {
            return http::problem(400, "invalid_department", "department_id must be an id.");
          }
        }
        if (auto k = request.query_param("kind"); k && !k->empty()) {
          filter.kind = parse_user_kind(*k);
          if (!filter.kind) {
            return http::problem(400, "invalid_kind", "kind: citizen, enterprise or staff.");
          }
        }
        auto result = service.users().list_users(*request.principal(), filter);
        if (!result.ok()) return http::problem(result.error());
        return http::Response::json(200, page_json(*result, page->limit));
      },
      {.permission = std::string(permission::kUsersRead)},
      {.summary = "List users",
       .description = "Department admins see their own department's users only.",
       .tag = "users",
       .params =
           [] {
             auto params = paging_params();
             params.push_back(kDepartmentFilter);
             params.push_back({.name = "kind", .description = "citizen, enterprise or staff"});
             return params;
           }(),
       .responses = {{200, "A page of users", page_schema(user_schema())}}});

  router.add(
      http::Method::kPost, "/api/v1/users",
      [&service](const http::Request& request) {
        JsonBody body(request);
        NewUser user;
        auto kind = body.string("kind", true);
        user.username = body.string("username").value_or("");
        user.display_name = body.string("display_name", true).value_or("");
        user.id_number = body.string("id_number");
        user.uscc = body.string("uscc");
        user.responsible_person = body.string("responsible_person");
        user.department_id = body.integer("department_id");
        if (!body.ok()) return body.problem();
        auto parsed = parse_user_kind(*kind);
        if (!parsed) {
          return http::problem(400, "invalid_kind", "kind: citizen, enterprise or staff.");
        }
        user.kind = *parsed;
        auto result = service.users().create_user(*request.principal(), user, context_of(request));
        if (!result.ok()) return http::problem(result.error());
        return http::Response::json(201,
                                    json::object{{"user", to_json(result->user)},
                                                 {"initial_password", result->initial_password}});
      },
      {.permission = std::string(permission::kUsersManage),
       .body_limit = 16 * 1024,
       .accepts = {"application/json"}},
      {.summary = "Create a user (citizen, enterprise or staff)",
       .description = "The one-time initial password is in the answer only; it must be changed "
                      "at the first sign-in. Roles are set separately by the security admin.",
       .tag = "users",
       .request_schema = object_schema({{"kind", str()},
                                        {"username", str()},
                                        {"display_name", str()},
                                        {"id_number", str()},
                                        {"uscc", str()},
                                        {"responsible_person", str()},
                                        {"department_id", integer()}},
                                       {"kind", "display_name"}),
       .responses = {{201, "The user and its one-time password",
                      object_schema({{"user", user_schema()}, {"initial_password", str()}})}}});

  router.add(http::Method::kGet, "/api/v1/users/{id}",
             [&service](const http::Request& request) {
               auto id = parse_id(request.param("id"));
               if (!id) return http::problem(404, "user_not_found", "No such user.");
               auto result = service.users().get_user(*request.principal(), *id);
               if (!result.ok()) return http::problem(result.error());
               return http::Response::json(200, to_json(*result));
             },
             {},
             {.summary = "One user (yourself, or with identity.users.read)",
              .tag = "users",
              .responses = {{200, "The user", user_schema()}}});

  router.add(
      http::Method::kPatch, "/api/v1/users/{id}",
      [&service](const http::Request& request) {
        auto id = parse_id(request.param("id"));
        if (!id) return http::problem(404, "user_not_found", "No such user.");
        JsonBody body(request);
        UserUpdate update;
        update.display_name = body.string("display_name");
        update.responsible_person = body.string("responsible_person");
        update.department_id = body.integer("department_id");
        update.disabled = body.boolean("disabled");
        if (!body.ok()) return body.problem();
        auto result =
            service.users().update_user(*request.principal(), *id, update, context_of(request));
        if (!result.ok()) return http::problem(result.error());
        return http::Response::json(200, to_json(*result));
      },
      {.permission = std::string(permission::kUsersManage),
       .body_limit = 16 * 1024,
       .accepts = {"application/json"}},
      {.summary = "Change a user's display name, responsible person, department or disabled flag",
       .tag = "users",
       .request_schema = object_schema({{"display_name", str()},
                                        {"responsible_person", str()},
                                        {"department_id", integer()},
                                        {"disabled", boolean()}}),
       .responses = {{200, "The user", user_schema()}}});

  router.add(http::Method::kPost, "/api/v1/users/{id}/disable",
             [&service](const http::Request& request) {
               auto id = parse_id(request.param("id"));
               if (!id) return http::problem(404, "user_not_found", "No such user.");
               auto result = service.users().update_user(*request.principal(), *id,
                                                         {.disabled = true}, context_of(request));
               if (!result.ok()) return http::problem(result.error());
               return http::Response::json(200, to_json(*result));
             },
             {.permission = std::string(permission::kUsersManage)},
             {.summary = "Disable a user (ends the user's sessions)",
              .tag = "users",
              .responses = {{200, "The user", user_schema()}}});

  router.add(
      http::Method::kPut, "/api/v1/users/{id}/roles",
      [&service](const http::Request& request) {
        auto id = parse_id(request.param("id"));
        if (!id) return http::problem(404, "user_not_found", "No such user.");
        JsonBody body(request);
        auto roles = body.strings("roles", true);
        if (!body.ok()) return body.problem();
        auto result = service.users().set_roles(*request.principal(), *id, std::move(*roles),
                                                context_of(request));
        if (!result.ok()) return http::problem(result.error());
        return http::Response::json(200, to_json(*result));
      },
      {.permission = std::string(permission::kRolesAssign),
       .body_limit = 16 * 1024,
       .accepts = {"application/json"}},
      {.summary = "Replace a staff user's roles (security admin)",
       .description = "409 separation_of_duties when two of sys_admin, sec_admin, audit_admin "
                      "would be held by one account (三员分立).",
       .tag = "users",
       .request_schema = object_schema({{"roles", strings()}}, {"roles"}),
       .responses = {{200, "The user with the new roles", user_schema()}}});

  router.add(http::Method::kPost, "/api/v1/users/{id}/password-reset",
             [&service](const http::Request& request) {
               auto id = parse_id(request.param("id"));
               if (!id) return http::problem(404, "user_not_found", "No such user.");
               auto result =
                   service.users().reset_password(*request.principal(), *id, context_of(request));
               if (!result.ok()) return http::problem(result.error());
               return http::Response::json(200, json::object{{"password", *result}});
             },
             {.permission = std::string(permission::kUsersManage)},
             {.summary = "Reset a user's password to a one-time password (shown once)",
              .tag = "users",
              .responses = {{200, "The one-time password", object_schema({{"password", str()}})}}});
}

void add_api_client_routes(http::Router& router, IdentityService& service) {
  router.add(http::Method::kGet, "/api/v1/api-clients",
             [&service](const http::Request& request) {
               auto page = page_of(request);
               if (!page) return bad_page();
               auto result = service.api_clients().list_api_clients(*request.principal(),
                                                                    page->after, page->limit);
               if (!result.ok()) return http::problem(result.error());
               return http::Response::json(200, page_json(*result, page->limit));
             },
             {.permission = std::string(permission::kApiClientsRead)},
             {.summary = "List API clients",
              .tag = "api-clients",
              .params = paging_params(),
              .responses = {{200, "A page of API clients", page_schema(api_client_schema())}}});

  router.add(
      http::Method::kPost, "/api/v1/api-clients",
      [&service](const http::Request& request) {
        JsonBody body(request);
        ApiClientInput input;
        input.name = body.string("name", true).value_or("");
        input.department_id = body.integer("department_id", true).value_or(0);
        input.permissions = body.strings("permissions").value_or(std::vector<std::string>{});
        if (!body.ok()) return body.problem();
        auto result = service.api_clients().create_api_client(*request.principal(), input,
                                                              context_of(request));
        if (!result.ok()) return http::problem(result.error());
        return http::Response::json(
            201, json::object{{"client", to_json(result->client)}, {"api_key", result->api_key}});
      },
      {.permission = std::string(permission::kApiClientsManage),
       .body_limit = 16 * 1024,
       .accepts = {"application/json"}},
      {.summary = "Create an API client; its key is shown once (send it as X-API-Key)",
       .tag = "api-clients",
       .request_schema = object_schema(
           {{"name", str()}, {"department_id", integer()}, {"permissions", strings()}},
           {"name", "department_id"}),
       .responses = {{201, "The client and its key",
                      object_schema({{"client", api_client_schema()}, {"api_key", str()}})}}});

  router.add(http::Method::kPost, "/api/v1/api-clients/{id}/revoke",
             [&service](const http::Request& request) {
               auto id = parse_id(request.param("id"));
               if (!id) return http::problem(404, "api_client_not_found", "No such API client.");
               auto result = service.api_clients().revoke_api_client(*request.principal(), *id,
                                                                     context_of(request));
               if (!result.ok()) return http::problem(result.error());
               return http::Response::json(200, to_json(*result));
             },
             {.permission = std::string(permission::kApiClientsManage)},
             {.summary = "Revoke an API client's key",
              .tag = "api-clients",
              .responses = {{200, "The revoked client", api_client_schema()}}});
}

json::object policy_value_schema() {
  return {{"type", json::array{"integer", "string", "array"}}, {"items", str()}};
}

json::object policy_schema() {
  json::object fields;
  for (std::string_view field : policy_fields()) {
    fields[field] = object_schema(
        {{"value", policy_value_schema()},
         {"source", json::object{{"type", "string"}, {"enum", {"config", "database"}}}},
         {"config_value", policy_value_schema()}});
  }
  return object_schema({{"version", integer()}, {"fields", object_schema(std::move(fields))}});
}

json::object policy_input_schema() {
  json::object fields;
  for (std::string_view field : policy_fields()) {
    json::object f;
    if (field == "password_profile") {
      f = {{"type", json::array{"string", "null"}}, {"enum", {"dengbao", "asvs", nullptr}}};
    } else if (field == "totp_roles") {
      f = {{"type", json::array{"array", "null"}}, {"items", str()}};
    } else {
      f = ninteger();
    }
    fields[field] = std::move(f);
  }
  json::object o = object_schema(std::move(fields));
  o["additionalProperties"] = false;
  return o;
}

json::object policy_change_schema() {
  return object_schema({{"id", integer()},
                        {"version", integer()},
                        {"changed_by", ninteger()},
                        {"changed_by_name", str()},
                        {"changed_at", str()},
                        {"old", json::object{{"type", "object"}}},
                        {"new", json::object{{"type", "object"}}}});
}

// The PUT body as PolicyChanges: integers in decimal, the profile's name, role arrays joined
// with ',' and null to drop a stored value. The service checks names and bounds.
std::variant<PolicyChanges, http::Response> policy_changes(const http::Request& request) {
  const json::value* v = request.json();
  const json::object* object = v ? v->if_object() : nullptr;
  if (object == nullptr)
    return http::problem(400, "invalid_body", "The body must be a JSON object.");
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

void add_policy_routes(http::Router& router, IdentityService& service) {
  const std::string manage(permission::kPolicyManage);
  const std::string about =
      "Only the security admin (sec_admin) holds identity.policy.manage; the system and audit "
      "admins get 403 forbidden. Stored fields override the [identity] config keys of the same "
      "name; the argon2 cost stays config-only.";
  router.add(http::Method::kGet, "/api/v1/security/policy",
             [&service](const http::Request& request) {
               auto result = service.policy().get_policy(*request.principal());
               if (!result.ok()) return http::problem(result.error());
               return http::Response::json(200, to_json(*result));
             },
             {.permission = manage},
             {.summary = "The security policy in force, each field with its source",
              .description = about,
              .tag = "security",
              .responses = {{200, "The effective policy", policy_schema()}}});

  router.add(
      http::Method::kPut, "/api/v1/security/policy",
      [&service](const http::Request& request) {
        auto changes = policy_changes(request);
        if (auto* problem = std::get_if<http::Response>(&changes)) return std::move(*problem);
        auto result = service.policy().set_policy(
            *request.principal(), std::get<PolicyChanges>(changes), context_of(request));
        if (!result.ok()) return http::problem(result.error());
        return http::Response::json(200, to_json(*result));
      },
      {.permission = manage, .body_limit = 16 * 1024, .accepts = {"application/json"}},
      {.summary = "Change security policy fields (any subset; null returns a field to the config)",
       .description = about + " 400 invalid_policy names the field and its allowed values "
                              "(the bounds of the config keys); 409 policy_conflict when another "
                              "change won a race. Each change is kept in the history and audited "
                              "(security.policy_change).",
       .tag = "security",
       .request_schema = policy_input_schema(),
       .responses = {{200, "The new effective policy", policy_schema()}}});

  router.add(http::Method::kGet, "/api/v1/security/policy/history",
             [&service](const http::Request& request) {
               auto page = page_of(request);
               if (!page) return bad_page();
               auto result =
                   service.policy().policy_history(*request.principal(), page->after, page->limit);
               if (!result.ok()) return http::problem(result.error());
               return http::Response::json(200, page_json(*result, page->limit));
             },
             {.permission = manage},
             {.summary = "Changes of the security policy, newest first",
              .description = about,
              .tag = "security",
              .params = paging_params(),
              .responses = {{200, "A page of changes", page_schema(policy_change_schema())}}});
}

}  // namespace

json::object to_json(const User& user) {
  return json::object{
      {"id", user.id},
      {"username", user.username},
      {"kind", to_string(user.kind)},
      {"display_name", user.display_name},
      {"id_number", nullable(user.id_number)},
      {"uscc", nullable(user.uscc)},
      {"responsible_person", nullable(user.responsible_person)},
      {"department_id", nullable(user.department_id)},
      {"roles", string_array(user.roles)},
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
                      {"parent_id", nullable(d.parent_id)},
                      {"version", d.version},
                      {"created_at", core::format_iso8601(d.created_at)},
                      {"updated_at", core::format_iso8601(d.updated_at)}};
}

json::object to_json(const ApiClient& c) {
  return json::object{{"id", c.id},
                      {"name", c.name},
                      {"department_id", c.department_id},
                      {"permissions", string_array(c.permissions)},
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
                      {"changed_by", nullable(c.changed_by)},
                      {"changed_by_name", c.changed_by_name},
                      {"changed_at", core::format_iso8601(c.changed_at)},
                      {"old", json::parse(c.old_values)},
                      {"new", json::parse(c.new_values)}};
}

void add_routes(http::Router& router, IdentityService& service) {
  add_auth_routes(router, service);
  add_department_routes(router, service);
  add_user_routes(router, service);
  add_api_client_routes(router, service);
  add_policy_routes(router, service);
}

RequestContext context_of(const http::Request& request) {
  return {std::string(request.remote_address()), std::string(request.request_id())};
}

}  // namespace zt::identity
