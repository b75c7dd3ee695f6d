#include "core/utf8.h"

#include <gtest/gtest.h>

namespace zt::core {
namespace {

TEST(Utf8, Validity) {
  EXPECT_TRUE(valid_utf8("ascii 中文 😀"));
  EXPECT_TRUE(valid_utf8("eight ascii bytes, then 中"));
  EXPECT_FALSE(valid_utf8("\xe4\xb8"));          // cut short
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("abcdefgh\x80"));      // a stray continuation byte after a run
}

TEST(Utf8, SequenceLengths) {
  EXPECT_EQ(utf8_sequence_length("a"), 1u);
  EXPECT_EQ(utf8_sequence_length(std::string_view("\0", 1)), 1u);
  EXPECT_EQ(utf8_sequence_length("é"), 2u);
  EXPECT_EQ(utf8_sequence_length("中文"), 3u);
  EXPECT_EQ(utf8_sequence_length("😀"), 4u);
  EXPECT_EQ(utf8_sequence_length(""), 0u);
  EXPECT_EQ(utf8_sequence_length("\xe4\xb8"), 0u);
  EXPECT_EQ(utf8_sequence_length("\xe0\x80\x80"), 0u);  // overlong
}

}  // namespace
}  // namespace zt::core
