// Ingest and the change feed over real HTTP, on both databases: NDJSON and CSV (GBK among them)
// with good and bad rows and exact counts, all_or_nothing, Idempotency-Key, updates and deletes,
// the change feed read from a cursor, who may ingest, and a server killed mid-upload.
#include "integration/hub_test.h"
#include "support/identifiers.h"

#include <iconv.h>

#include <map>
#include <set>
#include <thread>

namespace zt::test {
namespace {

namespace json = boost::json;

const std::string kCode = "330300-GA-0001";
const std::string kRecords = "/api/v1/resources/" + kCode + "/records";
const std::string kChanges = "/api/v1/resources/" + kCode + "/changes";

// The same with a wrong check character.
std::string bad_id_number(std::string_view birth, int n) {
  std::string id = id_number(birth, n);
  id.back() = id.back() == '0' ? '1' : '0';
  return id;
}

std::string person(const std::string& id, const std::string& name, const char* gender,
                   const std::string& address = "浙江省温州市鹿城区五马街道1号") {
  return json::serialize(json::object{
             {"id_number", id},
             {"name", name},
             {"gender", gender},
             {"birth_date", id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2)},
             {"address", address},
             {"division_code", "330302"},
             {"phone", "13857712345"},
             {"registered_at", "2024-03-01T09:30:00+08:00"},
             {"household_size", 3},
             {"income", json::value(1)}}) +
         "\n";
}

std::string to_gbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GBK", "UTF-8");
  std::string in = utf8, out(utf8.size() * 2 + 16, '\0');
  char* src = in.data();
  char* dst = out.data();
  std::size_t left = in.size(), room = out.size();
  iconv(cd, &src, &left, &dst, &room);
  iconv_close(cd);
  out.resize(out.size() - room);
  return out;
}

class IngestTest : public HubTest {
 protected:
  bool open() {
    if (!open_city()) return false;
    return publish(population(kCode), ga_admin_);
  }

  std::optional<HttpResponse> upload(const std::string& body, const std::string& token,
                                     const std::string& query = "",
                                     std::string type = "application/x-ndjson",
                                     Headers extra = {}) {
    extra.emplace_back("Content-Type", type);
    return city().send("POST", kRecords + query, token, body, extra);
  }

  // The whole change feed after `after`, read `page` changes at a time.
  std::vector<json::value> feed(std::int64_t after, int page) {
    std::vector<json::value> out;
    for (int guard = 0; guard < 10000; ++guard) {
      auto r = city().call("GET", fmt::format("{}?after={}&limit={}", kChanges, after, page),
                           ga_officer_);
      EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no response");
      if (!r || r->status != 200) break;
      const json::value body = r->json();
      const auto& items = body.at("items").as_array();
      for (const auto& c : items)
        out.push_back(c);
      const std::int64_t next = body.at("next_cursor").as_int64();
      if (items.empty()) {
        EXPECT_EQ(next, after);
        break;
      }
      after = next;
    }
    return out;
  }
};

json::object counts(const HttpResponse& r) {
  return r.json().at("counts").as_object();
}

