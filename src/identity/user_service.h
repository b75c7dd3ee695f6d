// UserService: the accounts — citizens (by 身份证号), enterprises (by 统一社会信用代码, with a
// responsible person) and staff (in a department, with roles) — their roles under the
// separation of the three administrators (三员分立), password resets, and the first-start
// administrator accounts.
//
// Every method that acts for someone takes the acting Principal and checks the permission
// itself (the router checks it too). Each change writes its audit record (user.create,
// user.update, user.disable, user.roles_change, user.password_reset) in the same transaction.
// New and reset passwords are one-time passwords, returned once and stored only as argon2id
// hashes; they must be changed at the next sign-in (AuthService::change_password).
//
// Errors: 403 "forbidden"; 400 "invalid_<field>" (id_number, uscc, responsible_person,
// department, username, display_name, and the identifier checks' own codes), "unknown_role",
// "roles_for_staff_only"; 404 "user_not_found"; 409 "user_exists", "separation_of_duties",
// "cannot_change_own_roles", "cannot_disable_self", "admins_exist"; plus the crypto provider's,
// argon2's ("password_hash_failed") and the database's errors.
//
// Thread-safety: all methods may be called from many threads at once; the object holds only
// immutable state and references to thread-safe collaborators, which must outlive it.
#pragma once

#include "audit/service.h"
#include "core/crypto.h"
#include "core/principal.h"
#include "core/result.h"
#include "core/time.h"
#include "db/database.h"
#include "identity/model.h"
#include "identity/password.h"

#include <cstdint>
#include <string>
#include <vector>

namespace zt::identity {

class UserService {
 public:
  UserService(db::Database& db, const core::CryptoProvider& crypto, const core::Clock& clock,
              audit::AuditLog& audit, Argon2Params argon2);

  // identity.users.manage. Citizens need a valid id_number, enterprises a valid uscc and a
  // responsible_person, staff a username and an existing department; the username of a
  // citizen or enterprise defaults to its identifier. Success: the user with a one-time initial
  // password. Failure: forbidden; invalid_*; user_exists.
  Result<CreatedUser> create_user(const core::Principal& actor, const NewUser& user,
                                  const core::RequestContext& context);
  // identity.users.read. Users by id after filter.after_id, at most filter.limit (clamped to
  // 1..kMaxPageSize); limited to the actor's own department unless the actor also manages users
  // or assigns roles, or has city scope. Failure: forbidden.
  Result<std::vector<User>> list_users(const core::Principal& actor, UserFilter filter);
  // Oneself, or identity.users.read (another department's user answers user_not_found unless
  // the actor manages users, assigns roles or has city scope). Failure: forbidden;
  // user_not_found.
  Result<User> get_user(const core::Principal& actor, std::int64_t id);
  // identity.users.manage. Applies the fields given; disabling ends the user's sessions.
  // Failure: forbidden; invalid_display_name, invalid_responsible_person (only enterprises),
  // invalid_department (only staff; must exist); user_not_found; cannot_disable_self.
  Result<User> update_user(const core::Principal& actor, std::int64_t id, const UserUpdate& update,
                           const core::RequestContext& context);
  // identity.roles.assign. Replaces the user's roles (sorted, without duplicates). Refuses
  // unknown roles (unknown_role), roles for non-staff (roles_for_staff_only), two of the three
  // administrator roles on one account (separation_of_duties), and one's own roles
  // (cannot_change_own_roles). Failure also: forbidden; user_not_found.
  Result<User> set_roles(const core::Principal& actor, std::int64_t id,
                         std::vector<std::string> roles, const core::RequestContext& context);
  // identity.users.manage. A new one-time password (returned once), to be changed at the next
  // sign-in; ends the user's sessions and clears a lockout. Failure: forbidden; user_not_found.
  Result<std::string> reset_password(const core::Principal& actor, std::int64_t id,
                                     const core::RequestContext& context);

  // Creates sysadmin, secadmin and auditadmin (roles sys_admin, sec_admin, audit_admin), each
  // with a one-time password that must be changed at first sign-in. The passwords are returned
  // once and stored only as argon2 hashes. Failure: conflict "admins_exist" when any account
  // holds an administrator role already (also when another node was quicker).
  Result<std::vector<InitialAdmin>> init_admins();

 private:
  // A one-time password and its argon2id hash.
  struct OneTimePassword {
    std::string password;
    std::string hash;
  };
  Result<OneTimePassword> one_time_password() const;

  db::Database& db_;
  const core::CryptoProvider& crypto_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
  PasswordHasher hasher_;
};

}  // namespace zt::identity
