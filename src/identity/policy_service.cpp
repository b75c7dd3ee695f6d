#include "identity/policy_service.h"

#include "db/transaction.h"
#include "identity/internal.h"
#include "identity/policy.h"
#include "identity/store.h"

#include <fmt/format.h>

#include <map>
#include <string>
#include <utility>

namespace zt::identity {

using namespace internal;  // the module's private helpers (internal.h)

namespace {

// {"field":value,…} of the fields' values in `config`.
std::string policy_json(const IdentityConfig& config, const std::vector<std::string>& fields) {
  std::string out = "{";
  for (const std::string& field : fields) {
    if (out.size() > 1) out.push_back(',');
    out += fmt::format("\"{}\":{}", field, policy_value_json(config, field));
  }
  return out + "}";
}

}  // namespace

PolicyService::PolicyService(db::Database& db, const core::Clock& clock, audit::AuditLog& audit,
                             IdentityConfig config)
    : db_(db), clock_(clock), audit_(audit), config_(std::move(config)) {}

Result<std::optional<EffectivePolicy>> PolicyService::load_policy(
    db::Connection& conn, std::optional<std::int64_t> known) const {
  // The version first: a change committed between the two reads leaves a newer stored version
  // than the cached one, so the next check loads again.
  ZT_ASSIGN_OR_RETURN(const std::int64_t version, store::policy_version(conn));
  if (known && *known == version) return std::optional<EffectivePolicy>();
  ZT_ASSIGN_OR_RETURN(auto settings, store::policy_settings(conn));
  EffectivePolicy policy;
  policy.version = version;
  policy.defaults = config_;
  policy.config = config_;
  for (const auto& [name, value] : settings) {
    if (apply_policy_value(policy.config, name, value).ok()) policy.from_database.push_back(name);
  }
  return std::optional<EffectivePolicy>(std::move(policy));
}

void PolicyService::install_policy(EffectivePolicy policy) const {
  std::lock_guard lock(mutex_);
  if (!policy_ || policy.version >= policy_->version) {
    policy_ = std::make_shared<const EffectivePolicy>(std::move(policy));
  }
}

Result<std::shared_ptr<const EffectivePolicy>> PolicyService::effective_policy() const {
  const core::TimePoint now = clock_.now();
  std::shared_ptr<const EffectivePolicy> cached;
  {
    std::lock_guard lock(mutex_);
    cached = policy_;
    if (cached && now >= checked_at_ && now - checked_at_ < kPolicyReloadInterval) {
      return cached;
    }
    // This thread checks; the others go on with the cached policy meanwhile.
    checked_at_ = now;
  }
  Result<std::optional<EffectivePolicy>> loaded = [&]() -> Result<std::optional<EffectivePolicy>> {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    return load_policy(conn, cached ? std::optional(cached->version) : std::nullopt);
  }();
  if (!loaded.ok()) {
    if (cached) return cached;  // checked again after the interval
    return std::move(loaded).error();
  }
  if (!*loaded) return cached;
  install_policy(std::move(**loaded));
  std::lock_guard lock(mutex_);
  return policy_;
}

Result<EffectivePolicy> PolicyService::get_policy(const core::Principal& actor) {
  ZT_TRY(require(actor, permission::kPolicyManage));
  ZT_ASSIGN_OR_RETURN(auto policy, effective_policy());
  return *policy;
}

Result<EffectivePolicy> PolicyService::set_policy(const core::Principal& actor,
                                                  const PolicyChanges& changes,
                                                  const core::RequestContext& context) {
  ZT_TRY(require(actor, permission::kPolicyManage));
  if (changes.empty()) {
    return Error::invalid("invalid_policy", "Give at least one policy field to change.");
  }
  // Check every value first, and store each in its normalised text form.
  std::map<std::string, std::optional<std::string>, std::less<>> normalised;
  for (const auto& [field, value] : changes) {
    if (!is_policy_field(field)) {
      return Error::invalid("invalid_policy", fmt::format("{}: not a policy field.", field));
    }
    if (!value) {
      normalised.emplace(field, std::nullopt);
      continue;
    }
    IdentityConfig scratch = config_;
    ZT_TRY(apply_policy_value(scratch, field, *value));
    normalised.emplace(field, policy_value_text(scratch, field));
  }
  const core::TimePoint now = clock_.now();
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto before, load_policy(conn, std::nullopt));
  ZT_ASSIGN_OR_RETURN(auto stored, store::policy_settings(conn));
  std::vector<std::string> changed;
  for (const auto& [field, value] : normalised) {
    const auto it = stored.find(field);
    const std::optional<std::string> old =
        it == stored.end() ? std::nullopt : std::optional(it->second);
    if (old != value) changed.push_back(field);
  }
  if (changed.empty()) {
    ZT_TRY(tx.commit());
    install_policy(*before);
    return std::move(*before);
  }
  for (const std::string& field : changed) {
    const auto& value = normalised.at(field);
    ZT_TRY(store::put_policy_setting(conn, field,
                                     value ? std::optional<std::string_view>(*value) : std::nullopt,
                                     to_millis(now)));
  }
  PolicyChange change;
  change.version = before->version + 1;
  if (actor.kind == core::Principal::Kind::kUser) change.changed_by = actor.id;
  change.changed_by_name = actor.name;
  change.changed_at = now;
  change.old_values = policy_json(before->config, changed);
  EffectivePolicy after = *before;
  after.version = change.version;
  after.config = config_;
  after.from_database.clear();
  ZT_ASSIGN_OR_RETURN(auto settings, store::policy_settings(conn));
  for (const auto& [name, value] : settings) {
    if (apply_policy_value(after.config, name, value).ok()) after.from_database.push_back(name);
  }
  change.new_values = policy_json(after.config, changed);
  if (auto s = store::insert_policy_change(conn, change); !s.ok()) {
    return rename_duplicate(std::move(s).error(), "policy_conflict",
                            "The policy was changed at the same time; read it and try again.");
  }
  audit::AuditEntry entry = audit::AuditEntry::of("security.policy_change", "security_policy",
                                                  std::to_string(change.version), context);
  entry.by(actor);
  entry.detail = fmt::format("{{\"version\":{},\"old\":{},\"new\":{}}}", change.version,
                             change.old_values, change.new_values);
  ZT_TRY(audit_.append(conn, entry));
  ZT_TRY(tx.commit());
  {
    std::lock_guard lock(mutex_);
    checked_at_ = now;
  }
  install_policy(after);
  return after;
}

Result<std::vector<PolicyChange>> PolicyService::policy_history(const core::Principal& actor,
                                                                std::int64_t before_id, int limit) {
  ZT_TRY(require(actor, permission::kPolicyManage));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  return store::policy_history(conn, before_id, clamp_limit(limit));
}

}  // namespace zt::identity
