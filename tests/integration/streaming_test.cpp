// Streamed (chunked) response bodies: an export of any size in constant memory.
#include "integration/server_test.h"

namespace zt::test {
namespace {

using StreamingTest = ServerTest;

std::string expected_lines(long n) {
  std::string out;
  for (long i = 0; i < n; ++i)
    out += fmt::format("line {} 数据多跑路\n", i);
  return out;
}

TEST_F(StreamingTest, LargeBodyArrivesChunkedAndExact) {
  ASSERT_TRUE(start());
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send("GET /api/v1/debug/stream?lines=200000 HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto response = client->read_response(false, std::chrono::seconds(60));
  ASSERT_TRUE(response) << client->last_error();
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->chunked);
  EXPECT_FALSE(response->has_content_length);
  EXPECT_GT(response->chunks, 10u) << "the body should come in many 64 KiB pieces";
  EXPECT_EQ(response->body, expected_lines(200000));

  // The connection stays usable after a streamed body.
  ASSERT_TRUE(client->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto again = client->read_response(false, std::chrono::seconds(10));
  ASSERT_TRUE(again) << client->last_error();
  EXPECT_EQ(again->status, 200);
}

TEST_F(StreamingTest, EmptyAndHeadStreams) {
  ASSERT_TRUE(start());
  auto empty = fetch("GET", "/api/v1/debug/stream?lines=0");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200);
  EXPECT_TRUE(empty->chunked);
  EXPECT_EQ(empty->body, "");

  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send("HEAD /api/v1/debug/stream?lines=5 HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = client->read_response(true, std::chrono::seconds(10));
  ASSERT_TRUE(head) << client->last_error();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Transfer-Encoding"), "chunked");
  ASSERT_TRUE(client->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto next = client->read_response(false, std::chrono::seconds(10));
  ASSERT_TRUE(next) << client->last_error();
  EXPECT_EQ(next->body, R"({"status":"ok"})") << "no stray body bytes after HEAD";
}

TEST_F(StreamingTest, ClientLeavingMidStreamDoesNotHurtTheServer) {
  ASSERT_TRUE(start());
  {
    auto client = connect();
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->send("GET /api/v1/debug/stream?lines=5000000 HTTP/1.1\r\nHost: x\r\n\r\n"));
  }  // closed without reading
  for (int i = 0; i < 3; ++i) {
    auto ok = fetch("GET", "/healthz");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
  }
}

TEST_F(StreamingTest, BadParameterIsAProblem) {
  ASSERT_TRUE(start());
  EXPECT_TRUE(IsProblem(fetch("GET", "/api/v1/debug/stream?lines=x"), 400, "invalid_parameter"));
}

}  // namespace
}  // namespace zt::test
