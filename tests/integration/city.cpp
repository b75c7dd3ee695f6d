#include "integration/city.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <sstream>

namespace zt::test {

namespace json = boost::json;

std::map<std::string, std::string> initial_passwords(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string user, role, password, extra;
    if (words >> user >> role >> password && !(words >> extra) &&
        (role == "sys_admin" || role == "sec_admin" || role == "audit_admin")) {
      out[user] = password;
    }
  }
  return out;
}

std::string base32_decode(std::string_view text) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    buffer = (buffer << 5) | static_cast<unsigned>(kAlphabet.find(c));
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string totp(const std::string& key, std::int64_t step) {
  unsigned char counter[8];
  for (int i = 7; i >= 0; --i) {
    counter[i] = static_cast<unsigned char>(step & 0xFF);
    step >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), counter, sizeof counter, mac, &len);
  const unsigned offset = mac[len - 1] & 0x0F;
  const unsigned value = ((mac[offset] & 0x7Fu) << 24) | (mac[offset + 1] << 16) |
                         (mac[offset + 2] << 8) | mac[offset + 3];
  return fmt::format("{:06}", value % 1'000'000);
}

std::int64_t current_step() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() /
         30;
}

bool City::fail(std::string what, const std::optional<HttpResponse>& response) {
  error_ = std::move(what);
  if (response) {
    error_ += fmt::format(": {} {}", response->status, response->body);
  } else {
    error_ += ": no response";
  }
  return false;
}

std::optional<HttpResponse> City::send(std::string_view method, std::string_view target,
                                       const std::string& token, std::string_view body,
                                       Headers headers) {
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  std::string error;
  auto response = fetch(port_, method, target, error, headers, body);
  if (!response) error_ = error;
  return response;
}

std::optional<HttpResponse> City::call(std::string_view method, std::string_view target,
                                       const std::string& token, const json::value& body,
                                       Headers headers) {
  if (body.is_null()) return send(method, target, token, "", std::move(headers));
  headers.emplace_back("Content-Type", "application/json");
  return send(method, target, token, json::serialize(body), std::move(headers));
}

std::string City::ready_admin(const std::string& username, const std::string& one_time) {
  auto login = call("POST", "/api/v1/auth/login", "",
                    json::object{{"username", username}, {"password", one_time}});
  if (!login || login->status != 200) return fail("login " + username, login), "";
  const std::string token(login->json().at("token").as_string());
  auto changed = call("POST", "/api/v1/auth/password", token,
                      json::object{{"current_password", one_time},
                                   {"new_password", "Zt-" + one_time.substr(0, 10) + "9a"}});
  if (!changed || changed->status != 204) return fail("password " + username, changed), "";
  auto setup = call("POST", "/api/v1/auth/totp/setup", token);
  if (!setup || setup->status != 200) return fail("totp setup " + username, setup), "";
  const std::string key = base32_decode(std::string(setup->json().at("secret").as_string()));
  auto confirmed = call("POST", "/api/v1/auth/totp/confirm", token,
                        json::object{{"code", totp(key, current_step())}});
  if (!confirmed || confirmed->status != 204) return fail("totp " + username, confirmed), "";
  return token;
}

bool City::open(const std::string& first_start_stderr) {
  const auto passwords = initial_passwords(first_start_stderr);
  if (passwords.size() != 3) {
    error_ = "no administrator passwords in the server's output: " + first_start_stderr;
    return false;
  }
  sys_ = ready_admin("sysadmin", passwords.at("sysadmin"));
  if (sys_.empty()) return false;
  sec_ = ready_admin("secadmin", passwords.at("secadmin"));
  if (sec_.empty()) return false;
  audit_ = ready_admin("auditadmin", passwords.at("auditadmin"));
  return !audit_.empty();
}

std::optional<std::int64_t> City::department(std::string_view code, std::string_view name,
                                             std::string_view division_code) {
  auto r = call("POST", "/api/v1/departments", sys_,
                json::object{{"code", code}, {"name", name}, {"division_code", division_code}});
  if (!r || r->status != 201) return fail(fmt::format("department {}", code), r), std::nullopt;
  return r->json().at("id").as_int64();
}

std::string City::staff(std::string_view username, std::int64_t department,
                        const std::vector<std::string>& roles) {
  auto created = call("POST", "/api/v1/users", sys_,
                      json::object{{"kind", "staff"},
                                   {"username", username},
                                   {"display_name", username},
                                   {"department_id", department}});
  if (!created || created->status != 201) {
    return fail(fmt::format("user {}", username), created), "";
  }
  const json::value body = created->json();
  const std::int64_t id = body.at("user").at("id").as_int64();
  const std::string initial(body.at("initial_password").as_string());
  json::array role_list;
  for (const auto& r : roles)
    role_list.emplace_back(r);
  auto assigned = call("PUT", fmt::format("/api/v1/users/{}/roles", id), sec_,
                       json::object{{"roles", role_list}});
  if (!assigned || assigned->status != 200) {
    return fail(fmt::format("roles of {}", username), assigned), "";
  }
  return first_sign_in(std::string(username), initial);
}

std::string City::account(const json::object& user) {
  auto created = call("POST", "/api/v1/users", sys_, user);
  if (!created || created->status != 201) return fail("account", created), "";
  const json::value body = created->json();
  return first_sign_in(std::string(body.at("user").at("username").as_string()),
                       std::string(body.at("initial_password").as_string()));
}

std::string City::first_sign_in(const std::string& username, const std::string& initial) {
  auto login = call("POST", "/api/v1/auth/login", "",
                    json::object{{"username", username}, {"password", initial}});
  if (!login || login->status != 200) return fail(fmt::format("login {}", username), login), "";
  const std::string token(login->json().at("token").as_string());
  auto changed =
      call("POST", "/api/v1/auth/password", token,
           json::object{{"current_password", initial},
                        {"new_password", "Wz-2026-Ou" + std::to_string(username.size()) + "!qmT"}});
  if (!changed || changed->status != 204) {
    return fail(fmt::format("password of {}", username), changed), "";
  }
  return token;
}

std::string City::api_client(std::string_view name, std::int64_t department,
                             const std::vector<std::string>& permissions) {
  json::array list;
  for (const auto& p : permissions)
    list.emplace_back(p);
  auto r = call("POST", "/api/v1/api-clients", sys_,
                json::object{{"name", name}, {"department_id", department}});
  if (!r || r->status != 201) return fail(fmt::format("API client {}", name), r), "";
  const std::int64_t id = r->json().at("client").at("id").as_int64();
  auto given = call("PUT", fmt::format("/api/v1/api-clients/{}/permissions", id), sec_,
                    json::object{{"permissions", list}});
  if (!given || given->status != 200)
    return fail(fmt::format("permissions of {}", name), given), "";
  return std::string(r->json().at("api_key").as_string());
}

}  // namespace zt::test
