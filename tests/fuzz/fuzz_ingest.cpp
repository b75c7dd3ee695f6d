// libFuzzer target for the ingest row reader (exchange/format/row_reader.h): NDJSON and CSV bodies
// in UTF-8 or GBK, read in one piece and again in small pieces.
//
// Input: byte 0 picks the format (bit 0: CSV), the charset (bit 1: GBK) and small limits (bit 2:
// 48-byte rows, 3 columns); byte 1 seeds the piece sizes; the rest is the body. Aborts when an
// invariant breaks:
//  - reading in pieces gives exactly the rows and fatal error of reading in one piece;
//  - after each piece is drained, the reader holds at most one unfinished row;
//  - rows have increasing lines, one value per column, a known error code with a "line N: "
//    detail, and when fine: valid UTF-8 strings, JSON number text, "true"/"false";
//  - NDJSON in UTF-8: every non-blank line gives one row, "malformed_json" exactly when
//    Boost.JSON refuses the line (huge exponents aside), and a fine row holds what Boost.JSON
//    reads.
// Sanitizers (address, undefined) catch crashes, leaks and out-of-bounds reads.
#include <boost/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "exchange/format/row_reader.h"

namespace {

using zt::exchange::Charset;
using zt::exchange::IngestFormat;
using zt::exchange::Limits;
using zt::exchange::RawRow;
using zt::exchange::RawValue;
using zt::exchange::RowReader;

const std::vector<std::string> kColumns = {"name", "age", "city"};

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

struct Outcome {
  std::vector<RawRow> rows;
  std::optional<zt::Error> fatal;
};

bool same(const Outcome& a, const Outcome& b) {
  if (a.rows.size() != b.rows.size() || a.fatal.has_value() != b.fatal.has_value()) return false;
  if (a.fatal && (a.fatal->code != b.fatal->code || a.fatal->detail != b.fatal->detail)) {
    return false;
  }
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    const RawRow& x = a.rows[i];
    const RawRow& y = b.rows[i];
    if (x.line != y.line || x.error_code != y.error_code || x.error_detail != y.error_detail) {
      return false;
    }
    if (!x.error_code.empty()) continue;
    if (x.is_delete != y.is_delete || x.values.size() != y.values.size()) return false;
    for (std::size_t j = 0; j < x.values.size(); ++j) {
      if (x.values[j].kind != y.values[j].kind || x.values[j].text != y.values[j].text) {
        return false;
      }
    }
  }
  return true;
}

// Feeds `body` in pieces of the given sizes (cycled; empty: one piece), draining after each.
Outcome read(IngestFormat format, Charset charset, Limits limits, std::string_view body,
             const std::vector<std::size_t>& sizes) {
  auto created = RowReader::create(format, charset, kColumns, limits);
  require(created.ok(), "create succeeds");
  RowReader& reader = **created;
  Outcome out;
  auto drain = [&] {
    while (true) {
      RawRow row;
      zt::Result<bool> r = reader.next(row);
      if (!r.ok()) {
        out.fatal = r.error();
        zt::Result<bool> again = reader.next(row);
        require(!again.ok() && again.error().code == r.error().code, "a fatal error sticks");
        return false;
      }
      if (!*r) return true;
      out.rows.push_back(std::move(row));
    }
  };
  std::size_t at = 0;
  std::size_t turn = 0;
  while (at < body.size()) {
    std::size_t n = sizes.empty() ? body.size() : sizes[turn++ % sizes.size()];
    n = std::min(n, body.size() - at);
    zt::Status fed = reader.feed(body.substr(at, n));
    if (!fed.ok()) {
      require(out.fatal.has_value(), "feed fails only after a fatal error");
      return out;
    }
    at += n;
    if (!drain()) return out;
    // Drained, the reader keeps at most an unfinished row and a cut GBK character.
    require(reader.buffered_bytes() <= limits.max_row_bytes + 1 + 3, "memory stays within a row");
  }
  require(reader.finish().ok(), "finish succeeds");
  drain();
  require(reader.rows_read() == out.rows.size(), "rows_read counts the rows");
  return out;
}

bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

bool is_utf8(std::string_view s) {
  // Boost.JSON's validator is strict UTF-8: a JSON string of `s` parses exactly when s is valid
  // (control characters aside, which are escaped here).
  std::string json = "\"";
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
      json += buf;
    } else {
      json.push_back(c);
    }
  }
  json += "\"";
  boost::json::error_code ec;
  boost::json::parse(json, ec);
  return !ec;
}

