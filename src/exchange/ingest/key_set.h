// KeySet: the keys seen in one chunk of an ingest batch, to reject a key repeated within it
// (repeats across chunks are found by the records' batch stamp, see records/store.h).
//
// Holds a 128-bit hash per key (two independent 64-bit hashes) in an open-addressing table, 16
// bytes per slot at a load of at most 1/2: a 65 536-row chunk needs 2 MB. Two different keys
// share a hash with probability about n² / 2^129 (~10^-29 per chunk), in which case the later
// row would be wrongly rejected as a duplicate.
//
// Thread-safety: one batch, one thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace zt::exchange {

class KeySet {
 public:
  // Adds the key; false when it was there already.
  bool insert(std::string_view key) {
    Slot s{hash_a(key), hash_b(key)};
    if (s.a == 0 && s.b == 0) s.b = 1;  // (0, 0) marks an empty slot
    if ((size_ + 1) * 2 > slots_.size()) grow();
    return place(s);
  }
  std::size_t size() const { return size_; }
  // Forgets every key, keeping the table's room.
  void clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{});
    size_ = 0;
  }

 private:
  struct Slot {
    std::uint64_t a = 0, b = 0;
  };
  static std::uint64_t hash_a(std::string_view s) {  // FNV-1a 64
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    return h;
  }
  static std::uint64_t hash_b(std::string_view s) {  // a multiply-xorshift mix, other constants
    std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
    for (unsigned char c : s) {
      h = (h ^ c) * 0xBF58476D1CE4E5B9ULL;
      h ^= h >> 31;
    }
    h ^= h >> 29;
    h *= 0x94D049BB133111EBULL;
    return h ^ (h >> 32);
  }
  bool place(const Slot& s) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = s.b & mask;; i = (i + 1) & mask) {
      Slot& t = slots_[i];
      if (t.a == 0 && t.b == 0) {
        t = s;
        ++size_;
        return true;
      }
      if (t.a == s.a && t.b == s.b) return false;
    }
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    size_ = 0;
    for (const Slot& s : old) {
      if (s.a != 0 || s.b != 0) place(s);
    }
  }
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace zt::exchange
