#include "core/json_text.h"

#include <gtest/gtest.h>

#include <string>

namespace zt::core {
namespace {

TEST(JsonText, QuotesAndCopiesPlainText) {
  EXPECT_EQ(json_string(""), "\"\"");
  EXPECT_EQ(json_string("abc / 123"), "\"abc / 123\"");
}

TEST(JsonText, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_string("\n\r\t"), R"("\n\r\t")");
  EXPECT_EQ(json_string(std::string("\x00\x01\x08\x0c\x1f", 5)),
            R"("\u0000\u0001\u0008\u000c\u001f")");
  EXPECT_EQ(json_string("\x7f"), "\"\x7f\"");  // DEL need not be escaped (RFC 8259 §7)
}

TEST(JsonText, CopiesWellFormedUtf8) {
  EXPECT_EQ(json_string("张三 é 𠮷"), "\"张三 é 𠮷\"");
}

TEST(JsonText, ReplacesEachByteOfIllFormedUtf8) {
  EXPECT_EQ(json_string("a\x80z"), R"("a\ufffdz")");                  // stray continuation byte
  EXPECT_EQ(json_string("a\xe5\xbc"), R"("a\ufffd\ufffd")");          // truncated 张
  EXPECT_EQ(json_string("\xc0\xaf"), R"("\ufffd\ufffd")");            // overlong '/'
  EXPECT_EQ(json_string("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate U+D800
  EXPECT_EQ(json_string("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
  EXPECT_EQ(json_string("\xff张"), "\"\\ufffd张\"");
}

TEST(JsonText, AppendsWithoutTouchingWhatIsThere) {
  std::string out = "{\"k\":";
  append_json_string(out, "v\"");
  out += ",\"m\":\"";
  append_json_string_body(out, "x\ny");
  out += "\"}";
  EXPECT_EQ(out, R"({"k":"v\"","m":"x\ny"})");
}

}  // namespace
}  // namespace zt::core
