// The user routes: accounts of citizens, enterprises and staff, their roles and password resets.
#include "http/route_file.h"
#include "identity/api_internal.h"

namespace zt::identity::routes {

namespace {

constexpr http::NotFound kUserNotFound{"user_not_found", "No such user."};

const std::string kManagers = "Needs identity.users.manage (sys_admin).";

http::Response invalid_kind() {
  return http::problem(400, "invalid_kind", "kind: citizen, enterprise or staff.");
}

// --- GET /api/v1/users ---

http::Response list_users(UserService& users, const http::Request& request) {
  auto page = http::page_of(request, kMaxPageSize);
  if (!page) return http::bad_page(kMaxPageSize);
  UserFilter filter{.after_id = page->after, .limit = page->limit};
  if (auto d = request.query_param("department_id"); d && !d->empty()) {
    filter.department_id = http::parse_id(*d);
    if (!filter.department_id) {
      return http::problem(400, "invalid_department", "department_id must be an id.");
    }
  }
  if (auto k = request.query_param("kind"); k && !k->empty()) {
    filter.kind = parse_user_kind(*k);
    if (!filter.kind) return invalid_kind();
  }
  auto result = users.list_users(*request.principal(), filter);
  if (!result.ok()) return http::problem(result.error());
  return http::Response::json(200, page_json(*result, page->limit));
}

http::RouteDoc list_users_doc() {
  std::vector<http::ParamDoc> params = paging_params();
  params.push_back({.name = "department_id", .description = "Only users of this department."});
  params.push_back({.name = "kind", .description = "citizen, enterprise or staff"});
  return {.summary = "List users",
          .description =
              "Users by id, a page at a time. Needs identity.users.read; department "
              "admins see their own department's users only. Errors: 400 "
              "invalid_paging, invalid_department, invalid_kind; 403 forbidden." +
              std::string(kSignedInErrors),
          .tag = std::string(kUsersTag),
          .params = std::move(params),
          .responses = {{200, "A page of users", schema::page(user_schema())}}};
}

// --- POST /api/v1/users ---

http::Response create_user(UserService& users, const http::Request& request) {
  http::JsonBody body(request);
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
  if (!parsed) return invalid_kind();
  user.kind = *parsed;
  auto result = users.create_user(*request.principal(), user, request.context());
  if (!result.ok()) return http::problem(result.error());
  return http::Response::json(201, json::object{{"user", to_json(result->user)},
                                                {"initial_password", result->initial_password}});
}

http::RouteDoc create_user_doc() {
  return {.summary = "Create a user (citizen, enterprise or staff)",
          .description =
              "A citizen needs a valid id_number (身份证号), an enterprise a valid uscc "
              "(统一社会信用代码) and a responsible_person, staff a username and a department. The "
              "one-time initial password is in the answer only; it must be changed at the first "
              "sign-in. Roles are set separately by the security admin. " +
              kManagers +
              " Errors: 400 invalid_body, invalid_kind, invalid_id_number, invalid_uscc, "
              "invalid_responsible_person, invalid_department, invalid_username, "
              "invalid_display_name; 403 forbidden; 409 user_exists." +
              std::string(kSignedInErrors),
          .tag = std::string(kUsersTag),
          .request_schema = schema::object({{"kind", schema::str()},
                                            {"username", schema::str()},
                                            {"display_name", schema::str()},
                                            {"id_number", schema::str()},
                                            {"uscc", schema::str()},
                                            {"responsible_person", schema::str()},
                                            {"department_id", schema::integer()}},
                                           {"kind", "display_name"}),
          .responses = {
              {201, "The user and its one-time password",
               schema::object({{"user", user_schema()}, {"initial_password", schema::str()}})}}};
}

// --- GET /api/v1/users/{id} ---

http::Response get_user(UserService& users, std::int64_t id, const http::Request& request) {
  return http::respond(200, users.get_user(*request.principal(), id), to_json);
}

http::RouteDoc get_user_doc() {
  return {.summary = "One user (yourself, or with identity.users.read)",
          .description =
              "Any signed-in user may read their own account; others need "
              "identity.users.read, and department admins see their own department's "
              "users only (another's answer 404). Errors: 403 forbidden; 404 "
              "user_not_found." +
              std::string(kSignedInErrors),
          .tag = std::string(kUsersTag),
          .responses = {{200, "The user", user_schema()}}};
}

// --- PATCH /api/v1/users/{id} ---

http::Response update_user(UserService& users, std::int64_t id, const http::Request& request) {
  http::JsonBody body(request);
  UserUpdate update;
  update.display_name = body.string("display_name");
  update.responsible_person = body.string("responsible_person");
  update.department_id = body.integer("department_id");
  update.disabled = body.boolean("disabled");
  if (!body.ok()) return body.problem();
  return http::respond(200, users.update_user(*request.principal(), id, update, request.context()),
                       to_json);
}

http::RouteDoc update_user_doc() {
  return {
      .summary = "Change a user's display name, responsible person, department or disabled flag",
      .description = "Only the fields given change; disabling ends the user's sessions. " +
                     kManagers +
                     " Errors: 400 invalid_body, invalid_display_name, "
                     "invalid_responsible_person (enterprises only), invalid_department "
                     "(staff only; must exist); 403 forbidden; 404 user_not_found; 409 "
                     "cannot_disable_self." +
                     std::string(kSignedInErrors),
      .tag = std::string(kUsersTag),
      .request_schema = schema::object({{"display_name", schema::str()},
                                        {"responsible_person", schema::str()},
                                        {"department_id", schema::integer()},
                                        {"disabled", schema::boolean()}}),
      .responses = {{200, "The user", user_schema()}}};
}

// --- POST /api/v1/users/{id}/disable ---

http::Response disable_user(UserService& users, std::int64_t id, const http::Request& request) {
  return http::respond(
      200, users.update_user(*request.principal(), id, {.disabled = true}, request.context()),
      to_json);
}

http::RouteDoc disable_user_doc() {
  return {.summary = "Disable a user (ends the user's sessions)",
          .description = "The account can no longer sign in, and its open sessions end. " +
                         kManagers +
                         " Errors: 403 forbidden; 404 user_not_found; 409 cannot_disable_self." +
                         std::string(kSignedInErrors),
          .tag = std::string(kUsersTag),
          .responses = {{200, "The user", user_schema()}}};
}

// --- PUT /api/v1/users/{id}/roles ---

http::Response set_roles(UserService& users, std::int64_t id, const http::Request& request) {
  http::JsonBody body(request);
  auto roles = body.strings("roles", true);
  if (!body.ok()) return body.problem();
  return http::respond(
      200, users.set_roles(*request.principal(), id, std::move(*roles), request.context()),
      to_json);
}

http::RouteDoc set_roles_doc() {
  return {.summary = "Replace a staff user's roles (security admin)",
          .description =
              "Needs identity.roles.assign (sec_admin). The roles replace the user's; "
              "its sessions then carry the new permissions. Errors: 400 invalid_body, "
              "unknown_role, roles_for_staff_only; 403 forbidden; 404 user_not_found; "
              "409 separation_of_duties (two of sys_admin, sec_admin, audit_admin "
              "would be held by one account, 三员分立), cannot_change_own_roles." +
              std::string(kSignedInErrors),
          .tag = std::string(kUsersTag),
          .request_schema = schema::object({{"roles", schema::strings()}}, {"roles"}),
          .responses = {{200, "The user with the new roles", user_schema()}}};
}

// --- POST /api/v1/users/{id}/password-reset ---

http::Response reset_password(UserService& users, std::int64_t id, const http::Request& request) {
  auto result = users.reset_password(*request.principal(), id, request.context());
  if (!result.ok()) return http::problem(result.error());
  return http::Response::json(200, json::object{{"password", *result}});
}

http::RouteDoc reset_password_doc() {
  return {
      .summary = "Reset a user's password to a one-time password (shown once)",
      .description =
          "The user must change it at the next sign-in; the user's sessions end "
          "and a lockout is cleared. " +
          kManagers + " Errors: 403 forbidden; 404 user_not_found." + std::string(kSignedInErrors),
      .tag = std::string(kUsersTag),
      .responses = {{200, "The one-time password", schema::object({{"password", schema::str()}})}}};
}

}  // namespace

void add_user_routes(http::Router& router, UserService& users) {
  const std::string manage = needs(permission::kUsersManage);
  const http::RouteOptions write{
      .permission = manage, .body_limit = 16 * 1024, .accepts = {"application/json"}};
  router.add(http::Method::kGet, "/api/v1/users", handler_of(list_users, users),
             {.permission = needs(permission::kUsersRead)}, list_users_doc());
  router.add(http::Method::kPost, "/api/v1/users", handler_of(create_user, users), write,
             create_user_doc());
  router.add(http::Method::kGet, "/api/v1/users/{id}", handler_of(get_user, users, kUserNotFound),
             {}, get_user_doc());
  router.add(http::Method::kPatch, "/api/v1/users/{id}",
             handler_of(update_user, users, kUserNotFound), write, update_user_doc());
  router.add(http::Method::kPost, "/api/v1/users/{id}/disable",
             handler_of(disable_user, users, kUserNotFound), {.permission = manage},
             disable_user_doc());
  router.add(http::Method::kPut, "/api/v1/users/{id}/roles",
             handler_of(set_roles, users, kUserNotFound),
             {.permission = needs(permission::kRolesAssign),
              .body_limit = 16 * 1024,
              .accepts = {"application/json"}},
             set_roles_doc());
  router.add(http::Method::kPost, "/api/v1/users/{id}/password-reset",
             handler_of(reset_password, users, kUserNotFound), {.permission = manage},
             reset_password_doc());
}

}  // namespace zt::identity::routes