TEST_F(IngestTest, NdjsonWithGoodAndBadRowsThenCsvUpdatesAndGbk) {
  ASSERT_TRUE(open());
  std::string body;
  body += person(id_number("19800101", 1), "张三", "男");
  body += person(id_number("19851231", 2), "李四", "女");
  body += person(bad_id_number("19900315", 3), "王五", "男");  // line 3: bad check character
  body += person(id_number("19920220", 4), "赵六", "未知");    // line 4: not an enum value
  body += "\n";                                                // line 5: blank, skipped
  body += R"({"id_number":")" + id_number("19700707", 5) +
          R"(","gender":"女"})"
          "\n";  // 6: no name
  body += R"({"id_number":")" + id_number("19700708", 6) +
          R"(","name":"钱七","nmae":"x"})"
          "\n";
  body += "{not json}\n";  // line 8
  body += person(id_number("20000229", 7), "孙八", "男");
  body += person(id_number("19800101", 1), "张三丰", "男");  // line 10: key repeated
  auto r = upload(body, ga_officer_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json::object c = counts(*r);
  EXPECT_EQ(c.at("rows"), 9);  // the blank line is not a row
  EXPECT_EQ(c.at("inserted"), 3);
  EXPECT_EQ(c.at("updated"), 0);
  EXPECT_EQ(c.at("rejected"), 6);
  const json::value report = r->json();
  EXPECT_EQ(report.at("status"), "completed");
  std::map<std::int64_t, std::string> reasons;
  for (const auto& rej : report.at("rejections").as_array()) {
    const auto& e = rej.at("errors").as_array().at(0);
    reasons[rej.at("line").as_int64()] =
        std::string(e.at("field").as_string()) + ":" + std::string(e.at("code").as_string());
  }
  EXPECT_EQ(reasons, (std::map<std::int64_t, std::string>{{3, "id_number:invalid_id_number"},
                                                          {4, "gender:not_in_enum"},
                                                          {6, "name:required"},
                                                          {7, "_row:unknown_field"},
                                                          {8, "_row:malformed_json"},
                                                          {10, "_key:duplicate_key"}}));
  // The kept report gives the same.
  const std::int64_t batch = report.at("batch_id").as_int64();
  auto kept =
      city().call("GET", fmt::format("/api/v1/resources/{}/batches/{}", kCode, batch), ga_admin_);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->json().at("counts"), report.at("counts"));
  auto rejected = city().call(
      "GET", fmt::format("/api/v1/resources/{}/batches/{}/rejections?after=4", kCode, batch),
      ga_admin_);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->json().at("items").as_array().size(), 4u);

  // CSV: one changed, one identical, one new row.
  std::string csv =
      "id_number,name,gender,birth_date,address,division_code,phone,registered_at,"
      "household_size,income\r\n";
  csv += id_number("19800101", 1) +
         ",张三,男,1980-01-01,\"浙江省温州市鹿城区五马街道2号, 东单元\",330302,13857712345,"
         "2024-03-01T09:30:00+08:00,3,1\r\n";
  csv += id_number("19851231", 2) +
         ",李四,女,19851231,浙江省温州市鹿城区五马街道1号,330302,13857712345,2024-03-01 "
         "09:30:00,3,1.0\r\n";
  csv += id_number("19950505", 8) + ",周九,女,1995-05-05,,330302,,,,\r\n";
  auto r2 = upload(csv, ga_officer_, "", "text/csv");
  ASSERT_TRUE(r2);
  ASSERT_EQ(r2->status, 200) << r2->body;
  c = counts(*r2);
  EXPECT_EQ(c.at("rows"), 3);
  EXPECT_EQ(c.at("updated"), 1) << r2->body;
  EXPECT_EQ(c.at("unchanged"), 1) << r2->body;
  EXPECT_EQ(c.at("inserted"), 1);
  EXPECT_EQ(c.at("rejected"), 0);

  // GBK, as department exports often are: one good row, one with a bad date.
  std::string gbk_csv = "id_number,name,gender,birth_date\n" + id_number("19880808", 9) +
                        ",吴十,男,1988-08-08\n" + id_number("19880809", 10) +
                        ",郑十一,女,1988-02-30\n";
  auto r3 = upload(to_gbk(gbk_csv), ga_officer_, "", "text/csv; charset=gbk");
  ASSERT_TRUE(r3);
  ASSERT_EQ(r3->status, 200) << r3->body;
  c = counts(*r3);
  EXPECT_EQ(c.at("inserted"), 1);
  EXPECT_EQ(c.at("rejected"), 1);
  EXPECT_EQ(r3->json().at("rejections").at(0).at("line"), 3);
  EXPECT_EQ(r3->json().at("rejections").at(0).at("errors").at(0).at("code"), "invalid_date");
  // The name arrived as UTF-8.
  auto changes = feed(0, 100);
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.back().at("data").at("name"), "吴十");
  EXPECT_EQ(changes.back().at("op"), "insert");
  // Without charset=gbk the same bytes are not UTF-8: rejected, not stored garbled.
  auto r4 = upload(to_gbk(gbk_csv), ga_officer_, "", "text/csv");
  ASSERT_TRUE(r4);
  EXPECT_EQ(counts(*r4).at("rejected"), 2) << r4->body;
  EXPECT_EQ(r4->json().at("rejections").at(0).at("errors").at(0).at("code"), "invalid_encoding");

  // An unknown CSV column stops the upload before any row.
  EXPECT_TRUE(IsProblem(upload("id_number,nmae\n1,2\n", ga_officer_, "", "text/csv"), 400,
                        "unknown_field"));
  // Records stay as they were: 5 in all.
  auto quality = city().call("GET", "/api/v1/resources/" + kCode + "/quality", ga_admin_);
  ASSERT_TRUE(quality);
  ASSERT_EQ(quality->status, 200) << quality->body;
  EXPECT_EQ(quality->json().at("record_count"), 5);
  EXPECT_EQ(quality->json().at("duplicate_keys_30d"), 1);
  EXPECT_EQ(quality->json().at("stale"), false);
}

