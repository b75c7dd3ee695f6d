// City: the accounts an integration test of the data hub needs, made through the real API of a
// fresh server — the administrators made ready (password changed, TOTP enrolled), departments,
// staff users with roles (signed in, initial password changed) and API clients.
//
// Also the helpers that sign administrators in: their one-time passwords from the first start's
// console block, and RFC 6238 codes computed here.
#pragma once

#include "integration/http_client.h"

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::test {

// The one-time passwords from the console block "   sysadmin    sys_admin    PASSWORD".
std::map<std::string, std::string> initial_passwords(const std::string& text);
std::string base32_decode(std::string_view text);
// RFC 6238 with HMAC-SHA1, 6 digits, for the 30-second step `step`.
std::string totp(const std::string& key, std::int64_t step);
std::int64_t current_step();

using Headers = std::vector<std::pair<std::string, std::string>>;

class City {
 public:
  explicit City(std::uint16_t port) : port_(port) {}
  // After a restart the server listens elsewhere; sessions live in the database and stay valid.
  void set_port(std::uint16_t port) { port_ = port; }

  // Makes sysadmin, secadmin and auditadmin ready from the first start's standard error. False (see
  // error()) on failure.
  bool open(const std::string& first_start_stderr);

  // One request with `token` as Bearer (none when empty); a JSON body gets its Content-Type.
  std::optional<HttpResponse> call(std::string_view method, std::string_view target,
                                   const std::string& token, const boost::json::value& body = {},
                                   Headers headers = {});
  // One request with a raw body.
  std::optional<HttpResponse> send(std::string_view method, std::string_view target,
                                   const std::string& token, std::string_view body,
                                   Headers headers);

  // A department; its id, or nullopt.
  std::optional<std::int64_t> department(std::string_view code, std::string_view name,
                                         std::string_view division_code = "330300");
  // A staff user of `department` with `roles`, signed in with a changed password: its token, or
  // "" on failure.
  std::string staff(std::string_view username, std::int64_t department,
                    const std::vector<std::string>& roles);
  // A citizen or enterprise account (`user`: the body of POST /api/v1/users), signed in with a
  // changed password: its token, or "" on failure.
  std::string account(const boost::json::object& user);
  // An API client of `department` with `permissions`: its key, or "".
  std::string api_client(std::string_view name, std::int64_t department,
                         const std::vector<std::string>& permissions);

  // An administrator signed in with its one-time password, password changed and TOTP enrolled.
  std::string ready_admin(const std::string& username, const std::string& one_time);

  const std::string& sysadmin() const { return sys_; }
  const std::string& secadmin() const { return sec_; }
  const std::string& auditadmin() const { return audit_; }
  const std::string& error() const { return error_; }

 private:
  bool fail(std::string what, const std::optional<HttpResponse>& response);
  // Signs `username` in with its initial password and changes it: the token, or "".
  std::string first_sign_in(const std::string& username, const std::string& initial);
  std::uint16_t port_;
  std::string sys_, sec_, audit_;
  std::string error_;
};

}  // namespace zt::test
