#include "exchange/format/row_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::exchange {
namespace {

using ::testing::ElementsAre;

const std::vector<std::string> kColumns = {"name", "age", "city", "active", "note"};

// A row in one line: "<line>: name=s'张三' age=n12 …" (s string, n number, b bool, null, - absent)
// with " delete" for deletions, or "<line>: <error_code>".
std::string show(const RawRow& row) {
  std::string out = std::to_string(row.line) + ":";
  if (!row.error_code.empty()) return out + " " + row.error_code;
  for (std::size_t i = 0; i < row.values.size(); ++i) {
    const RawValue& v = row.values[i];
    out += " " + kColumns[i] + "=";
    switch (v.kind) {
      case RawValue::Kind::kAbsent: out += "-"; break;
      case RawValue::Kind::kNull: out += "null"; break;
      case RawValue::Kind::kString: out += "s'" + v.text + "'"; break;
      case RawValue::Kind::kNumber: out += "n" + v.text; break;
      case RawValue::Kind::kBool: out += "b" + v.text; break;
    }
  }
  if (row.is_delete) out += " delete";
  return out;
}

struct Outcome {
  std::vector<RawRow> rows;
  std::optional<Error> fatal;

  std::vector<std::string> shown() const {
    std::vector<std::string> out;
    for (const RawRow& r : rows)
      out.push_back(show(r));
    return out;
  }
  // Everything, details included, for comparing two readings of one body.
  std::vector<std::string> full() const {
    std::vector<std::string> out;
    for (const RawRow& r : rows)
      out.push_back(show(r) + " | " + r.error_detail);
    if (fatal) out.push_back("fatal " + fatal->code + " | " + fatal->detail);
    return out;
  }
};

std::unique_ptr<RowReader> make(IngestFormat format, Charset charset = Charset::kUtf8,
                                Limits limits = {}) {
  auto reader = RowReader::create(format, charset, kColumns, limits);
  EXPECT_TRUE(reader.ok());
  return std::move(reader).value();
}

// Reads rows until next() wants input or fails; false after a fatal error.
bool drain(RowReader& reader, Outcome& out) {
  while (true) {
    RawRow row;
    Result<bool> r = reader.next(row);
    if (!r.ok()) {
      out.fatal = r.error();
      return false;
    }
    if (!*r) return true;
    out.rows.push_back(std::move(row));
  }
}

// Feeds `body` cut at `cuts` (ascending offsets), reading after each piece, then finishes.
Outcome read_pieces(RowReader& reader, std::string_view body,
                    const std::vector<std::size_t>& cuts) {
  Outcome out;
  std::size_t at = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(body.size());
  for (std::size_t end : ends) {
    Status fed = reader.feed(body.substr(at, end - at));
    if (!fed.ok()) {
      out.fatal = fed.error();
      return out;
    }
    at = end;
    if (!drain(reader, out)) return out;
  }
  EXPECT_TRUE(reader.finish().ok());
  drain(reader, out);
  return out;
}

Outcome read(IngestFormat format, std::string_view body, Charset charset = Charset::kUtf8,
             Limits limits = {}) {
  auto reader = make(format, charset, limits);
  return read_pieces(*reader, body, {});
}

// The same body split at every byte position, and fed one byte at a time, reads the same as in
// one piece.
void expect_split_invariant(IngestFormat format, std::string_view body,
                            Charset charset = Charset::kUtf8, Limits limits = {}) {
  const std::vector<std::string> whole = read(format, body, charset, limits).full();
  for (std::size_t cut = 0; cut <= body.size(); ++cut) {
    auto reader = make(format, charset, limits);
    EXPECT_EQ(read_pieces(*reader, body, {cut}).full(), whole) << "cut at " << cut;
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < body.size(); ++i)
    every.push_back(i);
  auto reader = make(format, charset, limits);
  EXPECT_EQ(read_pieces(*reader, body, every).full(), whole) << "one byte at a time";
}

// ---- create ----

TEST(RowReaderCreate, RefusesAnEmptyColumnList) {
  auto r = RowReader::create(IngestFormat::kNdjson, Charset::kUtf8, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_columns");
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
}

TEST(RowReaderCreate, RefusesDuplicateEmptyAndOpColumns) {
  for (std::vector<std::string> columns :
       std::vector<std::vector<std::string>>{{"name", "name"}, {"name", ""}, {"_op", "name"}}) {
    auto r = RowReader::create(IngestFormat::kCsv, Charset::kUtf8, columns);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "invalid_columns");
  }
}

TEST(RowReaderCreate, OpensGbk) {
  auto r = RowReader::create(IngestFormat::kCsv, Charset::kGbk, {"name"});
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ((*r)->rows_read(), 0u);
}

// ---- NDJSON ----

TEST(RowReaderNdjson, ReadsValuesAsSent) {
  Outcome out = read(IngestFormat::kNdjson,
                     R"({"name":"张三","age":330302198001011234,"city":null,"active":true})"
                     "\n"
                     R"({"age":12.50,"note":"1e3","active":false,"name":""})"
                     "\n"
                     R"({"age":1e3,"city":-0.5E-7})"
                     "\n");
  EXPECT_FALSE(out.fatal);
  EXPECT_THAT(out.shown(),
              ElementsAre("1: name=s'张三' age=n330302198001011234 city=null active=btrue note=-",
                          "2: name=s'' age=n12.50 city=- active=bfalse note=s'1e3'",
                          "3: name=- age=n1e3 city=n-0.5E-7 active=- note=-"));
}

TEST(RowReaderNdjson, NumbersOutOfRangeAreText) {
  // Not this reader's business: the type check refuses what does not fit the field.
  Outcome out =
      read(IngestFormat::kNdjson, R"({"age":1e31111111111,"city":123456789012345678901234567890})");
  EXPECT_THAT(out.shown(),
              ElementsAre("1: name=- age=n1e31111111111 city=n123456789012345678901234567890 "
                          "active=- note=-"));
}

TEST(RowReaderNdjson, DecodesStringEscapes) {
  Outcome out = read(IngestFormat::kNdjson,
                     R"({"name":"\u5f20\u4e09","note":"a\"b\\c\/d\n\t\b\f\r\ud83d\ude00"})");
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(out.rows[0].error_code, "");
  EXPECT_EQ(out.rows[0].values[0].text, "张三");
  EXPECT_EQ(out.rows[0].values[4].text, "a\"b\\c/d\n\t\b\f\r\xF0\x9F\x98\x80");
}

