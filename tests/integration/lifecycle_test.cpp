// The server's life: graceful shutdown, overload refusal and the access log it leaves behind.
#include "integration/api_schema_check.h"
#include "integration/server_test.h"

#include <thread>

namespace zt::test {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

using LifecycleTest = ServerTest;

constexpr std::string_view kSleepRequestFormat =
    "GET /api/v1/debug/sleep?ms={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// The value of the gauge `name` in the server's /metrics, or nullopt.
std::optional<double> gauge(std::uint16_t port, std::string_view name) {
  std::string error;
  auto r = fetch(port, "GET", "/metrics", error);
  if (!r || r->status != 200) return std::nullopt;
  const std::string prefix = std::string(name) + " ";
  for (std::size_t pos = 0; pos < r->body.size();) {
    auto end = r->body.find('\n', pos);
    if (end == std::string::npos) end = r->body.size();
    std::string_view line(r->body.data() + pos, end - pos);
    if (line.starts_with(prefix)) return std::stod(std::string(line.substr(prefix.size())));
    pos = end + 1;
  }
  return std::nullopt;
}

// Waits (up to 20 s) until the gauge `name` reads `value`; false if it never does. This makes
// the tests wait for the server's state instead of guessing with sleeps.
bool wait_for_gauge(std::uint16_t port, std::string_view name, double value) {
  const auto deadline = Clock::now() + seconds(20);
  while (Clock::now() < deadline) {
    if (gauge(port, name) == value) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

TEST_F(LifecycleTest, SigtermLetsTheInFlightRequestFinishThenExitsZero) {
  ASSERT_TRUE(start());
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(fmt::format(kSleepRequestFormat, 1500)));
  // The request is being handled (not merely sent) when the signal arrives.
  std::this_thread::sleep_for(milliseconds(300));
  ASSERT_TRUE(wait_for_gauge(port(), "zt_worker_pool_busy", 1));
  server().terminate();

  auto r = client->read_response();
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->json(), json::value(json::object{{"slept_ms", 1500}})) << r->body;
  EXPECT_EQ(r->header("Connection"), "close");

  EXPECT_EQ(server().wait_exit(seconds(30)), 0);
  EXPECT_TRUE(connection_refused(port()));
}

TEST_F(LifecycleTest, SigtermClosesIdleConnectionsAndExitsAtOnce) {
  ASSERT_TRUE(start());
  auto idle = connect();
  ASSERT_TRUE(idle);
  auto r = idle->request("GET", "/healthz");
  ASSERT_TRUE(r) << idle->last_error();
  const auto stopped = Clock::now();
  server().terminate();
  EXPECT_TRUE(idle->is_closed_by_peer(seconds(10))) << idle->last_error();
  EXPECT_EQ(server().wait_exit(seconds(30)), 0);
  // Far below the 60 s idle timeout and the 30 s shutdown timeout.
  EXPECT_LT(Clock::now() - stopped, seconds(15));
}

TEST_F(LifecycleTest, FullWorkerQueueAnswers503Overloaded) {
  ServerOptions options;
  options.worker_threads = 1;
  options.worker_queue = 1;
  ASSERT_TRUE(start(options));
  // 2 s rather than 1 s: the three requests must overlap even on a loaded machine.
  const std::string request = fmt::format(kSleepRequestFormat, 2000);

  std::vector<HttpClient> clients;
  for (int i = 0; i < 3; ++i) {
    auto client = connect();
    ASSERT_TRUE(client);
    clients.push_back(std::move(*client));
  }
  // The first runs on the only worker, the second waits in the queue, the third finds no room.
  ASSERT_TRUE(clients[0].send(request));
  ASSERT_TRUE(wait_for_gauge(port(), "zt_worker_pool_busy", 1));
  std::this_thread::sleep_for(milliseconds(100));
  ASSERT_TRUE(clients[1].send(request));
  ASSERT_TRUE(wait_for_gauge(port(), "zt_worker_pool_queue_depth", 1));
  std::this_thread::sleep_for(milliseconds(100));
  ASSERT_TRUE(clients[2].send(request));

  std::vector<HttpResponse> responses;
  for (auto& client : clients) {
    auto r = client.read_response();
    ASSERT_TRUE(r) << client.last_error();
    responses.push_back(std::move(*r));
  }
  int overloaded = 0;
  for (const auto& r : responses) {
    if (r.status == 503) {
      ++overloaded;
      EXPECT_TRUE(IsProblem(r, 503, "overloaded"));
      EXPECT_EQ(r.header("Retry-After"), "1");
    } else {
      EXPECT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(r.json(), json::value(json::object{{"slept_ms", 2000}})) << r.body;
    }
  }
  EXPECT_EQ(overloaded, 1);
  EXPECT_EQ(responses[2].status, 503);
}

// The access-log lines ("msg":"request") of the server's standard output, without the test
// client's own fetch of the API document (api_schema_check.h); every line of it must be a JSON
// object.
std::vector<json::object> access_log_lines(const std::string& out) {
  std::vector<json::object> lines;
  std::size_t pos = 0;
  while (pos < out.size()) {
    auto end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    const std::string_view line(out.data() + pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    boost::system::error_code ec;
    json::value value = json::parse(line, ec);
    EXPECT_FALSE(ec) << "not a JSON line on standard output: " << line;
    if (ec || !value.is_object()) continue;
    const json::object& o = value.as_object();
    if (const auto* id = o.if_contains("request_id");
        id && id->is_string() && id->get_string() == kApiDocumentRequestId) {
      continue;
    }
    if (const auto* msg = o.if_contains("msg"); msg && *msg == "request") {
      lines.push_back(std::move(value.as_object()));
    }
  }
  return lines;
}

TEST_F(LifecycleTest, AccessLogHasOneJsonLinePerRequest) {
  ASSERT_TRUE(start());
  auto ok = fetch("GET", "/healthz", {{"X-Request-Id", "log-ok-1"}});
  ASSERT_TRUE(ok);
  auto missing = fetch("GET", "/api/v1/nope", {{"X-Request-Id", "log-missing-2"}});
  ASSERT_TRUE(missing);
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send("HELLO WORLD\r\n\r\n"));
  auto garbage = client->read_response();
  ASSERT_TRUE(garbage) << client->last_error();

  server().terminate();
  ASSERT_EQ(server().wait_exit(seconds(30)), 0);

  const auto lines = access_log_lines(server().stdout_text());
  ASSERT_EQ(lines.size(), 3u) << server().stdout_text();
  auto find = [&](std::string_view id) -> const json::object* {
    for (const auto& line : lines) {
      const json::value& value = line.at("request_id");
      if (value.is_string() && value.get_string() == id) return &line;
    }
    return nullptr;
  };
  const json::object* line_ok = find("log-ok-1");
  ASSERT_TRUE(line_ok) << server().stdout_text();
  EXPECT_EQ(line_ok->at("status"), 200);
  EXPECT_EQ(line_ok->at("route"), "/healthz");
  EXPECT_EQ(line_ok->at("method"), "GET");

  const json::object* line_missing = find("log-missing-2");
  ASSERT_TRUE(line_missing) << server().stdout_text();
  EXPECT_EQ(line_missing->at("status"), 404);
  EXPECT_EQ(line_missing->at("route"), "");

  const json::object* line_garbage = find(garbage->header("X-Request-Id").value_or("?"));
  ASSERT_TRUE(line_garbage) << server().stdout_text();
  EXPECT_EQ(line_garbage->at("status"), 400);
  for (const auto& line : lines) {
    EXPECT_TRUE(line.contains("request_id") && line.contains("status") && line.contains("route"));
  }
}

// Behind a trusted proxy the access log (and sign-in limits, audit) see the forwarded client;
// from anyone else X-Forwarded-For is ignored.
TEST_F(LifecycleTest, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  for (bool trusted : {true, false}) {
    SCOPED_TRACE(trusted ? "trusted proxy" : "untrusted peer");
    ServerOptions options;
    options.trust_loopback_proxy = trusted;
    ASSERT_TRUE(start(options));
    auto ok = fetch("GET", "/healthz",
                    {{"X-Request-Id", "xff-1"}, {"X-Forwarded-For", "1.2.3.4, 203.0.113.9"}});
    ASSERT_TRUE(ok);
    server().terminate();
    ASSERT_EQ(server().wait_exit(seconds(30)), 0);
    const auto lines = access_log_lines(server().stdout_text());
    ASSERT_EQ(lines.size(), 1u) << server().stdout_text();
    EXPECT_EQ(lines[0].at("remote"), trusted ? "203.0.113.9" : "127.0.0.1");
  }
}

}  // namespace
}  // namespace zt::test
