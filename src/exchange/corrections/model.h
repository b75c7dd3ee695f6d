// The value types of correction reports (数据纠错/异议): a report as kept, and what a reader files.
//
// Plain values, safe to copy between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zt::exchange {

inline constexpr std::size_t kMaxCorrectionText = 2000;

struct Correction {
  std::int64_t id = 0;
  std::int64_t resource_id = 0;
  std::string resource_code;  // filled by the service
  std::string resource_name;  // filled by the service
  std::int64_t provider_department_id = 0;
  std::int64_t reporter_department_id = 0;
  std::string record_key;           // as given: composite keys comma-separated
  std::vector<std::string> fields;  // the fields the reporter thinks wrong (may be empty)
  std::string reason;
  std::string status = "open";  // open, corrected, answered
  std::int64_t reported_by = 0;
  std::string reported_by_name;
  std::int64_t reported_at = 0;
  std::optional<std::int64_t> answered_by;
  std::string answered_by_name;
  std::optional<std::int64_t> answered_at;
  std::string answer;
};

struct CorrectionInput {
  std::string resource_code;
  std::string record_key;
  std::string reason;
  std::vector<std::string> fields;
};

}  // namespace zt::exchange
