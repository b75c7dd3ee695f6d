#include "core/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace zt {
namespace {

Result<std::unique_ptr<int>> make(bool ok) {
  if (!ok) return Error::invalid("no_value", "asked to fail");
  return std::make_unique<int>(7);
}

Result<int> twice(bool ok) {
  ZT_ASSIGN_OR_RETURN(auto value, make(ok));  // a move-only value
  ZT_ASSIGN_OR_RETURN(std::unique_ptr<int> again, make(ok));
  return *value + *again;
}

Status assign_existing(bool ok, int& out) {
  std::unique_ptr<int> value;
  ZT_ASSIGN_OR_RETURN(value, make(ok));
  out = *value;
  return {};
}

TEST(ResultTest, AssignOrReturnGivesTheValue) {
  auto r = twice(true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 14);
  int out = 0;
  EXPECT_TRUE(assign_existing(true, out).ok());
  EXPECT_EQ(out, 7);
}

TEST(ResultTest, AssignOrReturnPropagatesTheError) {
  auto r = twice(false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "no_value");
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  int out = 0;
  auto s = assign_existing(false, out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().detail, "asked to fail");
  EXPECT_EQ(out, 0);
}

}  // namespace
}  // namespace zt
