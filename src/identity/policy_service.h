// PolicyService: the security policy (安全策略) in force — the [identity] config with the fields
// the security admin stored in the database applied — and its changes and their history.
//
// Every identity decision (lockout, address limit, session expiry, password rules and expiry,
// TOTP requirement) reads effective_policy(). It is cached with its version; the cache asks the
// database for the stored version at most once per kPolicyReloadInterval (by the injected clock)
// and reloads when it changed, so every server node applies a change within about a second; a
// change made through this object applies at once.
//
// Errors: 403 "forbidden" (identity.policy.manage missing), 400 "invalid_policy" (the detail
// names the field), 409 "policy_conflict" (another change of the policy won the race), plus the
// database's errors (unavailable, internal).
//
// Thread-safety: all methods may be called from many threads at once; the cache is guarded by
// mutex_. The database, clock and audit log must outlive the object.
#pragma once

#include "audit/service.h"
#include "core/principal.h"
#include "core/result.h"
#include "core/time.h"
#include "db/database.h"
#include "identity/model.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace zt::identity {

class PolicyService {
 public:
  // How often the cached policy is checked against the stored version.
  static constexpr std::chrono::seconds kPolicyReloadInterval{1};

  PolicyService(db::Database& db, const core::Clock& clock, audit::AuditLog& audit,
                IdentityConfig config);
  PolicyService(const PolicyService&) = delete;
  PolicyService& operator=(const PolicyService&) = delete;

  // The [identity] configuration; the values in force are effective_policy()'s.
  const IdentityConfig& config() const { return config_; }

  // The policy in force (cached; see above). When the check of the stored version fails, the
  // cached policy answers until the next interval. Failure: the database's error when nothing
  // is cached yet.
  Result<std::shared_ptr<const EffectivePolicy>> effective_policy() const;

  // identity.policy.manage (only sec_admin holds it). The policy in force, with its sources.
  // Failure: forbidden; the database's errors.
  Result<EffectivePolicy> get_policy(const core::Principal& actor);
  // identity.policy.manage. Applies `changes` (at least one; nullopt drops a stored value so
  // the config's applies) and returns the new effective policy. A change that leaves the stored
  // policy as it was writes nothing. Otherwise, in one transaction: the stored fields, a history
  // row (old and new effective values of the changed fields, as JSON) and the audit record
  // security.policy_change. Failure: forbidden; invalid_policy (nothing stored);
  // policy_conflict.
  Result<EffectivePolicy> set_policy(const core::Principal& actor, const PolicyChanges& changes,
                                     const core::RequestContext& context);
  // identity.policy.manage. The changes, newest first, with id < before_id (0: the newest), at
  // most `limit` (clamped to 1..kMaxPageSize). Failure: forbidden; the database's errors.
  Result<std::vector<PolicyChange>> policy_history(const core::Principal& actor,
                                                   std::int64_t before_id, int limit);

 private:
  // The stored policy on `conn` applied to config_; nullopt when its version is `known`.
  // Stored values that no longer pass the checks are ignored (the config's apply).
  Result<std::optional<EffectivePolicy>> load_policy(db::Connection& conn,
                                                     std::optional<std::int64_t> known) const;
  // Puts `policy` in the cache unless a newer version is there.
  void install_policy(EffectivePolicy policy) const;

  db::Database& db_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
  const IdentityConfig config_;

  mutable std::mutex mutex_;
  mutable std::shared_ptr<const EffectivePolicy> policy_;  // guarded by mutex_
  mutable core::TimePoint checked_at_;                     // guarded by mutex_
};

}  // namespace zt::identity
