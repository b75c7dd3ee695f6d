// Webhook subscriptions (订阅) over real HTTP, on both databases, with a webhook receiver on
// loopback run by the test: a provider's subscription receives its changes signed with HMAC-SM3
// (verified here with OpenSSL's EVP_MAC) and its cursor and delivery history follow, audited;
// another department receives an unconditional resource masked, and is parked when access
// narrows; a failing receiver is retried with backoff, parked after N failures and resumed with
// its backlog; and the refusals (no grant, bad URL, unknown or draft resource, bad start_after).
#include "integration/hub_test.h"
#include "support/identifiers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace zt::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using SteadyTime = std::chrono::steady_clock::time_point;

const std::string kCode = "330300-GA-0001";
const std::string kSubscriptions = "/api/v1/subscriptions";

// A blocking HTTP/1.1 receiver on 127.0.0.1:0: one connection at a time, each request read whole
// (Content-Length bodies), kept with its headers and arrival time, and answered with the status
// set now (200 unless changed).
class WebhookReceiver {
 public:
  struct Received {
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    SteadyTime at;
    int answered = 0;
  };

  WebhookReceiver() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0) {
      ADD_FAILURE() << "the receiver cannot listen";
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~WebhookReceiver() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

  std::string url(std::string_view path = "/zhengtong/hook") const {
    return fmt::format("http://127.0.0.1:{}{}", port_, path);
  }
  void answer(int status) { status_ = status; }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::size_t count() {
    std::lock_guard lock(mutex_);
    return received_.size();
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int conn = ::accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      serve(conn);
      ::close(conn);
    }
  }

  void serve(int conn) {
    std::string data;
    char buf[8192];
    std::size_t head_end = std::string::npos, body_size = 0;
    for (;;) {
      if (head_end == std::string::npos) {
        head_end = data.find("\r\n\r\n");
        if (head_end != std::string::npos) {
          std::string lower = data.substr(0, head_end);
          for (char& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          const auto cl = lower.find("\r\ncontent-length:");
          if (cl != std::string::npos) body_size = std::stoul(lower.substr(cl + 17));
        }
      }
      if (head_end != std::string::npos && data.size() >= head_end + 4 + body_size) break;
      pollfd c{conn, POLLIN, 0};
      if (::poll(&c, 1, 3000) <= 0) return;
      const auto n = ::read(conn, buf, sizeof buf);
      if (n <= 0) return;
      data.append(buf, static_cast<std::size_t>(n));
    }
    Received r;
    r.at = std::chrono::steady_clock::now();
    r.body = data.substr(head_end + 4, body_size);
    std::size_t line = data.find("\r\n") + 2;
    while (line < head_end) {
      const std::size_t next = data.find("\r\n", line);
      const std::string header = data.substr(line, next - line);
      const auto colon = header.find(':');
      std::string name = header.substr(0, colon);
      for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = header.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.erase(0, 1);
      r.headers[name] = value;
      line = next + 2;
    }
    r.answered = status_;
    {
      std::lock_guard lock(mutex_);
      received_.push_back(r);
    }
    const std::string answer =
        fmt::format("HTTP/1.1 {} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", r.answered);
    (void)!::write(conn, answer.data(), answer.size());
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<int> status_{200};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;  // guards received_
  std::vector<Received> received_;
  std::thread thread_;
};

// HMAC-SM3 as a receiver computes it: OpenSSL 3's EVP_MAC "HMAC" with digest "SM3", lower hex.
std::string hmac_sm3_hex(std::string_view key, std::string_view data) {
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr),
                                                        &EVP_MAC_free);
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(
      mac ? EVP_MAC_CTX_new(mac.get()) : nullptr, &EVP_MAC_CTX_free);
  char digest[] = "SM3";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t n = 0;
  if (!ctx ||
      EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   params) != 1 ||
      EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
          1 ||
      EVP_MAC_final(ctx.get(), out, &n, sizeof out) != 1) {
    return "hmac failed";
  }
  std::string hex;
  for (std::size_t i = 0; i < n; ++i)
    hex += fmt::format("{:02x}", out[i]);
  return hex;
}

std::string person(const std::string& id, const std::string& name, const char* gender) {
  return json::serialize(json::object{{"id_number", id},
                                      {"name", name},
                                      {"gender", gender},
                                      {"division_code", "330302"},
                                      {"phone", "13857712345"},
                                      {"household_size", 3}}) +
         "\n";
}

