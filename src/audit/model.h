// Audit log value types (安全审计): one record per security-relevant event or read of personal
// data, chained by SM3 so that an edit or deletion is detectable; and the chain's hash rule.
//
// The chain. Records are numbered 1, 2, 3, … without gaps. Each record's hash is
//
//   hash = lower-hex( SM3( prev_hash ‖ canonical_encoding(record) ) )
//
// where prev_hash is the previous record's hash as 64 lower-case hex characters (kGenesisHash,
// 64 zeros, for record 1) and the canonical encoding is the concatenation of netstrings
// (`<decimal byte length>:<bytes>,`) of, in this order:
//
//   "zt-audit-v1", id, time, actor_kind, actor_id, actor_name, department_id, source_address,
//   action, object_type, object_id, outcome, request_id, purpose, case_id, detail
//
// Keyed records (issue 15). From the chain head's keyed_from id on (migration 103: every record
// appended since the upgrade; all records of a log created since), the hash is a MAC instead:
//
//   hash = lower-hex( HMAC-SM3( chain_key, prev_hash ‖ canonical_encoding(record) ) )
//
// with the 32-byte chain key kept outside the database ([security] audit_key_file), so that
// someone who can write the database but not read that file cannot recompute a hash after an
// edit, a deletion or a forged append. Records before keyed_from keep the plain SM3 above; the
// first signed checkpoint (checkpoint.h) anchors them.
//
// Integers are plain decimal ("42", "-1"); an absent actor_id / department_id is the empty
// string; time is core::format_iso8601 (millisecond precision, "+08:00"); strings are their
// bytes as stored (the service makes them valid UTF-8 without NUL before hashing). The length
// prefixes make the encoding injective, so no two different records share an encoding.
//
// Thread-safety: plain values and pure functions (chain_hash is as thread-safe as its
// CryptoProvider, which must be safe for concurrent use).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/subject_index.h"
#include "core/crypto.h"
#include "core/principal.h"
#include "core/request_context.h"
#include "core/result.h"
#include "core/time.h"

namespace zt::audit {

// What happened, as a caller reports it. The audit service assigns id, time (unless set),
// and the chain hashes.
struct AuditEntry {
  std::optional<core::TimePoint> time;   // default: the service's clock
  std::string actor_kind = "anonymous";  // "user", "api_client", "system", "anonymous"
  std::optional<std::int64_t> actor_id;
  std::string actor_name;  // username, client name, or the name tried at a failed sign-in
  std::optional<std::int64_t> department_id;
  std::string source_address;
  std::string action;  // dotted, e.g. "auth.login", "user.password_change", "department.update"
  std::string object_type;  // e.g. "user", "department", "person"
  std::string object_id;
  std::string outcome = "success";  // "success", "failure", "denied"
  std::string request_id;
  std::string purpose;  // reads of personal data: why (X-Purpose or the grant's purpose)
  std::string case_id;  // reads of personal data: the 办件编号 they serve (X-Case-Id)
  std::string detail;   // optional JSON object text with event specifics (never secrets)
  // Reads of records of persons or enterprises: whose (subject_index.h). Indexed per subject
  // for 谁用了我的数据; not part of the chain's encoding.
  ReadSubjects subjects;

  // The one way every module starts an entry: `action` on the object `object_type`/`object_id`,
  // from where the request came. Chain by() for the actor; set outcome, detail, purpose after.
  static AuditEntry of(std::string action, std::string object_type, std::string object_id,
                       const core::RequestContext& context);

