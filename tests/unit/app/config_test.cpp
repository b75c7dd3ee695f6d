#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace zt::app {
namespace {

namespace fs = std::filesystem;

struct Env {
  std::map<std::string, std::string> vars;
  std::function<const char*(const char*)> getenv() const {
    return [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file = fs::temp_directory_path() /
           ("zt-config-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml");
  }
  void TearDown() override { fs::remove(file); }
  void write(std::string_view text) { std::ofstream(file) << text; }
  fs::path file;
  Env env;
};

TEST_F(ConfigTest, DefaultsWithoutFile) {
  auto config = load_config(std::nullopt, env.getenv());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->server.host, "127.0.0.1");
  EXPECT_EQ(config->server.port, 8080);
  EXPECT_EQ(config->database_url, "sqlite:./data/zhengtong.db");
  EXPECT_EQ(config->log_level, "info");
  EXPECT_EQ(config->data_key_file, "./data/zhengtong.key");
}

TEST_F(ConfigTest, DataKeyFileIsAKnownKey) {
  write("[security]\ndata_key_file = \"/etc/zhengtong/data.key\"\n");
  auto config = load_config(file, env.getenv());
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->data_key_file, "/etc/zhengtong/data.key");
}

TEST_F(ConfigTest, AuditKeysAndCheckpointsAreKnownKeys) {
  auto defaults = load_config(std::nullopt, env.getenv());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->audit_key_file, "./data/zhengtong-audit.key");
  EXPECT_EQ(defaults->audit_signing_key_file, "./data/zhengtong-audit-signing.pem");
  EXPECT_EQ(defaults->audit_checkpoint_file, fs::path("./data/audit-checkpoints.ndjson"));
  EXPECT_EQ(defaults->audit_checkpoint_interval, std::chrono::seconds(60));

  write(
      "[security]\naudit_key_file = \"/etc/zt/audit.key\"\n"
      "audit_signing_key_file = \"/etc/zt/audit.pem\"\n"
      "[audit]\ncheckpoint_file = \"/var/lib/zt/cp.ndjson\"\ncheckpoint_interval_s = 10\n");
  auto config = load_config(file, env.getenv());
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->audit_key_file, "/etc/zt/audit.key");
  EXPECT_EQ(config->audit_signing_key_file, "/etc/zt/audit.pem");
  EXPECT_EQ(config->audit_checkpoint_file, fs::path("/var/lib/zt/cp.ndjson"));
  EXPECT_EQ(config->audit_checkpoint_interval, std::chrono::seconds(10));

  write("[audit]\ncheckpoint_file = \"\"\n");
  auto without = load_config(file, env.getenv());
  ASSERT_TRUE(without.ok()) << without.error().detail;
  EXPECT_FALSE(without->audit_checkpoint_file);

  write("[audit]\ncheckpoint_interval_s = 0\n");
  auto zero = load_config(file, env.getenv());
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, "invalid_config");
}

TEST_F(ConfigTest, ServicesSectionSetsTheAttachmentLimit) {
  auto defaults = load_config(std::nullopt, env.getenv());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->attachment_max_bytes, 10u << 20);
  write("[services]\nattachment_max_bytes = 65536\n");
  auto config = load_config(file, env.getenv());
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->attachment_max_bytes, 65536u);
  for (const char* bad : {"1023", "268435457", "\"10M\""}) {
    write(std::string("[services]\nattachment_max_bytes = ") + bad + "\n");
    auto refused = load_config(file, env.getenv());
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().detail.find("services.attachment_max_bytes"), std::string::npos);
  }
  write("[services]\nattachment_limit = 1\n");
  EXPECT_EQ(load_config(file, env.getenv()).error().code, "invalid_config");
}

TEST_F(ConfigTest, ExchangeSectionSetsWebhookRetries) {
  auto defaults = load_config(std::nullopt, env.getenv());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->webhook_backoff, std::chrono::milliseconds(1000));
  EXPECT_EQ(defaults->webhook_max_failures, 8);
  write("[exchange]\nwebhook_backoff_ms = 250\nwebhook_max_failures = 3\n");
  auto config = load_config(file, env.getenv());
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->webhook_backoff, std::chrono::milliseconds(250));
  EXPECT_EQ(config->webhook_max_failures, 3);
  write("[exchange]\nwebhook_max_failures = 0\n");
  auto zero = load_config(file, env.getenv());
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.error().detail.find("exchange.webhook_max_failures"), std::string::npos);
  write("[exchange]\nwebhook_backoff_ms = 300001\n");
  EXPECT_EQ(load_config(file, env.getenv()).error().code, "invalid_config");
}

