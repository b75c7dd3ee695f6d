#include "http/request.h"

#include <gtest/gtest.h>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstring>
#include <memory>

namespace zt::http {
namespace {

using NativeRequest = boost::beast::http::request<boost::beast::http::string_body>;

TEST(Request, HeadersAndBody) {
  NativeRequest native{boost::beast::http::verb::post, "/a?b=1", 11};
  native.set("X-Purpose", "审批");
  native.body() = "{}";
  Request request(&native, "/a", "b=1", "rid", "127.0.0.1");
  EXPECT_EQ(request.method(), "POST");
  EXPECT_EQ(request.target(), "/a?b=1");
  EXPECT_EQ(request.header("x-purpose"), "审批");
  EXPECT_FALSE(request.header("X-Case-Id").has_value());
  EXPECT_EQ(request.body(), "{}");
  EXPECT_EQ(request.request_id(), "rid");
}

TEST(Request, QueryParametersAreDecoded) {
  NativeRequest native;
  Request request(&native, "/", "name=%E5%BC%A0%E4%B8%89&q=a+b&flag&empty=", "", "");
  EXPECT_EQ(request.query_param("name"), "张三");
  EXPECT_EQ(request.query_param("q"), "a b");
  EXPECT_EQ(request.query_param("flag"), "");
  EXPECT_EQ(request.query_param("empty"), "");
  EXPECT_FALSE(request.query_param("missing").has_value());
}

TEST(Request, EveryQueryParameterDecodedInOrder) {
  NativeRequest native;
  Request request(&native, "/", "name=%E7%8E%8B%E4%BF%8A&division%5Fcode=%33%33&q=a+b&flag&name=x",
                  "", "");
  using Params = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(
      request.query_params(),
      (Params{
          {"name", "王俊"}, {"division_code", "33"}, {"q", "a b"}, {"flag", ""}, {"name", "x"}}));
  EXPECT_EQ(request.query_param("name"), "王俊");  // the first
  Request empty(&native, "/", "", "", "");
  EXPECT_EQ(empty.query_params(), Params{});
}

// Regression (fuzz_http, tests/fuzz/corpus/http/regression-query-not-terminated): the query is a
// view into the request target with no NUL after it; under ASan this read past its end.
TEST(Request, QueryThatIsNotNulTerminated) {
  const char text[] = "x=1&y=%E5";
  auto buffer = std::make_unique<char[]>(sizeof text - 1);
  std::memcpy(buffer.get(), text, sizeof text - 1);
  NativeRequest native;
  Request request(&native, "/", std::string_view(buffer.get(), sizeof text - 1), "", "");
  EXPECT_EQ(request.query_param("x"), "1");
  EXPECT_FALSE(request.query_param("z").has_value());
}

TEST(Request, PathParameters) {
  NativeRequest native;
  Request request(&native, "/r/330300-GA-0001", "", "", "");
  request.set_params({{"code", "330300-GA-0001"}});
  EXPECT_EQ(request.param("code"), "330300-GA-0001");
  EXPECT_EQ(request.param("other"), "");
}

}  // namespace
}  // namespace zt::http
