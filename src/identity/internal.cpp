#include "identity/internal.h"

#include "core/json_text.h"
#include "identity/password.h"

#include <fmt/format.h>

#include <algorithm>

namespace zt::identity::internal {

Error unauthenticated(std::string code, std::string detail) {
  return {ErrorKind::kUnauthenticated, std::move(code), std::move(detail)};
}

Status require(const core::Principal& actor, std::string_view permission) {
  if (!actor.has_permission(permission)) {
    return Error::forbidden("forbidden", fmt::format("This needs the permission {}.", permission));
  }
  return {};
}

Status require_staff_or_client(const core::Principal& actor) {
  if (actor.kind == core::Principal::Kind::kApiClient || actor.user_kind == "staff") return {};
  return Error::forbidden("forbidden", "Only staff and API clients may do this.");
}

Error rename_duplicate(Error error, std::string code, std::string detail) {
  if (error.code == "duplicate") return Error::conflict(std::move(code), std::move(detail));
  return error;
}

std::string detail_json(std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out.push_back(',');
    core::append_json_string(out, key);
    out.push_back(':');
    core::append_json_string(out, value);
  }
  out.push_back('}');
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out.push_back(',');
    out += item;
  }
  return out;
}

audit::AuditEntry user_event(const User& user, std::string action,
                             const core::RequestContext& context) {
  audit::AuditEntry e =
      audit::AuditEntry::of(std::move(action), "user", std::to_string(user.id), context);
  e.actor_kind = "user";
  e.actor_id = user.id;
  e.actor_name = user.username;
  e.department_id = user.department_id;
  return e;
}

bool valid_name(std::string_view s, std::size_t min, std::size_t max, bool allow_at) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [allow_at](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || (allow_at && c == '@');
  });
}

bool valid_text(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

int clamp_limit(int limit) {
  return std::clamp(limit, 1, kMaxPageSize);
}

bool must_change_password(const IdentityConfig& policy, const User& user, core::TimePoint now) {
  return user.must_change_password ||
         password_expired(policy.password_profile, policy.password_max_age_days,
                          user.password_changed_at, now);
}

bool totp_required(const IdentityConfig& policy, const std::vector<std::string>& roles) {
  return std::any_of(roles.begin(), roles.end(), [&policy](const std::string& r) {
    return is_admin_role(r) || std::find(policy.totp_roles.begin(), policy.totp_roles.end(), r) !=
                                   policy.totp_roles.end();
  });
}

bool must_enrol_totp(const IdentityConfig& policy, const User& user, bool totp_enrolled) {
  return user.kind == UserKind::kStaff && totp_required(policy, user.roles) && !totp_enrolled;
}

Result<std::string> hash_secret(const core::CryptoProvider& crypto, std::string_view secret) {
  ZT_ASSIGN_OR_RETURN(auto digest, crypto.sm3(secret));
  return core::to_hex(digest);
}

Result<std::string> new_secret(const core::CryptoProvider& crypto) {
  ZT_ASSIGN_OR_RETURN(auto bytes, crypto.random_bytes(kSecretBytes));
  return core::to_hex(bytes);
}

}  // namespace zt::identity::internal
