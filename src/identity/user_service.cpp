#include "identity/user_service.h"

#include "core/id_number.h"
#include "core/uscc.h"
#include "db/transaction.h"
#include "identity/internal.h"
#include "identity/scope.h"
#include "identity/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace zt::identity {

using namespace internal;  // the module's private helpers (internal.h)

namespace {

Error no_user(std::int64_t id) {
  return Error::not_found("user_not_found", fmt::format("No user with id {}.", id));
}

// Whether the actor sees users of every department (besides city scope).
bool sees_all_users(const core::Principal& actor) {
  return actor.has_permission(permission::kUsersManage) ||
         actor.has_permission(permission::kRolesAssign);
}

// The fields of a new user checked and normalised for its kind.
Result<NewUser> checked_user(NewUser user, core::TimePoint now) {
  switch (user.kind) {
    case UserKind::kCitizen: {
      if (!user.id_number) {
        return Error::invalid("invalid_id_number", "A citizen needs an id_number (身份证号).");
      }
      ZT_ASSIGN_OR_RETURN(std::string checked,
                          core::check_id_number(*user.id_number, core::china_date(now)));
      user.id_number = checked;
      if (user.username.empty()) user.username = checked;
      user.uscc.reset();
      user.responsible_person.reset();
      user.department_id.reset();
      break;
    }
    case UserKind::kEnterprise: {
      if (!user.uscc) {
        return Error::invalid("invalid_uscc", "An enterprise needs a uscc (统一社会信用代码).");
      }
      ZT_ASSIGN_OR_RETURN(std::string checked, core::check_uscc(*user.uscc));
      user.uscc = checked;
      if (!user.responsible_person || !valid_text(*user.responsible_person, 200)) {
        return Error::invalid("invalid_responsible_person",
                              "An enterprise needs a responsible_person (负责人).");
      }
      if (user.username.empty()) user.username = checked;
      user.id_number.reset();
      user.department_id.reset();
      break;
    }
    case UserKind::kStaff: {
      user.id_number.reset();
      user.uscc.reset();
      user.responsible_person.reset();
      if (!user.department_id) {
        return Error::invalid("invalid_department", "A staff user needs a department_id.");
      }
      break;
    }
  }
  if (!valid_name(user.username, 3, 64, true)) {
    return Error::invalid("invalid_username",
                          "username: 3 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-', '@'.");
  }
  if (!valid_text(user.display_name, 200)) {
    return Error::invalid("invalid_display_name", "display_name: 1 to 200 bytes of text.");
  }
  return user;
}

// Success when department `id` exists; else 400 invalid_department.
Status require_department(db::Connection& conn, std::int64_t id) {
  ZT_ASSIGN_OR_RETURN(auto department, store::find_department(conn, id));
  if (!department) {
    return Error::invalid("invalid_department", fmt::format("No department with id {}.", id));
  }
  return {};
}

}  // namespace

UserService::UserService(db::Database& db, const core::CryptoProvider& crypto,
                         const core::Clock& clock, audit::AuditLog& audit, Argon2Params argon2)
    : db_(db), crypto_(crypto), clock_(clock), audit_(audit), hasher_(crypto, argon2) {}

Result<UserService::OneTimePassword> UserService::one_time_password() const {
  ZT_ASSIGN_OR_RETURN(std::string password, generate_one_time_password(crypto_));
  ZT_ASSIGN_OR_RETURN(std::string hash, hasher_.hash(password));
  return OneTimePassword{std::move(password), std::move(hash)};
}

Result<CreatedUser> UserService::create_user(const core::Principal& actor, const NewUser& input,
                                             const core::RequestContext& context) {
  ZT_TRY(require(actor, permission::kUsersManage));
  const core::TimePoint now = clock_.now();
  ZT_ASSIGN_OR_RETURN(const NewUser user, checked_user(input, now));
  ZT_ASSIGN_OR_RETURN(OneTimePassword password, one_time_password());

  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  if (user.department_id) ZT_TRY(require_department(conn, *user.department_id));
  auto id = store::insert_user(conn, user, password.hash, true, to_millis(now));
  if (!id.ok()) {
    return rename_duplicate(std::move(id).error(), "user_exists",
                            "A user with this username, id number or credit code exists.");
  }
  audit::AuditEntry entry =
      audit::AuditEntry::of("user.create", "user", std::to_string(*id), context);
  entry.by(actor);
  entry.detail =
      detail_json({{"username", user.username}, {"kind", std::string(to_string(user.kind))}});
  ZT_TRY(audit_.append(conn, entry));
  ZT_ASSIGN_OR_RETURN(auto created, store::find_user(conn, *id));
  ZT_TRY(tx.commit());
  return CreatedUser{created->user, std::move(password.password)};
}

