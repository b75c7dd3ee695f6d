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
// The row generator is the one of bench/ingest/ingest_bench.cpp (same seed, same rows), copied
// because that file is a program of its own.
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

constexpr std::uint64_t kSeed = 20260131;
const std::string kCode = "330300-GA-0001";
const std::string kPurpose = "婚姻登记核验";

// ------------------------------------------- rows (as bench/ingest/ingest_bench.cpp makes them) --
struct Column {
  std::string_view name;
  std::string_view sqlite_type;
  std::string_view pg_type;
  bool quoted;  // a JSON string in the NDJSON (household_size is a JSON number)
};
constexpr std::array<Column, 10> kColumns = {{
    {"id_number", "TEXT NOT NULL", "TEXT NOT NULL", true},
    {"name", "TEXT", "TEXT", true},
    {"gender", "TEXT", "TEXT", true},
    {"birth_date", "TEXT", "DATE", true},
    {"address", "TEXT", "TEXT", true},
    {"division_code", "TEXT", "TEXT", true},
    {"phone", "TEXT", "TEXT", true},
    {"registered_at", "TEXT", "TIMESTAMPTZ", true},
    {"household_size", "BIGINT", "BIGINT", false},
    {"income", "TEXT", "NUMERIC", true},
}};

// 温州's county-level divisions (GB/T 2260) and their names, for the id numbers and addresses.
struct County {
  std::string_view code;
  std::string_view name;
};
constexpr std::array<County, 12> kCounties = {{
    {"330302", "鹿城区"},
    {"330303", "龙湾区"},
    {"330304", "瓯海区"},
    {"330305", "洞头区"},
    {"330324", "永嘉县"},
    {"330326", "平阳县"},
    {"330327", "苍南县"},
    {"330328", "文成县"},
    {"330329", "泰顺县"},
    {"330381", "瑞安市"},
    {"330382", "乐清市"},
    {"330383", "龙港市"},
}};
constexpr std::array<std::string_view, 32> kSurnames = {
    "陈", "林", "王", "郑", "周", "黄", "李", "张", "吴", "叶", "潘", "金", "徐", "刘", "杨", "赵",
    "朱", "胡", "谢", "许", "蔡", "池", "项", "章", "董", "孙", "钱", "薛", "余", "毛", "邵", "夏"};
constexpr std::array<std::string_view, 40> kGiven = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀", "霞", "平", "刚", "英", "华", "文", "建", "国", "志", "海",
    "慧", "婷", "雪", "琳", "晨", "宇", "浩", "然", "欣", "怡", "博", "瓯"};
constexpr std::array<std::string_view, 12> kRoads = {"人民路", "解放路", "学院路", "车站大道",
                                                     "环城路", "府前街", "新华街", "东风路",
                                                     "建设路", "锦绣路", "望江路", "飞霞路"};

const std::chrono::sys_days kFirstBirth{std::chrono::year(1930) / 1 / 1};
const std::chrono::sys_days kLastBirth{std::chrono::year(2020) / 12 / 31};
const std::chrono::sys_days kLastRegistration{std::chrono::year(2024) / 12 / 31};
const std::uint64_t kBirthDays = static_cast<std::uint64_t>((kLastBirth - kFirstBirth).count()) + 1;
// Distinct id numbers: county × birth date × 3-digit sequence (about 4 × 10^8).
const std::uint64_t kKeySpace = kCounties.size() * kBirthDays * 1000;

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

struct Rng {
  std::uint64_t state;
  std::uint64_t next() { return splitmix64(state++); }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
};

// A pseudo-random permutation of [0, kKeySpace): a 4-round Feistel network on 30 bits, walked
// until it lands in range. Row i gets key index order(i): unique keys in random order, computed
// one row at a time (the RSS upload never holds its rows).
class KeyOrder {
 public:
  explicit KeyOrder(std::uint64_t seed) {
    for (std::size_t r = 0; r < keys_.size(); ++r)
      keys_[r] = splitmix64(seed * 31 + r);
  }
  std::uint64_t operator()(std::uint64_t i) const {
    std::uint64_t x = i;
    do {
      x = encrypt(x);
    } while (x >= kKeySpace);
    return x;
  }

