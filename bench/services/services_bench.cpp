// Services benchmark (issue 17): one-stop services (一网通办) over real HTTP on SQLite, side by
// side with the hub's raw ingest rate measured in the same run, and the worklists at 1 M cases.
//
//   1. Set-up: the real `zhengtong serve` (tests/integration/server_process.cpp) on a fresh SQLite
//      file; 政务服务中心 with window clerks, 民政局 with a dept_admin and officers, 公安局 with a
//      dept_admin and an officer, citizens; 民政's admin publishes --items items of two steps
//      (初审, 复核: 民政) through the API.
//   2. Ingest: 公安 publishes the population resource and ingests --ingest-rows rows as ONE NDJSON
//      POST (bench/ingest's rows and method): rows/s.
//   3. Submissions: --connections keep-alive connections (one blocking client thread each), each
//      filing its share of --cases cases as a citizen (POST /api/v1/services/cases) and
//      submitting it (POST …/submit): cases/s, requests/s, latencies.
//   4. Transitions: the same connections walk every case through accept (clerk), claim and
//      complete of both steps (officer), decide, conclude (officer) and deliver (clerk): eight
//      POSTs a case, each one audited transaction through the route; transitions/s, latencies.
//   5. 1 M cases: this process opens the server's own database through app::Platform (the
//      server's config file) and files --seed-cases cases through services' store functions
//      (insert_case, set_number, update_case, insert_step, insert_event, open_pause) in
//      transactions of --seed-batch cases, in every state, the stored deadline from
//      services::clock_of on the platform's calendar — what the transitions would have written,
//      without their audit records.
//   6. Worklists: over one keep-alive connection, --worklist-runs requests of each variant of the
//      department worklist (民政's officer) and the window worklist (a clerk), with the filters
//      item, state and due_before: median and p99.
// Then one table: submissions/s, transitions/s, ingest rows/s, their ratio, the worklists' p99 at
// 1 M cases, goals and PASS/FAIL; the machine, its load, the commit, and the CPU time the server
// and this process (the load generator, on the same cores) used in each phase.
//
// Not a test: exit status 0 whatever the figures; non-zero when a measurement cannot be made.
// bench/services/run.sh builds and runs it; figures in bench/services/README.md.
#include "app/config.h"
#include "app/platform.h"
#include "common/population_rows.h"
#include "core/time.h"
#include "db/transaction.h"
#include "integration/city.h"
#include "integration/http_client.h"
#include "integration/server_process.h"
#include "services/model.h"
#include "services/store.h"
#include "support/identifiers.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#ifndef ZT_SOURCE_DIR
#error "ZT_SOURCE_DIR must name the source tree (set by bench/CMakeLists.txt)"
#endif

namespace zt::bench {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;
using test::City;
using test::HttpClient;
using test::HttpResponse;
using test::ServerOptions;
using test::ServerProcess;

constexpr double kGoalTransitions = 5000;  // per second
constexpr double kGoalWorklistP99Ms = 50;
constexpr auto kTimeout = std::chrono::seconds(120);

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// ------------------------------------------------------------------------- machine and process --

std::string command_output(const std::string& command) {
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr)
      out += buffer;
    ::pclose(pipe);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.starts_with("model name")) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

std::string load_average() {
  std::ifstream file("/proc/loadavg");
  std::string one, five, fifteen;
  file >> one >> five >> fifteen;
  return fmt::format("{} {} {}", one, five, fifteen);
}

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

// CPU seconds (user + system) of process `pid`.
double process_cpu_seconds(pid_t pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 > line.size()) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::atof(field.c_str());
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// CPU seconds of this process (the load generator and, in the seeding phase, the seeder).
double self_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// The CPU both processes used over a phase.
class CpuMeter {
 public:
  explicit CpuMeter(pid_t server)
      : server_(server),
        server_before_(process_cpu_seconds(server)),
        self_before_(self_cpu_seconds()) {}
  std::string report(double wall) const {
    const double server = process_cpu_seconds(server_) - server_before_;
    const double self = self_cpu_seconds() - self_before_;
    return fmt::format(
        "CPU over {:.1f} s: server {:.1f} s ({:.0f} %), this process {:.1f} s "
        "({:.0f} %) of {} cores",
        wall, server, 100 * server / wall, self, 100 * self / wall,
        ::sysconf(_SC_NPROCESSORS_ONLN));
  }

 private:
  pid_t server_;
  double server_before_, self_before_;
};

// ----------------------------------------------------------------------------------- latencies --

struct Stats {
  std::size_t n = 0;
  double p50 = 0, p99 = 0, max = 0;  // ms
};

Stats stats_of(std::vector<double> ms) {
  Stats s;
  s.n = ms.size();
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) {
    const auto i = static_cast<std::size_t>(std::ceil(p * double(ms.size()))) - 1;
    return ms[std::min(i, ms.size() - 1)];
  };
  s.p50 = at(0.50);
  s.p99 = at(0.99);
  s.max = ms.back();
  return s;
}

std::string thousands(double v) {
  std::string digits = fmt::format("{:.0f}", v);
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0 && digits[i - 1] != '-') out += ' ';
    out += digits[i];
  }
  return out;
}

// ---------------------------------------------------------------------------------- HTTP load --

// What the requests of one kind gave, over all connections.
struct Tally {
  std::int64_t ok = 0;
  std::int64_t conflicts = 0;        // 409: counted apart (two officers on one step, …)
  std::int64_t errors = 0;           // anything else: no answer, 4xx, 5xx
  std::vector<double> ms;            // latency of the answered ones
  std::vector<std::string> samples;  // the first errors, for the report

  void merge(Tally&& other) {
    ok += other.ok;
    conflicts += other.conflicts;
    errors += other.errors;
    ms.insert(ms.end(), other.ms.begin(), other.ms.end());
    for (auto& s : other.samples)
      if (samples.size() < 5) samples.push_back(std::move(s));
  }
};

