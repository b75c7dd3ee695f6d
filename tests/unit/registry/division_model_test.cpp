// Division codes by shape (level, ancestors) and the CSV line splitter of the importer.
#include "registry/division.h"
#include "registry/division_import.h"

#include <gtest/gtest.h>

namespace zt::registry {
namespace {

TEST(DivisionCodeTest, LevelByShape) {
  EXPECT_EQ(level_of_code("330000"), DivisionLevel::kProvince);
  EXPECT_EQ(level_of_code("330300"), DivisionLevel::kCity);
  EXPECT_EQ(level_of_code("330302"), DivisionLevel::kCounty);
  EXPECT_EQ(level_of_code("330302001"), DivisionLevel::kTown);
  EXPECT_EQ(level_of_code("330302001001"), DivisionLevel::kVillage);
}

TEST(DivisionCodeTest, AncestorsProvinceFirst) {
  EXPECT_TRUE(ancestor_codes("330000").empty());
  EXPECT_EQ(ancestor_codes("330300"), (std::vector<std::string>{"330000"}));
  EXPECT_EQ(ancestor_codes("330302"), (std::vector<std::string>{"330000", "330300"}));
  EXPECT_EQ(ancestor_codes("330302001001"),
            (std::vector<std::string>{"330000", "330300", "330302", "330302001"}));
  // A town directly under a city without counties (东莞).
  EXPECT_EQ(ancestor_codes("441900003"), (std::vector<std::string>{"440000", "441900"}));
}

TEST(DivisionCodeTest, LevelNamesRoundTrip) {
  for (auto level : {DivisionLevel::kProvince, DivisionLevel::kCity, DivisionLevel::kCounty,
                     DivisionLevel::kTown, DivisionLevel::kVillage}) {
    EXPECT_EQ(parse_division_level(to_string(level)), level);
  }
  EXPECT_EQ(parse_division_level("district"), std::nullopt);
}

TEST(DivisionCsvTest, SplitsQuotedAndPlainCells) {
  EXPECT_EQ(split_csv_line("110101001001,\"多福巷社区居委会\",110101001"),
            (std::vector<std::string>{"110101001001", "多福巷社区居委会", "110101001"}));
  EXPECT_EQ(split_csv_line("1,\"a,b\",\"say \"\"hi\"\"\"\r"),
            (std::vector<std::string>{"1", "a,b", "say \"hi\""}));
  EXPECT_EQ(split_csv_line(""), (std::vector<std::string>{""}));
}

}  // namespace
}  // namespace zt::registry
