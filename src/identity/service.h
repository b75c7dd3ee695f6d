// IdentityService: the identity module (统一身份认证) in one object — it builds and owns one
// service per concern and hands them out:
//
//   auth()         AuthService        sign-in with lockout and TOTP, own password and TOTP
//   sessions()     SessionService     the authenticator behind every signed-in route, logout
//   users()        UserService        users and roles (三员分立), resets, first-start admins
//   departments()  DepartmentService  the department tree with history
//   api_clients()  ApiClientService   API clients and their keys
//   policy()       PolicyService      the security policy in force and its changes
//
// Callers that need one concern should take that service (the catalog takes
// DepartmentService&); this object is for the wiring, and for callers that need several.
//
// Authorisation: every method that acts for someone takes the acting Principal and checks the
// permission itself (the router checks it too), so a service call cannot bypass it. Each
// service's header lists its error codes.
//
// Thread-safety: all services may be called from many threads at once; the database, crypto
// provider, clock and audit log must outlive this object.
#pragma once

#include "audit/service.h"
#include "core/crypto.h"
#include "core/principal.h"
#include "core/result.h"
#include "core/time.h"
#include "db/database.h"
#include "identity/api_client_service.h"
#include "identity/auth_service.h"
#include "identity/department_service.h"
#include "identity/model.h"
#include "identity/policy_service.h"
#include "identity/session_service.h"
#include "identity/user_service.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace zt::identity {

class IdentityService {
 public:
  // Failure: "invalid_data_key" when config.data_key is not 32 bytes; "crypto_error" /
  // "password_hash_failed" while preparing the dummy hash that keeps unknown usernames as slow
  // as known ones.
  static Result<std::unique_ptr<IdentityService>> create(db::Database& db,
                                                         const core::CryptoProvider& crypto,
                                                         const core::Clock& clock,
                                                         audit::AuditLog& audit,
                                                         IdentityConfig config);

  AuthService& auth() { return *auth_; }
  SessionService& sessions() { return *sessions_; }
  UserService& users() { return *users_; }
  DepartmentService& departments() { return *departments_; }
  ApiClientService& api_clients() { return *api_clients_; }
  PolicyService& policy() { return *policy_; }

  // The [identity] configuration; the values in force are policy().effective_policy()'s.
  const IdentityConfig& config() const { return policy_->config(); }

  // Shorthands for the callers that wire the whole module: the server's authenticator
  // (sessions().authenticate), the first-start administrators (users().init_admins) and the
  // exchange statistics' department names (departments().find_department).
  Result<core::Principal> authenticate(std::optional<std::string_view> bearer_token,
                                       std::optional<std::string_view> api_key,
                                       std::string_view remote_address) {
    return sessions_->authenticate(bearer_token, api_key, remote_address);
  }
  Result<std::vector<InitialAdmin>> init_admins() { return users_->init_admins(); }
  Result<Department> find_department(std::int64_t id) { return departments_->find_department(id); }

 private:
  IdentityService() = default;

  std::unique_ptr<PolicyService> policy_;  // first: the others hold a reference to it
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<SessionService> sessions_;
  std::unique_ptr<UserService> users_;
  std::unique_ptr<DepartmentService> departments_;
  std::unique_ptr<ApiClientService> api_clients_;
};

}  // namespace zt::identity