// One keep-alive connection driven by one thread: a request, its answer and its latency.
class Connection {
 public:
  explicit Connection(std::uint16_t port) : port_(port) {}

  // Connects now (before the clock starts); false when the server refuses.
  bool open() {
    std::string error;
    client_ = HttpClient::connect(port_, error);
    return client_.has_value();
  }

  // Sends the request and reads the answer; counts it in `tally` against `expected`. The answer
  // when it is `expected`, else nullopt.
  std::optional<HttpResponse> call(Tally& tally, std::string_view method, std::string_view target,
                                   const std::string& token, std::string_view body, int expected) {
    if (!client_) {
      std::string error;
      client_ = HttpClient::connect(port_, error);
      if (!client_) return fail(tally, "connect: " + error);
    }
    std::string bytes = fmt::format(
        "{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n", method, target, token);
    if (!body.empty()) bytes += "Content-Type: application/json\r\n";
    bytes += fmt::format("Content-Length: {}\r\n\r\n", body.size());
    bytes += body;
    const auto start = SteadyClock::now();
    std::optional<HttpResponse> r;
    if (client_->send(bytes)) r = client_->read_response(false, kTimeout);
    const double ms = seconds_since(start) * 1000;
    if (!r) {
      std::string why = client_->last_error();
      client_.reset();  // a new connection for the next request
      return fail(tally, fmt::format("{} {}: {}", method, target, why));
    }
    if (auto c = r->header("Connection"); c && *c == "close") client_.reset();
    tally.ms.push_back(ms);
    if (r->status == expected) {
      ++tally.ok;
      return r;
    }
    if (r->status == 409) {
      ++tally.conflicts;
    } else {
      ++tally.errors;
      if (tally.samples.size() < 5) {
        tally.samples.push_back(
            fmt::format("{} {} → {}: {}", method, target, r->status, r->body.substr(0, 300)));
      }
    }
    return std::nullopt;
  }

 private:
  std::optional<HttpResponse> fail(Tally& tally, std::string why) {
    ++tally.errors;
    if (tally.samples.size() < 5) tally.samples.push_back(std::move(why));
    return std::nullopt;
  }
  std::uint16_t port_;
  std::optional<HttpClient> client_;
};

// Runs `work(thread, connection)` on `threads` threads at once; the wall time from the common
// start to the last one's end.
template <typename Work>
double run_threads(int threads, std::uint16_t port, Work work) {
  std::latch ready(threads + 1);
  std::vector<std::jthread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      Connection conn(port);
      conn.open();  // a refused connection is retried, and counted, by the first call
      ready.arrive_and_wait();
      work(t, conn);
    });
  }
  ready.arrive_and_wait();
  const auto start = SteadyClock::now();
  pool.clear();  // joins
  return seconds_since(start);
}

// "number":"…" of a case answer.
std::string number_of(const std::string& body) {
  constexpr std::string_view key = "\"number\":\"";
  const auto at = body.find(key);
  if (at == std::string::npos) return "";
  const auto end = body.find('"', at + key.size());
  return body.substr(at + key.size(), end - at - key.size());
}

// The id of the case's waiting step row (the one a transition just opened); 0 if none.
std::int64_t waiting_step(const std::string& body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return 0;
  const json::value* steps = v.as_object().if_contains("steps");
  if (!steps || !steps->is_array()) return 0;
  for (const json::value& s : steps->as_array()) {
    if (s.at("state") == "waiting") return s.at("id").as_int64();
  }
  return 0;
}

// ------------------------------------------------------------------------------------ the city --

struct Actors {
  std::string mz_admin, ga_admin, ga_officer;
  std::vector<std::string> officers;  // 民政局 dept_officer
  std::vector<std::string> clerks;    // 政务服务中心 window_clerk
  std::vector<std::string> citizens;
  std::int64_t mz = 0;
  std::int64_t officer_id = 0, clerk_id = 0;  // of officers[0], clerks[0]
  std::vector<std::int64_t> citizen_ids;
};

json::object item_body(const std::string& code, const std::string& name, std::int64_t mz) {
  auto step = [&](const char* step_name, int share) {
    return json::object{
        {"name", step_name}, {"departments", json::array{mz}}, {"share_percent", share}};
  };
  return json::object{
      {"code", code},
      {"name", name},
      {"type", "benefit"},
      {"applicant", "person"},
      {"kind", "promised"},
      {"statutory_limit", 20},
      {"promised_limit", 10},
      {"purpose", "办理" + name},
      {"legal_basis", "《社会救助暂行办法》第九条"},
      {"fees", json::array{}},
      {"channels", json::array{"online", "window"}},
      {"visits", 0},
      {"deliveries", json::array{"window", "courier"}},
      {"life_events", json::array{"困难救助"}},
      {"form",
       json::array{
           json::object{
               {"name", "name"}, {"label", "申请人姓名"}, {"type", "string"}, {"required", true}},
           json::object{
               {"name", "phone"}, {"label", "联系电话"}, {"type", "phone"}, {"required", true}},
           json::object{{"name", "household_size"}, {"label", "家庭人口"}, {"type", "integer"}}}},
      {"materials",
       json::array{json::object{{"name", "收入证明"}, {"required", true}, {"source", "upload"}}}},
      {"steps", json::array{step("初审", 50), step("复核", 30)}}};
}

constexpr std::string_view kItemNames[] = {
    "最低生活保障", "特困人员救助供养", "临时救助", "残疾人两项补贴", "孤儿基本生活费",
    "高龄津贴",     "婚姻登记",         "收养登记", "殡葬补贴",       "社会组织成立登记"};

std::optional<std::int64_t> user_id(City& city, const std::string& token) {
  auto me = city.call("GET", "/api/v1/auth/me", token);
  if (!me || me->status != 200) return std::nullopt;
  const json::value v = me->json();
  const json::value* id = v.is_object() ? v.as_object().if_contains("id") : nullptr;
  if (!id || !id->is_int64()) return std::nullopt;
  return id->as_int64();
}

