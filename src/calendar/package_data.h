// The schedule file (schedule.h) converted at build time from the npm package chinese-days
// (data/build_data.sh → package_data.cpp in the build tree): the holidays and make-up working days
// of every year the package covers. The calendar service imports it into the database at start.
// Thread-safety: a constant.
#pragma once

#include <string_view>

namespace zt::calendar {

std::string_view package_schedule_text();

}  // namespace zt::calendar
