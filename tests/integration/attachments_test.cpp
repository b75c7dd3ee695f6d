// The attachments of a case (办件附件) over real HTTP, on both databases: a PDF uploaded for a
// material, listed, downloaded with its name (RFC 5987) and its SM3 as ETag, the hash matching
// the bytes; a file whose content is not what it claims, or of no allowed type, 415; a body
// over [services] attachment_max_bytes 413 — refused before it is read when Content-Length says
// so — and nothing stored; submission refused while a required upload is missing (免提交 ones never
// asked for), accepted after; deletion by the uploader until submission; result files of the
// decision, seen by the applicant only once the decision references them; another department's
// officer and another citizen getting 404; and a second server process on the same PostgreSQL
// serving what the first stored.
#include "integration/documents.h"
#include "integration/hub_test.h"
#include "support/identifiers.h"

#include <openssl/evp.h>

namespace zt::test {
namespace {

namespace json = boost::json;

constexpr std::int64_t kLimit = 64 * 1024;  // the test servers' attachment_max_bytes

std::string sm3_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &n, EVP_sm3(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < n; ++i)
    hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

class AttachmentsTest : public HubTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(open_city({.attachment_max_bytes = kLimit}));
    auto zw = city().department("330300-ZW", "温州市政务服务中心");
    ASSERT_TRUE(zw);
    clerk_ = city().staff("clerk", *zw, {"window_clerk"});
    ASSERT_FALSE(clerk_.empty()) << city().error();
    zhang_ = citizen("zhangsan", id_number("19800101", 21));
    li_ = citizen("lisi", id_number("19850505", 22));
    json::object body{
        {"code", "MZ-DB-001"},
        {"name", "最低生活保障"},
        {"type", "benefit"},
        {"applicant", "person"},
        {"kind", "promised"},
        {"statutory_limit", 8},
        {"promised_limit", 5},
        {"purpose", "办理最低生活保障"},
        {"legal_basis", "《社会救助暂行办法》第九条"},
        {"channels", json::array{"online", "window"}},
        {"deliveries", json::array{"window"}},
        {"form",
         json::array{json::object{{"name", "name"}, {"label", "申请人姓名"}, {"type", "string"}}}},
        {"materials",
         json::array{
             json::object{{"name", "户口簿"},
                          {"required", true},
                          {"source", "registry"},
                          {"prefill", {{"resource", "DSJ-RK01"}, {"field", "address"}}}},
             json::object{{"name", "收入证明"}, {"required", true}, {"source", "upload"}},
             json::object{{"name", "其他材料"}, {"required", false}, {"source", "upload"}}}},
        {"steps",
         json::array{json::object{
             {"name", "审查"}, {"departments", json::array{mz_}}, {"share_percent", 100}}}}};
    expect(city().call("POST", "/api/v1/services/items", mz_admin_, body), 201);
    expect(city().call("POST", "/api/v1/services/items/MZ-DB-001/publish", mz_admin_));
  }

  // A draft of 张三's (or `token`'s); its number.
  std::string draft(const std::string& token) {
    json::value c =
        expect(city().call("POST", "/api/v1/services/cases", token,
                           json::object{{"item_code", "MZ-DB-001"}, {"form", {{"name", "张三"}}}}),
               201);
    return c.is_object() ? std::string(c.at("number").as_string()) : "";
  }

  std::string base(const std::string& number) {
    return "/api/v1/services/cases/" + number + "/attachments";
  }
  std::optional<HttpResponse> upload(const std::string& number, const std::string& token,
                                     std::string_view bytes, std::string_view type,
                                     const std::string& file_name,
                                     const std::string& query = "material=" +
                                                                percent_encode("收入证明")) {
    return city().send("POST",
                       base(number) + "?" + query + "&file_name=" + percent_encode(file_name),
                       token, bytes, {{"Content-Type", std::string(type)}});
  }
  std::optional<HttpResponse> act(const std::string& number, const std::string& action,
                                  const std::string& token, json::object body = {}) {
    return city().call("POST", "/api/v1/services/cases/" + number + "/" + action, token, body);
  }
  std::size_t listed(const std::string& number, const std::string& token) {
    json::value page = expect(city().call("GET", base(number), token));
    return page.is_object() ? page.at("items").as_array().size() : 99u;
  }
  std::size_t audited(const std::string& action) {
    auto r =
        city().call("GET", "/api/v1/audit/records?limit=200&action=" + action, city().auditadmin());
    return r && r->status == 200 ? r->json().at("items").as_array().size() : 999u;
  }

