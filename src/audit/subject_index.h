// The per-subject read index (谁用了我的数据): for every audit record of a read that returned
// records of persons or enterprises, one row per subject — whose record it was — so that a
// citizen's or an enterprise's reads are found in one index range whatever the log's size and
// whatever the route (key lookup, filtered query, export, change feed, registry).
//
// A subject is the value of a record's subject field (an id_number or a uscc key field) together
// with that field's type. The index never holds it in clear: a row's subject is its tag,
//
//   tag = HMAC-SM3(subject_key, type ‖ 0x00 ‖ value)[0..16)
//
// under a platform secret (SubjectIndex::derive_key from the data key), so the table reveals no
// ID numbers and cannot be searched without the key. 16 bytes keep the index small; two subjects
// share a tag with probability about n² / 2¹²⁹.
//
// Table audit_subjects (migration 110): (subject BLOB/BYTEA, audit_id, resource_code), primary key
// (subject, audit_id). Rows are written in the transaction that appends their audit record
// (AuditLog::append, AuditLog::append_batch — the group-commit writer's flush, bulk-loaded) and,
// like the records, never changed (PostgreSQL triggers refuse UPDATE, DELETE, TRUNCATE). The rows
// are an index, not part of the hash chain.
//
// Thread-safety: ReadSubjects is a plain value. SubjectIndex is immutable after construction and
// safe to use from many threads (as safe as its CryptoProvider). The store functions use only
// the connection they are given.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto.h"
#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"
#include "db/transaction.h"

namespace zt::audit {

// The subjects one read returned: the subject values of records of one resource. Values are kept
// packed in one buffer (each followed by a NUL), so that an export of a million records holds
// one string of about 19 MB rather than a million strings. Duplicates are allowed (a change feed
// page may hold one key twice); the index keeps one row per subject and record.
class ReadSubjects {
 public:
  ReadSubjects() = default;
  // type: the subject field's type, "id_number" or "uscc".
  ReadSubjects(std::string resource_code, std::string type)
      : resource_code_(std::move(resource_code)), type_(std::move(type)) {}

  // Adds one subject value. A value holding a NUL (never a valid id_number or uscc) is skipped.
  void add(std::string_view value);

  const std::string& resource_code() const { return resource_code_; }
  const std::string& type() const { return type_; }
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

  // Calls visit(value) for each value added, in order.
  template <typename F>
  void for_each(F&& visit) const {
    std::size_t start = 0;
    while (start < values_.size()) {
      const std::size_t end = values_.find('\0', start);
      visit(std::string_view(values_).substr(start, end - start));
      start = end + 1;
    }
  }

 private:
  std::string resource_code_;
  std::string type_;
  std::string values_;
  std::size_t count_ = 0;
};

inline constexpr std::size_t kSubjectTagSize = 16;
using SubjectTag = std::array<std::uint8_t, kSubjectTagSize>;

// One indexed read of a subject: the audit record's id and the resource read.
struct SubjectRead {
  std::int64_t audit_id = 0;
  std::string resource_code;
};

class SubjectIndex {
 public:
  // `key`: the index's secret (any length; derive_key gives 32 bytes). An empty key still works
  // (tests), but then anyone can compute the tags.
  SubjectIndex(const core::CryptoProvider& crypto, std::string_view key);

  // The index key from the platform's data key: HMAC-SM3(data_key, "zhengtong audit-subject
  // v1"). Failure: "crypto_error".
  static Result<std::string> derive_key(const core::CryptoProvider& crypto,
                                        std::string_view data_key);

  // The tag of the subject `value` of `type`, as described above. Failure: "crypto_error".
  Result<SubjectTag> tag(std::string_view type, std::string_view value) const;
  // The tags of every subject in `subjects`, sorted and without duplicates (sorted rows go into
  // the index's B-tree in order). Failure: "crypto_error".
  Result<std::vector<SubjectTag>> tags(const ReadSubjects& subjects) const;

 private:
  // HMAC computed as SM3((K ⊕ opad) ‖ SM3((K ⊕ ipad) ‖ m)) with the padded keys made once: a
  // keyed hash per exported record costs two short SM3 calls, not a MAC context each.
  const core::CryptoProvider& crypto_;
  std::string inner_pad_;  // K ⊕ ipad, 64 bytes
  std::string outer_pad_;  // K ⊕ opad, 64 bytes
};

// The index's migration (version 110).
db::Migration subject_index_migration();

namespace subject_store {

// Inserts the rows of one record by multi-row INSERTs on `conn` (inside the caller's
// transaction). Failure: the database's error ("duplicate" for a row already there).
Status insert(db::Connection& conn, std::int64_t audit_id, std::string_view resource_code,
              std::span<const SubjectTag> tags);

// The rows of many records in one bulk load inside `tx` (COPY on PostgreSQL). `rows[i]` are the
// tags of record audit_ids[i] of resource resource_codes[i]. Failure: the load's error; the
// transaction is then marked failed.
struct Rows {
  std::int64_t audit_id = 0;
  std::string_view resource_code;
  std::span<const SubjectTag> tags;
};
Status load(db::Transaction& tx, std::span<const Rows> rows);

// Up to `limit` reads of `tag`, newest (highest audit id) first, with audit_id < cursor when a
// cursor is given. One range of the primary key.
Result<std::vector<SubjectRead>> list(db::Connection& conn, const SubjectTag& tag,
                                      std::optional<std::int64_t> cursor, std::size_t limit);

}  // namespace subject_store
}  // namespace zt::audit