TEST_F(IngestTest, AllOrNothingRefusesABatchWithOneBadRow) {
  ASSERT_TRUE(open());
  std::string body = person(id_number("19800101", 1), "张三", "男") +
                     person(id_number("19800102", 2), "李四", "女") +
                     person(bad_id_number("19800103", 3), "王五", "男");
  auto r = upload(body, ga_officer_, "?mode=all_or_nothing");
  EXPECT_TRUE(IsProblem(r, 422, "batch_rejected"));
  ASSERT_TRUE(r);
  const json::value batch = r->json().at("batch");
  EXPECT_EQ(batch.at("status"), "rejected");
  EXPECT_EQ(batch.at("counts").at("rejected"), 1);
  EXPECT_EQ(batch.at("counts").at("inserted"), 0);
  EXPECT_EQ(batch.at("rejections").at(0).at("line"), 3);
  EXPECT_TRUE(feed(0, 100).empty());
  // Without the bad row it applies whole.
  auto ok = upload(body.substr(0, body.rfind('{')), ga_officer_, "?mode=all_or_nothing");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(counts(*ok).at("inserted"), 2);
  EXPECT_EQ(feed(0, 100).size(), 2u);
}

TEST_F(IngestTest, RetriedUploadWithTheSameIdempotencyKeyAppliesOnce) {
  ASSERT_TRUE(open());
  std::string body;
  for (int i = 0; i < 20; ++i)
    body += person(id_number("19900101", i), "张三", "男");
  auto first = upload(body, ga_officer_, "", "application/x-ndjson",
                      {{"Idempotency-Key", "upload-2026-11-30-001"}});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(counts(*first).at("inserted"), 20);
  EXPECT_FALSE(first->header("Idempotent-Replayed"));
  // The retry (the client did not see the answer) changes nothing and answers the same report.
  std::string changed = body;
  auto retry = upload(body, ga_officer_, "", "application/x-ndjson",
                      {{"Idempotency-Key", "upload-2026-11-30-001"}});
  ASSERT_TRUE(retry);
  ASSERT_EQ(retry->status, 200) << retry->body;
  EXPECT_EQ(retry->header("Idempotent-Replayed"), "true");
  EXPECT_EQ(retry->json().at("batch_id"), first->json().at("batch_id"));
  EXPECT_EQ(counts(*retry).at("inserted"), 20);
  EXPECT_EQ(feed(0, 100).size(), 20u);
  auto batches = city().call("GET", "/api/v1/resources/" + kCode + "/batches", ga_admin_);
  ASSERT_TRUE(batches);
  EXPECT_EQ(batches->json().at("items").as_array().size(), 1u);
  // Another key is another upload: all unchanged.
  auto other = upload(body, ga_officer_, "", "application/x-ndjson",
                      {{"Idempotency-Key", "upload-2026-11-30-002"}});
  ASSERT_TRUE(other);
  EXPECT_EQ(counts(*other).at("unchanged"), 20);
  EXPECT_TRUE(IsProblem(upload(body, ga_officer_, "", "application/x-ndjson",
                               {{"Idempotency-Key", std::string(300, 'k')}}),
                        400, "invalid_idempotency_key"));
}