  std::string clerk_, zhang_, li_;
};

TEST_F(AttachmentsTest, APdfIsStoredWithItsHashAndARequiredUploadGatesTheSubmission) {
  const std::string number = draft(zhang_);
  // Nothing uploaded: the submission names the missing upload, not the 免提交 material.
  auto refused = act(number, "submit", zhang_);
  EXPECT_TRUE(IsProblem(refused, 422, "materials_missing"));
  EXPECT_NE(refused->body.find("收入证明"), std::string::npos) << refused->body;
  EXPECT_EQ(refused->body.find("户口簿"), std::string::npos) << refused->body;
  EXPECT_EQ(refused->body.find("其他材料"), std::string::npos) << refused->body;

  const std::string pdf = tiny_pdf("income 2026");
  json::value a = expect(upload(number, zhang_, pdf, "application/pdf", "收入证明.pdf"), 201);
  ASSERT_TRUE(a.is_object());
  EXPECT_EQ(a.at("kind"), "material");
  EXPECT_EQ(a.at("material"), "收入证明");
  EXPECT_EQ(a.at("file_name"), "收入证明.pdf");
  EXPECT_EQ(a.at("content_type"), "application/pdf");
  EXPECT_EQ(a.at("size"), std::int64_t(pdf.size()));
  EXPECT_EQ(a.at("sm3"), json::value(sm3_hex(pdf)));
  EXPECT_TRUE(a.at("submitted_at").is_null());
  const std::int64_t id = a.at("id").as_int64();

  // Downloaded as stored: the bytes, the type, the Chinese name, ETag = SM3; 304 for that ETag.
  auto got = city().call("GET", fmt::format("{}/{}", base(number), id), zhang_);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  EXPECT_EQ(got->body, pdf);
  EXPECT_EQ(got->header("Content-Type"), "application/pdf");
  EXPECT_EQ(got->header("ETag"), "\"" + sm3_hex(pdf) + "\"");
  EXPECT_EQ(got->header("Content-Disposition"),
            "attachment; filename=\"____.pdf\"; "
            "filename*=UTF-8''%E6%94%B6%E5%85%A5%E8%AF%81%E6%98%8E.pdf");
  EXPECT_EQ(got->header("X-Content-Type-Options"), "nosniff");
  auto same = city().call("GET", fmt::format("{}/{}", base(number), id), zhang_, {},
                          {{"If-None-Match", "\"" + sm3_hex(pdf) + "\""}});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 304);
  EXPECT_TRUE(
      IsProblem(city().call("GET", base(number) + "/99999", zhang_), 404, "attachment_not_found"));

  // Content that is not what it claims, content of no allowed type, a type not allowed: 415.
  EXPECT_TRUE(IsProblem(upload(number, zhang_, png_head(), "application/pdf", "x.pdf"), 415,
                        "attachment_type_mismatch"));
  EXPECT_TRUE(IsProblem(upload(number, zhang_, "just some text", "application/pdf", "x.pdf"), 415,
                        "unsupported_attachment_type"));
  EXPECT_TRUE(IsProblem(upload(number, zhang_, "just some text", "text/plain", "x.txt"), 415,
                        "unsupported_attachment_type"));
  EXPECT_TRUE(
      IsProblem(upload(number, zhang_, "", "application/pdf", "x.pdf"), 400, "invalid_attachment"));
  // Materials the item does not ask to upload; a bad file name.
  EXPECT_TRUE(IsProblem(upload(number, zhang_, pdf, "application/pdf", "a.pdf",
                               "material=" + percent_encode("户口簿")),
                        400, "invalid_attachment"));
  EXPECT_TRUE(IsProblem(upload(number, zhang_, pdf, "application/pdf", "a.pdf", "material=x"), 400,
                        "invalid_attachment"));
  EXPECT_TRUE(IsProblem(upload(number, zhang_, pdf, "application/pdf", "../a.pdf"), 400,
                        "invalid_attachment"));
  EXPECT_TRUE(IsProblem(upload(number, zhang_, pdf, "application/pdf", "a.pdf", "kind=receipt"),
                        400, "invalid_attachment"));

  // Too large: refused from Content-Length before the body is read, and chunked once the limit
  // is passed; nothing stored either way.
  {
    auto client = connect();
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->send(fmt::format(
        "POST {}?material={}&file_name=big.pdf HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
        "Bearer {}\r\nContent-Type: application/pdf\r\nContent-Length: {}\r\n\r\n%PDF-",
        base(number), percent_encode("收入证明"), zhang_, 50 * 1024 * 1024)));
    auto r = client->read_response();  // without sending the 50 MiB
    EXPECT_TRUE(IsProblem(r, 413, "attachment_too_large"));
  }
  {
    auto client = connect();
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->send(fmt::format(
        "POST {}?material={}&file_name=big.pdf HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
        "Bearer {}\r\nContent-Type: application/pdf\r\nTransfer-Encoding: chunked\r\n\r\n",
        base(number), percent_encode("收入证明"), zhang_)));
    const std::string chunk = "%PDF-" + std::string(16 * 1024 - 5, 'x');
    for (int i = 0; i < 6 && client->send(fmt::format("{:x}\r\n{}\r\n", chunk.size(), chunk));
         ++i) {
    }
    EXPECT_TRUE(IsProblem(client->read_response(), 413, "attachment_too_large"));
  }
  // A file of exactly the limit is taken.
  const std::string full = "%PDF-" + std::string(kLimit - 5, 'x');
  json::value whole = expect(upload(number, zhang_, full, "application/octet-stream", "full.pdf",
                                    "material=" + percent_encode("其他材料")),
                             201);
  EXPECT_EQ(whole.at("content_type"), "application/pdf");
  EXPECT_EQ(listed(number, zhang_), 2u);
  EXPECT_EQ(audited("services.attachment.upload"), 2u);

  // application/octet-stream: the content decides. Deleted by its uploader before submission.
  json::value png = expect(upload(number, zhang_, png_head(), "application/octet-stream",
                                  "照片.png", "material=" + percent_encode("其他材料")),
                           201);
  EXPECT_EQ(png.at("content_type"), "image/png");
  EXPECT_EQ(city()
                .call("DELETE", fmt::format("{}/{}", base(number), png.at("id").as_int64()), zhang_)
                ->status,
            204);
  EXPECT_EQ(listed(number, zhang_), 2u);
  EXPECT_EQ(audited("services.attachment.delete"), 1u);

  // Now it submits; the materials are submitted with it and stay.
  json::value submitted = expect(act(number, "submit", zhang_));
  EXPECT_EQ(submitted.at("state"), "submitted");
  json::value page = expect(city().call("GET", base(number), zhang_));
  EXPECT_EQ(page.at("max_bytes"), kLimit);  // [services] attachment_max_bytes, for the page
  EXPECT_EQ(page.at("content_types"),
            (json::array{"application/pdf", "image/jpeg", "image/png", "application/ofd"}));
  for (const json::value& item : page.at("items").as_array())
    EXPECT_TRUE(item.at("submitted_at").is_string()) << item;
  EXPECT_TRUE(IsProblem(city().call("DELETE", fmt::format("{}/{}", base(number), id), zhang_), 409,
                        "attachment_submitted"));
  EXPECT_TRUE(IsProblem(upload(number, zhang_, pdf, "application/pdf", "late.pdf"), 409,
                        "invalid_transition"));
  // The audit records name the case, the material and the hash.
  auto records = city().call("GET", "/api/v1/audit/records?action=services.attachment.upload",
                             city().auditadmin());
  ASSERT_TRUE(records && records->status == 200);
  const json::value first = records->json().at("items").as_array().back();
  EXPECT_EQ(first.at("object_id"), json::value(number));
  EXPECT_EQ(first.at("actor_name"), "zhangsan");
  EXPECT_NE(json::serialize(first.at("detail")).find(sm3_hex(pdf)), std::string::npos) << first;
}

