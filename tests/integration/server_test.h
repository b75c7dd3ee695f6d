// ServerTest: the fixture of the integration tests — one real server per test, and assertions
// on its answers.
#pragma once

#include "integration/http_client.h"
#include "integration/server_process.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace zt::test {

class ServerTest : public ::testing::Test {
 protected:
  // Starts the server for this test. Use as ASSERT_TRUE(start(...)); a failure says why.
  bool start(const ServerOptions& options = {}) {
    std::string error;
    server_ = ServerProcess::start(options, error);
    if (!server_) ADD_FAILURE() << "cannot start zhengtong: " << error;
    return server_ != nullptr;
  }

  ServerProcess& server() { return *server_; }
  std::uint16_t port() const { return server_->port(); }

  // A new connection to the server; nullopt (and a test failure) when it cannot connect.
  std::optional<HttpClient> connect() {
    std::string error;
    auto client = HttpClient::connect(server_->port(), error);
    if (!client) ADD_FAILURE() << error;
    return client;
  }

  // One request on a new connection; nullopt (and a test failure) when it fails.
  std::optional<HttpResponse> fetch(
      std::string_view method, std::string_view target,
      const std::vector<std::pair<std::string, std::string>>& headers = {},
      std::string_view body = {}) {
    std::string error;
    auto response = zt::test::fetch(server_->port(), method, target, error, headers, body);
    if (!response) ADD_FAILURE() << error;
    return response;
  }

  // Moves a server started with controllable_clock forward; the server's new time (ISO 8601),
  // or "" (and a test failure).
  std::string advance_clock(std::chrono::seconds by) {
    auto r = fetch("POST", "/api/v1/debug/clock", {{"Content-Type", "application/json"}},
                   "{\"advance_seconds\":" + std::to_string(by.count()) + "}");
    if (!r || r->status != 200) {
      ADD_FAILURE() << "cannot move the server's clock: " << (r ? r->body : "no response");
      return "";
    }
    return std::string(r->json().at("now").as_string());
  }

  std::unique_ptr<ServerProcess> server_;
};

// Whether `response` is an RFC 9457 problem with this status and code: Content-Type
// application/problem+json, a JSON object whose "status" and "code" match, and non-empty "title"
// and "detail".
inline ::testing::AssertionResult IsProblem(const std::optional<HttpResponse>& response, int status,
                                            std::string_view code) {
  if (!response) return ::testing::AssertionFailure() << "no response";
  auto fail = [&] {
    return ::testing::AssertionFailure()
           << "expected a " << status << " problem '" << code << "', got " << response->status
           << " (Content-Type " << response->header("Content-Type").value_or("none")
           << ") with body: " << response->body << "\n";
  };
  if (response->status != status) return fail() << "status differs";
  if (response->header("Content-Type") != "application/problem+json") {
    return fail() << "Content-Type is not application/problem+json";
  }
  const boost::json::value body = response->json();
  const boost::json::object* object = body.if_object();
  if (object == nullptr) return fail() << "the body is not a JSON object";
  auto string_field = [&](std::string_view key) -> std::string_view {
    const boost::json::value* v = object->if_contains(key);
    return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
  };
  if (string_field("code") != code) return fail() << "\"code\" differs";
  const boost::json::value* status_field = object->if_contains("status");
  if (status_field == nullptr || !status_field->is_int64() || status_field->get_int64() != status) {
    return fail() << "\"status\" differs";
  }
  if (string_field("title").empty()) return fail() << "\"title\" is missing or empty";
  if (string_field("detail").empty()) return fail() << "\"detail\" is missing or empty";
  return ::testing::AssertionSuccess();
}

}  // namespace zt::test
