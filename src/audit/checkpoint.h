// Signed checkpoints of the audit chain (issue 15; the value type Checkpoint is in model.h): what
// lets `audit verify` notice records cut from the end, an emptied log, or a chain rewritten from
// some point on, even by someone who can write the whole database.
//
// A checkpoint says "on <time> the chain ended at record <record_id>, whose hash was
// <record_hash>, and records were keyed (model.h) from <keyed_from> on", signed with the
// platform's SM2 audit signing key, which is kept outside the database ([security]
// audit_signing_key_file). The signed message is the concatenation of netstrings
// (`<decimal byte length>:<bytes>,`) of
//
//   "zt-audit-checkpoint-v1", record_id, record_hash, keyed_from, time
//
// (integers in decimal, time as core::format_iso8601), signed as core::CryptoProvider::sm2_sign
// says. Because each record's hash covers the one before, a checkpoint anchors every record up to
// its id. Checkpoints are stored in the table audit_checkpoints AND appended, one JSON line each,
// to a file outside the database ([audit] checkpoint_file); the audit admin can download them all
// (GET /api/v1/audit/checkpoints) in the same line format. verify_chain (verify.h) checks each
// one it is given.
//
// AuditCheckpointer writes them: on a period (a core::BackgroundWorker, `audit-checkpoint`), and
// when asked (checkpoint_now), whenever the chain head has moved past the last checkpoint.
//
// Thread-safety: the value functions are pure; AuditCheckpointer's methods may be called from any
// thread (file appends are serialised by its mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/model.h"
#include "core/background_worker.h"
#include "core/crypto.h"
#include "core/result.h"
#include "core/time.h"

namespace zt::audit {

class AuditLog;

// The bytes a checkpoint's signature covers (above).
std::string signed_message(const Checkpoint& checkpoint);

// A checkpoint of (record_id, record_hash, keyed_from) at `time` (truncated to milliseconds),
// signed with `private_pem`. Failure: the provider's "invalid_key", "crypto_error".
Result<Checkpoint> sign_checkpoint(const core::CryptoProvider& crypto, std::string_view private_pem,
                                   std::int64_t record_id, std::string record_hash,
                                   std::int64_t keyed_from, core::TimePoint time);

// Whether the signature is a valid one of the checkpoint under `public_pem`. A signature that is
// not hex or not DER is simply not valid (false). Failure: "invalid_key" (the public key is not
// an SM2 public key), "crypto_error".
Result<bool> signature_valid(const core::CryptoProvider& crypto, std::string_view public_pem,
                             const Checkpoint& checkpoint);

// One line of the checkpoint file and of the download, with its "\n":
//   {"record_id":10,"record_hash":"…","keyed_from":1,"time":"2026-12-07T13:00:00.000+08:00",
//    "signature":"3045…"}
std::string checkpoint_line(const Checkpoint& checkpoint);

// Parses one such line (without or with its "\n"). Failure: Error invalid "invalid_checkpoint".
Result<Checkpoint> parse_checkpoint_line(std::string_view line);

// Every checkpoint in a checkpoint file (blank lines skipped). Failure: Error invalid
// "checkpoint_file_unreadable" (missing or unreadable), "invalid_checkpoint" naming the line.
Result<std::vector<Checkpoint>> read_checkpoint_file(const std::filesystem::path& path);

// Appends one line to the file (created with mode 0600, and its directory, when missing) and
// syncs it to disk. Failure: Error unavailable "checkpoint_file_unwritable".
Status append_checkpoint_file(const std::filesystem::path& path, const Checkpoint& checkpoint);

struct CheckpointOptions {
  std::chrono::milliseconds interval{std::chrono::seconds(60)};  // [audit] checkpoint_interval_s
  std::optional<std::filesystem::path> file;  // [audit] checkpoint_file; unset: the table only
};

class AuditCheckpointer {
 public:
  // `log` (its database, crypto, clock and keys) must outlive the checkpointer. The worker is
  // not started here (app::Platform starts it with the others).
  AuditCheckpointer(const AuditLog& log, CheckpointOptions options);

  // When the head has moved past the newest checkpoint: signs the head, stores the checkpoint
  // (audit_checkpoints; a checkpoint another node stored for the same record wins) and appends
  // it to the file. Success: the checkpoint written, or nullopt when there was nothing new (or
  // another node was first). Failure: the database's error; "invalid_key", "crypto_error";
  // "checkpoint_file_unwritable" (the checkpoint is then in the table only); Error internal
  // "audit_keyed_from_changed" when the head's keyed_from differs from the newest checkpoint's
  // (someone changed the head: nothing is signed).
  Result<std::optional<Checkpoint>> checkpoint_now();

  // The error of the most recent failed periodic pass, if any.
  std::optional<Error> last_error() const;

  core::BackgroundWorker& worker() { return worker_; }
  const CheckpointOptions& options() const { return options_; }

 private:
  const AuditLog& log_;
  const CheckpointOptions options_;
  mutable std::mutex mutex_;  // serialises checkpoint_now (file appends in order); guards below
  std::optional<Error> last_error_;
  core::BackgroundWorker worker_;  // last: its pass uses the members above
};

}  // namespace zt::audit