TEST_F(AttachmentsTest, OnlyThoseWhoSeeTheCaseSeeItsFiles) {
  const std::string number = draft(zhang_);
  const std::string pdf = tiny_pdf("income");
  json::value a = expect(upload(number, zhang_, pdf, "application/pdf", "收入证明.pdf"), 201);
  const std::string one = fmt::format("{}/{}", base(number), a.at("id").as_int64());
  // A draft: nobody but its applicant, not even the window.
  EXPECT_TRUE(IsProblem(city().call("GET", base(number), clerk_), 404, "case_not_found"));
  expect(act(number, "submit", zhang_));
  for (const std::string* other : {&li_, &ga_officer_}) {
    EXPECT_TRUE(IsProblem(city().call("GET", base(number), *other), 404, "case_not_found"));
    EXPECT_TRUE(IsProblem(city().call("GET", one, *other), 404, "case_not_found"));
    EXPECT_TRUE(IsProblem(city().call("DELETE", one, *other), 404, "case_not_found"));
    EXPECT_TRUE(
        IsProblem(upload(number, *other, pdf, "application/pdf", "x.pdf"), 404, "case_not_found"));
  }
  // The window and the item's department read it.
  for (const std::string* reader : {&clerk_, &mz_officer_}) {
    auto got = city().call("GET", one, *reader);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, 200);
    EXPECT_EQ(got->body, pdf);
    EXPECT_EQ(listed(number, *reader), 1u);
  }
  // A window case: the clerk uploads the applicant's papers and submits them.
  json::value at_window =
      expect(city().call(
                 "POST", "/api/v1/services/cases", clerk_,
                 json::object{
                     {"item_code", "MZ-DB-001"},
                     {"applicant",
                      {{"kind", "person"}, {"name", "lisi"}, {"key", id_number("19850505", 22)}}}}),
             201);
  const std::string by_window(at_window.at("number").as_string());
  EXPECT_TRUE(IsProblem(act(by_window, "submit", clerk_), 422, "materials_missing"));
  expect(upload(by_window, clerk_, pdf, "application/pdf", "扫描件.pdf"), 201);
  expect(act(by_window, "submit", clerk_));
  EXPECT_EQ(listed(by_window, li_), 1u);  // 李四 sees the papers of their own case
  EXPECT_TRUE(IsProblem(city().call("GET", base(by_window), zhang_), 404, "case_not_found"));
}