Result<std::vector<User>> UserService::list_users(const core::Principal& actor, UserFilter filter) {
  ZT_TRY(require(actor, permission::kUsersRead));
  filter.limit = clamp_limit(filter.limit);
  if (!sees_all_users(actor)) {
    if (auto own = department_filter(actor)) filter.department_id = own;
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  return store::list_users(conn, filter);
}

Result<User> UserService::get_user(const core::Principal& actor, std::int64_t id) {
  const bool self = actor.kind == core::Principal::Kind::kUser && actor.id == id;
  if (!self) ZT_TRY(require(actor, permission::kUsersRead));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_user(conn, id));
  if (!found) return no_user(id);
  if (!self && !sees_all_users(actor)) {
    if (!found->user.department_id ||
        !require_same_department(actor, *found->user.department_id).ok()) {
      return no_user(id);
    }
  }
  return found->user;
}

Result<User> UserService::update_user(const core::Principal& actor, std::int64_t id,
                                      const UserUpdate& update,
                                      const core::RequestContext& context) {
  ZT_TRY(require(actor, permission::kUsersManage));
  if (update.disabled.value_or(false) && actor.kind == core::Principal::Kind::kUser &&
      actor.id == id) {
    return Error::conflict("cannot_disable_self", "You cannot disable your own account.");
  }
  if (update.display_name && !valid_text(*update.display_name, 200)) {
    return Error::invalid("invalid_display_name", "display_name: 1 to 200 bytes of text.");
  }
  const std::int64_t now = to_millis(clock_.now());
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_user(conn, id));
  if (!found) return no_user(id);
  User user = found->user;
  std::vector<std::string> changed;
  if (update.display_name && *update.display_name != user.display_name) {
    user.display_name = *update.display_name;
    changed.push_back("display_name");
  }
  if (update.responsible_person) {
    if (user.kind != UserKind::kEnterprise || !valid_text(*update.responsible_person, 200)) {
      return Error::invalid("invalid_responsible_person",
                            "Only an enterprise has a responsible_person, of 1 to 200 bytes.");
    }
    user.responsible_person = update.responsible_person;
    changed.push_back("responsible_person");
  }
  if (update.department_id && update.department_id != user.department_id) {
    if (user.kind != UserKind::kStaff) {
      return Error::invalid("invalid_department", "Only staff belong to a department.");
    }
    ZT_TRY(require_department(conn, *update.department_id));
    user.department_id = update.department_id;
    changed.push_back("department_id");
  }
  bool disabling = false;
  if (update.disabled && *update.disabled != user.disabled) {
    user.disabled = *update.disabled;
    disabling = user.disabled;
    changed.push_back("disabled");
  }
  ZT_TRY(store::update_user(conn, user, now));
  if (disabling) ZT_TRY(store::end_user_sessions(conn, id, std::nullopt, now, "disabled"));
  audit::AuditEntry entry = audit::AuditEntry::of(disabling ? "user.disable" : "user.update",
                                                  "user", std::to_string(id), context);
  entry.by(actor);
  entry.detail = detail_json({{"changed", join(changed)}});
  ZT_TRY(audit_.append(conn, entry));
  ZT_ASSIGN_OR_RETURN(auto updated, store::find_user(conn, id));
  ZT_TRY(tx.commit());
  return updated->user;
}