// The same key with other rows is a client's mistake, not a retry: 422, and the new rows are not
// silently dropped as a replay would drop them.
TEST_F(IngestTest, TheSameIdempotencyKeyWithAnotherBodyIs422) {
  ASSERT_TRUE(open());
  std::string body;
  for (int i = 0; i < 5; ++i)
    body += person(id_number("19900101", i), "张三", "男");
  const Headers key{{"Idempotency-Key", "upload-2026-12-06-001"}};
  auto first = upload(body, ga_officer_, "", "application/x-ndjson", key);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const std::string more = body + person(id_number("19900101", 5), "李四", "女");
  EXPECT_TRUE(IsProblem(upload(more, ga_officer_, "", "application/x-ndjson", key), 422,
                        "idempotency_key_reused"));
  EXPECT_EQ(feed(0, 100).size(), 5u) << "nothing applied";
  // The same bytes again still replay.
  auto retry = upload(body, ga_officer_, "", "application/x-ndjson", key);
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 200) << retry->body;
  EXPECT_EQ(retry->header("Idempotent-Replayed"), "true");
}

TEST_F(IngestTest, UpdatesDeletesAndTheChangeFeedFromACursor) {
  ASSERT_TRUE(open());
  std::string body;
  for (int i = 0; i < 30; ++i)
    body += person(id_number("19900101", i), "张三", "男");
  auto r = upload(body, ga_officer_);
  ASSERT_TRUE(r && r->status == 200);
  // A consumer reads the first 12 and keeps its cursor.
  auto first = city().call("GET", kChanges + "?after=0&limit=12", ga_officer_);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const std::int64_t cursor = first->json().at("next_cursor").as_int64();
  EXPECT_EQ(cursor, 12);
  EXPECT_EQ(first->json().at("last_seq"), 30);

  // Meanwhile: 5 updated, 5 deleted, 1 unchanged, 1 delete of an unknown key.
  std::string second;
  for (int i = 0; i < 5; ++i)
    second += person(id_number("19900101", i), "张三", "男", "浙江省温州市瓯海区新桥街道8号");
  for (int i = 10; i < 15; ++i) {
    second += R"({"_op":"delete","id_number":")" + id_number("19900101", i) + "\"}\n";
  }
  second += person(id_number("19900101", 20), "张三", "男");
  second += R"({"_op":"delete","id_number":")" + id_number("19900101", 99) + "\"}\n";
  auto r2 = upload(second, ga_officer_);
  ASSERT_TRUE(r2);
  ASSERT_EQ(r2->status, 200) << r2->body;
  json::object c = counts(*r2);
  EXPECT_EQ(c.at("updated"), 5);
  EXPECT_EQ(c.at("deleted"), 5);
  EXPECT_EQ(c.at("unchanged"), 2);
  EXPECT_EQ(r2->json().at("first_seq"), 31);
  EXPECT_EQ(r2->json().at("last_seq"), 40);

  // From the cursor, in pages of 7: every change once, in order, nothing missed.
  auto rest = feed(cursor, 7);
  ASSERT_EQ(rest.size(), 28u);
  for (std::size_t i = 0; i < rest.size(); ++i) {
    EXPECT_EQ(rest[i].at("seq"), static_cast<std::int64_t>(cursor + 1 + i));
  }
  std::map<std::string, int> ops;
  for (const auto& ch : rest)
    ++ops[std::string(ch.at("op").as_string())];
  EXPECT_EQ(ops["insert"], 18);
  EXPECT_EQ(ops["update"], 5);
  EXPECT_EQ(ops["delete"], 5);
  const json::value& update = rest[18];
  EXPECT_EQ(update.at("seq"), 31);
  EXPECT_EQ(update.at("op"), "update");
  EXPECT_EQ(update.at("data").at("address"), "浙江省温州市瓯海区新桥街道8号");
  EXPECT_EQ(update.at("data").at("income"), 1);
  const json::value& deletion = rest[23];
  EXPECT_EQ(deletion.at("op"), "delete");
  EXPECT_EQ(deletion.at("data").as_object().size(), 1u);  // only the key
  EXPECT_EQ(deletion.at("data").at("id_number").as_string(), id_number("19900101", 10));
  // Past the end: empty, the cursor stays.
  auto end = city().call("GET", kChanges + "?after=40", ga_officer_);
  ASSERT_TRUE(end);
  EXPECT_TRUE(end->json().at("items").as_array().empty());
  EXPECT_EQ(end->json().at("next_cursor"), 40);
  EXPECT_TRUE(
      IsProblem(city().call("GET", kChanges + "?after=-1", ga_officer_), 400, "invalid_paging"));
  // Another department needs a grant (part 2); so does the data administrator (city-wide
  // scope opens no records).
  EXPECT_TRUE(IsProblem(city().call("GET", kChanges, mz_officer_), 403, "grant_required"));
  EXPECT_TRUE(
      IsProblem(city().call("GET", kChanges + "?limit=1", data_admin_), 403, "grant_required"));
}

