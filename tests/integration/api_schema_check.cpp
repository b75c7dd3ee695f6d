#include "integration/api_schema_check.h"

#include "support/openapi_check.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>

namespace zt::test {
namespace {

std::mutex documents_mutex;  // guards documents
std::map<std::uint16_t, std::shared_ptr<const ApiDocument>> documents;
std::atomic<std::size_t> validated{0};
// Set while this thread fetches a document, so that answer is not checked against itself.
thread_local bool fetching_document = false;

std::shared_ptr<const ApiDocument> document_for(std::uint16_t port, std::string& error) {
  {
    std::lock_guard lock(documents_mutex);
    if (auto it = documents.find(port); it != documents.end()) return it->second;
  }
  fetching_document = true;
  auto response = fetch(port, "GET", "/api/openapi.json", error,
                        {{"X-Request-Id", std::string(kApiDocumentRequestId)}});
  fetching_document = false;
  if (!response) return nullptr;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(response->body, ec);
  if (response->status != 200 || ec || !parsed.is_object()) {
    error = fmt::format("GET /api/openapi.json answered {}: {}", response->status,
                        response->body.substr(0, 200));
    return nullptr;
  }
  auto document = std::make_shared<const ApiDocument>(std::move(parsed));
  std::lock_guard lock(documents_mutex);
  return documents.emplace(port, std::move(document)).first->second;
}

// Prints the count once the whole run is over.
class Tally : public ::testing::Environment {
 public:
  void TearDown() override {
    std::printf("[api schema] %zu answers validated against /api/openapi.json\n", validated.load());
  }
};
[[maybe_unused]] const auto* const kTally = ::testing::AddGlobalTestEnvironment(new Tally);

}  // namespace

void check_answer(std::uint16_t port, std::string_view method, std::string_view target,
                  const HttpResponse& response) {
  if (fetching_document) return;
  if (!ApiDocument::is_checked(method, response.status,
                               response.header("Content-Type").value_or(""))) {
    return;
  }
  std::string error;
  const auto document = document_for(port, error);
  if (!document) {
    ADD_FAILURE() << "cannot fetch the API document to check " << method << " " << target << ": "
                  << error;
    return;
  }
  ++validated;
  if (auto failure = document->check(method, target, response.status, response.body)) {
    ADD_FAILURE() << "the answer disagrees with /api/openapi.json: " << *failure
                  << "\nbody: " << response.body.substr(0, 2000);
  }
}

void forget_api_document(std::uint16_t port) {
  std::lock_guard lock(documents_mutex);
  documents.erase(port);
}

std::size_t answers_validated() {
  return validated.load();
}

}  // namespace zt::test