TEST_F(ConfigTest, ServicesSectionSetsTheWorker) {
  auto defaults = load_config(std::nullopt, env.getenv());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->services_worker_interval, std::chrono::milliseconds(60'000));
  EXPECT_EQ(defaults->services_warning_days, 2);
  write("[services]\nworker_interval_ms = 200\nwarning_working_days = 3\n");
  auto config = load_config(file, env.getenv());
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->services_worker_interval, std::chrono::milliseconds(200));
  EXPECT_EQ(config->services_warning_days, 3);
  write("[services]\nworker_interval_ms = 99\n");
  auto fast = load_config(file, env.getenv());
  ASSERT_FALSE(fast.ok());
  EXPECT_NE(fast.error().detail.find("services.worker_interval_ms"), std::string::npos);
  write("[services]\nwarning_working_days = 31\n");
  EXPECT_EQ(load_config(file, env.getenv()).error().code, "invalid_config");
}

TEST_F(ConfigTest, WebhookAllowedNetworksAreIpNetworks) {
  auto defaults = load_config(std::nullopt, env.getenv());
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->webhook_allowed_networks.empty());  // the default rule
  write("[exchange]\nwebhook_allowed_networks = [\"10.0.0.0/8\", \"fd00::/8\"]\n");
  auto config = load_config(file, env.getenv());
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_TRUE(config->webhook_allowed_networks.contains(boost::asio::ip::make_address("10.9.8.7")));
  EXPECT_FALSE(
      config->webhook_allowed_networks.contains(boost::asio::ip::make_address("192.168.0.1")));
  for (const char* bad :
       {"[\"10.0.0.0/40\"]", "[\"hooks.example.gov.cn\"]", "\"10.0.0.0/8\"", "[8]"}) {
    write(std::string("[exchange]\nwebhook_allowed_networks = ") + bad + "\n");
    auto refused = load_config(file, env.getenv());
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code, "invalid_config");
    EXPECT_NE(refused.error().detail.find("exchange.webhook_allowed_networks"), std::string::npos);
  }
}

TEST_F(ConfigTest, FileValuesApply) {
  write(R"(
[server]
listen = "0.0.0.0:9090"
threads = 2
header_timeout_ms = 1500
web_root = "/srv/web"
[workers]
threads = 3
queue = 10
[database]
url = "postgresql://zt@127.0.0.1:5432/zt"
[log]
level = "warn"
access = false
)");
  auto config = load_config(file, env.getenv());
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->server.host, "0.0.0.0");
  EXPECT_EQ(config->server.port, 9090);
  EXPECT_EQ(config->server.io_threads, 2u);
  EXPECT_EQ(config->server.header_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(config->web_root, "/srv/web");
  EXPECT_EQ(config->worker_threads, 3u);
  EXPECT_EQ(config->worker_queue, 10u);
  EXPECT_EQ(config->database_url, "postgresql://zt@127.0.0.1:5432/zt");
  EXPECT_EQ(config->log_level, "warn");
  EXPECT_FALSE(config->access_log);
}

TEST_F(ConfigTest, EnvironmentOverridesFile) {
  write("[server]\nlisten = \"127.0.0.1:9090\"\nthreads = 2\n[log]\nlevel = \"warn\"\n");
  env.vars = {{"ZT_DATABASE_URL", "sqlite:/tmp/x.db"},
              {"ZT_LISTEN", "[::1]:7070"},
              {"ZT_THREADS", "4"},
              {"ZT_LOG_LEVEL", "debug"}};
  auto config = load_config(file, env.getenv());
  ASSERT_TRUE(config.ok()) << config.error().detail;
  EXPECT_EQ(config->database_url, "sqlite:/tmp/x.db");
  EXPECT_EQ(config->server.host, "::1");
  EXPECT_EQ(config->server.port, 7070);
  EXPECT_EQ(config->server.io_threads, 4u);
  EXPECT_EQ(config->log_level, "debug");
}