TEST(RowReaderNdjson, MatchesEscapedKeys) {
  Outcome out = read(IngestFormat::kNdjson, R"({"n\u0061me":"x"})");
  EXPECT_THAT(out.shown(), ElementsAre("1: name=s'x' age=- city=- active=- note=-"));
}

TEST(RowReaderNdjson, Op) {
  Outcome out = read(IngestFormat::kNdjson,
                     "{\"_op\":\"delete\",\"name\":\"a\"}\n"
                     "{\"_op\":\"upsert\",\"name\":\"b\"}\n"
                     "{\"_op\":\"remove\"}\n"
                     "{\"_op\":null}\n"
                     "{\"_op\":1}\n"
                     "{\"_op\":\"delete\",\"_op\":\"delete\"}\n"
                     "{\"name\":\"c\",\"_op\":\"delete\"}\n");
  EXPECT_THAT(out.shown(), ElementsAre("1: name=s'a' age=- city=- active=- note=- delete",
                                       "2: name=s'b' age=- city=- active=- note=-", "3: invalid_op",
                                       "4: invalid_op", "5: invalid_op", "6: duplicate_field",
                                       "7: name=s'c' age=- city=- active=- note=- delete"));
  EXPECT_EQ(out.rows[2].error_detail, "line 3: _op must be \"upsert\" or \"delete\"");
}

TEST(RowReaderNdjson, UnknownAndDuplicateFields) {
  Outcome out = read(IngestFormat::kNdjson,
                     "{\"name\":\"a\"}\n"
                     "\n"
                     "{\"nmae\":\"a\"}\n"
                     "{\"name\":\"a\",\"age\":1,\"name\":\"b\"}\n");
  EXPECT_THAT(out.shown(), ElementsAre("1: name=s'a' age=- city=- active=- note=-",
                                       "3: unknown_field", "4: duplicate_field"));
  EXPECT_EQ(out.rows[1].error_detail, "line 3: unknown field 'nmae'");
  EXPECT_EQ(out.rows[2].error_detail, "line 4: field 'name' appears twice");
}

