// The working-day calendar over real HTTP, on both databases: the package's holidays imported at
// the server's start, deadlines across a public holiday and across a 调休 Saturday,
// calendar_incomplete past the last covered day, the data administrator changing a day (audited,
// the epoch raised, the deadline moved; anyone else 403) and loading next year's schedule, and
// bad input answered with stable problem codes, never a 500.
#include "integration/hub_test.h"

namespace zt::test {
namespace {

namespace json = boost::json;

class CalendarTest : public HubTest {
 protected:
  // GET target (public); its JSON, or null (and a test failure).
  json::value get(const std::string& target) {
    auto r = city().call("GET", target, "");
    if (!r || r->status != 200) {
      ADD_FAILURE() << target << ": " << (r ? r->body : city().error());
      return nullptr;
    }
    return r->json();
  }
  json::value deadline(const std::string& start, int n) {
    return get(fmt::format("/api/v1/calendar/deadline?start={}&working_days={}", start, n));
  }
  std::string deadline_day(const std::string& start, int n) {
    json::value v = deadline(start, n);
    return v.is_object() ? std::string(v.at("deadline").as_string()) : "";
  }
  std::int64_t epoch() {
    json::value v = get("/api/v1/calendar");
    return v.is_object() ? v.at("epoch").as_int64() : -1;
  }
};

TEST_F(CalendarTest, DeadlinesAcrossAHolidayAndAMakeUpSaturday) {
  ASSERT_TRUE(open_city());
  // Accepted Friday 2024-09-27: Sunday 09-29 (调休) and Monday 09-30 count, 10-01..07 do not.
  json::value across = deadline("2024-09-27", 3);
  ASSERT_TRUE(across.is_object());
  EXPECT_EQ(across, (json::value{{"start", "2024-09-27"},
                                 {"working_days", 3},
                                 {"deadline", "2024-10-08"},
                                 {"calendar_incomplete", false}}));
  // Accepted Friday 2024-10-11: the first working day is Saturday 10-12 (调休).
  EXPECT_EQ(deadline_day("2024-10-11", 1), "2024-10-12");
  // Spring Festival 2025: accepted 01-27, then 02-05, 02-06, 02-07 and Saturday 02-08.
  EXPECT_EQ(deadline_day("2025-01-27", 4), "2025-02-08");
  // 20 working days from 2026-09-21 cross 中秋 and 国庆 and take Saturday 10-10.
  EXPECT_EQ(deadline_day("2026-09-21", 20), "2026-10-26");

  json::value days = get("/api/v1/calendar/days?from=2024-09-28&to=2024-10-01");
  ASSERT_TRUE(days.is_object());
  EXPECT_EQ(days, (json::value{{"items", json::array{
                                             json::object{{"date", "2024-09-28"},
                                                          {"working", false},
                                                          {"name", nullptr},
                                                          {"source", "weekdays"}},
                                             json::object{{"date", "2024-09-29"},
                                                          {"working", true},
                                                          {"name", "国庆节"},
                                                          {"source", "package"}},
                                             json::object{{"date", "2024-09-30"},
                                                          {"working", true},
                                                          {"name", nullptr},
                                                          {"source", "weekdays"}},
                                             json::object{{"date", "2024-10-01"},
                                                          {"working", false},
                                                          {"name", "国庆节"},
                                                          {"source", "package"}},
                                         }}}));
}

TEST_F(CalendarTest, PastTheLastCoveredDayTheDeadlineIsFlagged) {
  ASSERT_TRUE(open_city());
  json::value coverage = get("/api/v1/calendar");
  ASSERT_TRUE(coverage.is_object());
  EXPECT_EQ(coverage.at("last_covered_day"), "2026-12-31");
  const json::array& years = coverage.at("years").as_array();
  ASSERT_FALSE(years.empty());
  EXPECT_EQ(years.back().at("year"), 2026);
  EXPECT_EQ(years.back().at("kind"), "package");

  json::value inside = deadline("2026-12-01", 5);
  ASSERT_TRUE(inside.is_object());
  EXPECT_EQ(inside.at("calendar_incomplete"), false);
  // 12-29, 12-30, 12-31, then 2027 on weekdays: 01-01 (a Friday) and 01-04.
  json::value outside = deadline("2026-12-28", 5);
  ASSERT_TRUE(outside.is_object());
  EXPECT_EQ(outside.at("deadline"), "2027-01-04");
  EXPECT_EQ(outside.at("calendar_incomplete"), true);
  json::value uncovered = get("/api/v1/calendar/days?from=2027-01-01&to=2027-01-01");
  ASSERT_TRUE(uncovered.is_object());
  EXPECT_EQ(uncovered.at("items").at(0).at("source"), "uncovered");
}

TEST_F(CalendarTest, TheDataAdministratorChangesADay) {
  ASSERT_TRUE(open_city());
  const std::int64_t before = epoch();
  EXPECT_EQ(deadline_day("2025-03-03", 5), "2025-03-10");
  const json::value change{{"working", false}, {"reason", "台风停工"}};

  // Nobody else: not signed in 401, a department officer or administrator 403.
  EXPECT_TRUE(IsProblem(city().call("PUT", "/api/v1/calendar/days/2025-03-05", "", change), 401,
                        "unauthenticated"));
  EXPECT_TRUE(IsProblem(city().call("PUT", "/api/v1/calendar/days/2025-03-05", ga_officer_, change),
                        403, "forbidden"));
  EXPECT_TRUE(IsProblem(city().call("PUT", "/api/v1/calendar/days/2025-03-05", ga_admin_, change),
                        403, "forbidden"));
  EXPECT_TRUE(
      IsProblem(city().call("PUT", "/api/v1/calendar/days/2025-03-05", city().sysadmin(), change),
                403, "forbidden"));
  EXPECT_EQ(epoch(), before);

  auto put = city().call("PUT", "/api/v1/calendar/days/2025-03-05", data_admin_, change);
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(put->json(), (json::value{{"date", "2025-03-05"},
                                      {"working", false},
                                      {"name", "台风停工"},
                                      {"source", "override"}}));
  EXPECT_EQ(epoch(), before + 1);
  // The running limit ends a working day later.
  EXPECT_EQ(deadline_day("2025-03-03", 5), "2025-03-11");

  // A 调休 Saturday made a day off again: a limit over it moves.
  EXPECT_EQ(deadline_day("2024-10-11", 1), "2024-10-12");
  auto saturday = city().call("PUT", "/api/v1/calendar/days/2024-10-12", data_admin_,
                              json::value{{"working", false}, {"reason", "测试"}});
  ASSERT_TRUE(saturday);
  EXPECT_EQ(saturday->status, 200) << saturday->body;
  EXPECT_EQ(deadline_day("2024-10-11", 1), "2024-10-14");

  auto audited =
      city().call("GET", "/api/v1/audit/records?action=calendar.day.set", city().auditadmin());
  ASSERT_TRUE(audited);
  ASSERT_EQ(audited->status, 200) << audited->body;
  const json::value page = audited->json();
  const json::array& records = page.at("items").as_array();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records.back().at("object_id"), "2025-03-05");
  EXPECT_EQ(records.back().at("actor_name"), "dsj_admin");

