// The value types of the quality figures (数据质量): per resource, per field and per day.
//
// Plain values, safe to copy between threads.
#pragma once

#include "exchange/ingest/model.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zt::exchange {

struct FieldQuality {
  std::string field;
  double completeness = 1.0;  // records with a value / records
  double validity = 1.0;      // 1 - rejected values / rows read (last 30 days)
  std::int64_t invalid = 0;
};

struct QualityReport {
  std::string resource_code;
  std::string resource_name;
  std::int64_t department_id = 0;
  std::string department_name;
  std::int64_t record_count = 0;
  std::int64_t last_seq = 0;
  std::optional<std::int64_t> last_update_at;
  std::string update_cycle;
  bool stale = false;
  std::int64_t rows_read_30d = 0;
  std::int64_t rejected_30d = 0;
  std::int64_t duplicate_keys_30d = 0;
  std::int64_t open_corrections = 0;  // 纠错 reports not yet answered (corrections/service.h)
  std::vector<FieldQuality> fields;   // filled by quality(); empty in the overview
  std::vector<DailyCount> daily;      // the last 30 days with any batch
};

}  // namespace zt::exchange