TEST(RowReaderNdjson, LongOrOddFieldNamesAreShortenedInDetails) {
  std::string key(100, 'x');
  Outcome out = read(IngestFormat::kNdjson, "{\"" + key + "\":1}\n{\"a\\u0001b\":1}");
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0].error_detail, "line 1: unknown field '" + std::string(64, 'x') + "...'");
  EXPECT_EQ(out.rows[1].error_detail, "line 2: unknown field 'a?b'");
}

TEST(RowReaderNdjson, NestedValues) {
  Outcome out = read(IngestFormat::kNdjson,
                     "{\"name\":{\"a\":[1,2]}}\n"
                     "{\"name\":\"a\",\"note\":[1,{\"b\":null}]}\n"
                     "{\"note\":[1,2}\n"
                     "{\"nmae\":1,\"note\":[]}\n");
  EXPECT_THAT(out.shown(), ElementsAre("1: nested_value", "2: nested_value", "3: malformed_json",
                                       "4: unknown_field"));
  EXPECT_EQ(out.rows[0].error_detail, "line 1: field 'name' holds an object; values must be flat");
  EXPECT_EQ(out.rows[1].error_detail, "line 2: field 'note' holds an array; values must be flat");
}

TEST(RowReaderNdjson, NotAnObject) {
  Outcome out = read(IngestFormat::kNdjson, "[1,2]\n\"text\"\n 42 \nnull\ntrue\n");
  EXPECT_THAT(out.shown(), ElementsAre("1: not_an_object", "2: not_an_object", "3: not_an_object",
                                       "4: not_an_object", "5: not_an_object"));
  EXPECT_EQ(out.rows[0].error_detail, "line 1: the line is an array, not a JSON object");
  EXPECT_EQ(out.rows[2].error_detail, "line 3: the line is a number, not a JSON object");
}

TEST(RowReaderNdjson, MalformedJson) {
  const std::vector<std::string> lines = {R"({"name":})",
                                          R"({"name":1,})",
                                          R"({name:1})",
                                          R"({"age":01})",
                                          R"({"age":1.})",
                                          R"({"age":-})",
                                          R"({"age":+1})",
                                          R"({"name":"a"} x)",
                                          R"({"name":"a"}{})",
                                          R"({"name":"\ud800"})",
                                          R"({"name":"\udc00"})",
                                          R"({"name":"\x"})",
                                          "{\"name\":\"a\tb\"}",
                                          R"({"active":tru})",
                                          R"({"active":True})",
                                          R"({"name" "a"})",
                                          R"({"name":"a")",
                                          R"({)",
                                          R"({"name":"a)",
                                          R"(nul)",
                                          R"({"note":[1,]})",
                                          R"({"name":"\u12"})",
                                          R"({,})",
                                          R"({"age":1 2})"};
  std::string body;
  for (const std::string& line : lines)
    body += line + "\n";
  Outcome out = read(IngestFormat::kNdjson, body);
  ASSERT_EQ(out.rows.size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(out.rows[i].error_code, "malformed_json") << lines[i];
    EXPECT_EQ(out.rows[i].line, i + 1);
  }
  EXPECT_EQ(out.rows[0].error_detail, "line 1: the line is not valid JSON");
}

TEST(RowReaderNdjson, WhitespaceAndEmptyObjects) {
  Outcome out = read(IngestFormat::kNdjson,
                     " \t{ \"name\" :\t\"a\" , \"age\" : 1 } \t\r\n"
                     "{}\n"
                     "   \t \r\n"
                     "\r\n"
                     "{ }");
  EXPECT_THAT(out.shown(), ElementsAre("1: name=s'a' age=n1 city=- active=- note=-",
                                       "2: name=- age=- city=- active=- note=-",
                                       "5: name=- age=- city=- active=- note=-"));
}

TEST(RowReaderNdjson, BadRowsAmongGoodRowsKeepTheirLines) {
  Outcome out = read(IngestFormat::kNdjson,
                     "{\"name\":\"a\"}\r\n"
                     "\r\n"
                     "{\"name\":\"b\"\r\n"
                     "{\"name\":\"\xC3\x28\"}\r\n"
                     "{\"name\":\"c\"}\r\n"
                     "\n"
                     "\n"
                     "[]\n"
                     "{\"name\":\"d\"}");
  EXPECT_THAT(out.shown(),
              ElementsAre("1: name=s'a' age=- city=- active=- note=-", "3: malformed_json",
                          "4: invalid_encoding", "5: name=s'c' age=- city=- active=- note=-",
                          "8: not_an_object", "9: name=s'd' age=- city=- active=- note=-"));
  EXPECT_EQ(out.rows[2].error_detail, "line 4: the row is not valid UTF-8");
}