  // Bad bodies and dates.
  EXPECT_TRUE(IsProblem(city().call("PUT", "/api/v1/calendar/days/2025-03-06", data_admin_,
                                    json::value{{"working", false}}),
                        400, "invalid_body"));
  EXPECT_TRUE(IsProblem(city().call("PUT", "/api/v1/calendar/days/2025-03-06", data_admin_,
                                    json::value{{"reason", "x"}}),
                        400, "invalid_body"));
  EXPECT_TRUE(IsProblem(city().call("PUT", "/api/v1/calendar/days/2025-02-30", data_admin_, change),
                        400, "invalid_date"));
}

TEST_F(CalendarTest, TheDataAdministratorLoadsNextYearsSchedule) {
  ASSERT_TRUE(open_city());
  // Test data for a year the package does not cover (not a real notice).
  const json::value schedule = json::parse(R"({"source": "测试通知 2027", "years": [{"year": 2027,
    "off": [{"date": "2027-01-01", "name": "元旦"}, {"date": "2027-01-04", "name": "元旦"}],
    "working": [{"date": "2027-01-09", "name": "元旦"}]}]})");
  EXPECT_TRUE(IsProblem(city().call("POST", "/api/v1/calendar/schedules", mz_admin_, schedule), 403,
                        "forbidden"));
  auto loaded = city().call("POST", "/api/v1/calendar/schedules", data_admin_, schedule);
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->status, 200) << loaded->body;
  EXPECT_EQ(loaded->json().at("last_covered_day"), "2027-12-31");
  EXPECT_EQ(loaded->json().at("years").as_array().back().at("kind"), "schedule");
  json::value next = deadline("2026-12-28", 5);
  ASSERT_TRUE(next.is_object());
  EXPECT_EQ(next.at("deadline"), "2027-01-06");
  EXPECT_EQ(next.at("calendar_incomplete"), false);
  EXPECT_EQ(deadline_day("2027-01-08", 1), "2027-01-09");

  EXPECT_TRUE(IsProblem(city().send("POST", "/api/v1/calendar/schedules", data_admin_,
                                    R"({"source": "x", "years": [{"year": 2027, "off": [],
                      "working": [{"date": "2027-01-06", "name": "元旦"}]}]})",
                                    {{"Content-Type", "application/json"}}),
                        400, "invalid_schedule"));
  auto audited = city().call("GET", "/api/v1/audit/records?action=calendar.schedule.load",
                             city().auditadmin());
  ASSERT_TRUE(audited);
  EXPECT_EQ(audited->json().at("items").as_array().size(), 1u);
}

