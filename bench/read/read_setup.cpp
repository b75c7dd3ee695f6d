// Read benchmark set-up: starts the real `zhengtong serve` on a fresh SQLite database (through
// tests/integration/server_process.cpp), makes the city (公安 provider, 民政 consumer), publishes
// the population resource (户籍人口基本信息, 330300-GA-0001) as `conditional`, ingests N generated
// rows over HTTP (NDJSON POSTs of --batch rows), files a sharing request as 民政's officer and
// approves it as 公安's admin (id_number, name, phone, address; phone unmasked). Then it writes
//   DIR/keys.txt    the N keys (id numbers), one per line, in insertion order
//   DIR/info.env    port=, pid=, token=, db=, table=, keys=, rows=, purpose= (one per line)
// and stays alive, serving, until SIGTERM or SIGINT; then it stops the server and removes the
// server's temporary directory (its database included). bench/read/run.sh drives it.
//
//   build/bench/bench/read_setup --out-dir DIR [--rows N] [--batch B] [--io-threads T]
//       [--workers W]
//
// The rows are bench/ingest's (bench/common/population_rows.h: same seed, same rows).
#include "common/population_rows.h"
#include "integration/city.h"
#include "integration/http_client.h"
#include "integration/server_process.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <dirent.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

namespace zt::bench {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using test::City;
using test::ServerOptions;
using test::ServerProcess;

const std::string kCode = "330300-GA-0001";
const std::string kPurpose = "婚姻登记核验";

// ----------------------------------------------------------------------------------- zhengtong --

// The pid of the running server: the child of this process named zhengtong; 0 if none.
pid_t server_pid() {
  const pid_t self = ::getpid();
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return 0;
  pid_t found = 0;
  while (dirent* entry = ::readdir(proc)) {
    const pid_t pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::ifstream stat(fmt::format("/proc/{}/stat", pid));
    std::string line;
    std::getline(stat, line);
    const auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 > line.size()) {
      continue;
    }
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent == self && line.substr(open + 1, close - open - 1) == "zhengtong") found = pid;
  }
  ::closedir(proc);
  return found;
}

json::object population(const std::string& code) {
  auto field = [](const char* name, const char* label, const char* type) {
    return json::object{{"name", name}, {"label", label}, {"type", type}};
  };
  json::object id = field("id_number", "公民身份号码", "id_number");
  id["key"] = true;
  id["personal"] = true;
  json::object name = field("name", "姓名", "string");
  name["required"] = true;
  name["max_length"] = 20;
  name["personal"] = true;
  name["mask"] = "name";
  json::object gender = field("gender", "性别", "enum");
  gender["enum_values"] = json::array{"男", "女"};
  json::object division = field("division_code", "户籍地行政区划", "division_code");
  division["indexed"] = true;
  json::object phone = field("phone", "联系电话", "phone");
  phone["personal"] = true;
  return json::object{
      {"code", code},
      {"name", "户籍人口基本信息"},
      {"category", "base"},
      {"summary", "全市户籍人口的身份、户籍地址与联系方式"},
      {"share_type", "conditional"},
      {"share_condition", "用于政务服务办理与人口统计"},
      {"share_mode", "api"},
      {"open_type", "closed"},
      {"update_cycle", "daily"},
      {"keywords", json::array{"户籍", "人口"}},
      {"fields", json::array{id, name, gender, field("birth_date", "出生日期", "date"),
                             field("address", "户籍地址", "string"), division, phone,
                             field("registered_at", "登记时间", "datetime"),
                             field("household_size", "户内人数", "integer"),
                             field("income", "年收入", "decimal")}}};
}

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop(int) {
  g_stop = 1;
}