TEST_F(IngestTest, OnlyTheProvidingDepartmentIngests) {
  ASSERT_TRUE(open());
  const std::string row = person(id_number("19800101", 1), "张三", "男");
  // Another department's staff, even its administrator with exchange.ingest: refused.
  EXPECT_TRUE(IsProblem(upload(row, mz_officer_), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(upload(row, mz_admin_), 403, "forbidden"));
  // A data administrator reads but does not ingest for a department.
  EXPECT_TRUE(IsProblem(upload(row, data_admin_), 403, "forbidden"));
  // No token: 401.
  EXPECT_TRUE(IsProblem(upload(row, ""), 401, "unauthenticated"));
  // The department's API client may.
  const std::string key = city().api_client("ga-hukou-sync", ga_, {"exchange.ingest"});
  ASSERT_FALSE(key.empty()) << city().error();
  auto by_client = city().send("POST", kRecords, "", row,
                               {{"Content-Type", "application/x-ndjson"}, {"X-API-Key", key}});
  ASSERT_TRUE(by_client);
  ASSERT_EQ(by_client->status, 200) << by_client->body;
  EXPECT_EQ(counts(*by_client).at("inserted"), 1);
  EXPECT_EQ(by_client->json().at("submitted_by").at("kind"), "api_client");
  // A draft takes no records; unknown resources are 404.
  json::object draft = population("330300-GA-0002");
  auto created = city().call("POST", "/api/v1/catalog/resources", ga_admin_, draft);
  ASSERT_TRUE(created && created->status == 201);
  EXPECT_TRUE(IsProblem(city().send("POST", "/api/v1/resources/330300-GA-0002/records", ga_officer_,
                                    row, {{"Content-Type", "application/x-ndjson"}}),
                        409, "resource_not_published"));
  EXPECT_TRUE(IsProblem(city().send("POST", "/api/v1/resources/330300-XX-0404/records", ga_officer_,
                                    row, {{"Content-Type", "application/x-ndjson"}}),
                        404, "resource_not_found"));
  EXPECT_TRUE(
      IsProblem(upload(row, ga_officer_, "", "application/json"), 415, "unsupported_media_type"));
}

// Uploads hold a worker thread while their body arrives: beyond half the workers they are
// refused, so other routes keep being served.
TEST_F(IngestTest, UploadsBeyondHalfTheWorkersAreRefused) {
  ASSERT_TRUE(open_city({.worker_threads = 2}));
  ASSERT_TRUE(publish(population(kCode), ga_admin_));
  const std::string row = person(id_number("19800101", 1), "张三", "男");
  std::string error;
  auto slow = HttpClient::connect(port(), error);
  ASSERT_TRUE(slow) << error;
  ASSERT_TRUE(slow->send(fmt::format(
      "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nContent-Type: "
      "application/x-ndjson\r\nContent-Length: {}\r\n\r\n",
      kRecords, ga_officer_, row.size() * 2)));
  ASSERT_TRUE(slow->send(row));  // half the body; the upload waits for the rest
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto refused = upload(row, ga_officer_);
  EXPECT_TRUE(IsProblem(refused, 503, "too_many_uploads"));
  // Other routes are served meanwhile.
  auto catalog = city().call("GET", "/api/v1/catalog/resources", ga_officer_);
  ASSERT_TRUE(catalog);
  EXPECT_EQ(catalog->status, 200);
  // The slow upload completes; then a new one is taken.
  ASSERT_TRUE(slow->send(person(id_number("19800102", 2), "李四", "女")));
  auto done = slow->read_response();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200) << done->body;
  auto next = upload(row, ga_officer_);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200) << next->body;
}

