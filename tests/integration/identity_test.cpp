// Identity over real HTTP: first start prints the three administrators' one-time passwords on
// standard error; sign-in with the forced password change; /api/v1/auth/me; TOTP enrolment
// with codes computed here (RFC 6238); 401 for wrong passwords and missing tokens; 403 for a
// missing permission; logout; an API client's /api/v1/auth/me.
#include "integration/city.h"
#include "integration/server_test.h"

#include <chrono>
#include <map>

namespace zt::test {
namespace {

namespace json = boost::json;

const std::vector<std::pair<std::string, std::string>> kJson{{"Content-Type", "application/json"}};

class IdentityApiTest : public ServerTest {
 protected:
  std::optional<HttpResponse> post(std::string_view target, const json::object& body,
                                   const std::string& token = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!body.empty()) headers = kJson;  // routes without a body refuse one (415)
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return fetch("POST", target, headers, body.empty() ? "" : json::serialize(body));
  }
  std::optional<HttpResponse> get(std::string_view target, const std::string& token) {
    return fetch("GET", target, {{"Authorization", "Bearer " + token}});
  }
  std::optional<HttpResponse> put(std::string_view target, const json::object& body,
                                  const std::string& token) {
    auto headers = kJson;
    headers.emplace_back("Authorization", "Bearer " + token);
    return fetch("PUT", target, headers, json::serialize(body));
  }

  // Signs an administrator in with the one-time password, changes it and enrols TOTP; returns
  // the session token, then fully usable ("" on failure).
  std::string ready_admin(const std::string& username, const std::string& one_time) {
    auto login = post("/api/v1/auth/login", {{"username", username}, {"password", one_time}});
    if (!login || login->status != 200) return "";
    const std::string token(login->json().at("token").as_string());
    auto changed = post(
        "/api/v1/auth/password",
        {{"current_password", one_time}, {"new_password", "Zt-" + one_time.substr(0, 10) + "9a"}},
        token);
    if (!changed || changed->status != 204) return "";
    auto setup = post("/api/v1/auth/totp/setup", {}, token);
    if (!setup || setup->status != 200) return "";
    const std::string key = base32_decode(std::string(setup->json().at("secret").as_string()));
    auto confirmed =
        post("/api/v1/auth/totp/confirm", {{"code", totp(key, current_step())}}, token);
    if (!confirmed || confirmed->status != 204) return "";
    return token;
  }
};

TEST_F(IdentityApiTest, FirstStartSignInPasswordChangeTotpAndPermissions) {
  ASSERT_TRUE(start({.fresh_database = true}));
  const auto passwords = initial_passwords(server().stderr_text());
  ASSERT_EQ(passwords.size(), 3u) << server().stderr_text();
  const std::string one_time = passwords.at("sysadmin");
  EXPECT_EQ(one_time.size(), 20u);
  // The passwords are on the console only, never in the log.
  for (const auto& [user, password] : passwords) {
    EXPECT_EQ(server().stdout_text().find(password), std::string::npos) << user;
  }

  // Wrong password and unknown user: the same 401.
  EXPECT_TRUE(IsProblem(
      post("/api/v1/auth/login", {{"username", "sysadmin"}, {"password", "not-the-password"}}), 401,
      "invalid_credentials"));
  EXPECT_TRUE(IsProblem(
      post("/api/v1/auth/login", {{"username", "nobody"}, {"password", "not-the-password"}}), 401,
      "invalid_credentials"));
  // No token.
  EXPECT_TRUE(IsProblem(fetch("GET", "/api/v1/auth/me"), 401, "unauthenticated"));
  EXPECT_TRUE(IsProblem(get("/api/v1/auth/me", std::string(64, 'a')), 401, "unauthenticated"));

  // The one-time password signs in, to change it only.
  auto login = post("/api/v1/auth/login", {{"username", "sysadmin"}, {"password", one_time}});
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200) << login->body;
  const json::object body = login->json().as_object();
  const std::string token(body.at("token").as_string());
  EXPECT_EQ(token.size(), 64u);
  EXPECT_TRUE(body.at("user").at("must_change_password").as_bool());
  EXPECT_TRUE(body.at("totp_enrolment_required").as_bool());
  auto me = get("/api/v1/auth/me", token);
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(me->json().at("username"), "sysadmin");
  EXPECT_TRUE(me->json().at("must_change_password").as_bool());
  EXPECT_TRUE(IsProblem(get("/api/v1/departments", token), 403, "password_change_required"));