TEST(RowReaderNdjson, InvalidUtf8Forms) {
  for (std::string bad : {"\x80", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                          "\xF8\x88\x80\x80\x80", "\xE4\xB8", "\xFF"}) {
    Outcome out = read(IngestFormat::kNdjson, "{\"name\":\"" + bad + "\"}\n{\"name\":\"ok\"}\n");
    EXPECT_THAT(out.shown(),
                ElementsAre("1: invalid_encoding", "2: name=s'ok' age=- city=- active=- note=-"));
  }
  Outcome good = read(IngestFormat::kNdjson, "{\"name\":\"\xF0\x9F\x98\x80\xEF\xBF\xBD\"}");
  EXPECT_THAT(good.shown(), ElementsAre("1: name=s'😀\xEF\xBF\xBD' age=- city=- active=- note=-"));
}

TEST(RowReaderNdjson, SkipsABom) {
  Outcome out = read(IngestFormat::kNdjson, "\xEF\xBB\xBF{\"name\":\"a\"}\n");
  EXPECT_THAT(out.shown(), ElementsAre("1: name=s'a' age=- city=- active=- note=-"));
  // Only at the start: later it is a character, and not JSON whitespace.
  out = read(IngestFormat::kNdjson, "{}\n\xEF\xBB\xBF{}\n");
  EXPECT_THAT(out.shown(),
              ElementsAre("1: name=- age=- city=- active=- note=-", "2: malformed_json"));
  // A body that is just part of a BOM is a malformed line.
  out = read(IngestFormat::kNdjson, "\xEF\xBB");
  EXPECT_THAT(out.shown(), ElementsAre("1: invalid_encoding"));
}

TEST(RowReaderNdjson, EmptyBodyHasNoRows) {
  Outcome out = read(IngestFormat::kNdjson, "");
  EXPECT_FALSE(out.fatal);
  EXPECT_TRUE(out.rows.empty());
  out = read(IngestFormat::kNdjson, "\n\n  \n");
  EXPECT_FALSE(out.fatal);
  EXPECT_TRUE(out.rows.empty());
}

TEST(RowReaderNdjson, SplitAnywhereReadsTheSame) {
  expect_split_invariant(IngestFormat::kNdjson,
                         "\xEF\xBB\xBF{\"name\":\"张三\",\"age\":12.50}\r\n"
                         "\n"
                         "{\"nmae\":1}\n"
                         "{\"name\":\"\\u5f20\\ud83d\\ude00\",\"_op\":\"delete\"}\r\n"
                         "{\"note\":[1,{\"a\":2}]}\n"
                         "{\"name\":\"\xE5\xBC\"}\n"
                         "[1]\n"
                         "{\"city\":\"温州市\"}");
}

// ---- CSV ----

TEST(RowReaderCsv, ReadsCells) {
  Outcome out = read(IngestFormat::kCsv,
                     "name,age,city\n"
                     "张三,12.50,温州市\n"
                     ",,\"\"\n"
                     "\"a,b\",\"say \"\"hi\"\"\",\" x \"\n");
  EXPECT_FALSE(out.fatal);
  EXPECT_THAT(out.shown(),
              ElementsAre("2: name=s'张三' age=s'12.50' city=s'温州市' active=- note=-",
                          "3: name=null age=null city=s'' active=- note=-",
                          "4: name=s'a,b' age=s'say \"hi\"' city=s' x ' active=- note=-"));
}

TEST(RowReaderCsv, HeaderIsTrimmedAndMayBeInAnyOrder) {
  Outcome out = read(IngestFormat::kCsv, "\xEF\xBB\xBF note\t, \tname ,\"age\"\r\nx,y,\r\n");
  EXPECT_FALSE(out.fatal);
  EXPECT_THAT(out.shown(), ElementsAre("2: name=s'y' age=null city=- active=- note=s'x'"));
}

