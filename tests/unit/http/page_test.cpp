// The shared route helpers: the page envelope (http/page.h), respond (http/problem.h) and the
// {id} binding of handler_of (http/handler.h).
#include "http/page.h"

#include "http/handler.h"
#include "http/openapi.h"
#include "http/problem.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace zt::http {
namespace {

namespace json = boost::json;

struct Item {
  std::int64_t id;
  std::string name;
};

json::object encode(const Item& item) {
  return {{"id", item.id}, {"name", item.name}};
}

TEST(Page, AFullPageNamesTheLastIdAsTheNextCursor) {
  std::vector<Item> items{{3, "c"}, {7, "g"}};
  EXPECT_EQ(json::serialize(page_json(items, 2, encode)),
            R"({"items":[{"id":3,"name":"c"},{"id":7,"name":"g"}],"next_cursor":"7"})");
}

TEST(Page, AShortOrEmptyPageIsTheLast) {
  std::vector<Item> items{{3, "c"}};
  EXPECT_EQ(json::serialize(page_json(items, 2, encode)),
            R"({"items":[{"id":3,"name":"c"}],"next_cursor":null})");
  EXPECT_EQ(json::serialize(page_json(std::vector<Item>{}, 2, encode)),
            R"({"items":[],"next_cursor":null})");
}

TEST(Page, TheIdMayComeFromElsewhere) {
  std::vector<Item> items{{3, "c"}};
  auto page = page_json(items, 1, encode, [](const Item& i) { return i.id * 10; });
  EXPECT_EQ(page.at("next_cursor"), "30");
}

TEST(Page, CursorsGivenByTheServiceAreStringsOrNull) {
  EXPECT_EQ(json::serialize(page_json(json::array{1}, cursor_or_null(std::int64_t{42}))),
            R"({"items":[1],"next_cursor":"42"})");
  EXPECT_EQ(cursor_or_null(std::optional<std::string>("330302")), "330302");
  EXPECT_TRUE(cursor_or_null(std::optional<std::int64_t>()).is_null());
}

TEST(Page, RawItemsAreCopiedAsTheyAre) {
  Response r = raw_page_response({R"({"a":1})", R"({"b":"x"})"}, std::string("k\"1"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"items":[{"a":1},{"b":"x"}],"next_cursor":"k\"1"})");
  EXPECT_EQ(raw_page_response({}, std::nullopt).body, R"({"items":[],"next_cursor":null})");
}

TEST(Page, ParamsDocumentLimitAndCursor) {
  auto params = with_paging({{.name = "box"}}, 500, 100);
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0].name, "box");
  EXPECT_EQ(params[1].name, "limit");
  EXPECT_EQ(params[1].description, "Page size, 1 to 500 (default 100).");
  EXPECT_EQ(params[1].schema.at("maximum"), 500);
  EXPECT_EQ(params[1].schema.at("default"), 100);
  EXPECT_EQ(params[2].name, "cursor");
}

TEST(Page, SchemaRequiresBothMembersAndKeepsExtras) {
  auto s = schema::page(schema::str(), {{"total", schema::integer()}});
  EXPECT_EQ(s.at("required"), (json::array{"items", "next_cursor"}));
  EXPECT_EQ(s.at("properties").at("total"), schema::integer());
  EXPECT_EQ(s.at("properties").at("items").at("items"), schema::str());
}

TEST(Respond, TheValueOrTheProblem) {
  Response ok = respond(201, Result<Item>(Item{1, "a"}), encode);
  EXPECT_EQ(ok.status, 201);
  EXPECT_EQ(ok.body, R"({"id":1,"name":"a"})");
  Response bad = respond(200, Result<Item>(Error::not_found("item_not_found", "No.")), encode);
  EXPECT_EQ(bad.status, 404);
  EXPECT_EQ(json::parse(bad.body).at("code"), "item_not_found");
}

struct Items {
  int calls = 0;
};

Response get_item(Items& items, std::int64_t id, const Request&) {
  ++items.calls;
  return Response::json(200, json::object{{"id", id}});
}

TEST(HandlerOf, AnIdThatIsNotOneIsTheNotFoundProblem) {
  Items items;
  Handler h = handler_of(get_item, items, NotFound{"item_not_found", "No such item."});
  for (const char* bad : {"abc", "0", "-1", "1x", ""}) {
    Request request(nullptr, "/items/x", "", "", "");
    request.set_params({{"id", bad}});
    Response r = h(request);
    EXPECT_EQ(r.status, 404) << bad;
    EXPECT_EQ(r.body, problem(404, "item_not_found", "No such item.").body) << bad;
  }
  EXPECT_EQ(items.calls, 0);
  Request request(nullptr, "/items/42", "", "", "");
  request.set_params({{"id", "42"}});
  EXPECT_EQ(h(request).body, R"({"id":42})");
  EXPECT_EQ(items.calls, 1);
}

}  // namespace
}  // namespace zt::http
