// verify_chain: checks the audit chain against its keys and its signed checkpoints, and names the
// first break.
//
// First the checkpoints: those in the table audit_checkpoints and those given (from files kept
// outside the database: the checkpoint file, the audit admin's downloads), read before the head,
// and for each one
//   checkpoint_signature_invalid  its SM2 signature does not verify under keys.public_key_pem
//                                 (a forged or edited checkpoint, or one signed by another key)
//   checkpoint_missing            a given checkpoint has no row for its record_id in the table
//                                 (the row was deleted)
//   keyed_from_mismatch           its keyed_from differs from the chain head's (someone moved
//                                 where the keyed chain begins, to pass off SM3-only hashes)
// Then the head, and every record with id ≤ the head's last_id in id order, a page at a time
// (constant memory for the records; the checkpoints are held, a few dozen bytes each), checking
//   gap                 its id is not the previous id + 1 (the expected id was deleted; for a
//                       deleted first record the expected id is 1)
//   prev_hash_mismatch  its prev_hash is not the previous record's hash (64 zeros for record 1)
//   hash_mismatch       its hash is not HMAC-SM3(chain key, prev_hash ‖ canonical encoding) —
//                       SM3 of the same for records before keyed_from (model.h): a field, the
//                       time or the hash was edited, or the record was written without the key
//   checkpoint_mismatch a checkpoint for this id names another hash (the chain up to here was
//                       rewritten)
// and at the end
//   head_mismatch       the last record is not the head's last_id / last_hash (records at the
//                       end were deleted, or the head was edited)
//   records_missing     a checkpoint names a record beyond the head (the end of the log was cut
//                       and the head moved back, or the log emptied)
// first_broken_id is the record named: the edited record, the missing id, the checkpoint's
// record_id for the checkpoint reasons, for head_mismatch the first id missing at the end (the
// head's last_id when the head itself disagrees), for records_missing the first id missing.
// Records appended while the walk runs (beyond the head read at its start) are not checked.
//
// What no check can see: records cut from the end after the newest checkpoint the verifier has
// (with the head moved back), and — when only the table's checkpoints are used — checkpoint rows
// deleted together with the records they anchor. Keep the checkpoint file outside the database.
//
// Thread-safety: safe to run alongside appends and other readers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "audit/checkpoint.h"
#include "core/crypto.h"
#include "core/result.h"
#include "db/database.h"

namespace zt::audit {

struct VerifyReport {
  std::int64_t records_checked = 0;  // records whose checks ran (up to and including the broken)
  bool ok = true;
  std::optional<std::int64_t> first_broken_id;
  std::string reason;                    // "" when ok; else one of the reasons above
  std::int64_t head_id = 0;              // the chain head's last_id when the walk began
  std::int64_t keyed_from = 1;           // the head's keyed_from: records from this id on are MACs
  std::int64_t checkpoints_checked = 0;  // signatures verified (table and given)
  std::optional<std::int64_t> last_checkpoint_id;  // the highest record_id anchored, if any
};

// Verifies the whole chain with keys.chain_key and keys.public_key_pem, the table's checkpoints
// and `external` ones. Success: the report (ok or naming the first break). Failure: a database
// error (unreadable table, "audit_chain_head_missing"), "invalid_audit_key" (the chain key is
// not kChainKeySize bytes), "invalid_key" (the public key is not an SM2 key), "crypto_error".
Result<VerifyReport> verify_chain(db::Database& db, const core::CryptoProvider& crypto,
                                  const AuditKeys& keys, std::span<const Checkpoint> external = {},
                                  std::size_t page_size = 5000);

}  // namespace zt::audit