// Polls `done` every 50 ms for up to `timeout`.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

class WebhookTest : public HubTest {
 protected:
  bool ingest(const std::string& code, const std::string& body) {
    auto r = city().send("POST", "/api/v1/resources/" + code + "/records", ga_officer_, body,
                         {{"Content-Type", "application/x-ndjson"}});
    if (!r || r->status != 200) {
      ADD_FAILURE() << "ingest: " << (r ? r->body : city().error());
      return false;
    }
    return true;
  }

  std::optional<json::object> subscribe(const std::string& token, const std::string& code,
                                        const std::string& url, Headers headers = {}) {
    auto r = city().call("POST", kSubscriptions, token,
                         json::object{{"resource", code}, {"url", url}}, std::move(headers));
    if (!r || r->status != 201) {
      ADD_FAILURE() << "subscribe: " << (r ? r->body : city().error());
      return std::nullopt;
    }
    return r->json().as_object();
  }

  json::value get(const std::string& target, const std::string& token) {
    auto r = city().call("GET", target, token);
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : city().error());
    return r && r->status == 200 ? r->json() : json::value();
  }

  json::value subscription(std::int64_t id, const std::string& token) {
    return get(fmt::format("{}/{}", kSubscriptions, id), token);
  }

  // Every change the receiver got for subscription `id`, with 2xx answers, in order.
  static std::vector<json::value> delivered(WebhookReceiver& receiver, std::int64_t id) {
    std::vector<json::value> out;
    for (const auto& r : receiver.received()) {
      if (r.answered < 200 || r.answered >= 300) continue;
      const json::value body = json::parse(r.body);
      if (body.at("subscription_id").as_int64() != id) continue;
      for (const auto& c : body.at("changes").as_array())
        out.push_back(c);
    }
    return out;
  }
};

