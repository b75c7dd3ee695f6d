// SessionCache: the sessions the authenticator recently accepted, so that a request with a
// known token does not read the session and the user from the database.
//
// Why it stays correct: every change that can end or narrow a session (logout, an ended session,
// a disabled user, new roles, a new password, TOTP set up or removed) bumps the session epoch in
// the database after the change (store::bump_session_epoch). The authenticator reads the epoch
// once per request, before anything else; an entry stored under another epoch is never used, and
// a change made on any node or by the CLI is seen by the next request everywhere. Times (idle and
// absolute expiry, the last-seen write) are still decided per request from the entry's copy.
//
// Bounded: at most `capacity` entries; when full, it starts again empty.
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "identity/store.h"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace zt::identity {

class SessionCache {
 public:
  struct Entry {
    std::int64_t epoch = 0;  // the session epoch read before session and user were read
    store::SessionRecord session;
    store::UserRecord user;
  };

  explicit SessionCache(std::size_t capacity = 50'000) : capacity_(capacity) {}

  // The entry for `token_hash` if it was stored under `epoch`; entries of another epoch are
  // dropped on the way (the epoch only grows, so they can never be used again).
  std::optional<Entry> find(std::string_view token_hash, std::int64_t epoch);
  void store(std::string token_hash, Entry entry);
  // After the session's last-seen time was written.
  void touch(std::string_view token_hash, std::int64_t last_seen_at);
  void erase(std::string_view token_hash);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  const std::size_t capacity_;
  std::mutex mutex_;  // guards everything below
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
  std::int64_t epoch_ = 0;  // the newest epoch seen: entries of older ones are gone
};

}  // namespace zt::identity