TEST_F(AttachmentsTest, CorrectionsAddScansAndTheDecisionGivesTheApplicantItsResultFiles) {
  const std::string number = draft(zhang_);
  const std::string pdf = tiny_pdf("income");
  expect(upload(number, zhang_, pdf, "application/pdf", "收入证明.pdf"), 201);
  expect(act(number, "submit", zhang_));
  expect(act(number, "request-correction", clerk_,
             {{"reason", "不清晰"}, {"missing", json::array{"收入证明（重新扫描）"}}}));
  // In 补正 a clearer scan is added; answering submits it.
  json::value rescan = expect(
      upload(number, zhang_, tiny_pdf("income, clearer"), "application/pdf", "重扫.pdf"), 201);
  EXPECT_TRUE(rescan.at("submitted_at").is_null());
  expect(act(number, "answer-correction", zhang_));
  json::value page = expect(city().call("GET", base(number), zhang_));
  ASSERT_EQ(page.at("items").as_array().size(), 2u);
  EXPECT_TRUE(page.at("items").at(1).at("submitted_at").is_string());

  expect(act(number, "accept", clerk_));
  json::value c = expect(city().call("GET", "/api/v1/services/cases/" + number, mz_officer_));
  const std::int64_t step = c.at("steps").at(0).at("id").as_int64();
  const std::string steps = fmt::format("/api/v1/services/cases/{}/steps/{}", number, step);
  expect(city().call("POST", steps + "/claim", mz_officer_));
  // Result files only while deciding.
  EXPECT_TRUE(
      IsProblem(upload(number, mz_officer_, pdf, "application/pdf", "决定书.pdf", "kind=result"),
                409, "invalid_transition"));
  expect(city().call("POST", steps + "/complete", mz_officer_,
                     json::object{{"approve", true}, {"opinion", "同意"}}));

  const std::string letter = tiny_pdf("decision letter");
  json::value result = expect(
      upload(number, mz_officer_, letter, "application/pdf", "准予决定书.pdf", "kind=result"), 201);
  ASSERT_TRUE(result.is_object());
  EXPECT_EQ(result.at("kind"), "result");
  EXPECT_TRUE(result.at("material").is_null());
  const std::string one = fmt::format("{}/{}", base(number), result.at("id").as_int64());
  // Not the applicant's to upload or, before the decision, to see; nor materials now.
  EXPECT_TRUE(IsProblem(upload(number, zhang_, letter, "application/pdf", "x.pdf", "kind=result"),
                        403, "forbidden"));
  EXPECT_TRUE(IsProblem(upload(number, zhang_, letter, "application/pdf", "x.pdf"), 409,
                        "invalid_transition"));
  EXPECT_TRUE(IsProblem(city().call("GET", one, zhang_), 404, "attachment_not_found"));
  EXPECT_EQ(listed(number, zhang_), 2u);
  EXPECT_EQ(listed(number, mz_officer_), 3u);

  // The decision references it (an id that is no result file of this case: 400).
  EXPECT_TRUE(IsProblem(act(number, "decide", mz_officer_,
                            {{"decision", "approve"},
                             {"reason", "符合条件"},
                             {"attachments", json::array{page.at("items").at(0).at("id")}}}),
                        400, "invalid_body"));
  json::value decided = expect(act(number, "decide", mz_officer_,
                                   {{"decision", "approve"},
                                    {"reason", "符合条件"},
                                    {"result_text", "准予"},
                                    {"attachments", json::array{result.at("id")}}}));
  EXPECT_EQ(decided.at("state"), "decided");
  EXPECT_EQ(decided.at("events").as_array().back().at("detail").at("attachments"),
            (json::array{result.at("id")}));
  auto got = city().call("GET", one, zhang_);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, letter);
  EXPECT_EQ(listed(number, zhang_), 3u);
  EXPECT_TRUE(IsProblem(city().call("DELETE", one, mz_officer_), 409, "attachment_submitted"));
}