TEST_F(WebhookTest, ProviderReceivesSignedBatchesAndTheCursorAndHistoryFollow) {
  ASSERT_TRUE(open_city());
  ASSERT_TRUE(publish(population(kCode), ga_admin_));
  WebhookReceiver receiver;
  auto created = subscribe(ga_officer_, kCode, receiver.url());
  ASSERT_TRUE(created);
  const std::int64_t id = created->at("id").as_int64();
  const std::string secret(created->at("secret").as_string());
  EXPECT_EQ(secret.size(), 64u);
  EXPECT_EQ(secret.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(created->at("status"), "active");
  EXPECT_EQ(created->at("health"), "ok");
  EXPECT_EQ(created->at("cursor"), 0);
  EXPECT_EQ(created->at("resource"), kCode.c_str());
  EXPECT_EQ(created->at("department_id"), ga_);
  EXPECT_EQ(created->at("created_by").at("name"), "ga_officer");
  // The secret is shown once.
  EXPECT_FALSE(subscription(id, ga_officer_).as_object().contains("secret"));

  std::string rows = person(id_number("19800101", 1), "张三", "男") +
                     person(id_number("19851231", 2), "李四", "女") +
                     person(id_number("19900315", 3), "王五", "男");
  ASSERT_TRUE(ingest(kCode, rows));
  ASSERT_TRUE(eventually([&] { return delivered(receiver, id).size() >= 3; }))
      << receiver.count() << " requests";

  const auto requests = receiver.received();
  ASSERT_FALSE(requests.empty());
  const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  for (const auto& r : requests) {
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
    // The signature: HMAC-SM3 of the exact body bytes, keyed with the secret as shown.
    EXPECT_EQ(r.headers.at("x-zhengtong-signature"), "sm3=" + hmac_sm3_hex(secret, r.body));
    EXPECT_NE(r.headers.at("x-zhengtong-signature"), "sm3=" + hmac_sm3_hex("wrong", r.body));
    EXPECT_LE(std::abs(std::stoll(r.headers.at("x-zhengtong-timestamp")) - now_s), 60);
    EXPECT_GT(std::stoll(r.headers.at("x-zhengtong-delivery")), 0);
  }
  const json::value first = json::parse(requests.front().body);
  EXPECT_EQ(first.at("resource"), kCode.c_str());
  EXPECT_EQ(first.at("subscription_id"), id);
  auto changes = delivered(receiver, id);
  ASSERT_EQ(changes.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(changes[i].at("seq"), i + 1);
    EXPECT_EQ(changes[i].at("op"), "insert");
    EXPECT_TRUE(changes[i].at("batch_id").is_int64());
    EXPECT_TRUE(changes[i].at("changed_at").is_string());
  }
  // The provider reads its own records unmasked.
  EXPECT_EQ(changes[0].at("data").at("name"), "张三");
  EXPECT_EQ(changes[0].at("data").at("id_number"), id_number("19800101", 1).c_str());
  EXPECT_EQ(changes[2].at("data").at("phone"), "13857712345");
  EXPECT_EQ(json::parse(requests.back().body).at("next_cursor"), 3);

  // The cursor follows the 2xx, and the history shows the attempt.
  ASSERT_TRUE(eventually([&] { return subscription(id, ga_officer_).at("cursor") == 3; }));
  json::value s = subscription(id, ga_officer_);
  EXPECT_EQ(s.at("last_seq"), 3);
  EXPECT_EQ(s.at("backlog"), 0);
  EXPECT_EQ(s.at("health"), "ok");
  EXPECT_EQ(s.at("failures"), 0);
  EXPECT_TRUE(s.at("last_success_at").is_string());
  EXPECT_TRUE(s.at("last_error").is_null());
  json::value history = get(fmt::format("{}/{}/deliveries", kSubscriptions, id), ga_officer_);
  const auto& items = history.at("items").as_array();
  ASSERT_EQ(items.size(), requests.size());
  const json::value& last = items.at(0);  // newest first
  EXPECT_EQ(last.at("outcome"), "delivered");
  EXPECT_EQ(last.at("http_status"), 200);
  EXPECT_EQ(last.at("attempt"), 1);
  EXPECT_EQ(last.at("last_seq"), 3);
  EXPECT_TRUE(last.at("duration_ms").is_int64());
  EXPECT_TRUE(last.at("started_at").is_string());
  EXPECT_EQ(std::to_string(last.at("id").as_int64()),
            requests.back().headers.at("x-zhengtong-delivery"));
  if (items.size() == 1) {
    EXPECT_EQ(last.at("first_seq"), 1);
    EXPECT_EQ(last.at("count"), 3);
  }

  // An update is delivered next, after the cursor; a second subscription of the department's
  // API client starting after seq 1 gets 2, 3 and the update.
  const std::string key = city().api_client("ga-sync", ga_, {"exchange.query"});
  ASSERT_FALSE(key.empty());
  auto late = city().call(
      "POST", kSubscriptions, "",
      json::object{{"resource", kCode}, {"url", receiver.url("/second")}, {"start_after", 1}},
      {{"X-API-Key", key}});
  ASSERT_TRUE(late);
  ASSERT_EQ(late->status, 201) << late->body;
  const std::int64_t second = late->json().at("id").as_int64();
  EXPECT_EQ(late->json().at("created_by").at("kind"), "api_client");
  ASSERT_TRUE(ingest(kCode, person(id_number("19800101", 1), "张三丰", "男")));
  ASSERT_TRUE(eventually([&] { return delivered(receiver, id).size() >= 4; }));
  changes = delivered(receiver, id);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[3].at("seq"), 4);
  EXPECT_EQ(changes[3].at("op"), "update");
  EXPECT_EQ(changes[3].at("data").at("name"), "张三丰");
  ASSERT_TRUE(eventually([&] { return delivered(receiver, second).size() >= 3; }));
  auto from_two = delivered(receiver, second);
  ASSERT_EQ(from_two.size(), 3u);
  EXPECT_EQ(from_two[0].at("seq"), 2);
  EXPECT_EQ(from_two[2].at("seq"), 4);

  // Each delivery is audited as a read of personal data, with purpose "subscription".
  const std::string audit_admin = city().auditadmin();  // made ready by the city
  // The first delivery's record: subscription `id`, from seq 1.
  std::optional<json::object> audited;
  ASSERT_TRUE(eventually([&] {
    const json::value page =
        get("/api/v1/audit/records?action=exchange.webhook.deliver&limit=100", audit_admin);
    for (const auto& record : page.at("items").as_array()) {
      const json::value detail = json::parse(record.at("detail").as_string());
      if (detail.at("subscription_id") == id && detail.at("first_seq") == 1) {
        audited = record.as_object();
      }
    }
    return audited.has_value();
  }));
  EXPECT_EQ(audited->at("object_type"), "resource");
  EXPECT_EQ(audited->at("object_id"), kCode.c_str());
  EXPECT_EQ(audited->at("purpose"), "subscription");
  EXPECT_EQ(audited->at("outcome"), "success");
  EXPECT_EQ(audited->at("department_id"), ga_);
  const json::value detail = json::parse(audited->at("detail").as_string());
  EXPECT_EQ(detail.at("basis"), "provider");
  EXPECT_EQ(detail.at("http_status"), 200);
  EXPECT_TRUE(detail.at("count").is_int64());

  // Unsubscribing stops it and drops it.
  auto removed = city().call("DELETE", fmt::format("{}/{}", kSubscriptions, id), ga_officer_);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 204) << removed->body;
  EXPECT_TRUE(IsProblem(city().call("GET", fmt::format("{}/{}", kSubscriptions, id), ga_officer_),
                        404, "subscription_not_found"));
}

