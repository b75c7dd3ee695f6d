// The value types of the change feed (数据交换): one page of changes with its cursor.
//
// Plain values, safe to copy between threads.
#pragma once

#include "exchange/records/model.h"

#include <cstdint>
#include <vector>

namespace zt::exchange {

struct ChangePage {
  std::vector<Change> items;
  std::int64_t next_cursor = 0;  // pass as ?after= for the next page
  std::int64_t last_seq = 0;     // the resource's newest sequence number
};

}  // namespace zt::exchange
