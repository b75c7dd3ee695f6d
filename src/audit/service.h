// AuditLog: the audit service — appends records to the keyed (HMAC-SM3) chain and answers queries.
//
// Appending: every record gets the next id (1, 2, 3, … without gaps), its time (the entry's, or
// the clock's now, truncated to milliseconds), prev_hash = the chain head's last_hash and hash =
// the keyed MAC model.h defines (HMAC-SM3 under keys.chain_key). Before hashing, text fields are
// made storable on both databases: invalid UTF-8 and NUL bytes become U+FFFD, and each field is cut
// (at a character boundary) to kMaxFieldBytes (detail: kMaxDetailBytes). The stored record is
// exactly what was hashed. An entry's subjects (reads of persons' or enterprises' records) go into
// the per-subject index (subject_index.h, keyed by keys.subject_key) in the same transaction;
// append_batch computes their tags before it takes the chain head, so a million-record export does
// not hold the head while it hashes. Records of the counted actions also add to the daily counts
// (daily_counts.h) in the same transaction.
// Appends serialise on the chain head row, so on PostgreSQL an append holds that row's lock
// until the caller's transaction ends: keep audited transactions short, and make the append the
// transaction's last statement (a transaction that locks other rows after the head can deadlock
// with one that holds those rows and waits for the head; PostgreSQL then aborts one of them).
// Never call append(entry) (its own transaction) while the same thread holds a kWrite lease: on
// SQLite there is one writer, so it would wait for itself until acquire_timeout. Use
// append(conn, entry) with the lease you hold.
//
// Thread-safety: all methods may be called from many threads at once (the object holds only
// references to a thread-safe Database, CryptoProvider and Clock). Database, crypto and clock
// must outlive it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "audit/model.h"
#include "audit/subject_index.h"
#include "core/crypto.h"
#include "core/result.h"
#include "core/time.h"
#include "db/connection.h"
#include "db/database.h"

namespace zt::audit {

inline constexpr std::size_t kMaxFieldBytes = 1024;
inline constexpr std::size_t kMaxDetailBytes = 16 * 1024;
inline constexpr std::size_t kMaxPageSize = 500;

// One page of a query, newest first; next_cursor is set when more records may follow.
struct AuditPage {
  std::vector<AuditRecord> items;
  std::optional<std::int64_t> next_cursor;
};

// One page of a subject's reads (AuditLog::reads_of), newest first: each record with the
// resource whose record of the subject it returned.
struct SubjectReadPage {
  struct Item {
    AuditRecord record;
    std::string resource_code;
  };
  std::vector<Item> items;
  std::optional<std::int64_t> next_cursor;
};

class AuditLog {  // thread-safe
 public:
  // `keys`: the chain key that MACs every record appended (an append fails with
  // "invalid_audit_key" unless it is kChainKeySize bytes), the SM2 keys of the checkpoints, and
  // the per-subject index's key.
  AuditLog(db::Database& db, const core::CryptoProvider& crypto, const core::Clock& clock,
           AuditKeys keys);

  // Appends within the caller's open write transaction on `conn`: the change and its record
  // commit or roll back together. Returns the record id.
  // Precondition: `conn` is a kWrite lease with a db::Transaction open on it (without one the
  // record would commit on its own and, on PostgreSQL, the head lock would not hold).
  // Failure: Error invalid "audit_needs_write_connection" for a kRead lease; the database's
  // error (the caller's transaction should then be rolled back); "crypto_error".
  Result<std::int64_t> append(db::Connection& conn, AuditEntry entry);

  // Appends in a transaction of its own (events without a state change: failed sign-ins,
  // lockouts). Success: the record is durable; returns its id. Failure: as above, or
  // acquiring the writer ("database_busy"); nothing is stored.
  Result<std::int64_t> append(AuditEntry entry);

  // Appends `entries` in order, in one transaction of its own (the group-commit writer's path).
  // Success: all are durable; returns the id of the last (the head's id when `entries` is
  // empty). Failure: none is stored.
  Result<std::int64_t> append_batch(std::span<const AuditEntry> entries);

  // Records matching `filter`, newest first, after `cursor` (the next_cursor of the previous
  // page). limit is clamped to 1..kMaxPageSize. Failure: the database's error.
  Result<AuditPage> list(const RecordFilter& filter, std::optional<std::int64_t> cursor,
                         std::size_t limit) const;

  // Calls `visit` for each record matching `filter` with id > after_id, oldest first, reading
  // `page_size` records at a time (constant memory), until `visit` returns false or `max_records`
  // were visited. Success: the id of the last record visited (after_id when none).
  Result<std::int64_t> scan(const RecordFilter& filter, std::int64_t after_id,
                            std::size_t max_records,
                            const std::function<bool(const AuditRecord&)>& visit,
                            std::size_t page_size = 1000) const;

  // The reads that returned records of `subject` (a value of `type`, "id_number" or "uscc"),
  // from the per-subject index (subject_index.h): newest first, before `cursor` (the
  // next_cursor of the previous page), limit clamped to 1..kMaxPageSize. Two index reads
  // whatever the log's size. Failure: the database's error, "crypto_error".
  Result<SubjectReadPage> reads_of(std::string_view type, std::string_view subject,
                                   std::optional<std::int64_t> cursor, std::size_t limit) const;

  // Figures for dashboards: the records of the given actions (each one of kDailyCountedActions,
  // daily_counts.h) of the days from `first_day` on (China Standard Time), counted per day,
  // action, object key (object_id up to its first '/') and outcome — read from the daily counts
  // kept as records are appended, a few rows per day and key whatever the log's size. Failure:
  // Error internal "action_not_counted"; the database's error.
  Result<std::vector<DailyActionCount>> daily_counts(std::span<const std::string> actions,
                                                     std::chrono::year_month_day first_day) const;

  db::Database& database() const { return db_; }
  const core::CryptoProvider& crypto() const { return crypto_; }
  const core::Clock& clock() const { return clock_; }
  const SubjectIndex& subject_index() const { return subjects_; }
  const AuditKeys& keys() const { return keys_; }

 private:
  Result<AuditRecord> make_record(AuditEntry entry, std::int64_t id,
                                  std::string_view prev_hash) const;

  db::Database& db_;
  const core::CryptoProvider& crypto_;
  const core::Clock& clock_;
  const AuditKeys keys_;
  const SubjectIndex subjects_;  // after keys_: built from keys_.subject_key
};

}  // namespace zt::audit
