// Connections: request ids, keep-alive, pipelining and the timeouts that protect the server
// from slow or silent clients.
#include "integration/server_test.h"

#include <thread>

namespace zt::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

using ConnectionTest = ServerTest;

bool is_hex_id(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST_F(ConnectionTest, RequestIdIsEchoedWhenSent) {
  ASSERT_TRUE(start());
  auto r = fetch("GET", "/healthz", {{"X-Request-Id", "abc-123"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("X-Request-Id"), "abc-123");
}

TEST_F(ConnectionTest, RequestIdIsGeneratedWhenAbsent) {
  ASSERT_TRUE(start());
  auto a = fetch("GET", "/healthz");
  auto b = fetch("GET", "/healthz");
  ASSERT_TRUE(a && b);
  const std::string id_a = a->header("X-Request-Id").value_or("");
  const std::string id_b = b->header("X-Request-Id").value_or("");
  EXPECT_TRUE(is_hex_id(id_a)) << id_a;
  EXPECT_TRUE(is_hex_id(id_b)) << id_b;
  EXPECT_NE(id_a, id_b);
}

TEST_F(ConnectionTest, UnsafeRequestIdIsReplaced) {
  ASSERT_TRUE(start());
  auto r = fetch("GET", "/healthz", {{"X-Request-Id", "a b\"<script>"}});
  ASSERT_TRUE(r);
  const std::string id = r->header("X-Request-Id").value_or("");
  EXPECT_TRUE(is_hex_id(id)) << id;
}

TEST_F(ConnectionTest, KeepAliveServesTwoRequestsOnOneConnection) {
  ASSERT_TRUE(start());
  auto client = connect();
  ASSERT_TRUE(client);
  auto first = client->request("GET", "/healthz");
  ASSERT_TRUE(first) << client->last_error();
  EXPECT_EQ(first->status, 200);
  EXPECT_FALSE(first->header("Connection") == "close");
  auto second = client->request("GET", "/api/v1/version");
  ASSERT_TRUE(second) << client->last_error();
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->json().at("name"), "zhengtong");
}

TEST_F(ConnectionTest, PipelinedRequestsAreAnsweredInOrder) {
  ASSERT_TRUE(start());
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(
      client->send("GET /api/v1/version HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: first\r\n\r\n"
                   "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: second\r\n\r\n"));
  auto first = client->read_response();
  ASSERT_TRUE(first) << client->last_error();
  auto second = client->read_response();
  ASSERT_TRUE(second) << client->last_error();
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->header("X-Request-Id"), "first");
  EXPECT_EQ(first->json().at("name"), "zhengtong");
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->header("X-Request-Id"), "second");
  EXPECT_EQ(second->json(), boost::json::value(boost::json::object{{"status", "ok"}}));
}

TEST_F(ConnectionTest, ConnectionCloseIsHonoured) {
  ASSERT_TRUE(start());
  auto client = connect();
  ASSERT_TRUE(client);
  auto r = client->request("GET", "/healthz", {{"Connection", "close"}});
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(client->is_closed_by_peer()) << client->last_error();
}

TEST_F(ConnectionTest, SlowHeadersAreCutOffByTheHeaderTimeout) {
  ServerOptions options;
  options.header_timeout_ms = 1000;
  ASSERT_TRUE(start(options));
  auto client = connect();
  ASSERT_TRUE(client);

  // One byte every 200 ms, then nothing: the headers never end.
  const std::string_view partial = "GET /healthz HTTP/1.1\r\nHo";
  const auto first_byte = Clock::now();
  for (char c : partial) {
    if (!client->send(std::string_view(&c, 1))) break;  // already closed: fine
    std::this_thread::sleep_for(milliseconds(200));
  }
  EXPECT_TRUE(client->is_closed_by_peer(seconds(10))) << client->last_error();
  EXPECT_LT(Clock::now() - first_byte, seconds(10));

  auto r = fetch("GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ConnectionTest, SilentConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions options;
  options.idle_timeout_ms = 1000;
  ASSERT_TRUE(start(options));
  auto client = connect();
  ASSERT_TRUE(client);
  const auto connected = Clock::now();
  EXPECT_TRUE(client->is_closed_by_peer(seconds(10))) << client->last_error();
  const auto waited = Clock::now() - connected;
  EXPECT_GE(waited, milliseconds(900));  // not closed at once
  EXPECT_LT(waited, seconds(10));
}

TEST_F(ConnectionTest, KeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions options;
  options.idle_timeout_ms = 1000;
  ASSERT_TRUE(start(options));
  auto client = connect();
  ASSERT_TRUE(client);
  auto r = client->request("GET", "/healthz");
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_EQ(r->status, 200);
  const auto answered = Clock::now();
  EXPECT_TRUE(client->is_closed_by_peer(seconds(10))) << client->last_error();
  EXPECT_LT(Clock::now() - answered, seconds(10));
}

// RFC 9112 §6.1: a request whose body length is not certain is answered 400 and the connection
// closed, so that what follows is never read as a second request (request smuggling).
TEST_F(ConnectionTest, UncertainFramingIsRefusedAndTheConnectionClosed) {
  ASSERT_TRUE(start());
  const std::string smuggled = "GET /api/v1/version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const std::string length = fmt::format("Content-Length: {}\r\n", smuggled.size());
  for (const std::string& framing :
       {std::string("Transfer-Encoding: chunked, identity\r\n"),
        std::string("Transfer-Encoding: identity\r\n"),
        std::string("Transfer-Encoding: xchunked\r\n"),
        std::string("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"),
        "Transfer-Encoding: xchunked\r\n" + length, "Transfer-Encoding: chunked\r\n" + length}) {
    SCOPED_TRACE(framing);
    auto client = connect();
    ASSERT_TRUE(client);
    ASSERT_TRUE(
        client->send("POST /api/v1/identifiers/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\n" +
                     framing + "\r\n" + smuggled));
    auto r = client->read_response();
    ASSERT_TRUE(r) << client->last_error();
    EXPECT_TRUE(IsProblem(r, 400, "malformed_request"));
    EXPECT_EQ(r->header("Connection"), "close");
    EXPECT_TRUE(client->is_closed_by_peer()) << client->last_error();
    EXPECT_FALSE(client->read_response()) << "the body was answered as a second request";
  }
  // Plain chunked framing still works, and keeps the connection.
  auto client = connect();
  ASSERT_TRUE(client);
  const std::string body = R"({"kind":"id_number","values":["330302198001010019"]})";
  ASSERT_TRUE(client->send(fmt::format(
      "POST /api/v1/identifiers/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
      body.size(), body)));
  auto r = client->read_response();
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->header("Connection"), "close");
}

// RFC 9112 §3.2: an HTTP/1.1 request without Host, and any request with two, is 400.
TEST_F(ConnectionTest, ARequestNeedsExactlyOneHost) {
  ASSERT_TRUE(start());
  for (const std::string_view request :
       {"GET /healthz HTTP/1.1\r\n\r\n", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET /healthz HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"}) {
    SCOPED_TRACE(request);
    auto client = connect();
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->send(request));
    auto r = client->read_response();
    ASSERT_TRUE(r) << client->last_error();
    EXPECT_TRUE(IsProblem(r, 400, "malformed_request"));
    EXPECT_TRUE(client->is_closed_by_peer()) << client->last_error();
  }
  auto client = connect();  // HTTP/1.0 needs none
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send("GET /healthz HTTP/1.0\r\n\r\n"));
  auto r = client->read_response();
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace zt::test