TEST(RowReaderCsv, QuotedNewlinesAndCrlf) {
  Outcome out = read(IngestFormat::kCsv,
                     "name,note\r\n"
                     "a,\"line one\r\nline two\nline three\"\r\n"
                     "b,\"\"\"\n\"\"\"\r\n"
                     "c,\"x\r\"\n"
                     "d,plain\r\n"
                     "e,last");
  EXPECT_THAT(out.shown(),
              ElementsAre("2: name=s'a' age=- city=- active=- note=s'line one\r\nline two\nline "
                          "three'",
                          "5: name=s'b' age=- city=- active=- note=s'\"\n\"'",
                          "7: name=s'c' age=- city=- active=- note=s'x\r'",
                          "8: name=s'd' age=- city=- active=- note=s'plain'",
                          "9: name=s'e' age=- city=- active=- note=s'last'"));
}

TEST(RowReaderCsv, WrongColumnCountAndMalformedCells) {
  Outcome out = read(IngestFormat::kCsv,
                     "name,age\n"
                     "a\n"
                     "a,1,2\n"
                     "a,\n"
                     "\"a\"x,1\n"
                     "a\"b,1\"\n"
                     "\n"
                     "\"a\" ,1\n"
                     "ok,2\n");
  EXPECT_THAT(out.shown(),
              ElementsAre("2: wrong_column_count", "3: wrong_column_count",
                          "4: name=s'a' age=null city=- active=- note=-", "5: malformed_csv",
                          "6: name=s'a\"b' age=s'1\"' city=- active=- note=-", "8: malformed_csv",
                          "9: name=s'ok' age=s'2' city=- active=- note=-"));
  EXPECT_EQ(out.rows[0].error_detail, "line 2: 1 cells, the header has 2");
  EXPECT_EQ(out.rows[1].error_detail, "line 3: 3 cells, the header has 2");
  EXPECT_EQ(out.rows[3].error_detail, "line 5: text after the closing quote of cell 1");
}

TEST(RowReaderCsv, OpColumn) {
  Outcome out = read(IngestFormat::kCsv,
                     "_op,name\n"
                     ",a\n"
                     "upsert,b\n"
                     "delete,c\n"
                     "\"delete\",d\n"
                     "\"\",e\n"
                     "DELETE,f\n");
  EXPECT_THAT(out.shown(),
              ElementsAre("2: name=s'a' age=- city=- active=- note=-",
                          "3: name=s'b' age=- city=- active=- note=-",
                          "4: name=s'c' age=- city=- active=- note=- delete",
                          "5: name=s'd' age=- city=- active=- note=- delete",
                          "6: name=s'e' age=- city=- active=- note=-", "7: invalid_op"));
  EXPECT_EQ(out.rows[5].error_detail, "line 7: _op must be empty, \"upsert\" or \"delete\"");
}

TEST(RowReaderCsv, HeaderOnlyAndBlankLines) {
  Outcome out = read(IngestFormat::kCsv, "name\n");
  EXPECT_FALSE(out.fatal);
  EXPECT_TRUE(out.rows.empty());
  out = read(IngestFormat::kCsv, "name\n\n\r\na\n\n");
  EXPECT_THAT(out.shown(), ElementsAre("4: name=s'a' age=- city=- active=- note=-"));
}

