// The auth routes: sign-in, sign-out, who am I, the own password and TOTP enrolment.
#include "http/route_file.h"
#include "identity/api_internal.h"

namespace zt::identity::routes {

namespace {

// --- POST /api/v1/auth/login ---

http::Response login(AuthService& auth, const http::Request& request) {
  http::JsonBody body(request);
  LoginRequest login;
  login.username = body.string("username", true).value_or("");
  login.password = body.string("password", true).value_or("");
  login.totp = body.string("totp");
  if (!body.ok()) return body.problem();
  auto result = auth.login(login, request.context());
  if (!result.ok()) return http::problem(result.error());
  return http::Response::json(
      200, json::object{{"token", result->token},
                        {"expires_at", core::format_iso8601(result->expires_at)},
                        {"user", to_json(result->user)},
                        {"totp_enrolment_required", result->totp_enrolment_required}});
}

http::RouteDoc login_doc() {
  return {.summary = "Sign in (登录)",
          .description =
              "Public. Username and password, plus a TOTP code for accounts that have one "
              "enrolled. The token is shown once: send it as Authorization: Bearer <token>. "
              "must_change_password or totp_enrolment_required in the answer mean only the auth "
              "routes answer until the password is changed or TOTP enrolled. Errors: 400 "
              "invalid_body; 401 invalid_credentials (wrong credentials, unknown users, locked and "
              "disabled accounts all answer the same), totp_required, invalid_totp; 429 "
              "too_many_attempts (too many failures from this address in the last hour; "
              "Retry-After says in how many seconds the window ends). A missing or wrong TOTP "
              "code after a right password counts towards the lockout.",
          .tag = std::string(kAuthTag),
          .request_schema = schema::object(
              {{"username", schema::str()}, {"password", schema::str()}, {"totp", schema::str()}},
              {"username", "password"}),
          .responses = {{200, "Signed in",
                         schema::object({{"token", schema::str()},
                                         {"expires_at", schema::str()},
                                         {"user", user_schema()},
                                         {"totp_enrolment_required", schema::boolean()}})}}};
}

// --- POST /api/v1/auth/logout ---

http::Response logout(SessionService& sessions, const http::Request& request) {
  auto result = sessions.logout(*request.principal(), request.context());
  if (!result.ok()) return http::problem(result.error());
  return http::no_content();
}

http::RouteDoc logout_doc() {
  return {.summary = "Sign out: end this session",
          .description =
              "Any signed-in user, also while a password change is pending. Ends the "
              "session of the token sent; the token stops working at once. Errors: "
              "401 unauthenticated (also for an API client, which has no session)." +
              std::string(kSignedInErrors),
          .tag = std::string(kAuthTag),
          .responses = {{204, "The session has ended"}}};
}

// --- GET /api/v1/auth/me ---

http::Response me(AuthService& auth, const http::Request& request) {
  const core::Principal& principal = *request.principal();
  if (principal.kind == core::Principal::Kind::kApiClient) {
    return http::Response::json(
        200, json::object{{"kind", "api_client"},
                          {"id", principal.id},
                          {"name", principal.name},
                          {"department_id", nullable(principal.department_id)},
                          {"permissions", http::string_array(principal.permissions)}});
  }
  auto user = auth.me(principal);
  if (!user.ok()) return http::problem(user.error());
  json::object out = to_json(*user);
  out["permissions"] = http::string_array(principal.permissions);
  return http::Response::json(200, out);
}

// A user's account with its permissions, or an API client's kind, id, name, department and
// permissions (me() answers both).
json::object me_schema() {
  json::object s = user_schema();
  json::object& properties = s["properties"].as_object();
  properties["kind"] = schema::enumeration({"citizen", "enterprise", "staff", "api_client"});
  properties["name"] = schema::str();
  properties["permissions"] = schema::strings();
  // What a user's answer and an API client's have in common is always there.
  s["required"] = json::array{"kind", "id", "department_id", "permissions"};
  return s;
}

http::RouteDoc me_doc() {
  return {.summary = "Who am I: the signed-in user (or API client) and its permissions",
          .description =
              "Any signed-in principal, also while a password change is pending. A "
              "user gets its account with the permissions of its roles; an API client "
              "gets kind \"api_client\", its id, name, department and permissions. "
              "Errors: 401 unauthenticated (the user no longer exists)." +
              std::string(kSignedInErrors),
          .tag = std::string(kAuthTag),
          .responses = {{200, "The user (or API client), with permissions", me_schema()}}};
}

// --- POST /api/v1/auth/password ---

http::Response change_password(AuthService& auth, const http::Request& request) {
  http::JsonBody body(request);
  auto current = body.string("current_password", true);
  auto next = body.string("new_password", true);
  if (!body.ok()) return body.problem();
  auto result = auth.change_password(*request.principal(), *current, *next, request.context());
  if (!result.ok()) return http::problem(result.error());
  return http::no_content();
}

http::RouteDoc change_password_doc() {
  return {.summary = "Change the own password (ends the user's other sessions)",
          .description =
              "Any signed-in user, also while the initial password must be changed. The new "
              "password must pass the security policy's profile (dengbao or asvs). Errors: 400 "
              "invalid_body, invalid_current_password, password_unchanged, password_too_short, "
              "password_too_long, password_too_common, password_too_simple, "
              "password_contains_username; 401 unauthenticated (an API client has no password); "
              "429 too_many_attempts while the account is locked (Retry-After). A wrong "
              "current_password counts towards the lockout like a failed sign-in." +
              std::string(kSignedInErrors),
          .tag = std::string(kAuthTag),
          .request_schema =
              schema::object({{"current_password", schema::str()}, {"new_password", schema::str()}},
                             {"current_password", "new_password"}),
          .responses = {{204, "Changed"}}};
}

// --- POST /api/v1/auth/totp/setup ---

http::Response totp_setup(AuthService& auth, const http::Request& request) {
  auto result = auth.begin_totp_enrolment(*request.principal(), request.context());
  if (!result.ok()) return http::problem(result.error());
  return http::Response::json(
      200, json::object{{"secret", result->secret}, {"otpauth_uri", result->otpauth_uri}});
}

http::RouteDoc totp_setup_doc() {
  return {
      .summary = "Start TOTP enrolment: a new secret and its otpauth:// URI (QR code)",
      .description =
          "Any signed-in user, also while enrolment is pending. The secret stays "
          "pending until confirmed with a code (POST /api/v1/auth/totp/confirm); "
          "starting again replaces it. Errors: 401 unauthenticated (an API client "
          "cannot enrol); 409 totp_already_enabled." +
          std::string(kSignedInErrors),
      .tag = std::string(kAuthTag),
      .responses = {{200, "The pending secret",
                     schema::object({{"secret", schema::str()}, {"otpauth_uri", schema::str()}})}}};
}

// --- POST /api/v1/auth/totp/confirm ---

http::Response totp_confirm(AuthService& auth, const http::Request& request) {
  http::JsonBody body(request);
  auto code = body.string("code", true);
  if (!body.ok()) return body.problem();
  auto result = auth.confirm_totp_enrolment(*request.principal(), *code, request.context());
  if (!result.ok()) return http::problem(result.error());
  return http::no_content();
}

http::RouteDoc totp_confirm_doc() {
  return {.summary = "Confirm TOTP enrolment with a current code",
          .description =
              "Any signed-in user with a pending TOTP secret. From then on sign-in "
              "needs a code. Errors: 400 invalid_body, invalid_totp (wrong or expired "
              "code); 401 unauthenticated (an API client); 409 totp_already_enabled, "
              "totp_not_started." +
              std::string(kSignedInErrors),
          .tag = std::string(kAuthTag),
          .request_schema = schema::object({{"code", schema::str()}}, {"code"}),
          .responses = {{204, "TOTP is now required at sign-in"}}};
}

}  // namespace

void add_auth_routes(http::Router& router, AuthService& auth, SessionService& sessions) {
  router.add(
      http::Method::kPost, "/api/v1/auth/login", handler_of(login, auth),
      {.access = http::Access::kPublic, .body_limit = 16 * 1024, .accepts = {"application/json"}},
      login_doc());
  router.add(http::Method::kPost, "/api/v1/auth/logout", handler_of(logout, sessions),
             {.allowed_before_password_change = true}, logout_doc());
  router.add(http::Method::kGet, "/api/v1/auth/me", handler_of(me, auth),
             {.allowed_before_password_change = true}, me_doc());
  router.add(http::Method::kPost, "/api/v1/auth/password", handler_of(change_password, auth),
             {.allowed_before_password_change = true,
              .body_limit = 16 * 1024,
              .accepts = {"application/json"}},
             change_password_doc());
  router.add(http::Method::kPost, "/api/v1/auth/totp/setup", handler_of(totp_setup, auth),
             {.allowed_before_password_change = true}, totp_setup_doc());
  router.add(http::Method::kPost, "/api/v1/auth/totp/confirm", handler_of(totp_confirm, auth),
             {.allowed_before_password_change = true,
              .body_limit = 4 * 1024,
              .accepts = {"application/json"}},
             totp_confirm_doc());
}

}  // namespace zt::identity::routes
