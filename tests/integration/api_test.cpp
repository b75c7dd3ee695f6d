// The API as a client sees it: system routes, errors as problem+json, identifier checks, the
// OpenAPI document and the metrics.
#include "integration/server_test.h"

#include <charconv>
#include <chrono>
#include <thread>

namespace zt::test {
namespace {

namespace json = boost::json;

using SystemRoutesTest = ServerTest;
using ErrorsTest = ServerTest;
using IdentifiersTest = ServerTest;
using OpenApiTest = ServerTest;
using MetricsTest = ServerTest;

const std::vector<std::pair<std::string, std::string>> kJson = {
    {"Content-Type", "application/json"}};

TEST_F(SystemRoutesTest, HealthzSaysOk) {
  ASSERT_TRUE(start());
  auto r = fetch("GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_EQ(r->json(), json::value(json::object{{"status", "ok"}})) << r->body;
}

TEST_F(SystemRoutesTest, ReadyzIsReadyWithTheDatabase) {
  ASSERT_TRUE(start());
  auto r = fetch("GET", "/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->json(), json::value(json::object{{"status", "ready"}})) << r->body;
}

TEST_F(SystemRoutesTest, VersionHasNameVersionAndCommit) {
  ASSERT_TRUE(start());
  auto r = fetch("GET", "/api/v1/version");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  const json::value body = r->json();
  ASSERT_TRUE(body.is_object()) << r->body;
  EXPECT_EQ(body.at("name"), "zhengtong");
  for (const char* key : {"version", "commit"}) {
    const json::value* v = body.as_object().if_contains(key);
    ASSERT_TRUE(v && v->is_string() && !v->get_string().empty()) << key << " in " << r->body;
  }
}

TEST_F(SystemRoutesTest, HeadVersionHasContentLengthButNoBody) {
  ASSERT_TRUE(start());
  auto get = fetch("GET", "/api/v1/version");
  ASSERT_TRUE(get);
  auto client = connect();
  ASSERT_TRUE(client);
  auto head = client->request("HEAD", "/api/v1/version");
  ASSERT_TRUE(head) << client->last_error();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length"), std::to_string(get->body.size()));
  EXPECT_TRUE(head->body.empty());
  // Had the server sent a body, it would be read here as the next response.
  auto next = client->request("GET", "/healthz");
  ASSERT_TRUE(next) << client->last_error();
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->json(), json::value(json::object{{"status", "ok"}})) << next->body;
}

TEST_F(ErrorsTest, UnknownApiRouteIs404) {
  ASSERT_TRUE(start());
  EXPECT_TRUE(IsProblem(fetch("GET", "/api/v1/nope"), 404, "route_not_found"));
}

TEST_F(ErrorsTest, WrongMethodIs405WithAllow) {
  ASSERT_TRUE(start());
  auto r = fetch("DELETE", "/healthz");
  EXPECT_TRUE(IsProblem(r, 405, "method_not_allowed"));
  ASSERT_TRUE(r);
  const std::string allow = r->header("Allow").value_or("");
  EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
  EXPECT_NE(allow.find("HEAD"), std::string::npos) << allow;
  EXPECT_EQ(allow.find("DELETE"), std::string::npos) << allow;
}

TEST_F(ErrorsTest, BodyOverTheRouteLimitIs413ByContentLengthAndCloses) {
  ASSERT_TRUE(start());
  auto client = connect();
  ASSERT_TRUE(client);
  // The limit is 64 KiB; the server must answer from Content-Length alone, before the body.
  const std::string body =
      R"({"kind":"id_number","values":[")" + std::string(100 * 1024, '1') + "\"]}";
  ASSERT_TRUE(
      client->send("POST /api/v1/identifiers/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Type: application/json\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 1024)));
  auto r = client->read_response();
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsProblem(r, 413, "body_too_large"));
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(client->is_closed_by_peer()) << client->last_error();
}

TEST_F(ErrorsTest, ChunkedBodyOverTheRouteLimitIs413) {
  ASSERT_TRUE(start());
  auto client = connect();
  ASSERT_TRUE(client);
  // Without Content-Length the limit applies while reading.
  std::string request =
      "POST /api/v1/identifiers/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(8 * 1024, ' ');
  for (int i = 0; i < 10; ++i)
    request += fmt::format("{:x}\r\n{}\r\n", chunk.size(), chunk);
  ASSERT_TRUE(client->send(request));
  auto r = client->read_response();
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsProblem(r, 413, "body_too_large"));
  EXPECT_TRUE(client->is_closed_by_peer()) << client->last_error();
}

TEST_F(ErrorsTest, MalformedJsonIs400) {
  ASSERT_TRUE(start());
  EXPECT_TRUE(IsProblem(fetch("POST", "/api/v1/identifiers/check", kJson, R"({"kind":)"), 400,
                        "malformed_json"));
}

// A name twice in one object means different things to different parsers: refused.
TEST_F(ErrorsTest, ARepeatedNameInAJsonBodyIs400) {
  ASSERT_TRUE(start());
  auto r = fetch("POST", "/api/v1/identifiers/check", kJson,
                 R"({"kind":"id_number","values":["330302198001010019"],"kind":"uscc"})");
  ASSERT_TRUE(IsProblem(r, 400, "malformed_json"));
  EXPECT_NE(r->json().at("detail").as_string().find("\"kind\""), std::string::npos) << r->body;
  EXPECT_TRUE(IsProblem(fetch("POST", "/api/v1/identifiers/check", kJson,
                              R"({"kind":"id_number","values":[{"a":1,"a":2}]})"),
                        400, "malformed_json"));
  // The same name in two objects is fine.
  auto ok = fetch("POST", "/api/v1/identifiers/check", kJson,
                  R"({"kind":"id_number","values":["330302198001010019"]})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

// No field takes a NUL, and PostgreSQL's text cannot store one: 400, never a database error.
TEST_F(ErrorsTest, ANulCharacterIs400) {
  ASSERT_TRUE(start());
  EXPECT_TRUE(IsProblem(fetch("POST", "/api/v1/identifiers/check", kJson,
                              R"({"kind":"id_number","values":["3303\u0000"]})"),
                        400, "invalid_body"));
  EXPECT_TRUE(
      IsProblem(fetch("GET", "/api/v1/resources?q=%E4%BA%BA%00"), 400, "malformed_request"));
  EXPECT_TRUE(
      IsProblem(fetch("GET", "/api/v1/registry/persons/3303%00"), 400, "malformed_request"));
}

TEST_F(ErrorsTest, TextBodyIs415) {
  ASSERT_TRUE(start());
  EXPECT_TRUE(IsProblem(fetch("POST", "/api/v1/identifiers/check", {{"Content-Type", "text/plain"}},
                              "11010519491231002X"),
                        415, "unsupported_media_type"));
}

TEST_F(ErrorsTest, WrongJsonShapeIs400InvalidBody) {
  ASSERT_TRUE(start());
  EXPECT_TRUE(IsProblem(fetch("POST", "/api/v1/identifiers/check", kJson, R"({"kind":"uscc"})"),
                        400, "invalid_body"));
  EXPECT_TRUE(IsProblem(fetch("POST", "/api/v1/identifiers/check", kJson, R"([1,2])"), 400,
                        "invalid_body"));
}

TEST_F(ErrorsTest, GarbageIs400AndCloses) {
  ASSERT_TRUE(start());
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send("HELLO WORLD\r\n\r\n"));
  auto r = client->read_response();
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsProblem(r, 400, "malformed_request"));
  EXPECT_TRUE(client->is_closed_by_peer()) << client->last_error();
}

TEST_F(ErrorsTest, HugeHeaderIs431) {
  ASSERT_TRUE(start());
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " +
                           std::string(40 * 1024, 'a') + "\r\n\r\n"));
  auto r = client->read_response();
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsProblem(r, 431, "header_too_large"));
  EXPECT_TRUE(client->is_closed_by_peer()) << client->last_error();
}