// ------------------------------------------------------------------------------------- ingest --

// 户籍人口基本信息 as tests/integration/hub_test.h and bench/ingest define it.
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

struct IngestRun {
  double seconds = 0;
  double mb = 0;
  std::string cpu;
};

// Publishes the population resource as 公安's admin and posts `rows` rows as one NDJSON upload
// as its officer (timed from the first byte sent to the answer read); checks the report.
std::optional<IngestRun> ingest(City& city, std::uint16_t port, pid_t server, const Actors& a,
                                std::uint64_t rows, std::string& error) {
  const std::string code = "330300-GA-0001";
  auto created = city.call("POST", "/api/v1/catalog/resources", a.ga_admin, population(code));
  auto published =
      created && created->status == 201
          ? city.call("POST", "/api/v1/catalog/resources/" + code + "/publish", a.ga_admin)
          : std::nullopt;
  if (!published || published->status != 200) {
    error = "publishing the population resource: " + (published ? published->body
                                                      : created ? created->body
                                                                : city.error());
    return std::nullopt;
  }
  const RowGenerator generator(kRowSeed);
  std::string body;
  body.reserve(rows * 300);
  for (std::uint64_t i = 0; i < rows; ++i)
    generator.append(body, i, nullptr);
  auto client = HttpClient::connect(port, error);
  if (!client) return std::nullopt;
  const std::string head = fmt::format(
      "POST /api/v1/resources/{}/records HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
      "{}\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n",
      code, a.ga_officer, body.size());
  const CpuMeter cpu(server);
  const auto start = SteadyClock::now();
  bool sent = client->send(head);
  constexpr std::size_t kPiece = 256 * 1024;
  for (std::size_t at = 0; sent && at < body.size(); at += kPiece)
    sent = client->send(std::string_view(body).substr(at, kPiece));
  auto response = client->read_response(false, std::chrono::minutes(30));
  IngestRun run{.seconds = seconds_since(start), .mb = double(body.size()) / 1e6};
  run.cpu = cpu.report(run.seconds);
  if (!response) {
    error = "no answer to the upload: " + client->last_error();
    return std::nullopt;
  }
  const json::value report = response->json();
  const json::value* counts =
      report.is_object() ? report.as_object().if_contains("counts") : nullptr;
  if (response->status != 200 || !counts || !counts->is_object() ||
      counts->as_object().at("inserted") != std::int64_t(rows) ||
      counts->as_object().at("rejected") != 0) {
    error =
        fmt::format("the upload answered {}: {}", response->status, response->body.substr(0, 2000));
    return std::nullopt;
  }
  return run;
}

// ------------------------------------------------------------------------------ the 1 M cases --

struct SeedItem {
  std::int64_t id = 0, version = 0, department_id = 0, statutory = 0, promised = 0;
  std::string code, name, department;
  std::vector<std::string> steps;
};

// Where a seeded case ends, and the share of cases that end there (per thousand).
struct Ending {
  std::string_view state;
  int transitions;        // along kPath; or a side exit below
  std::string_view side;  // "", not_accept, withdraw, request_correction, start_special
  int per_mille;
};
// The main path of a case (the bench's items: two steps of 民政).
struct PathStep {
  std::string_view action, from, to;
};
constexpr PathStep kPath[] = {{"file", "", "draft"},
                              {"submit", "draft", "submitted"},
                              {"accept", "submitted", "in_review"},
                              {"claim", "in_review", "in_review"},
                              {"complete", "in_review", "in_review"},
                              {"claim", "in_review", "in_review"},
                              {"complete", "in_review", "deciding"},
                              {"decide", "deciding", "decided"},
                              {"conclude", "decided", "concluded"},
                              {"deliver", "concluded", "delivered"}};
// A year's mix: most cases done, a running share in review.
constexpr Ending kEndings[] = {{"delivered", 10, "", 680},
                               {"concluded", 9, "", 30},
                               {"decided", 8, "", 10},
                               {"deciding", 7, "", 20},
                               {"in_review", 3, "", 60},
                               {"in_review", 4, "", 20},  // step 1 waiting, claimed
                               {"in_review", 5, "", 40},
                               {"in_review", 6, "", 10},  // step 2 waiting, claimed
                               {"special", 5, "start_special", 10},
                               {"correction", 2, "request_correction", 10},
                               {"submitted", 2, "", 50},
                               {"not_accepted", 2, "not_accept", 40},
                               {"withdrawn", 2, "withdraw", 20}};

struct SeedResult {
  double seconds = 0;
  std::map<std::string, std::int64_t> states;
  std::int64_t events = 0, steps = 0;
  std::string cpu;
};

std::string iso_date(std::chrono::year_month_day d) {
  return fmt::format("{:04}-{:02}-{:02}", int(d.year()), unsigned(d.month()), unsigned(d.day()));
}

