// Helpers shared by the identity services (auth_service, user_service, department_service,
// api_client_service, policy_service): permission checks, audit records, name checks and the
// secrets of tokens and API keys. Internal to zt_identity: other modules use the services.
//
// Thread-safety: pure functions (the crypto ones call the thread-safe CryptoProvider).
#pragma once

#include "audit/service.h"
#include "core/crypto.h"
#include "core/principal.h"
#include "core/result.h"
#include "core/time.h"
#include "identity/model.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zt::identity::internal {

inline constexpr std::size_t kSecretBytes = 32;  // session tokens and API keys: 256 bits

// 401 kUnauthenticated with `code`.
Error unauthenticated(std::string code, std::string detail);

// Success when the actor holds `permission`; else 403 "forbidden" naming it.
Status require(const core::Principal& actor, std::string_view permission);
// Success for staff users and API clients; else 403 "forbidden".
Status require_staff_or_client(const core::Principal& actor);

// The db's "duplicate" error as 409 `code`; any other error unchanged.
Error rename_duplicate(Error error, std::string code, std::string detail);

// A JSON object of string fields, for AuditEntry::detail.
std::string detail_json(std::initializer_list<std::pair<std::string_view, std::string>> fields);
// The items joined with ','.
std::string join(const std::vector<std::string>& items);

// An audit record of `action` by the user on their own account.
audit::AuditEntry user_event(const User& user, std::string action,
                             const core::RequestContext& context);

// min..max characters of A-Z, a-z, 0-9, '.', '_', '-' (and '@' when allow_at).
bool valid_name(std::string_view s, std::size_t min, std::size_t max, bool allow_at);
// 1..max bytes without control characters.
bool valid_text(std::string_view s, std::size_t max);
// A page size within 1..kMaxPageSize.
int clamp_limit(int limit);

// The password must change first (initial, reset, or expired under the dengbao profile).
bool must_change_password(const IdentityConfig& policy, const User& user, core::TimePoint now);
// Whether TOTP is required for an account with these roles: the administrators always, staff
// roles when the policy's totp_roles lists them.
bool totp_required(const IdentityConfig& policy, const std::vector<std::string>& roles);
// A staff role requires TOTP and none is set up yet.
bool must_enrol_totp(const IdentityConfig& policy, const User& user, bool totp_enrolled);

// The stored form of a token or API key: the hex SM3 digest. Failure: the provider's error.
Result<std::string> hash_secret(const core::CryptoProvider& crypto, std::string_view secret);
// A fresh token or API key: kSecretBytes random bytes in hex. Failure: the provider's error.
Result<std::string> new_secret(const core::CryptoProvider& crypto);

}  // namespace zt::identity::internal
