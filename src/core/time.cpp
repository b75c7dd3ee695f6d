#include "core/time.h"

#include <fmt/format.h>

namespace zt::core {

namespace {
constexpr auto kChinaOffset = std::chrono::hours(8);
}

std::string format_iso8601(TimePoint t) {
  using namespace std::chrono;
  const auto local = t + kChinaOffset;
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<milliseconds>(local - day)};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+08:00", int(ymd.year()),
                     unsigned(ymd.month()), unsigned(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
}

std::chrono::year_month_day china_date(TimePoint t) {
  using namespace std::chrono;
  return year_month_day{floor<days>(t + kChinaOffset)};
}

}  // namespace zt::core