TEST_F(WebhookTest, AnotherDepartmentReceivesUnconditionalDataMaskedUntilAccessNarrows) {
  ASSERT_TRUE(open_city());
  json::object resource = population(kCode);
  resource["share_type"] = "unconditional";
  ASSERT_TRUE(publish(resource, ga_admin_));
  WebhookReceiver receiver;
  auto created = subscribe(mz_officer_, kCode, receiver.url());
  ASSERT_TRUE(created);
  const std::int64_t id = created->at("id").as_int64();
  EXPECT_EQ(created->at("department_id"), mz_);

  const std::string zhang = id_number("19800101", 1);
  ASSERT_TRUE(ingest(
      kCode, person(zhang, "张三", "男") + person(id_number("19851231", 2), "欧阳娜娜", "女")));
  ASSERT_TRUE(eventually([&] { return delivered(receiver, id).size() >= 2; }));
  auto changes = delivered(receiver, id);
  ASSERT_EQ(changes.size(), 2u);
  const json::object& data = changes[0].at("data").as_object();
  // Personal fields masked; the others as stored.
  EXPECT_NE(data.at("name"), "张三");
  EXPECT_NE(data.at("name").as_string().find("*"), json::string::npos) << data;
  EXPECT_NE(data.at("id_number"), zhang.c_str());
  EXPECT_NE(data.at("id_number").as_string().find("*"), json::string::npos) << data;
  EXPECT_NE(data.at("phone"), "13857712345");
  EXPECT_EQ(data.at("gender"), "男");
  EXPECT_EQ(data.at("division_code"), "330302");
  EXPECT_EQ(data.at("household_size"), 3);
  EXPECT_NE(changes[1].at("data").at("name"), "欧阳娜娜");

  // Each department sees its own subscriptions; the data administrators see all.
  EXPECT_EQ(get(kSubscriptions, mz_officer_).at("items").as_array().size(), 1u);
  EXPECT_TRUE(get(kSubscriptions, ga_officer_).at("items").as_array().empty());
  EXPECT_EQ(get(kSubscriptions, data_admin_).at("items").as_array().size(), 1u);
  EXPECT_TRUE(IsProblem(city().call("GET", fmt::format("{}/{}", kSubscriptions, id), ga_officer_),
                        404, "subscription_not_found"));
  EXPECT_TRUE(IsProblem(
      city().call("GET", fmt::format("{}/{}/deliveries", kSubscriptions, id), ga_officer_), 404,
      "subscription_not_found"));
  EXPECT_TRUE(IsProblem(city().call("DELETE", fmt::format("{}/{}", kSubscriptions, id), ga_admin_),
                        404, "subscription_not_found"));

  // The provider makes the resource conditional: access is checked before every delivery, so
  // the next change is not sent and the subscription parks; resuming needs access again.
  resource["share_type"] = "conditional";
  auto changed = city().call("PUT", "/api/v1/catalog/resources/" + kCode, ga_admin_, resource);
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->status, 200) << changed->body;
  const std::size_t before = receiver.count();
  ASSERT_TRUE(ingest(kCode, person(id_number("19900315", 3), "王五", "男")));
  ASSERT_TRUE(eventually([&] { return subscription(id, mz_officer_).at("status") == "parked"; }));
  json::value s = subscription(id, mz_officer_);
  EXPECT_EQ(s.at("parked_reason"), "access_revoked");
  EXPECT_EQ(s.at("last_error"), "access_revoked");
  EXPECT_EQ(s.at("health"), "parked");
  EXPECT_EQ(s.at("cursor"), 2);
  EXPECT_EQ(s.at("backlog"), 1);
  EXPECT_EQ(receiver.count(), before);
  EXPECT_TRUE(
      IsProblem(city().call("POST", fmt::format("{}/{}/resume", kSubscriptions, id), mz_officer_),
                403, "grant_required"));
}