void check_rows(const Outcome& out, IngestFormat format) {
  static const std::vector<std::string_view> kRowCodes = {
      "invalid_encoding", "row_too_long",      "malformed_json",  "not_an_object",
      "nested_value",     "unknown_field",     "duplicate_field", "invalid_op",
      "malformed_csv",    "wrong_column_count"};
  static const std::vector<std::string_view> kFatalCodes = {
      "csv_header_missing", "unknown_field",    "duplicate_column", "too_many_columns",
      "row_too_long",       "invalid_encoding", "malformed_csv"};
  std::uint64_t last_line = 0;
  for (const RawRow& row : out.rows) {
    require(row.line > last_line, "lines increase");
    last_line = row.line;
    if (!row.error_code.empty()) {
      require(std::find(kRowCodes.begin(), kRowCodes.end(), row.error_code) != kRowCodes.end(),
              "row error code is known");
      std::string prefix = "line " + std::to_string(row.line) + ": ";
      require(row.error_detail.starts_with(prefix) && row.error_detail.size() > prefix.size(),
              "row error detail names its line");
      continue;
    }
    require(row.error_detail.empty(), "a fine row has no detail");
    require(row.values.size() == kColumns.size(), "one value per column");
    for (const RawValue& v : row.values) {
      switch (v.kind) {
        case RawValue::Kind::kAbsent:
        case RawValue::Kind::kNull: require(v.text.empty(), "absent and null have no text"); break;
        case RawValue::Kind::kString: require(is_utf8(v.text), "strings are UTF-8"); break;
        case RawValue::Kind::kNumber:
          require(format == IngestFormat::kNdjson && is_json_number(v.text),
                  "numbers are JSON number text");
          break;
        case RawValue::Kind::kBool:
          require(format == IngestFormat::kNdjson && (v.text == "true" || v.text == "false"),
                  "booleans are true or false");
          break;
      }
    }
  }
  if (out.fatal) {
    require(format == IngestFormat::kCsv, "only CSV has fatal errors");
    require(std::find(kFatalCodes.begin(), kFatalCodes.end(), out.fatal->code) != kFatalCodes.end(),
            "fatal error code is known");
    require(out.fatal->kind == zt::ErrorKind::kInvalidInput && !out.fatal->detail.empty(),
            "fatal error shape");
  }
}

// NDJSON in UTF-8: each line against Boost.JSON.
void check_ndjson_lines(const Outcome& out, std::string_view body, const Limits& limits) {
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  std::size_t next_row = 0;
  std::uint64_t line = 0;
  std::size_t at = 0;
  while (at < body.size()) {
    ++line;
    std::size_t nl = body.find('\n', at);
    std::string_view text = body.substr(at, nl == std::string_view::npos ? nl : nl - at);
    at = nl == std::string_view::npos ? body.size() : nl + 1;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    bool blank = text.find_first_not_of(" \t\r") == std::string_view::npos;
    if (blank && text.size() <= limits.max_row_bytes) continue;
    require(next_row < out.rows.size(), "every non-blank line gives a row");
    const RawRow& row = out.rows[next_row++];
    require(row.line == line, "the row of a line has its number");
    if (row.error_code == "invalid_encoding" || row.error_code == "row_too_long") continue;
    boost::json::parse_options options;
    options.max_depth = zt::exchange::kMaxJsonDepth;
    boost::json::error_code ec;
    boost::json::value v = boost::json::parse(text, ec, {}, options);
    // Boost.JSON refuses exponents beyond what a double can hold (1e31111111111); JSON allows
    // them and the reader passes the text on for the type check to refuse.
    if (ec == boost::json::error::exponent_overflow) continue;
    require((row.error_code == "malformed_json") == static_cast<bool>(ec),
            "malformed_json exactly when Boost.JSON refuses the line");
    if (ec) continue;
    require((row.error_code == "not_an_object") == !v.is_object(),
            "not_an_object exactly when the line is no object");
    if (!row.error_code.empty()) continue;
    const boost::json::object& object = v.as_object();
    std::size_t sent = 0;
    for (std::size_t i = 0; i < kColumns.size(); ++i) {
      const RawValue& value = row.values[i];
      const boost::json::value* field = object.if_contains(kColumns[i]);
      require((field == nullptr) == (value.kind == RawValue::Kind::kAbsent),
              "a field is absent exactly when not sent");
      if (field == nullptr) continue;
      ++sent;
      switch (value.kind) {
        case RawValue::Kind::kString:
          require(field->is_string() && field->as_string() == value.text, "string as sent");
          break;
        case RawValue::Kind::kNumber: require(field->is_number(), "number as sent"); break;
        case RawValue::Kind::kBool:
          require(field->is_bool() && (field->as_bool() ? "true" : "false") == value.text,
                  "boolean as sent");
          break;
        case RawValue::Kind::kNull: require(field->is_null(), "null as sent"); break;
        case RawValue::Kind::kAbsent: break;
      }
    }
    const boost::json::value* op = object.if_contains("_op");
    if (op != nullptr) ++sent;
    require(object.size() == sent, "a fine row has no other keys");
    require(row.is_delete == (op != nullptr && op->is_string() && op->as_string() == "delete"),
            "delete exactly when _op is \"delete\"");
  }
  require(next_row == out.rows.size(), "no row without a line");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const IngestFormat format = (data[0] & 1) != 0 ? IngestFormat::kCsv : IngestFormat::kNdjson;
  const Charset charset = (data[0] & 2) != 0 ? Charset::kGbk : Charset::kUtf8;
  Limits limits;
  if ((data[0] & 4) != 0) limits = Limits{.max_row_bytes = 48, .max_columns = 3};
  std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);

  std::vector<std::size_t> sizes;
  std::uint32_t seed = data[1];
  for (int i = 0; i < 8; ++i) {
    seed = seed * 1103515245u + 12345u;
    sizes.push_back(1 + (seed >> 16) % 17);
  }

  const Outcome whole = read(format, charset, limits, body, {});
  check_rows(whole, format);
  const Outcome pieces = read(format, charset, limits, body, sizes);
  require(same(whole, pieces), "reading in pieces gives what reading whole gives");
  if (format == IngestFormat::kNdjson && charset == Charset::kUtf8) {
    check_ndjson_lines(whole, body, limits);
  }
  return 0;
}