void expect_fatal(std::string_view body, std::string_view code, std::string_view detail,
                  std::size_t rows = 0) {
  Outcome out = read(IngestFormat::kCsv, body);
  ASSERT_TRUE(out.fatal) << body;
  EXPECT_EQ(out.fatal->code, code);
  EXPECT_EQ(out.fatal->detail, detail);
  EXPECT_EQ(out.fatal->kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(out.rows.size(), rows);
}

TEST(RowReaderCsv, FatalHeaderErrors) {
  expect_fatal("", "csv_header_missing",
               "the body is empty; a CSV body starts with a header line naming the fields");
  expect_fatal("\xEF\xBB\xBF", "csv_header_missing",
               "the body is empty; a CSV body starts with a header line naming the fields");
  expect_fatal("\nname\na\n", "csv_header_missing",
               "line 1: the first line is empty; a CSV body starts with a header line naming "
               "the fields");
  expect_fatal("name,x\na,b\n", "unknown_field",
               "CSV header column 'x' is not a field of this resource");
  expect_fatal("name,,age\n", "unknown_field", "line 1: CSV header column 2 is empty");
  expect_fatal("name,age, name\n", "duplicate_column", "line 1: the CSV header names 'name' twice");
  expect_fatal("_op,name,_op\n", "duplicate_column", "line 1: the CSV header names '_op' twice");
  expect_fatal("\"name\"x\n", "malformed_csv",
               "line 1: text after the closing quote of CSV header column 1");
  expect_fatal("na\xFFme\n", "invalid_encoding", "line 1: the CSV header is not valid UTF-8");
}

TEST(RowReaderCsv, TooManyHeaderColumns) {
  auto reader = make(IngestFormat::kCsv, Charset::kUtf8, Limits{.max_columns = 2});
  Outcome out = read_pieces(*reader, "name,age,city\n", {});
  ASSERT_TRUE(out.fatal);
  EXPECT_EQ(out.fatal->code, "too_many_columns");
  EXPECT_EQ(out.fatal->detail, "line 1: the CSV header has more than 2 columns");
}

TEST(RowReaderCsv, UnclosedQuoteAtTheEndIsFatal) {
  expect_fatal("name,note\na,b\nc,\"open\nstill open\n", "malformed_csv",
               "line 3: a quoted field is still open at the end of the body", 1);
}

TEST(RowReaderCsv, FatalErrorsStick) {
  auto reader = make(IngestFormat::kCsv);
  ASSERT_TRUE(reader->feed("name,bogus\n").ok());
  RawRow row;
  Result<bool> r = reader->next(row);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unknown_field");
  EXPECT_EQ(reader->next(row).error().code, "unknown_field");
  EXPECT_EQ(reader->feed("a,b\n").error().code, "unknown_field");
  EXPECT_EQ(reader->finish().error().code, "unknown_field");
}

TEST(RowReaderCsv, InvalidUtf8Row) {
  Outcome out = read(IngestFormat::kCsv, "name\n\"a\nb\xFF\"\nc\n");
  EXPECT_THAT(out.shown(),
              ElementsAre("2: invalid_encoding", "4: name=s'c' age=- city=- active=- note=-"));
}

TEST(RowReaderCsv, SplitAnywhereReadsTheSame) {
  expect_split_invariant(IngestFormat::kCsv,
                         "\xEF\xBB\xBF"
                         "name, note ,_op\r\n"
                         "张三,\"a \"\"q\"\",\r\nb\",delete\r\n"
                         "\r\n"
                         "x,\"\"\n"
                         "bad,\"y\"z,\n"
                         "short\n"
                         "\"温州市\",,upsert");
  expect_split_invariant(IngestFormat::kCsv, "name\n\"never closed\n\n");
  expect_split_invariant(IngestFormat::kCsv, "name,x\n");
}

// ---- limits ----

TEST(RowReaderLimits, RowTooLongInOnePiece) {
  Limits limits{.max_row_bytes = 16};
  Outcome out = read(IngestFormat::kNdjson,
                     "{\"name\":\"abcdef\"}\n"     // 17 bytes
                     "{\"name\":\"abcde\"}\r\n"    // 16 bytes and "\r\n"
                     "{\"name\":\"abcdefgh\"}\n",  // 19 bytes
                     Charset::kUtf8, limits);
  EXPECT_THAT(out.shown(),
              ElementsAre("1: row_too_long", "2: name=s'abcde' age=- city=- active=- note=-",
                          "3: row_too_long"));
  EXPECT_EQ(out.rows[0].error_detail, "line 1: the row is longer than 16 bytes");
}

TEST(RowReaderLimits, LongRowIsDroppedAsItArrives) {
  const std::size_t limit = 1000;
  auto reader = make(IngestFormat::kNdjson, Charset::kUtf8, Limits{.max_row_bytes = limit});
  Outcome out;
  ASSERT_TRUE(reader->feed("{\"name\":\"a\"}\n{\"note\":\"").ok());
  ASSERT_TRUE(drain(*reader, out));
  const std::string piece(512, 'x');
  for (int i = 0; i < 2000; ++i) {  // a 1 MB line
    ASSERT_TRUE(reader->feed(piece).ok());
    ASSERT_TRUE(drain(*reader, out));
    EXPECT_LE(reader->buffered_bytes(), limit + 4);
  }
  ASSERT_TRUE(reader->feed("\"}\n{\"name\":\"b\"}\n").ok());
  ASSERT_TRUE(reader->finish().ok());
  ASSERT_TRUE(drain(*reader, out));
  EXPECT_THAT(out.shown(),
              ElementsAre("1: name=s'a' age=- city=- active=- note=-", "2: row_too_long",
                          "3: name=s'b' age=- city=- active=- note=-"));
  EXPECT_EQ(reader->rows_read(), 3u);
}

TEST(RowReaderLimits, LongCsvRowWithQuotedNewlinesKeepsLineNumbers) {
  Limits limits{.max_row_bytes = 10};
  const std::string body =
      "name,note\n"
      "a,\"1\n2\n3\n4\n5\n6\n\"\n"
      "b,\"x,\ny\"\n"
      "c,d\n";
  Outcome out = read(IngestFormat::kCsv, body, Charset::kUtf8, limits);
  EXPECT_THAT(out.shown(),
              ElementsAre("2: row_too_long", "9: name=s'b' age=- city=- active=- note=s'x,\ny'",
                          "11: name=s'c' age=- city=- active=- note=s'd'"));
  expect_split_invariant(IngestFormat::kCsv, body, Charset::kUtf8, limits);
}

TEST(RowReaderLimits, NoLimit) {
  const Limits none{.max_row_bytes = SIZE_MAX};
  expect_split_invariant(IngestFormat::kNdjson, "{\"name\":\"abc\"}\n{}", Charset::kUtf8, none);
  Outcome out = read(IngestFormat::kNdjson, "{\"name\":\"abc\"}\n{}", Charset::kUtf8, none);
  EXPECT_THAT(out.shown(), ElementsAre("1: name=s'abc' age=- city=- active=- note=-",
                                       "2: name=- age=- city=- active=- note=-"));
}

TEST(RowReaderLimits, HeaderTooLongIsFatal) {
  Limits limits{.max_row_bytes = 8};
  Outcome out = read(IngestFormat::kCsv, "name,age,city\n", Charset::kUtf8, limits);
  ASSERT_TRUE(out.fatal);
  EXPECT_EQ(out.fatal->code, "row_too_long");
  EXPECT_EQ(out.fatal->detail, "line 1: the CSV header is longer than 8 bytes");
  expect_split_invariant(IngestFormat::kCsv, "name,age,city\n", Charset::kUtf8, limits);
}

TEST(RowReaderLimits, SplitAnywhereWithLongRows) {
  expect_split_invariant(IngestFormat::kNdjson,
                         "{\"name\":\"abcdefgh\"}\n{}\n{\"name\":\"abcdefghijkl\"}\r\n{}",
                         Charset::kUtf8, Limits{.max_row_bytes = 12});
}

// ---- GBK ----

TEST(RowReaderGbk, ConvertsNdjson) {
  // 张三 = D5C5 C8FD, 温州市 = CEC2 D6DD CAD0, 😀 = 9439 FC36 (GB 18030 four bytes).
  Outcome out = read(IngestFormat::kNdjson,
                     "{\"name\":\"\xD5\xC5\xC8\xFD\",\"city\":\"\xCE\xC2\xD6\xDD\xCA\xD0\"}\n"
                     "{\"note\":\"\x94\x39\xFC\x36\"}\n",
                     Charset::kGbk);
  EXPECT_THAT(out.shown(), ElementsAre("1: name=s'张三' age=- city=s'温州市' active=- note=-",
                                       "2: name=- age=- city=- active=- note=s'😀'"));
}

TEST(RowReaderGbk, ConvertsCsvWithAGb18030Bom) {
  Outcome out = read(IngestFormat::kCsv,
                     "\x84\x31\x95\x33name,city\r\n"
                     "\xD5\xC5\xC8\xFD,\"\xCE\xC2\xD6\xDD\r\n\xCA\xD0\"\r\n",
                     Charset::kGbk);
  EXPECT_FALSE(out.fatal);
  EXPECT_THAT(out.shown(), ElementsAre("2: name=s'张三' age=- city=s'温州\r\n市' active=- note=-"));
}

TEST(RowReaderGbk, InvalidBytesRejectTheirRowOnly) {
  Outcome out = read(IngestFormat::kCsv,
                     "name,note\n"
                     "\xD5\xC5,a\n"
                     "\xD5\x0A,b\n"      // lead byte, then the newline: row 3 is bad, row 4 is not
                     "c,\"x\n\x80y\"\n"  // 0x80 is not GB 18030
                     "\xC8\xFD,\xFF\n"
                     "d,e\n"
                     "\xD5",  // cut short by the end of the body
                     Charset::kGbk);
  EXPECT_THAT(out.shown(),
              ElementsAre("2: name=s'张' age=- city=- active=- note=s'a'", "3: invalid_encoding",
                          "4: name=null age=- city=- active=- note=s'b'", "5: invalid_encoding",
                          "7: invalid_encoding", "8: name=s'd' age=- city=- active=- note=s'e'",
                          "9: invalid_encoding"));
  EXPECT_EQ(out.rows[1].error_detail, "line 3: the row holds bytes that are not GBK (GB 18030)");
}

TEST(RowReaderGbk, PiecesOfGarbageCostLinearTime) {
  auto reader = make(IngestFormat::kNdjson, Charset::kGbk);
  Outcome out;
  const std::string garbage(64 * 1024, '\xFF');
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(reader->feed(garbage).ok());
    ASSERT_TRUE(drain(*reader, out));
  }
  ASSERT_TRUE(reader->feed("\n{\"name\":\"\xD5\xC5\"}").ok());
  ASSERT_TRUE(reader->finish().ok());
  ASSERT_TRUE(drain(*reader, out));
  EXPECT_THAT(out.shown(),
              ElementsAre("1: row_too_long", "2: name=s'张' age=- city=- active=- note=-"));
}