TEST_F(WebhookTest, AFailingReceiverIsRetriedWithBackoffParkedAndResumedWithItsBacklog) {
  ServerOptions options;
  options.webhook_backoff_ms = 200;
  options.webhook_max_failures = 3;
  ASSERT_TRUE(open_city(options));
  ASSERT_TRUE(publish(population(kCode), ga_admin_));
  WebhookReceiver receiver;
  receiver.answer(500);
  auto created = subscribe(ga_officer_, kCode, receiver.url());
  ASSERT_TRUE(created);
  const std::int64_t id = created->at("id").as_int64();
  const std::string sub = fmt::format("{}/{}", kSubscriptions, id);

  ASSERT_TRUE(ingest(kCode, person(id_number("19800101", 1), "张三", "男") +
                                person(id_number("19851231", 2), "李四", "女")));
  ASSERT_TRUE(eventually([&] { return subscription(id, ga_officer_).at("status") == "parked"; }))
      << receiver.count() << " attempts";
  json::value s = subscription(id, ga_officer_);
  EXPECT_EQ(s.at("parked_reason"), "too_many_failures");
  EXPECT_EQ(s.at("last_error"), "http_error");
  EXPECT_NE(s.at("last_error_detail").as_string().find("500"), json::string::npos);
  EXPECT_EQ(s.at("failures"), 3);
  EXPECT_EQ(s.at("health"), "parked");
  EXPECT_EQ(s.at("cursor"), 0);
  EXPECT_TRUE(s.at("parked_at").is_string());
  EXPECT_TRUE(s.at("next_attempt_at").is_null());

  // Three attempts of the same batch, each after a longer wait: 200 ms, then 400 ms.
  auto attempts = receiver.received();
  ASSERT_EQ(attempts.size(), 3u);
  for (const auto& a : attempts) {
    EXPECT_EQ(json::parse(a.body).at("changes").as_array().size(), 2u);
    EXPECT_EQ(a.body, attempts[0].body);  // the same batch, byte for byte
  }
  EXPECT_NE(attempts[0].headers.at("x-zhengtong-delivery"),
            attempts[1].headers.at("x-zhengtong-delivery"));
  EXPECT_GE(attempts[1].at - attempts[0].at, 190ms);
  EXPECT_GE(attempts[2].at - attempts[1].at, 390ms);
  json::value history = get(sub + "/deliveries", ga_officer_);
  const auto& items = history.at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(items[i].at("attempt"), 3 - i);  // newest first
    EXPECT_EQ(items[i].at("outcome"), "failed");
    EXPECT_EQ(items[i].at("http_status"), 500);
    EXPECT_EQ(items[i].at("error"), "http_error");
    EXPECT_EQ(items[i].at("first_seq"), 1);
    EXPECT_EQ(items[i].at("count"), 2);
  }

  // Parked: nothing more is sent, even with new changes.
  ASSERT_TRUE(ingest(kCode, person(id_number("19900315", 3), "王五", "男")));
  std::this_thread::sleep_for(800ms);
  EXPECT_EQ(receiver.count(), 3u);

  // Fixed and resumed: the backlog arrives from the cursor.
  receiver.answer(204);
  auto resumed = city().call("POST", sub + "/resume", ga_officer_);
  ASSERT_TRUE(resumed);
  ASSERT_EQ(resumed->status, 200) << resumed->body;
  EXPECT_EQ(resumed->json().at("status"), "active");
  EXPECT_EQ(resumed->json().at("failures"), 0);
  EXPECT_TRUE(resumed->json().at("parked_reason").is_null());
  ASSERT_TRUE(eventually([&] { return delivered(receiver, id).size() >= 3; }));
  auto changes = delivered(receiver, id);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].at("seq"), 1);
  EXPECT_EQ(changes[2].at("seq"), 3);
  ASSERT_TRUE(eventually([&] { return subscription(id, ga_officer_).at("cursor") == 3; }));
  EXPECT_EQ(subscription(id, ga_officer_).at("health"), "ok");
  EXPECT_EQ(get(sub + "/deliveries", ga_officer_).at("items").at(0).at("http_status"), 204);
  EXPECT_TRUE(
      IsProblem(city().call("POST", sub + "/resume", ga_officer_), 409, "subscription_not_parked"));
}