  // Fills actor_kind ("user" / "api_client"), actor_id, actor_name and department_id from a
  // principal. Returns *this for chaining.
  AuditEntry& by(const core::Principal& principal);
  // The platform itself acts (`name`: "zhengtong", "webhook", …): actor_kind "system".
  AuditEntry& by_system(std::string name);
};

// A stored record: the entry plus what the chain adds.
struct AuditRecord {
  std::int64_t id = 0;  // 1, 2, 3, … without gaps
  core::TimePoint time;
  AuditEntry entry;
  std::string prev_hash;  // hex SM3 of the previous record (64 zeros for the first)
  std::string hash;       // hex SM3 over prev_hash and the canonical encoding of this record
};

// prev_hash of record 1.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Appends `value` as a netstring (`<decimal byte length>:<bytes>,`): the unit of the canonical
// encoding below and of the checkpoints' signed message (checkpoint.h).
void append_netstring(std::string& out, std::string_view value);

// The canonical encoding of `record` described above (its prev_hash and hash are not part of
// it; entry.time is ignored in favour of record.time).
std::string canonical_encoding(const AuditRecord& record);

// The record's hash given the previous record's hash (hex). Success: 64 lower-case hex
// characters. Failure: the provider's "crypto_error".
Result<std::string> chain_hash(const core::CryptoProvider& crypto, std::string_view prev_hash,
                               const AuditRecord& record);

// The size of the chain key (HMAC-SM3 key of keyed records).
inline constexpr std::size_t kChainKeySize = 32;

// The keyed record's hash (the MAC above) given the previous record's hash (hex). Success: 64
// lower-case hex characters. Failure: Error internal "invalid_audit_key" when `chain_key` is
// not kChainKeySize bytes; the provider's "crypto_error".
Result<std::string> chain_mac(const core::CryptoProvider& crypto, std::string_view chain_key,
                              std::string_view prev_hash, const AuditRecord& record);

// The audit log's secrets, kept outside the database like the platform's data key.
struct AuditKeys {
  std::string chain_key;        // kChainKeySize random bytes: the HMAC-SM3 key of the chain
  std::string signing_key_pem;  // SM2 private key (PKCS#8 PEM) signing checkpoints; may be
                                // empty where only verifying
  std::string public_key_pem;   // its public key (SubjectPublicKeyInfo PEM): verify checks with it
  std::string subject_key;      // the per-subject read index's secret (SubjectIndex::derive_key
                                // of the data key); empty in tests that do not read it back
};

// A signed checkpoint of the chain (checkpoint.h says what it signs and who writes it).
struct Checkpoint {
  std::int64_t record_id = 0;   // the chain's last record when signed (≥ 1)
  std::string record_hash;      // that record's hash (hex)
  std::int64_t keyed_from = 1;  // the chain head's keyed_from then
  core::TimePoint time;         // when signed (millisecond precision)
  std::string signature;        // lower-case hex of the DER SM2 signature of signed_message
};

// Which records a query wants. Every set member narrows the result (AND); unset means any.
// Times: from inclusive, to exclusive.
struct RecordFilter {
  std::optional<core::TimePoint> from;
  std::optional<core::TimePoint> to;
  std::optional<std::int64_t> actor_id;
  std::optional<std::string> actor_name;
  std::optional<std::int64_t> department_id;
  std::optional<std::string> action;
  std::optional<std::string> object_type;
  std::optional<std::string> object_id;
  std::vector<std::string> object_ids;  // any of these (non-empty: an IN list)
  std::optional<std::string> outcome;
};

// How many records of one action on one object, outcome and day (AuditLog::daily_counts).
struct DailyActionCount {
  std::string day;  // YYYY-MM-DD in China Standard Time
  std::string action;
  std::string object_key;  // object_id up to its first '/' ("<code>/<key>" counts under <code>)
  std::string outcome;
  std::int64_t count = 0;
};

// Parses an ISO 8601 / RFC 3339 time with an offset: "2026-11-23T08:00:00+08:00",
// "2026-11-23T00:00:00.123Z", and PostgreSQL's "2026-11-23 00:00:00.123456+00". Fractions
// beyond milliseconds are truncated. Failure: Error invalid "invalid_time".
Result<core::TimePoint> parse_time(std::string_view text);

}  // namespace zt::audit