Result<User> UserService::set_roles(const core::Principal& actor, std::int64_t id,
                                    std::vector<std::string> roles,
                                    const core::RequestContext& context) {
  ZT_TRY(require(actor, permission::kRolesAssign));
  if (actor.kind == core::Principal::Kind::kUser && actor.id == id) {
    return Error::conflict("cannot_change_own_roles",
                           "Nobody may change their own roles; ask another security admin.");
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  for (const std::string& r : roles) {
    if (!is_known_role(r)) {
      return Error::invalid("unknown_role", fmt::format("'{}' is not a role.", r));
    }
  }
  if (std::count_if(roles.begin(), roles.end(),
                    [](const std::string& r) { return is_admin_role(r); }) > 1) {
    return Error::conflict("separation_of_duties",
                           "One account may hold only one of sys_admin, sec_admin, audit_admin "
                           "(三员分立).");
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_user(conn, id));
  if (!found) return no_user(id);
  if (found->user.kind != UserKind::kStaff && !roles.empty()) {
    return Error::invalid("roles_for_staff_only", "Only staff users hold roles.");
  }
  const std::vector<std::string> before = found->user.roles;
  ZT_TRY(store::replace_roles(conn, id, roles));
  audit::AuditEntry entry =
      audit::AuditEntry::of("user.roles_change", "user", std::to_string(id), context);
  entry.by(actor);
  entry.detail = detail_json({{"from", join(before)}, {"to", join(roles)}});
  ZT_TRY(audit_.append(conn, entry));
  ZT_TRY(tx.commit());
  User user = found->user;
  user.roles = roles;
  return user;
}

Result<std::string> UserService::reset_password(const core::Principal& actor, std::int64_t id,
                                                const core::RequestContext& context) {
  ZT_TRY(require(actor, permission::kUsersManage));
  ZT_ASSIGN_OR_RETURN(OneTimePassword password, one_time_password());
  const std::int64_t now = to_millis(clock_.now());
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_user(conn, id));
  if (!found) return no_user(id);
  ZT_TRY(store::set_password(conn, id, password.hash, true, now));
  ZT_TRY(store::end_user_sessions(conn, id, std::nullopt, now, "password_reset"));
  audit::AuditEntry entry =
      audit::AuditEntry::of("user.password_reset", "user", std::to_string(id), context);
  entry.by(actor);
  ZT_TRY(audit_.append(conn, entry));
  ZT_TRY(tx.commit());
  return std::move(password.password);
}

Result<std::vector<InitialAdmin>> UserService::init_admins() {
  const std::int64_t now = to_millis(clock_.now());
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(const std::int64_t admins, store::count_admins(conn));
    if (admins > 0) {
      return Error::conflict("admins_exist", "Administrator accounts exist already.");
    }
  }
  struct Spec {
    std::string_view username, role, display_name;
  };
  const Spec specs[] = {{"sysadmin", role::kSysAdmin, "系统管理员"},
                        {"secadmin", role::kSecAdmin, "安全管理员"},
                        {"auditadmin", role::kAuditAdmin, "审计管理员"}};
  std::vector<InitialAdmin> admins;
  std::vector<std::string> hashes;
  for (const Spec& spec : specs) {
    ZT_ASSIGN_OR_RETURN(OneTimePassword password, one_time_password());
    admins.push_back({std::string(spec.username), std::string(spec.role), password.password});
    hashes.push_back(std::move(password.hash));
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  // Another node may have been quicker.
  ZT_ASSIGN_OR_RETURN(const std::int64_t again, store::count_admins(conn));
  if (again > 0) return Error::conflict("admins_exist", "Administrator accounts exist already.");
  for (std::size_t i = 0; i < admins.size(); ++i) {
    NewUser user{.kind = UserKind::kStaff,
                 .username = admins[i].username,
                 .display_name = std::string(specs[i].display_name)};
    auto id = store::insert_user(conn, user, hashes[i], true, now);
    if (!id.ok()) {
      return rename_duplicate(std::move(id).error(), "admins_exist",
                              "An account named " + admins[i].username + " exists already.");
    }
    ZT_TRY(store::replace_roles(conn, *id, {admins[i].role}));
    audit::AuditEntry entry = audit::AuditEntry::of("user.create", "user", std::to_string(*id), {});
    entry.by_system("zhengtong");
    entry.detail = detail_json({{"username", admins[i].username},
                                {"roles", admins[i].role},
                                {"reason", "initial_administrator"}});
    ZT_TRY(audit_.append(conn, entry));
  }
  ZT_TRY(tx.commit());
  return admins;
}

}  // namespace zt::identity
