// The value types of the exchange figures (交换统计): per day, per resource, per department.
//
// Plain values, safe to copy between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zt::exchange {

inline constexpr int kMaxStatsDays = 366;

struct DayFigures {
  std::string day;  // YYYY-MM-DD, Beijing time
  std::int64_t reads = 0;
  std::int64_t deliveries = 0;
};

struct ResourceFigures {
  std::string resource_code;
  std::string resource_name;
  std::int64_t department_id = 0;
  std::string department_name;
  std::vector<DayFigures> reads_by_day;  // days with any read or delivery, oldest first
  std::int64_t grants_active = 0;
  std::int64_t grants_expiring_30d = 0;
  std::int64_t open_corrections = 0;
  std::int64_t record_count = 0;
};

struct DepartmentFigures {
  std::int64_t department_id = 0;
  std::string department_name;
  std::int64_t reads = 0;
  std::int64_t deliveries = 0;
  std::int64_t grants_given = 0;
  std::int64_t grants_held = 0;
  std::int64_t open_corrections = 0;
};

struct ExchangeStats {
  int days = 0;
  std::vector<ResourceFigures> resources;      // by resource code
  std::vector<DepartmentFigures> departments;  // by department id
};

}  // namespace zt::exchange
