#include "identity/session_cache.h"

namespace zt::identity {

std::optional<SessionCache::Entry> SessionCache::find(std::string_view token_hash,
                                                      std::int64_t epoch) {
  std::lock_guard lock(mutex_);
  if (epoch > epoch_) {  // something changed: nothing stored before can be trusted
    entries_.clear();
    epoch_ = epoch;
    return std::nullopt;
  }
  auto it = entries_.find(token_hash);
  if (it == entries_.end() || it->second.epoch != epoch) return std::nullopt;
  return it->second;
}

void SessionCache::store(std::string token_hash, Entry entry) {
  std::lock_guard lock(mutex_);
  if (entry.epoch < epoch_) return;  // read before a change another request has already seen
  if (entry.epoch > epoch_) {
    entries_.clear();
    epoch_ = entry.epoch;
  }
  if (entries_.size() >= capacity_) entries_.clear();
  entries_.insert_or_assign(std::move(token_hash), std::move(entry));
}

void SessionCache::touch(std::string_view token_hash, std::int64_t last_seen_at) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(token_hash); it != entries_.end()) {
    it->second.session.last_seen_at = last_seen_at;
  }
}

void SessionCache::erase(std::string_view token_hash) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(token_hash); it != entries_.end()) entries_.erase(it);
}

}  // namespace zt::identity
