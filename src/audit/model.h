// Audit log value types (安全审计): one record per security-relevant event or read of personal
// data, chained by SM3 so that an edit or deletion is detectable.
//
// Thread-safety: plain values.
#pragma once

#include "core/principal.h"
#include "core/time.h"

#include <cstdint>
#include <optional>
#include <string>

namespace zt::audit {

// What happened, as a caller reports it. The audit service assigns id, time (unless set),
// and the chain hashes.
struct AuditEntry {
  std::optional<core::TimePoint> time;  // default: the service's clock
  std::string actor_kind = "anonymous";  // "user", "api_client", "system", "anonymous"
  std::optional<std::int64_t> actor_id;
  std::string actor_name;  // username, client name, or the name tried at a failed sign-in
  std::optional<std::int64_t> department_id;
  std::string source_address;
  std::string action;       // dotted, e.g. "auth.login", "user.password_change", "department.update"
  std::string object_type;  // e.g. "user", "department", "person"
  std::string object_id;
  std::string outcome = "success";  // "success", "failure", "denied"
  std::string request_id;
  std::string purpose;  // reads of personal data: why (X-Purpose or the grant's purpose)
  std::string case_id;  // reads of personal data: the 办件编号 they serve (X-Case-Id)
  std::string detail;   // optional JSON object text with event specifics (never secrets)

  // Fills actor_kind/actor_id/actor_name/department_id from a principal.
  AuditEntry& by(const core::Principal& principal);
};

// A stored record: the entry plus what the chain adds.
struct AuditRecord {
  std::int64_t id = 0;  // 1, 2, 3, … without gaps
  core::TimePoint time;
  AuditEntry entry;
  std::string prev_hash;  // hex SM3 of the previous record (64 zeros for the first)
  std::string hash;       // hex SM3 over prev_hash and the canonical encoding of this record
};

}  // namespace zt::audit
