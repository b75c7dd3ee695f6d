#include "core/csv.h"

#include <gtest/gtest.h>

namespace zt::core {
namespace {

std::string cell(std::string_view text) {
  std::string out;
  append_csv_cell(out, text);
  return out;
}

TEST(Csv, PlainTextIsWrittenAsItIs) {
  EXPECT_EQ(cell("张三"), "张三");
  EXPECT_EQ(cell(""), "");
  EXPECT_FALSE(csv_cell_needs_care("鹿城区五马街道1号"));
}

TEST(Csv, CommasQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(cell("a,b"), "\"a,b\"");
  EXPECT_EQ(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(cell("two\nlines"), "\"two\nlines\"");
}

TEST(Csv, ATextThatStartsLikeAFormulaIsGuarded) {
  EXPECT_EQ(cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  for (const char* text : {"+1", "-1", "@SUM(A1)", "\tx", "\rx"}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(csv_cell_needs_care(text));
    EXPECT_EQ(cell(text).substr(0, 2), "\"'");
  }
  EXPECT_EQ(cell("a=b"), "a=b");  // only at the start
}

}  // namespace
}  // namespace zt::core