TEST_F(ConfigTest, ErrorsNameTheKey) {
  write("[server]\nthreads = 0\n");
  auto config = load_config(file, env.getenv());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, "invalid_config");
  EXPECT_NE(config.error().detail.find("server.threads"), std::string::npos);

  write("[server\nthreads = 1\n");
  config = load_config(file, env.getenv());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, "invalid_config");

  write("[log]\nlevel = \"loud\"\n");
  EXPECT_EQ(load_config(file, env.getenv()).error().code, "invalid_config");

  write("[server]\ntrusted_proxies = [\"nginx\"]\n");
  EXPECT_EQ(load_config(file, env.getenv()).error().code, "invalid_config");
  write("[server]\ntrusted_proxies = \"127.0.0.1\"\n");
  EXPECT_EQ(load_config(file, env.getenv()).error().code, "invalid_config");
  write("[server]\ntrusted_proxies = [\"127.0.0.1\", \"::1\"]\n");
  auto proxies = load_config(file, env.getenv());
  ASSERT_TRUE(proxies.ok()) << proxies.error().detail;
  EXPECT_EQ(proxies->server.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));

  write("[server]\nthreads = 2.0\n");
  EXPECT_EQ(load_config(file, env.getenv()).error().code, "invalid_config");
  write("[log]\naccess = 1\n");
  EXPECT_EQ(load_config(file, env.getenv()).error().code, "invalid_config");
  write("[server]\nlistne = \"127.0.0.1:1\"\n");
  auto typo = load_config(file, env.getenv());
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().detail, "server.listne: unknown key");
  write("[serve]\nlisten = \"127.0.0.1:1\"\n");
  EXPECT_EQ(load_config(file, env.getenv()).error().detail, "serve: unknown section");

  EXPECT_EQ(load_config(file.string() + ".missing", env.getenv()).error().code, "config_not_found");

  fs::remove(file);
  env.vars = {{"ZT_THREADS", "many"}};
  EXPECT_EQ(load_config(std::nullopt, env.getenv()).error().code, "invalid_config");
  env.vars = {{"ZT_LISTEN", "localhost"}};
  EXPECT_EQ(load_config(std::nullopt, env.getenv()).error().code, "invalid_config");
  env.vars = {{"ZT_LISTEN", "127.0.0.1:70000"}};
  EXPECT_EQ(load_config(std::nullopt, env.getenv()).error().code, "invalid_config");
}

TEST_F(ConfigTest, IdentitySection) {
  auto defaults = load_config(std::nullopt, env.getenv());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->identity.password_profile, identity::PasswordProfile::kDengbao);
  EXPECT_EQ(defaults->identity.argon2.memory_kib, 19456u);
  EXPECT_EQ(defaults->identity.session_idle, std::chrono::minutes(30));
  EXPECT_EQ(defaults->identity.session_absolute, std::chrono::hours(12));
  EXPECT_EQ(defaults->identity.lockout_failures, 5);

  write(R"([identity]
password_profile = "asvs"
password_max_age_days = 0
argon2_memory_kib = 65536
argon2_iterations = 3
argon2_parallelism = 2
session_idle_minutes = 10
session_absolute_hours = 8
lockout_failures = 3
lockout_window_minutes = 5
lockout_minutes = 30
address_failures_per_hour = 20
totp_roles = ["dept_officer", "leader"]
)");
  auto config = load_config(file, env.getenv());
  ASSERT_TRUE(config.ok()) << config.error().detail;
  const auto& id = config->identity;
  EXPECT_EQ(id.password_profile, identity::PasswordProfile::kAsvs);
  EXPECT_EQ(id.password_max_age_days, 0);
  EXPECT_EQ(id.argon2.memory_kib, 65536u);
  EXPECT_EQ(id.argon2.iterations, 3u);
  EXPECT_EQ(id.argon2.parallelism, 2u);
  EXPECT_EQ(id.session_idle, std::chrono::minutes(10));
  EXPECT_EQ(id.session_absolute, std::chrono::hours(8));
  EXPECT_EQ(id.lockout_failures, 3);
  EXPECT_EQ(id.lockout_window, std::chrono::minutes(5));
  EXPECT_EQ(id.lockout_duration, std::chrono::minutes(30));
  EXPECT_EQ(id.address_failures_per_hour, 20);
  EXPECT_EQ(id.totp_roles, (std::vector<std::string>{"dept_officer", "leader"}));

  for (const char* bad :
       {"[identity]\npassword_profile = \"nist\"\n", "[identity]\ntotp_roles = [\"root\"]\n",
        "[identity]\nlockout_failures = 0\n", "[identity]\nlockout = 5\n"}) {
    write(bad);
    auto refused = load_config(file, env.getenv());
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code, "invalid_config");
    EXPECT_NE(refused.error().detail.find("identity."), std::string::npos)
        << refused.error().detail;
  }
}

TEST(ParseListen, Forms) {
  http::ServerConfig server;
  ASSERT_TRUE(parse_listen(":8081", server).ok());
  EXPECT_EQ(server.host, "0.0.0.0");
  EXPECT_EQ(server.port, 8081);
  ASSERT_TRUE(parse_listen("localhost:0", server).ok());
  EXPECT_EQ(server.host, "127.0.0.1");
  EXPECT_EQ(server.port, 0);
  EXPECT_FALSE(parse_listen("[::1]8080", server).ok());
  EXPECT_FALSE(parse_listen("host:", server).ok());
}

}  // namespace
}  // namespace zt::app
