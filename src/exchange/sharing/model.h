// The value types of sharing (共享申请与授权): requests, grants, what a consumer asks and what a
// provider decides, and the grant counts of the figures.
//
// Plain values, safe to copy between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::exchange {

namespace permission {
inline constexpr std::string_view kQuery = "exchange.query";
inline constexpr std::string_view kGrantsManage = "exchange.grants.manage";
}  // namespace permission

inline constexpr std::int64_t kMaxGrantDays = 3 * 366;

struct SharingRequest {
  std::int64_t id = 0;
  std::int64_t resource_id = 0;
  std::string resource_code;  // filled by the service
  std::string resource_name;  // filled by the service
  std::int64_t consumer_department_id = 0;
  std::int64_t provider_department_id = 0;
  std::string consumer_department_name;  // filled by the service
  std::string provider_department_name;  // filled by the service
  std::string purpose;                   // 用途
  std::string legal_basis;               // 依据
  std::vector<std::string> fields;
  std::int64_t duration_days = 0;
  std::string status = "pending";  // pending, approved, rejected, withdrawn
  std::int64_t requested_by = 0;
  std::string requested_by_name;
  std::int64_t requested_at = 0;
  std::optional<std::int64_t> decided_by;
  std::string decided_by_name;
  std::optional<std::int64_t> decided_at;
  std::string decision_reason;
  std::optional<std::int64_t> grant_id;
};

struct Grant {
  std::int64_t id = 0;
  std::int64_t request_id = 0;
  std::int64_t resource_id = 0;
  std::string resource_code;  // filled by the service
  std::int64_t consumer_department_id = 0;
  std::int64_t provider_department_id = 0;
  std::string consumer_department_name;  // filled by the service
  std::string provider_department_name;  // filled by the service
  std::vector<std::string> fields;
  std::vector<std::string> unmasked;
  std::string purpose;
  std::int64_t starts_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> revoked_at;
  std::optional<std::int64_t> revoked_by;
  std::string revoke_reason;

  // "active", "expired" or "revoked" at `now`.
  std::string status(std::int64_t now) const;
};

struct RequestInput {
  std::string resource_code;
  std::string purpose;
  std::string legal_basis;
  std::vector<std::string> fields;
  std::int64_t duration_days = 365;
};

struct Decision {
  std::vector<std::string> fields;    // granted: a subset of those asked (empty: all asked)
  std::vector<std::string> unmasked;  // personal fields shown unmasked: a subset of `fields`
  std::optional<std::int64_t> duration_days;  // default: as asked
  std::optional<std::int64_t> expires_at;     // an exact end (ms since the epoch) instead
};

namespace sharing {

// Counts per resource, for figures: active grants and those expiring before `soon`.
struct GrantCounts {
  std::int64_t active = 0;
  std::int64_t expiring = 0;
};

// Active grants at `now` per (resource, consumer department), for the exchange figures:
// how many, and how many of them expire before `soon`.
struct GrantTally {
  std::int64_t resource_id = 0;
  std::int64_t provider_department_id = 0;
  std::int64_t consumer_department_id = 0;
  std::int64_t active = 0;
  std::int64_t expiring = 0;
};

}  // namespace sharing

}  // namespace zt::exchange
