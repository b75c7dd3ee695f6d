#include "identity/policy.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace zt::identity {

namespace {

constexpr std::array<std::string_view, 9> kPolicyFields = {
    "password_profile",       "password_max_age_days",  "lockout_failures",
    "lockout_window_minutes", "lockout_minutes",        "address_failures_per_hour",
    "session_idle_minutes",   "session_absolute_hours", "totp_roles"};

Error invalid_policy(std::string_view field, std::string_view what) {
  return Error::invalid("invalid_policy", fmt::format("{}: {}", field, what));
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Result<std::int64_t> bounded(std::string_view field, std::string_view text, std::int64_t min,
                             std::int64_t max) {
  auto value = parse_int(text);
  if (!value || *value < min || *value > max) {
    return invalid_policy(field, fmt::format("must be an integer from {} to {}.", min, max));
  }
  return *value;
}

Result<std::vector<std::string>> totp_roles_of(std::string_view text) {
  std::vector<std::string> roles;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view role = text.substr(0, comma);
    if (!is_known_role(role) || is_admin_role(role)) {
      return invalid_policy("totp_roles",
                            fmt::format("'{}' is not a staff role other than the three "
                                        "administrators (who always need TOTP).",
                                        role));
    }
    roles.emplace_back(role);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return invalid_policy("totp_roles", "an empty role name.");
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return roles;
}

}  // namespace

std::span<const std::string_view> policy_fields() {
  return kPolicyFields;
}

bool is_policy_field(std::string_view field) {
  return std::find(kPolicyFields.begin(), kPolicyFields.end(), field) != kPolicyFields.end();
}

bool EffectivePolicy::is_from_database(std::string_view field) const {
  return std::find(from_database.begin(), from_database.end(), field) != from_database.end();
}

Status apply_policy_value(IdentityConfig& config, std::string_view field, std::string_view text) {
  if (field == "password_profile") {
    if (text == "dengbao") {
      config.password_profile = PasswordProfile::kDengbao;
    } else if (text == "asvs") {
      config.password_profile = PasswordProfile::kAsvs;
    } else {
      return invalid_policy(field, "must be \"dengbao\" or \"asvs\".");
    }
    return {};
  }
  if (field == "totp_roles") {
    ZT_ASSIGN_OR_RETURN(config.totp_roles, totp_roles_of(text));
    return {};
  }
  struct IntField {
    std::string_view name;
    std::int64_t min, max;
  };
  static constexpr std::array<IntField, 7> kInts = {{{"password_max_age_days", 0, 3650},
                                                     {"lockout_failures", 1, 1000},
                                                     {"lockout_window_minutes", 1, 24 * 60},
                                                     {"lockout_minutes", 1, 24 * 60},
                                                     {"address_failures_per_hour", 1, 1'000'000},
                                                     {"session_idle_minutes", 1, 24 * 60},
                                                     {"session_absolute_hours", 1, 24 * 30}}};
  const auto* spec = std::find_if(kInts.begin(), kInts.end(),
                                  [field](const IntField& f) { return f.name == field; });
  if (spec == kInts.end()) {
    return invalid_policy(
        field, fmt::format("not a policy field (fields: {}).", fmt::join(kPolicyFields, ", ")));
  }
  ZT_ASSIGN_OR_RETURN(const std::int64_t v, bounded(field, text, spec->min, spec->max));
  if (field == "password_max_age_days") config.password_max_age_days = static_cast<int>(v);
  if (field == "lockout_failures") config.lockout_failures = static_cast<int>(v);
  if (field == "lockout_window_minutes") config.lockout_window = std::chrono::minutes(v);
  if (field == "lockout_minutes") config.lockout_duration = std::chrono::minutes(v);
  if (field == "address_failures_per_hour") config.address_failures_per_hour = static_cast<int>(v);
  if (field == "session_idle_minutes") config.session_idle = std::chrono::minutes(v);
  if (field == "session_absolute_hours") config.session_absolute = std::chrono::hours(v);
  return {};
}

std::string policy_value_text(const IdentityConfig& c, std::string_view field) {
  if (field == "password_profile") {
    return c.password_profile == PasswordProfile::kAsvs ? "asvs" : "dengbao";
  }
  if (field == "totp_roles") {
    std::vector<std::string> roles = c.totp_roles;
    std::sort(roles.begin(), roles.end());
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    return fmt::format("{}", fmt::join(roles, ","));
  }
  if (field == "password_max_age_days") return std::to_string(c.password_max_age_days);
  if (field == "lockout_failures") return std::to_string(c.lockout_failures);
  if (field == "lockout_window_minutes") return std::to_string(c.lockout_window.count());
  if (field == "lockout_minutes") return std::to_string(c.lockout_duration.count());
  if (field == "address_failures_per_hour") return std::to_string(c.address_failures_per_hour);
  if (field == "session_idle_minutes") return std::to_string(c.session_idle.count());
  if (field == "session_absolute_hours") return std::to_string(c.session_absolute.count());
  return "";
}

std::string policy_value_json(const IdentityConfig& c, std::string_view field) {
  const std::string text = policy_value_text(c, field);
  if (field == "password_profile") return fmt::format("\"{}\"", text);
  if (field == "totp_roles") {
    std::string out = "[";
    for (std::string_view rest = text; !rest.empty();) {
      const auto comma = rest.find(',');
      if (out.size() > 1) out.push_back(',');
      out += fmt::format("\"{}\"", rest.substr(0, comma));  // role names need no escaping
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    return out + "]";
  }
  return text;
}

}  // namespace zt::identity