// Files `count` cases of `items` into the database of the server's config through services' store
// functions, `batch` cases a transaction.
Result<SeedResult> seed_cases(const std::filesystem::path& config_file, pid_t server,
                              const Actors& a, std::int64_t count, std::int64_t batch,
                              std::vector<SeedItem>& items) {
  ZT_ASSIGN_OR_RETURN(auto config, app::load_config(config_file, [](const char* name) {
                        return std::getenv(name);
                      }));
  core::SystemClock clock;
  ZT_ASSIGN_OR_RETURN(auto platform, app::Platform::create(config, clock));
  db::Database& database = platform->database();
  ZT_ASSIGN_OR_RETURN(auto snap, platform->calendar().service().snapshot());
  {
    ZT_ASSIGN_OR_RETURN(auto conn, database.acquire(db::Access::kRead));
    for (SeedItem& it : items) {
      ZT_ASSIGN_OR_RETURN(auto found, services::store::published_item(conn, it.code));
      if (!found) return Error::not_found("item_not_found", it.code);
      it.id = found->id;
      it.version = found->version;
      it.department_id = found->def.department_id;
      it.statutory = found->def.statutory_limit;
      it.promised = found->def.promised_limit;
      it.name = found->def.name;
      for (const auto& s : found->def.steps)
        it.steps.push_back(s.name);
    }
  }
  SeedResult out;
  const CpuMeter cpu(server);
  const auto start = SteadyClock::now();
  std::mt19937_64 random(20261207);
  const std::int64_t now = core::to_millis(clock.now());
  constexpr std::int64_t kDay = 86'400'000, kHour = 3'600'000;
  auto last_report = start;
  for (std::int64_t done = 0; done < count;) {
    ZT_ASSIGN_OR_RETURN(auto conn, database.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    for (std::int64_t k = 0; k < batch && done < count; ++k, ++done) {
      const SeedItem& it = items[std::size_t(done) % items.size()];
      int pick = int(random() % 1000);
      const Ending* end = &kEndings[0];
      for (const Ending& e : kEndings) {
        if (pick < e.per_mille) {
          end = &e;
          break;
        }
        pick -= e.per_mille;
      }
      const bool running =
          end->state != "delivered" && end->state != "not_accepted" && end->state != "withdrawn";
      // Done cases over the last 120 days, running ones over the last 30.
      const std::int64_t age = std::int64_t(random() % std::uint64_t((running ? 30 : 120) * kDay));
      const std::int64_t created = now - age;
      auto at = [&](int step) { return std::min(now, created + step * 2 * kHour); };
      services::Case c;
      c.item_id = it.id;
      c.item_code = it.code;
      c.item_version = it.version;
      c.item_name = it.name;
      c.department_id = it.department_id;
      const int person = int(done % 997);
      const bool online = done % 5 == 0;
      c.applicant_kind = "person";
      c.applicant_name = fmt::format("申请人{}", person);
      c.applicant_key = online ? std::string() : test::id_number("19700101", person % 1000);
      if (online) {
        const std::size_t who = std::size_t(done / 5) % a.citizen_ids.size();
        c.applicant_user_id = a.citizen_ids[who];
        c.applicant_key = test::id_number("19800101", int(who));
        c.filed_by = a.citizen_ids[who];
        c.channel = "online";
      } else {
        c.filed_by = a.clerk_id;
        c.channel = "window";
      }
      c.state = std::string(end->state);
      c.form = fmt::format(R"({{"name":"{}","phone":"138{:08d}"}})", c.applicant_name, person);
      c.statutory_limit = it.statutory;
      c.promised_limit = it.promised;
      c.created_at = created;
      c.number = fmt::format("~seed-{}", done);
      ZT_ASSIGN_OR_RETURN(c.id, services::store::insert_case(conn, c));
      const auto day = core::china_date(core::from_millis(created));
      c.number = fmt::format("{:04}{:02}{:02}-{:07}", int(day.year()), unsigned(day.month()),
                             unsigned(day.day()), c.id);
      ZT_TRY(services::store::set_number(conn, c.id, c.number));

      // The timeline, the steps and the case's columns as the transitions leave them.
      const int n = end->transitions;
      for (int s = 0; s < n; ++s) {
        const PathStep& p = kPath[s];
        ZT_TRY(services::store::insert_event(
            conn, services::CaseEvent{.case_id = c.id,
                                      .at = at(s),
                                      .action = std::string(p.action),
                                      .actor_name = s >= 3 && s <= 8 ? "mz_officer_0" : "clerk_0",
                                      .from_state = std::string(p.from),
                                      .to_state = std::string(p.to),
                                      .reason = "",
                                      .detail = "{}"}));
        ++out.events;
      }
      std::string from = std::string(kPath[n - 1].to);
      if (!end->side.empty()) {
        ZT_TRY(services::store::insert_event(conn,
                                             services::CaseEvent{.case_id = c.id,
                                                                 .at = at(n),
                                                                 .action = std::string(end->side),
                                                                 .actor_name = "clerk_0",
                                                                 .from_state = from,
                                                                 .to_state = c.state,
                                                                 .reason = "材料不全",
                                                                 .detail = "{}"}));
        ++out.events;
      }
      if (n >= 3) c.accepted_at = at(2);
      if (n >= 8) c.decided_at = at(7);
      if (n >= 9) c.concluded_at = at(8);
      if (n >= 7) c.review_outcome = "approved";
      if (n >= 8) {
        c.decision = "approve";
        c.decision_reason = "符合条件";
        c.result_text = "准予";
      }
      if (n >= 10) c.delivery = fmt::format(R"({{"method":"window","at":{}}})", at(9));
      c.step_index = n >= 5 ? 1 : 0;
      if (end->side == "request_correction") {
        c.resume_state = "submitted";
        c.correction = R"(["收入证明"])";
      }
      std::vector<services::CasePause> pauses;
      if (end->side == "start_special") {
        c.resume_state = "in_review";
        c.special_kind = "publicity";
        ZT_TRY(services::store::open_pause(conn, c.id, "special", "publicity", at(n)));
        pauses.push_back(services::CasePause{
            .case_id = c.id, .kind = "special", .detail = "publicity", .started_at = at(n)});
      }
      // The step rows: 初审 from acceptance on, 复核 from 初审's completion on.
      for (int step = 0; step < 2; ++step) {
        const int opened = step == 0 ? 3 : 5;  // transitions done when it opened
        if (n < opened) break;
        const int done_steps = n - opened;  // 0: waiting, 1: claimed, 2+: approved
        services::CaseStep row{.case_id = c.id,
                               .step_index = step,
                               .round = 1,
                               .name = it.steps[std::size_t(step)],
                               .department_id = it.department_id,
                               .department_name = it.department,
                               .state = done_steps == 0   ? "waiting"
                                        : done_steps == 1 ? "claimed"
                                                          : "approved",
                               .created_at = at(opened - 1)};
        if (done_steps >= 1) {
          row.claimed_by = a.officer_id;
          row.claimed_by_name = "mz_officer_0";
          row.claimed_at = at(opened);
        }
        ZT_TRY(services::store::insert_step(conn, row));
        ++out.steps;
      }
      c.version = 1;
      c.updated_at = at(n - 1 + (end->side.empty() ? 0 : 1));
      if (c.accepted_at) {
        c.stored_deadline = services::clock_of(c, pauses, *snap.calendar, now).statutory_deadline;
      }
      c.deadline_epoch = snap.epoch;
      ZT_ASSIGN_OR_RETURN(bool written, services::store::update_case(conn, c));
      if (!written) return Error::internal("seed", "a seeded case changed under the seeder");
      ++out.states[c.state];
    }
    ZT_TRY(tx.commit());
    if (seconds_since(last_report) >= 10 || done == count) {
      last_report = SteadyClock::now();
      const double s = seconds_since(start);
      fmt::print("  seeded {} / {} cases, {:.0f} cases/s, {:.0f} s\n", done, count,
                 double(done) / std::max(s, 1e-3), s);
      std::fflush(stdout);
    }
  }
  out.seconds = seconds_since(start);
  out.cpu = cpu.report(out.seconds);
  return out;
}

// -------------------------------------------------------------------------------- worklists --

struct Variant {
  std::string label;
  std::string path;  // without the rotating parameters
  bool by_item = false;
  bool by_due = false;
  const std::string* token = nullptr;
  Stats stats;
  std::int64_t rows = 0;  // of the last answer
  std::int64_t errors = 0;
};

int run(int argc, char** argv) {
  int connections = 64;
  std::int64_t cases = 20'000;
  std::uint64_t ingest_rows = 200'000;
  std::int64_t seed_cases_count = 1'000'000;
  std::int64_t seed_batch = 5'000;
  int worklist_runs = 300;
  int items_count = 10;
  int officers = 8, clerks = 4, citizens = 32;
  ServerOptions options{.io_threads = 1,
                        .idle_timeout_ms = 600'000,
                        .body_timeout_ms = 600'000,
                        .write_timeout_ms = 600'000,
                        .worker_threads = 2,
                        .worker_queue = 256,
                        .sleep_route = false,
                        .fresh_database = true};

  CLI::App app{"Zhengtong services benchmark: cases and transitions over HTTP, ingest, worklists"};
  app.add_option("--connections", connections, "concurrent keep-alive connections")
      ->check(CLI::Range(1, 1024));
  app.add_option("--cases", cases, "cases filed, submitted and moved to delivery over HTTP")
      ->check(CLI::Range(1, 10'000'000));
  app.add_option("--ingest-rows", ingest_rows, "population rows in the one ingest POST")
      ->check(CLI::Range(1, 50'000'000));
  app.add_option("--seed-cases", seed_cases_count, "cases in the database for the worklists")
      ->check(CLI::Range(0, 50'000'000));
  app.add_option("--seed-batch", seed_batch, "seeded cases per transaction")
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--worklist-runs", worklist_runs, "requests per worklist variant")
      ->check(CLI::Range(1, 100'000));
  app.add_option("--items", items_count, "published items")->check(CLI::Range(1, 10));
  app.add_option("--officers", officers, "民政局 officers")->check(CLI::Range(1, 64));
  app.add_option("--clerks", clerks, "window clerks")->check(CLI::Range(1, 64));
  app.add_option("--citizens", citizens, "citizens filing")->check(CLI::Range(1, 256));
  app.add_option("--io-threads", options.io_threads, "the server's [server] threads")
      ->check(CLI::Range(1, 64));
  app.add_option("--workers", options.worker_threads, "the server's [workers] threads")
      ->check(CLI::Range(1, 64));
  std::string keep_db;
  app.add_option("--keep-db", keep_db,
                 "copy the server's SQLite file (with its -wal) into this directory at the end, "
                 "to study plans with sqlite3");
  bool access_log = true;
  app.add_flag("--access-log,!--no-access-log", access_log,
               "the server's access log (on, as by default)");
  CLI11_PARSE(app, argc, argv);
  options.access_log = access_log;

  fmt::print("Zhengtong services benchmark (issue 17)\n");
  fmt::print("machine: {} CPUs, {}; load average at start {}\n", ::sysconf(_SC_NPROCESSORS_ONLN),
             cpu_model(), load_average());
  fmt::print("commit: {}\n",
             command_output("git -C '" ZT_SOURCE_DIR "' describe --always --dirty --tags 2>&1"));
  fmt::print("server: SQLite, {} I/O thread(s), {} worker(s), access log {}; binary {}\n",
             options.io_threads, options.worker_threads, access_log ? "on" : "off", ZT_BINARY);
  fmt::print("load: {} connections, one blocking client thread each, on the same machine\n",
             connections);
  std::fflush(stdout);

  ::setenv("ZT_TEST_DATABASE_URL", "sqlite", 1);
  std::string error;
  auto server = ServerProcess::start(options, error);
  if (!server) {
    fmt::print(stderr, "services_bench: the server does not start: {}\n", error);
    return 1;
  }
  auto fail = [&](std::string_view what) {
    fmt::print(stderr, "services_bench: {}\nserver stderr (end): {}\n", what,
               server->stderr_text().substr(
                   server->stderr_text().size() > 4000 ? server->stderr_text().size() - 4000 : 0));
    return 1;
  };
  const pid_t pid = server_pid();
  if (pid == 0) return fail("cannot find the server's pid");
  const std::uint16_t port = server->port();

  // --- set-up
  const auto setup_start = SteadyClock::now();
  City city(port);
  if (!city.open(server->stderr_text())) return fail("city: " + city.error());
  auto zw = city.department("330300-ZW", "温州市政务服务中心");
  auto mz = city.department("330300-MZ", "温州市民政局");
  auto ga = city.department("330300-GA", "温州市公安局");
  if (!zw || !mz || !ga) return fail("departments: " + city.error());
  Actors a;
  a.mz = *mz;
  a.mz_admin = city.staff("mz_admin", *mz, {"dept_admin"});
  a.ga_admin = city.staff("ga_admin", *ga, {"dept_admin"});
  a.ga_officer = city.staff("ga_officer", *ga, {"dept_officer"});
  for (int i = 0; i < officers; ++i)
    a.officers.push_back(city.staff(fmt::format("mz_officer_{}", i), *mz, {"dept_officer"}));
  for (int i = 0; i < clerks; ++i)
    a.clerks.push_back(city.staff(fmt::format("clerk_{}", i), *zw, {"window_clerk"}));
  for (int i = 0; i < citizens; ++i) {
    a.citizens.push_back(city.account(json::object{{"kind", "citizen"},
                                                   {"username", fmt::format("citizen_{}", i)},
                                                   {"display_name", fmt::format("市民{}", i)},
                                                   {"id_number", test::id_number("19800101", i)}}));
  }
  for (const auto* list : {&a.officers, &a.clerks, &a.citizens}) {
    for (const auto& t : *list)
      if (t.empty()) return fail("accounts: " + city.error());
  }
  if (a.mz_admin.empty() || a.ga_admin.empty() || a.ga_officer.empty()) {
    return fail("accounts: " + city.error());
  }
  {
    auto o = user_id(city, a.officers[0]);
    auto c = user_id(city, a.clerks[0]);
    if (!o || !c) return fail("GET /api/v1/auth/me");
    a.officer_id = *o;
    a.clerk_id = *c;
    for (const auto& t : a.citizens) {
      auto id = user_id(city, t);
      if (!id) return fail("GET /api/v1/auth/me");
      a.citizen_ids.push_back(*id);
    }
  }
  std::vector<SeedItem> items;
  for (int i = 0; i < items_count; ++i) {
    SeedItem it{.code = fmt::format("330300-MZ-BENCH-{:02}", i),
                .name = std::string(kItemNames[i]),
                .department = "温州市民政局"};
    auto created =
        city.call("POST", "/api/v1/services/items", a.mz_admin, item_body(it.code, it.name, *mz));
    auto published =
        created && created->status == 201
            ? city.call("POST", "/api/v1/services/items/" + it.code + "/publish", a.mz_admin)
            : std::nullopt;
    if (!published || published->status != 200) {
      return fail("item " + it.code + ": " +
                  (published ? published->body
                   : created ? created->body
                             : city.error()));
    }
    items.push_back(std::move(it));
  }
  fmt::print("set-up: {} officers, {} clerks, {} citizens, {} items of two steps in {:.1f} s\n",
             officers, clerks, citizens, items_count, seconds_since(setup_start));
  std::fflush(stdout);

  // --- ingest
  fmt::print("\ningest: {} population rows as one NDJSON POST …\n", ingest_rows);
  std::fflush(stdout);
  auto ingested = ingest(city, port, pid, a, ingest_rows, error);
  if (!ingested) return fail("ingest: " + error);
  const double ingest_rate = double(ingest_rows) / ingested->seconds;
  fmt::print("ingest: {} rows ({:.1f} MB) in {:.2f} s: {} rows/s; {}\n", ingest_rows, ingested->mb,
             ingested->seconds, thousands(ingest_rate), ingested->cpu);
  std::fflush(stdout);

  // --- submissions: file and submit, each connection its share of the cases
  std::vector<std::string> numbers(static_cast<std::size_t>(cases));
  std::vector<Tally> filed(static_cast<std::size_t>(connections));
  std::vector<Tally> submitted(static_cast<std::size_t>(connections));
  fmt::print("\nsubmissions: {} cases, each POST /cases (file) + POST …/submit, {} connections …\n",
             cases, connections);
  std::fflush(stdout);
  const CpuMeter submit_cpu(pid);
  const double submit_seconds = run_threads(connections, port, [&](int t, Connection& conn) {
    const std::string& citizen = a.citizens[std::size_t(t) % a.citizens.size()];
    for (std::int64_t i = t; i < cases; i += connections) {
      const std::string body = fmt::format(
          R"({{"item_code":"{}","form":{{"name":"市民{}","phone":"138{:08d}","household_size":3}}}})",
          items[std::size_t(i) % items.size()].code, t, i);
      auto r =
          conn.call(filed[std::size_t(t)], "POST", "/api/v1/services/cases", citizen, body, 201);
      if (!r) continue;
      std::string number = number_of(r->body);
      if (conn.call(submitted[std::size_t(t)], "POST",
                    "/api/v1/services/cases/" + number + "/submit", citizen, "{}", 200)) {
        numbers[std::size_t(i)] = std::move(number);
      }
    }
  });
  const std::string submit_cpu_text = submit_cpu.report(submit_seconds);
  Tally file_all, submit_all;
  for (auto& t : filed)
    file_all.merge(std::move(t));
  for (auto& t : submitted)
    submit_all.merge(std::move(t));
  const double submissions_rate = double(submit_all.ok) / submit_seconds;
  const Stats file_stats = stats_of(file_all.ms), submit_stats = stats_of(submit_all.ms);
  fmt::print(
      "submissions: {} cases submitted in {:.2f} s: {} cases/s ({} requests/s)\n"
      "  file:   {} ok, {} 409, {} errors; p50 {:.2f} ms, p99 {:.2f} ms, max {:.1f} ms\n"
      "  submit: {} ok, {} 409, {} errors; p50 {:.2f} ms, p99 {:.2f} ms, max {:.1f} ms\n  {}\n",
      submit_all.ok, submit_seconds, thousands(submissions_rate),
      thousands(double(file_all.ok + submit_all.ok) / submit_seconds), file_all.ok,
      file_all.conflicts, file_all.errors, file_stats.p50, file_stats.p99, file_stats.max,
      submit_all.ok, submit_all.conflicts, submit_all.errors, submit_stats.p50, submit_stats.p99,
      submit_stats.max, submit_cpu_text);
  for (const auto& s : file_all.samples)
    fmt::print("  error: {}\n", s);
  for (const auto& s : submit_all.samples)
    fmt::print("  error: {}\n", s);
  std::fflush(stdout);

  // --- transitions: accept, claim + complete ×2, decide, conclude, deliver
  struct Kind {
    const char* name;
    std::vector<Tally> tallies;
  };
  std::vector<Kind> kinds = {{"accept", {}}, {"claim", {}},    {"complete", {}},
                             {"decide", {}}, {"conclude", {}}, {"deliver", {}}};
  for (auto& k : kinds)
    k.tallies.resize(std::size_t(connections));
  enum { kAccept, kClaim, kComplete, kDecide, kConclude, kDeliver };
  std::atomic<std::int64_t> delivered{0};
  fmt::print(
      "\ntransitions: each submitted case through accept, claim, complete, claim, complete, "
      "decide, conclude, deliver …\n");
  std::fflush(stdout);
  const CpuMeter transition_cpu(pid);
  const double transition_seconds = run_threads(connections, port, [&](int t, Connection& conn) {
    const std::string& officer = a.officers[std::size_t(t) % a.officers.size()];
    const std::string& clerk = a.clerks[std::size_t(t) % a.clerks.size()];
    auto tally = [&](int kind) -> Tally& {
      return kinds[std::size_t(kind)].tallies[std::size_t(t)];
    };
    for (std::int64_t i = t; i < cases; i += connections) {
      const std::string& number = numbers[std::size_t(i)];
      if (number.empty()) continue;
      const std::string base = "/api/v1/services/cases/" + number;
      auto r = conn.call(tally(kAccept), "POST", base + "/accept", clerk,
                         R"({"reason":"材料齐全"})", 200);
      bool ok = r.has_value();
      for (int step = 0; ok && step < 2; ++step) {
        const std::int64_t id = waiting_step(r->body);
        const std::string s = fmt::format("{}/steps/{}", base, id);
        ok = conn.call(tally(kClaim), "POST", s + "/claim", officer, "", 200).has_value();
        if (ok) {
          r = conn.call(tally(kComplete), "POST", s + "/complete", officer,
                        R"({"approve":true,"opinion":"同意"})", 200);
          ok = r.has_value();
        }
      }
      ok = ok &&
           conn.call(tally(kDecide), "POST", base + "/decide", officer,
                     R"({"decision":"approve","reason":"符合条件","result_text":"准予"})", 200);
      ok = ok && conn.call(tally(kConclude), "POST", base + "/conclude", officer, "{}", 200);
      ok = ok && conn.call(tally(kDeliver), "POST", base + "/deliver", clerk,
                           R"({"method":"window"})", 200);
      if (ok) ++delivered;
    }
  });
  const std::string transition_cpu_text = transition_cpu.report(transition_seconds);
  Tally transitions_all;
  fmt::print("transitions by kind:\n");
  for (auto& k : kinds) {
    Tally all;
    for (auto& t : k.tallies)
      all.merge(std::move(t));
    const Stats s = stats_of(all.ms);
    fmt::print(
        "  {:<9} {:>8} ok, {:>4} 409, {:>4} errors; p50 {:6.2f} ms, p99 {:6.2f} ms, max "
        "{:6.1f} ms\n",
        k.name, all.ok, all.conflicts, all.errors, s.p50, s.p99, s.max);
    for (const auto& e : all.samples)
      fmt::print("    error: {}\n", e);
    transitions_all.merge(std::move(all));
  }
  const double transitions_rate = double(transitions_all.ok) / transition_seconds;
  const Stats transition_stats = stats_of(transitions_all.ms);
  fmt::print(
      "transitions: {} in {:.2f} s: {} transitions/s; {} cases delivered; 409: {}, errors: {}; "
      "p50 {:.2f} ms, p99 {:.2f} ms\n  {}\n",
      transitions_all.ok, transition_seconds, thousands(transitions_rate), delivered.load(),
      transitions_all.conflicts, transitions_all.errors, transition_stats.p50, transition_stats.p99,
      transition_cpu_text);
  std::fflush(stdout);

  // --- 1 M cases
  std::optional<SeedResult> seeded;
  if (seed_cases_count > 0) {
    fmt::print("\nseeding {} cases through services' store functions, {} a transaction …\n",
               seed_cases_count, seed_batch);
    std::fflush(stdout);
    auto s =
        seed_cases(server->dir() / "zhengtong.toml", pid, a, seed_cases_count, seed_batch, items);
    if (!s.ok()) return fail("seeding: " + s.error().detail + " (" + s.error().code + ")");
    seeded = std::move(s).value();
    std::string states;
    for (const auto& [state, n] : seeded->states)
      states += fmt::format(" {} {},", state, n);
    fmt::print("seeded: {} cases in {:.1f} s ({:.0f} cases/s), {} events, {} step rows;{}\n  {}\n",
               seed_cases_count, seeded->seconds, double(seed_cases_count) / seeded->seconds,
               seeded->events, seeded->steps, states, seeded->cpu);
    std::fflush(stdout);
  }
  const std::int64_t total_cases = cases + seed_cases_count;

  // --- worklists
  const auto today = core::china_date(std::chrono::system_clock::now());
  std::vector<std::string> dates;  // due_before: from 10 days ago to 10 days ahead
  for (int d = -10; d <= 10; ++d) {
    dates.push_back(
        iso_date(std::chrono::year_month_day{std::chrono::sys_days(today) + std::chrono::days(d)}));
  }
  const std::string& officer = a.officers[0];
  const std::string& clerk = a.clerks[0];
  std::vector<Variant> variants = {
      {"department", "/api/v1/services/worklists/department?limit=50", false, false, &officer},
      {"department ?item=", "/api/v1/services/worklists/department?limit=50", true, false,
       &officer},
      {"department ?state=in_review",
       "/api/v1/services/worklists/department?limit=50&state=in_review", false, false, &officer},
      {"department ?due_before=", "/api/v1/services/worklists/department?limit=50", false, true,
       &officer},
      {"department ?item=&due_before=", "/api/v1/services/worklists/department?limit=50", true,
       true, &officer},
      {"window", "/api/v1/services/worklists/window?limit=50", false, false, &clerk},
      {"window ?item=", "/api/v1/services/worklists/window?limit=50", true, false, &clerk},
      {"window ?state=correction", "/api/v1/services/worklists/window?limit=50&state=correction",
       false, false, &clerk},
      {"window ?state=in_review&due_before=",
       "/api/v1/services/worklists/window?limit=50&state=in_review", false, true, &clerk},
      {"window ?item=&state=deciding", "/api/v1/services/worklists/window?limit=50&state=deciding",
       true, false, &clerk},
  };
  fmt::print(
      "\nworklists: {} cases in the database; {} requests per variant, one connection, "
      "item and due_before rotating over {} items and {} days\n",
      total_cases, worklist_runs, items.size(), dates.size());
  std::fflush(stdout);
  std::vector<double> department_ms, window_ms;
  {
    Connection conn(port);
    for (Variant& v : variants) {
      Tally tally;
      for (int r = 0; r < worklist_runs + 5; ++r) {  // 5 unmeasured warm-up requests
        std::string target = v.path;
        if (v.by_item) target += "&item=" + items[std::size_t(r) % items.size()].code;
        if (v.by_due) target += "&due_before=" + dates[std::size_t(r) % dates.size()];
        Tally& into = tally;
        const std::size_t before = into.ms.size();
        auto answer = conn.call(into, "GET", target, *v.token, "", 200);
        if (r < 5) {
          into.ms.resize(before);
          continue;
        }
        if (answer) {
          const json::value body = answer->json();
          const json::value* list =
              body.is_object() ? body.as_object().if_contains("items") : nullptr;
          v.rows = list && list->is_array() ? std::int64_t(list->as_array().size()) : -1;
        }
      }
      v.errors = tally.errors + tally.conflicts;
      v.stats = stats_of(tally.ms);
      auto& all = v.path.find("/department") != std::string::npos ? department_ms : window_ms;
      all.insert(all.end(), tally.ms.begin(), tally.ms.end());
      fmt::print("  {:<38} p50 {:7.2f} ms  p99 {:7.2f} ms  max {:7.2f} ms  rows {:>3}  errors {}\n",
                 v.label, v.stats.p50, v.stats.p99, v.stats.max, v.rows, v.errors);
      for (const auto& e : tally.samples)
        fmt::print("    error: {}\n", e);
      std::fflush(stdout);
    }
  }
  const Stats department_all = stats_of(department_ms), window_all = stats_of(window_ms);

  // --- the table
  const double ratio = transitions_rate / ingest_rate;
  fmt::print(
      "\nresults ({} connections, SQLite, {} cases over HTTP, {} in the database for the "
      "worklists)\n",
      connections, cases, total_cases);
  fmt::print("{:<44} {:>14} {:>12} {:>7}\n", "measure", "value", "goal", "result");
  auto row = [](std::string_view what, std::string value, std::string goal, std::string result) {
    fmt::print("{:<44} {:>14} {:>12} {:>7}\n", what, value, goal, result);
  };
  row("case submissions/s (file + submit)", thousands(submissions_rate), "", "");
  row("transitions/s (8 kinds, each one POST)", thousands(transitions_rate),
      fmt::format(">= {}", thousands(kGoalTransitions)),
      transitions_rate >= kGoalTransitions ? "PASS" : "FAIL");
  row("  transition p50 / p99 (ms)",
      fmt::format("{:.2f} / {:.2f}", transition_stats.p50, transition_stats.p99), "", "");
  row("  errors (409 apart)",
      fmt::format("{} ({})", transitions_all.errors + file_all.errors + submit_all.errors,
                  transitions_all.conflicts + file_all.conflicts + submit_all.conflicts),
      "0", transitions_all.errors + file_all.errors + submit_all.errors == 0 ? "PASS" : "FAIL");
  row("ingest rows/s (one NDJSON POST)", thousands(ingest_rate), "", "");
  row("transitions/s : ingest rows/s", fmt::format("{:.4f}", ratio), "", "");
  auto p99_row = [&](std::string_view what, const Stats& s) {
    row(what, fmt::format("{:.2f} ms", s.p99), fmt::format("< {:.0f} ms", kGoalWorklistP99Ms),
        s.p99 < kGoalWorklistP99Ms ? "PASS" : "FAIL");
  };
  p99_row(fmt::format("department worklist p99 at {} cases", thousands(double(total_cases))),
          department_all);
  p99_row(fmt::format("window worklist p99 at {} cases", thousands(double(total_cases))),
          window_all);
  fmt::print(
      "reference (the issue): Camunda 8's own reference benchmark, about 100 tasks/s in its "
      "reference set-up.\n");
  fmt::print("load average at end: {}\n", load_average());
  if (!keep_db.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(keep_db, ec);
    for (const char* suffix : {"", "-wal"}) {
      const std::filesystem::path from = server->dir() / (std::string("zt.db") + suffix);
      if (std::filesystem::exists(from)) {
        std::filesystem::copy_file(from, std::filesystem::path(keep_db) / from.filename(),
                                   std::filesystem::copy_options::overwrite_existing, ec);
      }
    }
    fmt::print("database copied to {}{}\n", keep_db, ec ? " (failed: " + ec.message() + ")" : "");
  }
  return 0;
}

}  // namespace
}  // namespace zt::bench

int main(int argc, char** argv) {
  return zt::bench::run(argc, argv);
}
