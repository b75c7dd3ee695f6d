// verify_chain: walks the audit hash chain and names the first broken record.
//
// Reads the chain head, then every record with id ≤ the head's last_id in id order, a page at a
// time (constant memory whatever the table size), and checks for each record, in this order:
//   gap                 its id is not the previous id + 1 (the expected id was deleted; for a
//                       deleted first record the expected id is 1)
//   prev_hash_mismatch  its prev_hash is not the previous record's hash (64 zeros for record 1)
//   hash_mismatch       SM3(prev_hash ‖ canonical encoding) (model.h) is not its stored hash
//                       (a field, the time or the hash was edited)
// and at the end
//   head_mismatch       the last record is not the head's last_id / last_hash (records at the
//                       end were deleted, or the head was edited)
// first_broken_id is the record named: the edited record, the missing id, or for head_mismatch
// the first id missing at the end (the head's last_id when the head itself disagrees). Records
// appended while the walk runs (beyond the head read at its start) are not checked.
//
// Thread-safety: safe to run alongside appends and other readers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/crypto.h"
#include "core/result.h"
#include "db/database.h"

namespace zt::audit {

struct VerifyReport {
  std::int64_t records_checked = 0;  // records whose checks ran (up to and including the broken)
  bool ok = true;
  std::optional<std::int64_t> first_broken_id;
  std::string reason;        // "" when ok; else "gap", "prev_hash_mismatch", "hash_mismatch",
                             // "head_mismatch"
  std::int64_t head_id = 0;  // the chain head's last_id when the walk began
};

// Verifies the whole chain. Success: the report (ok or naming the first break). Failure: a
// database error (unreadable table, "audit_chain_head_missing") or "crypto_error".
Result<VerifyReport> verify_chain(db::Database& db, const core::CryptoProvider& crypto,
                                  std::size_t page_size = 5000);

}  // namespace zt::audit