  auto weak = post("/api/v1/auth/password",
                   {{"current_password", one_time}, {"new_password", "password1234"}}, token);
  EXPECT_TRUE(IsProblem(weak, 400, "password_too_common"));
  const std::string new_password = "Zt-" + one_time.substr(0, 10) + "9a";
  auto changed = post("/api/v1/auth/password",
                      {{"current_password", one_time}, {"new_password", new_password}}, token);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 204) << changed->body;

  // The password is changed; the second factor is still missing.
  EXPECT_TRUE(IsProblem(get("/api/v1/departments", token), 403, "totp_enrolment_required"));

  // TOTP enrolment, then the flag clears.
  auto setup = post("/api/v1/auth/totp/setup", {}, token);
  ASSERT_TRUE(setup);
  ASSERT_EQ(setup->status, 200) << setup->body;
  const std::string secret(setup->json().at("secret").as_string());
  EXPECT_EQ(std::string(setup->json().at("otpauth_uri").as_string())
                .rfind("otpauth://totp/Zhengtong:sysadmin?secret=" + secret, 0),
            0u);
  const std::string key = base32_decode(secret);
  const std::int64_t step = current_step();
  auto confirmed = post("/api/v1/auth/totp/confirm", {{"code", totp(key, step)}}, token);
  ASSERT_TRUE(confirmed);
  ASSERT_EQ(confirmed->status, 204) << confirmed->body;
  me = get("/api/v1/auth/me", token);
  ASSERT_TRUE(me);
  EXPECT_FALSE(me->json().at("must_change_password").as_bool());
  EXPECT_TRUE(me->json().at("totp_enabled").as_bool());

  // Permissions: the system admin manages departments but cannot read the audit log.
  auto created =
      post("/api/v1/departments",
           {{"code", "WZ-GA"}, {"name", "温州市公安局"}, {"division_code", "330300"}}, token);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  EXPECT_TRUE(IsProblem(get("/api/v1/audit/records", token), 403, "forbidden"));
  auto departments = get("/api/v1/departments", token);
  ASSERT_TRUE(departments);
  EXPECT_EQ(departments->status, 200);
  EXPECT_EQ(departments->json().at("items").as_array().size(), 1u);

  // Signing in again needs a TOTP code, and not the one already used.
  EXPECT_TRUE(
      IsProblem(post("/api/v1/auth/login", {{"username", "sysadmin"}, {"password", new_password}}),
                401, "totp_required"));
  auto second =
      post("/api/v1/auth/login",
           {{"username", "sysadmin"}, {"password", new_password}, {"totp", totp(key, step + 1)}});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200) << second->body;

  // Logout ends the session.
  auto logout = post("/api/v1/auth/logout", {}, token);
  ASSERT_TRUE(logout);
  EXPECT_EQ(logout->status, 204);
  EXPECT_TRUE(IsProblem(get("/api/v1/auth/me", token), 401, "unauthenticated"));
}

TEST_F(IdentityApiTest, SecurityAdminSetsThePolicyAndTheSystemAdminMayNot) {
  ASSERT_TRUE(start({.fresh_database = true}));
  const auto passwords = initial_passwords(server().stderr_text());
  ASSERT_EQ(passwords.size(), 3u) << server().stderr_text();
  const std::string sec = ready_admin("secadmin", passwords.at("secadmin"));
  const std::string sys = ready_admin("sysadmin", passwords.at("sysadmin"));
  ASSERT_FALSE(sec.empty());
  ASSERT_FALSE(sys.empty());

  auto put_policy =
      put("/api/v1/security/policy",
          {{"lockout_failures", 3}, {"totp_roles", json::array{"dept_officer"}}}, sec);
  ASSERT_TRUE(put_policy);
  ASSERT_EQ(put_policy->status, 200) << put_policy->body;
  EXPECT_EQ(put_policy->json().at("version"), 1);

  auto policy = get("/api/v1/security/policy", sec);
  ASSERT_TRUE(policy);
  ASSERT_EQ(policy->status, 200) << policy->body;
  const json::value policy_json = policy->json();
  const json::value& fields = policy_json.at("fields");
  EXPECT_EQ(fields.at("lockout_failures").at("value"), 3);
  EXPECT_EQ(fields.at("lockout_failures").at("source"), "database");
  EXPECT_EQ(fields.at("lockout_failures").at("config_value"), 5);
  EXPECT_EQ(fields.at("totp_roles").at("value"), (json::array{"dept_officer"}));
  EXPECT_EQ(fields.at("password_profile").at("value"), "dengbao");
  EXPECT_EQ(fields.at("password_profile").at("source"), "config");

  EXPECT_TRUE(IsProblem(put("/api/v1/security/policy", {{"lockout_failures", 0}}, sec), 400,
                        "invalid_policy"));
  auto history = get("/api/v1/security/policy/history", sec);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->status, 200) << history->body;
  ASSERT_EQ(history->json().at("items").as_array().size(), 1u);
  EXPECT_EQ(history->json().at("items").at(0).at("new").at("lockout_failures"), 3);

  EXPECT_TRUE(IsProblem(get("/api/v1/security/policy", sys), 403, "forbidden"));
  EXPECT_TRUE(
      IsProblem(put("/api/v1/security/policy", {{"lockout_failures", 4}}, sys), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(get("/api/v1/security/policy/history", sys), 403, "forbidden"));

  auto openapi = fetch("GET", "/api/openapi.json");
  ASSERT_TRUE(openapi);
  const json::value openapi_json = openapi->json();
  const json::value& paths = openapi_json.at("paths");
  EXPECT_TRUE(paths.as_object().contains("/api/v1/security/policy"));
  EXPECT_TRUE(paths.as_object().contains("/api/v1/security/policy/history"));
}

// A department system signed in with its API key sees itself in /api/v1/auth/me: kind
// api_client, its name, department and permissions (as the route's documentation says).
TEST_F(IdentityApiTest, AnApiClientSeesItselfInAuthMe) {
  ASSERT_TRUE(start({.fresh_database = true}));
  City city(port());
  ASSERT_TRUE(city.open(server().stderr_text())) << city.error();
  auto ga = city.department("330300-GA", "温州市公安局");
  ASSERT_TRUE(ga) << city.error();
  const std::string key = city.api_client("ga-sync", *ga, {"exchange.query"});
  ASSERT_FALSE(key.empty()) << city.error();
  auto me = fetch("GET", "/api/v1/auth/me", {{"X-API-Key", key}});
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  const json::value who = me->json();
  EXPECT_EQ(who.at("kind"), "api_client");
  EXPECT_EQ(who.at("name"), "ga-sync");
  EXPECT_EQ(who.at("department_id"), *ga);
  EXPECT_EQ(who.at("permissions"), (json::array{"exchange.query"}));
}

}  // namespace
}  // namespace zt::test