TEST_F(IdentifiersTest, ChecksIdNumbers) {
  ASSERT_TRUE(start());
  auto r = fetch("POST", "/api/v1/identifiers/check", kJson,
                 R"({"kind":"id_number","values":["11010519491231002X","11010519491231002x",)"
                 R"("110105194912310021","not a number"]})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  const json::value body = r->json();
  ASSERT_TRUE(body.is_object()) << r->body;
  const json::array& results = body.at("results").as_array();
  ASSERT_EQ(results.size(), 4u) << r->body;

  EXPECT_EQ(results[0],
            json::parse(R"({"value":"11010519491231002X","valid":true,)"
                        R"("normalized":"11010519491231002X","error":null,"code":null})"));
  // Lower-case x is accepted and normalized to X.
  EXPECT_EQ(results[1],
            json::parse(R"({"value":"11010519491231002x","valid":true,)"
                        R"("normalized":"11010519491231002X","error":null,"code":null})"));
  for (std::size_t i : {2u, 3u}) {
    const json::object& result = results[i].as_object();
    EXPECT_EQ(result.at("valid"), false) << i;
    EXPECT_TRUE(result.at("normalized").is_null()) << i;
    EXPECT_TRUE(result.at("code").is_string() && !result.at("code").get_string().empty()) << i;
    EXPECT_TRUE(result.at("error").is_string() && !result.at("error").get_string().empty()) << i;
  }
  EXPECT_EQ(results[2].at("value"), "110105194912310021");
  EXPECT_EQ(results[3].at("value"), "not a number");
}

TEST_F(OpenApiTest, DocumentListsTheRoutes) {
  ASSERT_TRUE(start());
  auto r = fetch("GET", "/api/openapi.json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const json::value doc = r->json();
  ASSERT_TRUE(doc.is_object()) << "not JSON: " << r->body.substr(0, 200);
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  const json::object& paths = doc.at("paths").as_object();
  auto has_operation = [&](std::string_view path, std::string_view method) {
    const json::value* item = paths.if_contains(path);
    return item && item->is_object() && item->as_object().contains(method);
  };
  EXPECT_TRUE(has_operation("/healthz", "get"));
  EXPECT_TRUE(has_operation("/api/v1/version", "get"));
  EXPECT_TRUE(has_operation("/api/v1/identifiers/check", "post"));
}

// The value of the sample line `series` (metric name and labels exactly) in a Prometheus text
// exposition, or nullopt when it is not there.
std::optional<double> sample(std::string_view text, std::string_view series) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.starts_with(series) && line.size() > series.size() && line[series.size()] == ' ') {
      double value = 0;
      std::string_view number = line.substr(series.size() + 1);
      auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
      if (ec == std::errc()) return value;
    }
  }
  return std::nullopt;
}