TEST_F(AttachmentsTest, ASecondNodeOnTheSameDatabaseServesWhatTheFirstStored) {
  const char* kind = std::getenv("ZT_TEST_DATABASE_URL");
  if (kind == nullptr || std::string_view(kind).rfind("postgres", 0) != 0) {
    GTEST_SKIP() << "several nodes share one PostgreSQL; SQLite is one process's";
  }
  const std::string number = draft(zhang_);
  const std::string pdf = tiny_pdf("stored on node one");
  json::value a = expect(upload(number, zhang_, pdf, "application/pdf", "收入证明.pdf"), 201);
  ASSERT_TRUE(a.is_object());

  std::string error;
  auto second = ServerProcess::start({.attachment_max_bytes = kLimit, .node_of = &server()}, error);
  ASSERT_TRUE(second) << error;
  ASSERT_NE(second->port(), port());
  // The same session (sessions live in the database), the same bytes and hash from node two.
  auto got = zt::test::fetch(second->port(), "GET",
                             fmt::format("{}/{}", base(number), a.at("id").as_int64()), error,
                             {{"Authorization", "Bearer " + zhang_}});
  ASSERT_TRUE(got) << error;
  ASSERT_EQ(got->status, 200) << got->body;
  EXPECT_EQ(got->body, pdf);
  EXPECT_EQ(got->header("ETag"), "\"" + sm3_hex(pdf) + "\"");
  // And what node two stores, node one serves.
  const std::string more = tiny_pdf("stored on node two");
  auto up = zt::test::fetch(
      second->port(), "POST",
      base(number) + "?material=" + percent_encode("其他材料") + "&file_name=b.pdf", error,
      {{"Authorization", "Bearer " + zhang_}, {"Content-Type", "application/pdf"}}, more);
  ASSERT_TRUE(up) << error;
  ASSERT_EQ(up->status, 201) << up->body;
  auto back = city().call("GET", fmt::format("{}/{}", base(number), up->json().at("id").as_int64()),
                          zhang_);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->body, more);
  EXPECT_EQ(listed(number, zhang_), 2u);
}

}  // namespace
}  // namespace zt::test
