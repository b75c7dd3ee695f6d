#include "catalog/mask.h"

#include <gtest/gtest.h>

namespace zt::catalog {
namespace {

TEST(Mask, IdNumberKeepsSixAndFour) {
  EXPECT_EQ(mask_value(MaskRule::kIdNumber, "330302198001010019"), "330302********0019");
  EXPECT_EQ(mask_value(MaskRule::kIdNumber, "11010519491231002X"), "110105********002X");
  EXPECT_EQ(mask_value(MaskRule::kIdNumber, "1234567890"), "**********");  // too short: all
}

TEST(Mask, PhoneKeepsThreeAndFour) {
  EXPECT_EQ(mask_value(MaskRule::kPhone, "13857712345"), "138****2345");
  EXPECT_EQ(mask_value(MaskRule::kPhone, "0577-88886666"), "057******6666");
  EXPECT_EQ(mask_value(MaskRule::kPhone, "1234567"), "*******");
}

TEST(Mask, NameKeepsTheSurnameByCharacter) {
  EXPECT_EQ(mask_value(MaskRule::kName, "张三"), "张*");
  EXPECT_EQ(mask_value(MaskRule::kName, "欧阳娜娜"), "欧***");
  EXPECT_EQ(mask_value(MaskRule::kName, "李"), "*");
  EXPECT_EQ(mask_value(MaskRule::kName, ""), "");
}

TEST(Mask, HiddenShowsNothingNotEvenTheLength) {
  EXPECT_EQ(mask_value(MaskRule::kHidden, "浙江省温州市鹿城区五马街道1号"), "******");
  EXPECT_EQ(mask_value(MaskRule::kHidden, "x"), "******");
}

TEST(Mask, NoneKeepsTheValue) {
  EXPECT_EQ(mask_value(MaskRule::kNone, "温州市"), "温州市");
}

TEST(Mask, AppendMaskedAppendsWhatMaskValueGives) {
  std::string out = "x,";
  append_masked(out, MaskRule::kIdNumber, "330302198001010019");
  out += ',';
  append_masked(out, MaskRule::kName, "欧阳娜娜");
  out += ',';
  append_masked(out, MaskRule::kPhone, "123");
  out += ',';
  append_masked(out, MaskRule::kHidden, "");
  out += ',';
  append_masked(out, MaskRule::kNone, "温州市");
  EXPECT_EQ(out, "x,330302********0019,欧***,***,******,温州市");
  // Invalid UTF-8 (a stray continuation byte first) is counted by character starts, as before.
  EXPECT_EQ(mask_value(MaskRule::kName, "\x80张三"), "\x80张*");
}

}  // namespace
}  // namespace zt::catalog
