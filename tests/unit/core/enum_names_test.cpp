#include "core/enum_names.h"

#include <gtest/gtest.h>

namespace zt::core {
namespace {

enum class Colour { kRed, kGreen, kBlue };

constexpr auto kColourNames =
    enum_names<Colour>({{Colour::kRed, "red"}, {Colour::kGreen, "green"}, {Colour::kBlue, "blue"}});

TEST(EnumNames, NamesAndParsesBothWays) {
  static_assert(kColourNames.name_of(Colour::kGreen) == "green");
  static_assert(kColourNames.parse("blue") == Colour::kBlue);
  for (Colour c : kColourNames.values)
    EXPECT_EQ(kColourNames.parse(kColourNames.name_of(c)), c);
}

TEST(EnumNames, ParsesOnlyExactNames) {
  EXPECT_FALSE(kColourNames.parse("Red"));
  EXPECT_FALSE(kColourNames.parse(""));
  EXPECT_FALSE(kColourNames.parse("red "));
}

TEST(EnumNames, ListsTheNamesInTableOrder) {
  EXPECT_EQ(kColourNames.names.size(), 3u);
  EXPECT_EQ(kColourNames.names[0], "red");
  EXPECT_EQ(kColourNames.names[2], "blue");
}

TEST(EnumNames, AValueMissingFromTheTableIsUnknown) {
  constexpr auto partial = enum_names<Colour>({{Colour::kRed, "red"}});
  EXPECT_EQ(partial.name_of(Colour::kBlue), "unknown");
}

}  // namespace
}  // namespace zt::core