 private:
  static constexpr int kHalf = 15;
  static constexpr std::uint64_t kMask = (1u << kHalf) - 1;
  std::uint64_t encrypt(std::uint64_t x) const {
    std::uint64_t left = x >> kHalf, right = x & kMask;
    for (std::uint64_t key : keys_) {
      const std::uint64_t mixed = left ^ (splitmix64(right ^ key) & kMask);
      left = right;
      right = mixed;
    }
    return (left << kHalf) | right;
  }
  std::array<std::uint64_t, 4> keys_{};
};

// Where each value of a row sits in the NDJSON text, so the ceilings bind the very same bytes.
struct RowRef {
  std::uint64_t line = 0;                 // offset of the row's line
  std::array<std::uint16_t, 10> start{};  // of each value, from the line's start
  std::array<std::uint8_t, 10> size{};
};

std::string ymd(std::chrono::sys_days day, std::string_view separator) {
  const std::chrono::year_month_day d{day};
  return fmt::format("{:04}{}{:02}{}{:02}", static_cast<int>(d.year()), separator,
                     static_cast<unsigned>(d.month()), separator, static_cast<unsigned>(d.day()));
}

// Row i of the data set as one NDJSON line: a deterministic function of (seed, i).
class RowGenerator {
 public:
  explicit RowGenerator(std::uint64_t seed) : seed_(seed), order_(seed) {}

  // Appends row i's line (with its '\n') to `out`; fills `ref` when given.
  void append(std::string& out, std::uint64_t i, RowRef* ref) const {
    std::uint64_t key = order_(i);
    const County& county = kCounties[key % kCounties.size()];
    key /= kCounties.size();
    const auto birth = kFirstBirth + std::chrono::days(key % kBirthDays);
    const auto sequence = static_cast<unsigned>(key / kBirthDays);  // 0-999
    Rng rng{splitmix64(seed_ ^ (i * 0xd1b54a32d192ed03))};

    std::string id = fmt::format("{}{}{:03}", county.code, ymd(birth, ""), sequence);
    static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int k = 0; k < 17; ++k)
      sum += (id[k] - '0') * kWeights[k];
    id += "10X98765432"[sum % 11];

    std::string name(kSurnames[rng.below(kSurnames.size())]);
    for (std::uint32_t n = 1 + rng.below(2); n > 0; --n)
      name += kGiven[rng.below(kGiven.size())];
    const std::string address = fmt::format("浙江省温州市{}{}{}号{}幢{}{:02}室", county.name,
                                            kRoads[rng.below(kRoads.size())], 1 + rng.below(399),
                                            1 + rng.below(20), 1 + rng.below(18), 1 + rng.below(4));
    const std::string phone =
        fmt::format("1{}{:09}", "358"[rng.below(3)], rng.below(1'000'000'000));
    const auto registered_day =
        birth + std::chrono::days(
                    rng.below(static_cast<std::uint32_t>((kLastRegistration - birth).count() + 1)));
    const std::string registered =
        fmt::format("{}T{:02}:{:02}:{:02}+08:00", ymd(registered_day, "-"), 8 + rng.below(10),
                    rng.below(60), rng.below(60));
    const std::string household = std::to_string(1 + rng.below(8));
    const std::string income = fmt::format("{}.{:02}", rng.below(300'000), rng.below(100));

    const std::string birth_date = ymd(birth, "-");
    const std::string_view gender = sequence % 2 == 1 ? "男" : "女";  // GB 11643: odd = male
    const std::array<std::string_view, 10> values = {
        id, name, gender, birth_date, address, county.code, phone, registered, household, income};
    const std::size_t line = out.size();
    if (ref) ref->line = line;
    out += '{';
    for (std::size_t k = 0; k < kColumns.size(); ++k) {
      if (k > 0) out += ',';
      out += '"';
      out += kColumns[k].name;
      out += "\":";
      if (kColumns[k].quoted) out += '"';
      if (ref) {
        ref->start[k] = static_cast<std::uint16_t>(out.size() - line);
        ref->size[k] = static_cast<std::uint8_t>(values[k].size());
      }
      out += values[k];  // no character of the generated values needs a JSON escape
      if (kColumns[k].quoted) out += '"';
    }
    out += "}\n";
  }

 private:
  std::uint64_t seed_;
  KeyOrder order_;
};

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
  const RowGenerator generator(kSeed);
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
