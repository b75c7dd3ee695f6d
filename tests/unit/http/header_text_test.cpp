#include "http/header_text.h"

#include <gtest/gtest.h>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <utility>
#include <vector>

namespace zt::http {
namespace {

// header_text over a request whose only headers are `headers` (name, value).
std::optional<std::string> read(std::vector<std::pair<std::string, std::string>> headers) {
  boost::beast::http::request<boost::beast::http::string_body> native;
  for (const auto& [name, value] : headers)
    native.insert(name, value);
  Request request(&native, "/", "", "", "");
  return header_text(request, "X-Purpose");
}

TEST(HeaderText, Rfc8187ExtValueComesFirst) {
  EXPECT_EQ(read({{"X-Purpose*", "UTF-8''%E6%A0%B8%E9%AA%8C"}}), "核验");
  EXPECT_EQ(read({{"X-Purpose*", "utf-8'zh-CN'%E6%A0%B8%E9%AA%8C"}}), "核验");
  EXPECT_EQ(read({{"X-Purpose", "other"}, {"X-Purpose*", "UTF-8''%E6%A0%B8"}}), "核");
}

TEST(HeaderText, PercentEncodedAndRawValues) {
  EXPECT_EQ(read({{"X-Purpose", "%E5%A9%9A%E5%A7%BB"}}), "婚姻");
  EXPECT_EQ(read({{"X-Purpose", "婚姻登记核验"}}), "婚姻登记核验");
  EXPECT_EQ(read({{"X-Purpose", "100% sure"}}), "100% sure");  // not an escape: as it is
  EXPECT_EQ(read({}), std::nullopt);
}

TEST(HeaderText, AnUnusableExtValueFallsBackAndInvalidUtf8IsAbsent) {
  EXPECT_EQ(read({{"X-Purpose*", "GBK''%BA%CB"}, {"X-Purpose", "plain"}}), "plain");
  EXPECT_EQ(read({{"X-Purpose", "%FF%FE"}}), std::nullopt);
  EXPECT_EQ(read({{"X-Purpose", "\xc0\xaf"}}), std::nullopt);  // overlong '/'
}

}  // namespace
}  // namespace zt::http