// Without webhook_allowed_networks the server never posts to loopback (nor link-local,
// multicast, unspecified): an address is refused at subscription time, a name that resolves
// there at delivery — recorded in the history, and the receiver gets nothing.
TEST_F(WebhookTest, TheServerItselfAndLinkLocalAddressesAreNotReceivers) {
  ServerOptions options;
  options.webhook_allowed_networks.clear();
  options.webhook_backoff_ms = 200;
  options.webhook_max_failures = 1;
  ASSERT_TRUE(open_city(options));
  ASSERT_TRUE(publish(population(kCode), ga_admin_));
  for (const char* url : {"http://127.0.0.1:9/hook", "http://[::1]:9/hook",
                          "http://169.254.169.254/latest/meta-data", "http://0.0.0.0:8080/h"}) {
    EXPECT_TRUE(IsProblem(city().call("POST", kSubscriptions, ga_officer_,
                                      json::object{{"resource", kCode}, {"url", url}}),
                          400, "address_not_allowed"))
        << url;
  }
  WebhookReceiver receiver;  // on 127.0.0.1, reached by name
  std::string by_name = receiver.url();
  by_name.replace(by_name.find("127.0.0.1"), 9, "localhost");
  auto created = subscribe(ga_officer_, kCode, by_name);
  ASSERT_TRUE(created);
  const std::int64_t id = created->at("id").as_int64();
  ASSERT_TRUE(ingest(kCode, person(id_number("19800101", 1), "张三", "男")));
  ASSERT_TRUE(eventually([&] { return subscription(id, ga_officer_).at("status") == "parked"; }));
  const json::value s = subscription(id, ga_officer_);
  EXPECT_EQ(s.at("last_error"), "address_not_allowed");
  json::value history = get(fmt::format("{}/{}/deliveries", kSubscriptions, id), ga_officer_);
  ASSERT_FALSE(history.at("items").as_array().empty());
  EXPECT_EQ(history.at("items").at(0).at("error"), "address_not_allowed");
  EXPECT_EQ(receiver.count(), 0u);
}

TEST_F(WebhookTest, RefusedWithoutAccessOrWithABadRequest) {
  ASSERT_TRUE(open_city());
  ASSERT_TRUE(publish(population(kCode), ga_admin_));  // conditional
  auto post = [&](const std::string& token, json::object body) {
    return city().call("POST", kSubscriptions, token, body);
  };
  const std::string url = "http://127.0.0.1:9/hook";
  // Another department without a grant.
  EXPECT_TRUE(
      IsProblem(post(mz_officer_, {{"resource", kCode}, {"url", url}}), 403, "grant_required"));
  // Only http:// callbacks.
  EXPECT_TRUE(IsProblem(post(ga_officer_, {{"resource", kCode}, {"url", "https://127.0.0.1/h"}}),
                        400, "invalid_url"));
  EXPECT_TRUE(IsProblem(post(ga_officer_, {{"resource", kCode}, {"url", "ftp://127.0.0.1/h"}}), 400,
                        "invalid_url"));
  EXPECT_TRUE(IsProblem(post(ga_officer_, {{"resource", kCode}, {"url", "127.0.0.1/h"}}), 400,
                        "invalid_url"));
  EXPECT_TRUE(IsProblem(post(ga_officer_, {{"resource", kCode}}), 400, "invalid_body"));
  EXPECT_TRUE(IsProblem(post(ga_officer_, {{"resource", "330300-GA-9999"}, {"url", url}}), 404,
                        "resource_not_found"));
  EXPECT_TRUE(IsProblem(post(ga_officer_, {{"resource", kCode}, {"url", url}, {"start_after", 5}}),
                        400, "invalid_start_after"));
  // A draft has nothing to send yet.
  json::object draft = population("330300-GA-0002");
  auto made = city().call("POST", "/api/v1/catalog/resources", ga_admin_, draft);
  ASSERT_TRUE(made && made->status == 201);
  EXPECT_TRUE(IsProblem(post(ga_officer_, {{"resource", "330300-GA-0002"}, {"url", url}}), 409,
                        "resource_not_published"));
  // Without exchange.query (the system administrator has no department's data permissions).
  EXPECT_TRUE(
      IsProblem(post(city().sysadmin(), {{"resource", kCode}, {"url", url}}), 403, "forbidden"));
  // Nothing was made.
  EXPECT_TRUE(get(kSubscriptions, data_admin_).at("items").as_array().empty());
}

}  // namespace
}  // namespace zt::test
