#include "http/shape.h"

#include "core/enum_names.h"
#include "http/page.h"
#include "http/problem.h"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::http {
namespace {

namespace json = boost::json;

enum class Colour { kRed, kBlue };
constexpr auto kColourNames =
    core::enum_names<Colour>({{Colour::kRed, "red"}, {Colour::kBlue, "blue"}});
constexpr std::array<std::string_view, 2> kStates{"open", "closed"};

struct Part {
  std::string name;
  int count = 0;
};

struct Thing {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> note;
  std::optional<std::int64_t> parent;
  bool active = false;
  std::vector<std::string> tags;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> closed_at;
  std::string state = "open";
  Colour colour = Colour::kRed;
  Part main;
  std::vector<Part> parts;
};

constexpr auto kPartShape =
    shape::of<Part>(shape::str("name", &Part::name), shape::integer("count", &Part::count));

constexpr auto kThingShape = shape::of<Thing>(
    shape::integer("id", &Thing::id), shape::str("name", &Thing::name, "What it is called."),
    shape::nstr("note", &Thing::note), shape::ninteger("parent", &Thing::parent),
    shape::boolean("active", &Thing::active), shape::strings("tags", &Thing::tags),
    shape::time("created_at", &Thing::created_at), shape::ntime("closed_at", &Thing::closed_at),
    shape::one_of("state", &Thing::state, kStates),
    shape::named("colour", &Thing::colour, kColourNames),
    shape::object("main", &Thing::main, kPartShape),
    shape::array_of("parts", &Thing::parts, kPartShape),
    shape::integer("twice", [](const Thing& t, std::int64_t k) { return t.id * k; }));

TEST(Shape, EncodesEveryMemberInTableOrder) {
  Thing t;
  t.id = 7;
  t.name = "x";
  t.parent = 3;
  t.tags = {"a", "b"};
  t.created_at = 0;
  t.colour = Colour::kBlue;
  t.main = {"m", 1};
  t.parts = {{"p", 2}};
  EXPECT_EQ(json::serialize(kThingShape.encode(t, std::int64_t{2})),
            R"({"id":7,"name":"x","note":null,"parent":3,"active":false,"tags":["a","b"],)"
            R"("created_at":"1970-01-01T08:00:00.000+08:00","closed_at":null,"state":"open",)"
            R"("colour":"blue","main":{"name":"m","count":1},"parts":[{"name":"p","count":2}],)"
            R"("twice":14})");
}

TEST(Shape, DocumentsEveryMemberAsRequired) {
  json::object s = kThingShape.schema();
  EXPECT_EQ(s.at("type"), "object");
  const json::object& p = s.at("properties").as_object();
  ASSERT_EQ(p.size(), 13u);
  EXPECT_EQ(json::serialize(p.at("name")),
            R"({"type":"string","description":"What it is called."})");
  EXPECT_EQ(json::serialize(p.at("note")), R"({"type":["string","null"]})");
  EXPECT_EQ(json::serialize(p.at("closed_at")),
            R"({"type":["string","null"],"format":"date-time"})");
  EXPECT_EQ(json::serialize(p.at("colour")), R"({"type":"string","enum":["red","blue"]})");
  EXPECT_EQ(json::serialize(p.at("state")), R"({"type":"string","enum":["open","closed"]})");
  EXPECT_EQ(json::serialize(p.at("parts").at("items").at("required")), R"(["name","count"])");
  EXPECT_EQ(s.at("required").as_array().size(), 13u);
  EXPECT_EQ(s.at("required").as_array().front(), "id");
}

TEST(Shape, ServesAsTheEncoderOfPagesAndResults) {
  std::vector<Part> parts{{"a", 1}, {"b", 2}};
  EXPECT_EQ(json::serialize(page_json(parts, std::optional<std::string>("b"), kPartShape)),
            R"({"items":[{"name":"a","count":1},{"name":"b","count":2}],"next_cursor":"b"})");
  EXPECT_EQ(json::serialize(page_json(parts, std::optional<std::int64_t>(), kPartShape)),
            R"({"items":[{"name":"a","count":1},{"name":"b","count":2}],"next_cursor":null})");

  Response ok = respond(201, Result<Part>(Part{"c", 3}), kPartShape);
  EXPECT_EQ(ok.status, 201);
  EXPECT_EQ(ok.body, R"({"name":"c","count":3})");
  Response missing =
      respond(200, Result<Part>(Error::not_found("part_not_found", "No such part.")), kPartShape);
  EXPECT_EQ(missing.status, 404);
}

}  // namespace
}  // namespace zt::http