std::string tail(std::string text, std::size_t keep) {
  if (text.size() > keep) text = "…" + text.substr(text.size() - keep);
  return text;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void say(const std::string& line) {
  fmt::print(stderr, "read_setup: {}\n", line);
}

int run(int argc, char** argv) {
  CLI::App app{"Read benchmark set-up: a serving zhengtong with N population rows and a grant"};
  std::string out_dir;
  std::uint64_t rows = 1'000'000;
  std::uint64_t batch = 100'000;
  int io_threads = 2;
  int workers = 2;
  app.add_option("--out-dir", out_dir, "where info.env and keys.txt go")->required();
  app.add_option("--rows", rows, "rows to ingest")->check(CLI::PositiveNumber);
  app.add_option("--batch", batch, "rows per NDJSON POST")->check(CLI::PositiveNumber);
  app.add_option("--io-threads", io_threads, "the server's I/O threads")
      ->check(CLI::PositiveNumber);
  app.add_option("--workers", workers, "the server's worker threads")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  struct sigaction action {};
  action.sa_handler = on_stop;
  ::sigemptyset(&action.sa_mask);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGHUP, &action, nullptr);

  fs::create_directories(out_dir);
  ::setenv("ZT_TEST_DATABASE_URL", "sqlite", 1);
  const ServerOptions options{.io_threads = io_threads,
                              .idle_timeout_ms = 600'000,
                              .body_timeout_ms = 600'000,
                              .write_timeout_ms = 600'000,
                              .worker_threads = workers,
                              .sleep_route = false};
  std::string error;
  auto server = ServerProcess::start(options, error);
  if (!server) {
    say("the server did not start: " + error);
    return 1;
  }
  auto fail = [&](const std::string& what) {
    say(fmt::format("{}\n--- zhengtong stderr ---\n{}\n--- zhengtong stdout (end) ---\n{}", what,
                    tail(server->stderr_text(), 4000), tail(server->stdout_text(), 4000)));
    return 1;
  };
  say(fmt::format("zhengtong serving on port {} ({} I/O threads, {} workers), directory {}",
                  server->port(), io_threads, workers, server->dir().string()));

  City city(server->port());
  if (!city.open(server->stderr_text())) return fail("set-up: " + city.error());
  const auto ga = city.department("330300-GA", "温州市公安局");
  const auto mz = city.department("330300-MZ", "温州市民政局");
  if (!ga || !mz) return fail("departments: " + city.error());
  const std::string ga_admin = city.staff("ga_admin", *ga, {"dept_admin"});
  const std::string ga_officer = city.staff("ga_officer", *ga, {"dept_officer"});
  const std::string mz_officer = city.staff("mz_officer", *mz, {"dept_officer"});
  if (ga_admin.empty() || ga_officer.empty() || mz_officer.empty()) {
    return fail("staff: " + city.error());
  }
  auto created = city.call("POST", "/api/v1/catalog/resources", ga_admin, population(kCode));
  if (!created || created->status != 201) {
    return fail("create resource: " + (created ? created->body : city.error()));
  }
  auto published = city.call("POST", "/api/v1/catalog/resources/" + kCode + "/publish", ga_admin);
  if (!published || published->status != 200) {
    return fail("publish: " + (published ? published->body : city.error()));
  }
  const json::value resource = created->json();
  const std::string table =
      resource.is_object() && resource.as_object().contains("id") && resource.at("id").is_int64()
          ? fmt::format("rec_{}", resource.at("id").as_int64())
          : "rec_1";

  // Ingest: batches of NDJSON rows as 公安's officer; the keys go to keys.txt as they are made.
  const fs::path keys_path = fs::path(out_dir) / "keys.txt";
  std::ofstream keys(keys_path, std::ios::trunc);
  const RowGenerator generator(kRowSeed);
  const auto ingest_start = Clock::now();
  std::string body;
  for (std::uint64_t first = 0; first < rows; first += batch) {
    const std::uint64_t count = std::min(batch, rows - first);
    body.clear();
    body.reserve(count * 300);
    RowRef ref;
    for (std::uint64_t i = first; i < first + count; ++i) {
      generator.append(body, i, &ref);
      keys << std::string_view(body).substr(ref.line + ref.start[0], ref.size[0]) << '\n';
    }
    auto r = city.send("POST", "/api/v1/resources/" + kCode + "/records", ga_officer, body,
                       {{"Content-Type", "application/x-ndjson"}});
    if (!r || r->status != 200) {
      return fail(fmt::format("ingest of rows {}..{}: {}", first, first + count,
                              r ? tail(r->body, 2000) : city.error()));
    }
    const json::value report = r->json();
    const json::value* inserted = report.is_object() && report.at("counts").is_object()
                                      ? report.at("counts").as_object().if_contains("inserted")
                                      : nullptr;
    if (!inserted || !inserted->is_int64() ||
        inserted->get_int64() != static_cast<std::int64_t>(count)) {
      return fail(
          fmt::format("ingest of rows {}..{}: {}", first, first + count, tail(r->body, 2000)));
    }
  }
  keys.close();
  if (!keys) return fail("cannot write " + keys_path.string());
  const double ingest_seconds = seconds_since(ingest_start);
  say(fmt::format("ingested {} rows in {:.1f} s ({:.0f} rows/s)", rows, ingest_seconds,
                  rows / ingest_seconds));

  // The grant: 民政 asks, 公安 approves, phone unmasked.
  const json::array fields{"id_number", "name", "phone", "address"};
  auto filed = city.call("POST", "/api/v1/sharing/requests", mz_officer,
                         json::object{{"resource", kCode},
                                      {"purpose", kPurpose},
                                      {"legal_basis", "《婚姻登记条例》第七条"},
                                      {"fields", fields},
                                      {"duration_days", 180}});
  if (!filed || filed->status != 201) {
    return fail("sharing request: " + (filed ? filed->body : city.error()));
  }
  const std::int64_t request_id = filed->json().at("id").as_int64();
  auto approved =
      city.call("POST", fmt::format("/api/v1/sharing/requests/{}/approve", request_id), ga_admin,
                json::object{{"fields", fields}, {"unmasked", json::array{"phone"}}});
  if (!approved || approved->status != 200) {
    return fail("approve: " + (approved ? approved->body : city.error()));
  }

  const pid_t pid = server_pid();
  if (pid == 0) return fail("cannot find the server's pid");
  const fs::path info_path = fs::path(out_dir) / "info.env";
  {
    std::ofstream info(info_path.string() + ".tmp", std::ios::trunc);
    info << "port=" << server->port() << "\npid=" << pid << "\ntoken=" << mz_officer
         << "\ndb=" << (server->dir() / "zt.db").string() << "\ntable=" << table
         << "\nkeys=" << keys_path.string() << "\nrows=" << rows << "\npurpose=" << kPurpose
         << "\nlog=" << server->dir().string() << "\ningest_seconds=" << ingest_seconds << "\n";
    if (!info) return fail("cannot write " + info_path.string());
  }
  fs::rename(info_path.string() + ".tmp", info_path);
  say("ready: " + info_path.string() + " (SIGTERM stops the server)");

  while (!g_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (server->wait_exit(std::chrono::milliseconds(0))) {
      return fail("the server exited while serving the benchmark");
    }
  }
  say("stopping");
  server->terminate();
  server->wait_exit();
  return 0;
}

}  // namespace
}  // namespace zt::bench

int main(int argc, char** argv) {
  return zt::bench::run(argc, argv);
}