TEST_F(CalendarTest, BadInputIsAProblemNeverAFiveHundred) {
  ASSERT_TRUE(open_city());
  auto problem = [this](const std::string& target) { return city().call("GET", target, ""); };
  EXPECT_TRUE(IsProblem(problem("/api/v1/calendar/deadline?working_days=3"), 400, "invalid_date"));
  EXPECT_TRUE(IsProblem(problem("/api/v1/calendar/deadline?start=2024-13-01&working_days=3"), 400,
                        "invalid_date"));
  EXPECT_TRUE(IsProblem(problem("/api/v1/calendar/deadline?start=1899-12-31&working_days=3"), 400,
                        "invalid_date"));
  for (const char* n : {"0", "-1", "1001", "abc", "3.5", "99999999999999999999", ""}) {
    EXPECT_TRUE(IsProblem(
        problem(std::string("/api/v1/calendar/deadline?start=2024-01-02&working_days=") + n), 400,
        "invalid_working_days"))
        << n;
  }
  EXPECT_TRUE(IsProblem(problem("/api/v1/calendar/deadline?start=2024-01-02"), 400,
                        "invalid_working_days"));
  EXPECT_TRUE(IsProblem(problem("/api/v1/calendar/days?from=2024-01-01&to=2025-01-01"), 400,
                        "range_too_large"));
  EXPECT_TRUE(IsProblem(problem("/api/v1/calendar/days?from=2024-02-01&to=2024-01-01"), 400,
                        "invalid_range"));
  EXPECT_TRUE(IsProblem(problem("/api/v1/calendar/days?from=2024-02-01"), 400, "invalid_date"));
  json::value longest = deadline("2199-12-31", 1000);
  ASSERT_TRUE(longest.is_object());
  EXPECT_EQ(longest.at("calendar_incomplete"), true);
  json::value year = get("/api/v1/calendar/days?from=2024-01-01&to=2024-12-31");
  ASSERT_TRUE(year.is_object());
  EXPECT_EQ(year.at("items").as_array().size(), 366u);
}

}  // namespace
}  // namespace zt::test
