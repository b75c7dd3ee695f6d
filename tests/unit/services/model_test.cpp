// services/model.h: an item definition parsed and checked, the states each transition starts
// from, and a case's clock — deadlines from the day after acceptance, pauses moving them by
// exactly the paused working days, remaining days, calendar_incomplete past the covered years.
#include "services/model.h"

#include "core/time.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace zt::services {
namespace {

namespace json = boost::json;
using namespace std::chrono;

json::object minimal() {
  return json::parse(R"({"code": "MZ-1", "name": "最低生活保障", "type": "benefit",
      "applicant": "person", "kind": "promised", "statutory_limit": 20, "promised_limit": 10,
      "form": [{"name": "name", "label": "姓名", "type": "string", "required": true,
                "prefill": {"resource": "DSJ-RK01", "field": "name"}}],
      "materials": [{"name": "户口簿", "source": "registry",
                     "prefill": {"resource": "DSJ-RK01", "field": "address"}}],
      "steps": [{"name": "审查", "departments": [3, 4], "share_percent": 60},
                {"name": "决定"}]})")
      .as_object();
}

TEST(ServicesModel, AnItemIsParsedWithDefaultsAndStoredAndReadBack) {
  auto d = parse_item(minimal(), 7);
  ASSERT_TRUE(d.ok()) << d.error().detail;
  EXPECT_EQ(d->department_id, 7);
  EXPECT_EQ(d->purpose, "办理最低生活保障");
  EXPECT_EQ(d->channels, (std::vector<std::string>{"online", "window"}));
  EXPECT_EQ(d->steps[0].departments, (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(d->steps[1].departments, (std::vector<std::int64_t>{7}));  // the item's department
  ASSERT_TRUE(d->form[0].prefill);
  EXPECT_EQ(d->form[0].prefill->resource, "DSJ-RK01");
  ItemDraft back{.code = d->code,
                 .name = d->name,
                 .department_id = 7,
                 .type = d->type,
                 .applicant = d->applicant,
                 .kind = d->kind,
                 .statutory_limit = 20,
                 .promised_limit = 10};
  ASSERT_TRUE(read_definition(definition_json(*d), back).ok());
  EXPECT_EQ(definition_json(back), definition_json(*d));
}

TEST(ServicesModel, BadDefinitionsNameTheirProblem) {
  auto with = [](const char* key, json::value v) {
    json::object o = minimal();
    o[key] = std::move(v);
    return parse_item(o, 7);
  };
  for (auto r : {with("type", "行政许可"), with("promised_limit", 30), with("statutory_limit", 0),
                 with("steps", json::array{}), with("channels", json::array{"fax"}),
                 with("visits", 2), with("code", "有 空格")}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "invalid_item");
  }
  json::object o = minimal();
  o["materials"] = json::parse(R"([{"name": "户口簿", "source": "registry"}])");
  EXPECT_FALSE(parse_item(o, 7).ok());  // 免提交 without its attribute
}

TEST(ServicesModel, TransitionsStartFromTheirStates) {
  auto from = [](std::string_view a) {
    auto s = allowed_from(a);
    return std::vector<std::string_view>(s.begin(), s.end());
  };
  EXPECT_EQ(from("accept"), (std::vector<std::string_view>{"submitted"}));
  EXPECT_EQ(from("deliver"), (std::vector<std::string_view>{"concluded"}));
  EXPECT_EQ(from("withdraw").size(), 6u);
  EXPECT_TRUE(from("fly").empty());
  for (std::string_view a : kActions)
    EXPECT_FALSE(from(a).empty()) << a;
}

std::string fmt_date(int day) {
  return "2024-10-0" + std::to_string(day);
}

std::int64_t at(const char* date, int hour) {
  return core::to_millis(core::TimePoint(*core::parse_iso_date(date) + hours{hour} - hours{8}));
}

TEST(ServicesModel, TheClockCountsFromTheDayAfterAndPausesMoveIt) {
  // 2024: 国庆 10-01..07 off, Sunday 09-29 and Saturday 10-12 working.
  std::vector<core::ListedDay> days;
  for (int d = 1; d <= 7; ++d)
    days.push_back({*core::parse_iso_date(fmt_date(d)), false, "国庆节", "package"});
  days.push_back({*core::parse_iso_date("2024-09-29"), true, "国庆节", "package"});
  days.push_back({*core::parse_iso_date("2024-10-12"), true, "国庆节", "package"});
  const core::WorkingCalendar calendar({2024}, days);
  Case c;
  c.statutory_limit = 8;
  c.promised_limit = 5;
  c.accepted_at = at("2024-09-27", 10);
  CaseClock clock = clock_of(c, {}, calendar, at("2024-09-27", 11));
  EXPECT_EQ(clock.promised_deadline, "2024-10-10");
  EXPECT_EQ(clock.statutory_deadline, "2024-10-14");
  EXPECT_EQ(clock.statutory_remaining, 8);
  // 补正 from 09-30 to 10-09: 10-08 and 10-09 do not count.
  const std::vector<CasePause> pauses = {
      {.kind = "correction", .started_at = at("2024-09-30", 10), .ended_at = at("2024-10-09", 15)}};
  clock = clock_of(c, pauses, calendar, at("2024-10-09", 16));
  EXPECT_EQ(clock.paused_working_days, 2);
  EXPECT_EQ(clock.statutory_deadline, "2024-10-16");
  EXPECT_FALSE(clock.paused);
  // A pause still open runs to today.
  const std::vector<CasePause> open = {{.kind = "special", .started_at = at("2024-10-08", 9)}};
  clock = clock_of(c, open, calendar, at("2024-10-10", 9));
  EXPECT_TRUE(clock.paused);
  EXPECT_EQ(clock.paused_working_days, 2);  // 10-09, 10-10
  // Overdue: negative remaining.
  clock = clock_of(c, {}, calendar, at("2024-10-16", 9));
  EXPECT_EQ(clock.statutory_remaining, -2);
  // Past the covered years: flagged.
  c.accepted_at = at("2024-12-30", 9);
  EXPECT_TRUE(clock_of(c, {}, calendar, at("2024-12-30", 10)).calendar_incomplete);
  // Not accepted: no clock.
  EXPECT_FALSE(clock_of(Case{}, {}, calendar, at("2024-12-30", 10)).running);
}

TEST(ServicesModel, AlertsFollowTheDeadlinesMostSevereFirst) {
  // The weekday rule in 2024; accepted Monday 09-02: promised (5) Monday 09-09, statutory (8)
  // Thursday 09-12.
  const core::WorkingCalendar calendar({2024}, {});
  Case c;
  c.statutory_limit = 8;
  c.promised_limit = 5;
  c.accepted_at = at("2024-09-02", 10);
  auto alerts = [&](const char* day, int warning_days = 2) {
    const CaseClock clock = clock_of(c, {}, calendar, at(day, 10));
    std::vector<std::string> out;
    for (std::string_view k :
         alerts_of(clock, *core::parse_iso_date(day), c.promised_limit, warning_days))
      out.emplace_back(k);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(alerts("2024-09-04"), V{});  // three working days left
  EXPECT_EQ(alerts("2024-09-05"), V{"warning"});
  EXPECT_EQ(alerts("2024-09-04", 3), V{"warning"});
  EXPECT_EQ(alerts("2024-09-09"), V{"warning"});  // the deadline's own day
  EXPECT_EQ(alerts("2024-09-10"), V{"promised_overdue"});
  EXPECT_EQ(alerts("2024-09-12"), V{"promised_overdue"});
  EXPECT_EQ(alerts("2024-09-13"), (V{"overdue", "promised_overdue"}));
  // Paused, or a 即办件's promised limit of 0: no warning.
  const std::vector<CasePause> open = {{.kind = "special", .started_at = at("2024-09-04", 9)}};
  const core::Date day = *core::parse_iso_date("2024-09-05");
  EXPECT_TRUE(alerts_of(clock_of(c, open, calendar, at("2024-09-05", 10)), day, 5, 2).empty());
  c.promised_limit = 0;
  EXPECT_EQ(alerts("2024-09-02"), V{});
}

}  // namespace
}  // namespace zt::services