TEST_F(MetricsTest, CountsRequestsAndExposesGauges) {
  ASSERT_TRUE(start());
  constexpr int kRequests = 3;
  for (int i = 0; i < kRequests; ++i) {
    auto r = fetch("GET", "/healthz");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
  }
  // A request is counted once its answer is written, which the client may see first: the last
  // /healthz can still be uncounted when /metrics answers, so look again for a while.
  constexpr std::string_view kSeries =
      R"(zt_http_requests_total{method="GET",route="/healthz",status="200"})";
  std::optional<HttpResponse> r;
  std::optional<double> count;
  for (int attempt = 0; attempt < 50; ++attempt) {
    r = fetch("GET", "/metrics");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    count = sample(r->body, kSeries);
    if (count && *count >= kRequests) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(r->header("Content-Type").value_or("").starts_with("text/plain"));
  ASSERT_TRUE(count) << r->body;
  EXPECT_GE(*count, kRequests);
  EXPECT_NE(r->body.find("zt_http_request_duration_seconds_bucket{"), std::string::npos);
  EXPECT_TRUE(sample(r->body, "zt_worker_pool_queue_depth")) << r->body;
  const auto connections = sample(r->body, "zt_db_connections_open");
  ASSERT_TRUE(connections) << r->body;
  EXPECT_GE(*connections, 0);
}

}  // namespace
}  // namespace zt::test