// SIGKILL in the middle of an upload: the batches acknowledged before are whole, and every
// record present is a whole row as sent.
TEST_F(IngestTest, KilledMidIngestKeepsAcknowledgedBatchesAndNoPartialRow) {
  ASSERT_TRUE(open());
  std::string acknowledged;
  std::map<std::string, std::string> sent;  // id_number → the name sent
  for (int d = 1; d <= 28; ++d) {
    for (int n = 0; n < 20; ++n) {
      const std::string id = id_number(fmt::format("199002{:02}", d), n);
      const std::string name = fmt::format("甲{}", d * 100 + n);
      acknowledged += person(id, name, "男");
      sent[id] = name;
    }
  }
  auto r = upload(acknowledged, ga_officer_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  ASSERT_EQ(counts(*r).at("inserted"), 560);

  // A large upload, sent in part: 40 000 rows of an announced 100 000.
  std::string big;
  std::size_t total_rows = 100'000, sent_rows = 40'000;
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < total_rows; ++i) {
    const std::string birth =
        fmt::format("19{:02}{:02}{:02}", 30 + i % 60, 1 + (i / 60) % 12, 1 + (i / 720) % 28);
    const std::string id = id_number(birth, static_cast<int>(i % 997));
    lines.push_back(person(id, fmt::format("乙{}", i), "女"));
  }
  std::size_t length = 0;
  for (const auto& l : lines)
    length += l.size();
  std::string error;
  auto client = HttpClient::connect(port(), error);
  ASSERT_TRUE(client) << error;
  ASSERT_TRUE(client->send(fmt::format(
      "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nContent-Type: "
      "application/x-ndjson\r\nContent-Length: {}\r\n\r\n",
      kRecords, ga_officer_, length)));
  // In bursts over about 4 s: a chunk commits every 65 536 rows or every 2 s of a slower upload.
  for (std::size_t i = 0; i < sent_rows; ++i) {
    ASSERT_TRUE(client->send(lines[i]));
    if (i % 5000 == 4999) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  // Wait until the server has committed some of it, then kill it.
  bool applied = false;
  for (int i = 0; i < 300 && !applied; ++i) {
    auto q = city().call("GET", "/api/v1/resources/" + kCode + "/quality", ga_admin_);
    applied = q && q->status == 200 && q->json().at("record_count").as_int64() > 560;
    if (!applied) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(applied) << "no chunk of the large upload was committed";
  server().kill_hard();
  ASSERT_TRUE(server().restart(error)) << error;
  city().set_port(port());

  // Every acknowledged row is there, unchanged; everything in the feed is a whole row.
  auto changes = feed(0, 1000);
  std::map<std::string, json::value> present;
  for (const auto& ch : changes) {
    ASSERT_EQ(ch.at("op"), "insert");
    const auto& data = ch.at("data").as_object();
    ASSERT_EQ(data.size(), 10u);
    for (const char* f : {"name", "gender", "birth_date", "address", "division_code", "phone",
                          "registered_at", "household_size", "income"}) {
      EXPECT_FALSE(data.at(f).is_null()) << f;
    }
    present[std::string(data.at("id_number").as_string())] = ch.at("data");
  }
  for (const auto& [id, name] : sent) {
    ASSERT_TRUE(present.count(id)) << id;
    EXPECT_EQ(present[id].at("name"), name.c_str());
  }
  EXPECT_GT(present.size(), 560u);
  EXPECT_LE(present.size(), 560u + sent_rows);
  // The record count agrees with the feed.
  auto q = city().call("GET", "/api/v1/resources/" + kCode + "/quality", ga_admin_);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->json().at("record_count").as_int64(), static_cast<std::int64_t>(present.size()));
}

// SIGKILL in the middle of an upload with an Idempotency-Key, then the retry at once: the
// restarted server knows the batch its dead process left running (interrupted, not running for
// two more minutes), so the retry runs under the same batch id instead of 409
// idempotency_key_in_use; its report counts every row as stored — what the dead run stored as
// unchanged — and only the key the body itself repeats is a duplicate_key.
TEST_F(IngestTest, RetryRightAfterAKillMidUploadRunsAndCountsEveryRowStored) {
  ASSERT_TRUE(open());
  const std::size_t total_rows = 60'000, sent_rows = 40'000;
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < total_rows; ++i) {
    const std::string birth =
        fmt::format("19{:02}{:02}{:02}", 30 + i % 60, 1 + (i / 60) % 12, 1 + (i / 720) % 28);
    lines.push_back(
        person(id_number(birth, static_cast<int>(i % 997)), fmt::format("丙{}", i), "男"));
  }
  // The last line repeats the first line's key: a duplicate within the body.
  lines.push_back(person(id_number("19300101", 0), "丙重复", "男"));
  std::string body;
  for (const auto& l : lines)
    body += l;
  const std::string key = "upload-2026-12-07-kill-9";

  std::string error;
  auto client = HttpClient::connect(port(), error);
  ASSERT_TRUE(client) << error;
  ASSERT_TRUE(client->send(fmt::format(
      "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\nContent-Type: "
      "application/x-ndjson\r\nIdempotency-Key: {}\r\nContent-Length: {}\r\n\r\n",
      kRecords, ga_officer_, key, body.size())));
  for (std::size_t i = 0; i < sent_rows; ++i) {
    ASSERT_TRUE(client->send(lines[i]));
    if (i % 5000 == 4999) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  auto record_count = [&] {
    auto q = city().call("GET", "/api/v1/resources/" + kCode + "/quality", ga_admin_);
    return q && q->status == 200 ? q->json().at("record_count").as_int64() : -1;
  };
  std::int64_t stored = 0;
  for (int i = 0; i < 300 && stored <= 0; ++i) {
    stored = record_count();
    if (stored <= 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GT(stored, 0) << "no chunk of the upload was committed";
  server().kill_hard();
  ASSERT_TRUE(server().restart(error)) << error;
  city().set_port(port());

  // At once, the batch shows as interrupted with what the dead run committed.
  stored = record_count();
  ASSERT_GT(stored, 0);
  ASSERT_LT(stored, static_cast<std::int64_t>(sent_rows));
  auto listed = city().call("GET", "/api/v1/resources/" + kCode + "/batches", ga_admin_);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  const json::value page = listed->json();
  const auto& items = page.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("status"), "interrupted");
  EXPECT_EQ(items[0].at("counts").at("inserted"), stored);

  // The retry with the same key and body runs now, under the same batch.
  auto retry = upload(body, ga_officer_, "", "application/x-ndjson", {{"Idempotency-Key", key}});
  ASSERT_TRUE(retry);
  ASSERT_EQ(retry->status, 200) << retry->body;
  EXPECT_FALSE(retry->header("Idempotent-Replayed"));
  const json::value report = retry->json();
  EXPECT_EQ(report.at("batch_id"), items[0].at("batch_id"));
  EXPECT_EQ(report.at("status"), "completed");
  const json::object c = counts(*retry);
  EXPECT_EQ(c.at("rows").as_int64(), static_cast<std::int64_t>(total_rows + 1));
  EXPECT_EQ(c.at("inserted").as_int64(), static_cast<std::int64_t>(total_rows) - stored);
  EXPECT_EQ(c.at("unchanged").as_int64(), stored);
  EXPECT_EQ(c.at("updated").as_int64(), 0);
  EXPECT_EQ(c.at("deleted").as_int64(), 0);
  EXPECT_EQ(c.at("rejected").as_int64(), 1);
  const auto& rejections = report.at("rejections").as_array();
  ASSERT_EQ(rejections.size(), 1u);
  EXPECT_EQ(rejections[0].at("line").as_int64(), static_cast<std::int64_t>(total_rows + 1));
  EXPECT_EQ(rejections[0].at("errors").at(0).at("code"), "duplicate_key");
  // The batch's changes, both runs', are one range from its first.
  EXPECT_EQ(report.at("first_seq").as_int64(), 1);
  EXPECT_EQ(report.at("last_seq").as_int64(), static_cast<std::int64_t>(total_rows));
  EXPECT_EQ(record_count(), static_cast<std::int64_t>(total_rows));
  // Answered again from now on.
  auto again = upload(body, ga_officer_, "", "application/x-ndjson", {{"Idempotency-Key", key}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(again->header("Idempotent-Replayed"), "true");
}

}  // namespace
}  // namespace zt::test