TEST(RowReaderGbk, BadHeaderIsFatal) {
  Outcome out = read(IngestFormat::kCsv, "na\xFFme\n", Charset::kGbk);
  ASSERT_TRUE(out.fatal);
  EXPECT_EQ(out.fatal->code, "invalid_encoding");
}

TEST(RowReaderGbk, SplitInsideACharacterReadsTheSame) {
  expect_split_invariant(IngestFormat::kCsv,
                         "name,city\n"
                         "\xD5\xC5\xC8\xFD,\xCE\xC2\xD6\xDD\xCA\xD0\n"
                         "\x94\x39\xFC\x36,\"a\n\xFF\"\n"
                         "\xC2\xB9,\xB3\xC7\xC7\xF8",
                         Charset::kGbk);
  expect_split_invariant(IngestFormat::kNdjson,
                         "{\"name\":\"\xD5\xC5\xC8\xFD\"}\r\n"
                         "{\"name\":\"\x81\x30\x0A\"}\n"
                         "{\"city\":\"\xCE\xC2\xD6\xDD\xCA\xD0\"}\n"
                         "{\"city\":\"\x81\x30\x81",
                         Charset::kGbk);
}

// ---- the reading protocol ----

TEST(RowReaderProtocol, NextWantsInputUntilARowIsComplete) {
  auto reader = make(IngestFormat::kNdjson);
  RawRow row;
  Result<bool> r = reader->next(row);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  ASSERT_TRUE(reader->feed("{\"name\":").ok());
  EXPECT_FALSE(*reader->next(row));
  ASSERT_TRUE(reader->feed("\"a\"}\n{\"name\":\"b\"}").ok());
  EXPECT_TRUE(*reader->next(row));
  EXPECT_EQ(show(row), "1: name=s'a' age=- city=- active=- note=-");
  EXPECT_FALSE(*reader->next(row));  // the second line may go on
  ASSERT_TRUE(reader->finish().ok());
  ASSERT_TRUE(reader->finish().ok());  // twice is fine
  EXPECT_TRUE(*reader->next(row));
  EXPECT_EQ(show(row), "2: name=s'b' age=- city=- active=- note=-");
  EXPECT_FALSE(*reader->next(row));
  EXPECT_FALSE(*reader->next(row));
  EXPECT_EQ(reader->rows_read(), 2u);
  Status late = reader->feed("{}");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "reader_finished");
}

TEST(RowReaderProtocol, ReusedRowIsReset) {
  auto reader = make(IngestFormat::kNdjson);
  ASSERT_TRUE(reader->feed("{\"name\":\"a\",\"_op\":\"delete\"}\n{\"bad\":1}\n{\"age\":2}\n").ok());
  RawRow row;
  ASSERT_TRUE(*reader->next(row));
  EXPECT_TRUE(row.is_delete);
  ASSERT_TRUE(*reader->next(row));
  EXPECT_EQ(row.error_code, "unknown_field");
  ASSERT_TRUE(*reader->next(row));
  EXPECT_EQ(show(row), "3: name=- age=n2 city=- active=- note=-");
  EXPECT_EQ(row.error_detail, "");
}

}  // namespace
}  // namespace zt::exchange
