// RowReader: the streaming row reader of bulk ingest (数据归集), turning an NDJSON or CSV body
// that arrives in pieces into raw rows, one per record, without holding the whole body.
//
// A department pushes records into a resource with `POST /api/v1/resources/{code}/records`; the
// body may be larger than 1 GB and arrives in pieces split anywhere (inside a multi-byte
// character, inside a CSV quoted field). The reader keeps only the unread part of what was fed:
// feed a piece, then call next() until it returns false, then feed the next piece. Kept that way,
// the reader holds at most one unfinished row (Limits::max_row_bytes) and one piece, whatever the
// input; a longer row is dropped as it arrives. (Its buffer may reach twice that: text already
// read is let go once it is as long as the rest, so pieces of any size cost linear time.)
//
// Values come out as sent (RawValue), before type validation: another component checks them
// against the fields' types. Problems of one row (bad JSON, unknown field, wrong cell count,
// invalid encoding, a row too long) come back in that row's error_code and the reader goes on
// with the next row; only problems that make the whole upload unusable (a bad CSV header, an
// unterminated quoted field at the end) are errors of next().
//
// Formats:
//  - NDJSON: one JSON object per line ("\n" or "\r\n"); blank lines are skipped but counted.
//    Values must be flat: string, number (its text kept exactly: "12.50" stays "12.50"), true,
//    false, null. The key "_op" holds "upsert" (the default) or "delete".
//  - CSV (RFC 4180): the first record is the header of field names (surrounding spaces trimmed);
//    comma separator; quoted fields with "" escapes and embedded newlines; "\n" or "\r\n". An
//    empty cell is null, a quoted empty cell ("") the empty string; a header column "_op" may
//    hold "", "upsert" or "delete". Empty lines between records are skipped but counted. A quote
//    inside an unquoted cell (12" pipe) is kept as a character.
//  - A byte order mark at the start is skipped (both formats; in GBK, GB 18030's 84 31 95 33).
//  - Charset GBK: the body is converted from GB 18030 (of which GBK is the 2-byte part) to UTF-8
//    with iconv. A row with bytes that are not GB 18030 gets "invalid_encoding"; so does a UTF-8
//    row that is not valid UTF-8.
//
// Thread-safety: one reader serves one upload on one thread at a time; readers share nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace zt::exchange {

// NDJSON lines nested deeper than this count as malformed JSON (Boost.JSON's max_depth).
inline constexpr std::size_t kMaxJsonDepth = 1000;

enum class IngestFormat { kNdjson, kCsv };

// The body's character set. kGbk accepts all of GB 18030 (iconv gives it for free); GBK is its
// 2-byte part.
enum class Charset { kUtf8, kGbk };

struct Limits {
  // Longest row, in bytes of UTF-8 text (after conversion from GBK), line terminator excluded.
  // A longer row comes back as "row_too_long" and the reader skips to its end without keeping it.
  std::size_t max_row_bytes = std::size_t{1} << 20;
  // Most columns a CSV header may name ("too_many_columns" beyond).
  std::size_t max_columns = 1024;
};

// One value as sent, before type validation.
struct RawValue {
  enum class Kind : std::uint8_t { kAbsent, kNull, kString, kNumber, kBool };
  Kind kind = Kind::kAbsent;
  // kString: the UTF-8 string (JSON escapes decoded, CSV quotes removed); kNumber: the JSON
  // number's text exactly as sent; kBool: "true" or "false"; empty otherwise.
  std::string text;
};

struct RawRow {
  // 1-based line of the body where the row starts (CSV: the physical line, the header is line 1;
  // a quoted newline inside a row counts as a line).
  std::uint64_t line = 0;
  // NDJSON {"_op":"delete", ...}; CSV: a column "_op" with the value "delete".
  bool is_delete = false;
  // One per column of the reader's column list, in that order; a column not sent is kAbsent.
  // When error_code is set, values are unspecified.
  std::vector<RawValue> values;
  // A problem of this row (the caller rejects the row; the reader goes on). Empty when fine,
  // otherwise one of: "invalid_encoding", "row_too_long", "malformed_json", "not_an_object",
  // "nested_value", "unknown_field", "duplicate_field", "invalid_op", "malformed_csv",
  // "wrong_column_count".
  std::string error_code;
  // Readable English naming the line, e.g. "line 7: unknown field 'nmae'". Field names are
  // quoted (shortened if long); values are never echoed, they may be personal data.
  std::string error_detail;
};

class RowReader {
 public:
  // A reader for a body of `format` in `charset`, whose rows fill the fields `columns` (the
  // resource's field names, snake_case ASCII).
  // Failure: Error invalid "invalid_columns" when `columns` is empty, or names a column twice,
  // or has an empty name or "_op" (the operation is not a field); Error internal
  // "iconv_unavailable" when iconv has no GB18030 converter.
  static Result<std::unique_ptr<RowReader>> create(IngestFormat format, Charset charset,
                                                   std::vector<std::string> columns,
                                                   Limits limits = {});
  ~RowReader();
  RowReader(const RowReader&) = delete;
  RowReader& operator=(const RowReader&) = delete;

  // Appends the next piece of the body. Success: the piece is kept (converted to UTF-8 for GBK)
  // until next() reads it. Failure: the fatal error next() returned before, if any (stop
  // sending), or Error internal "reader_finished" after finish().
  Status feed(std::string_view bytes);

  // Marks the end of the body; the last line needs no terminator. Calling it again does nothing.
  // Failure: the fatal error next() returned before, if any.
  Status finish();

  // Fills `row` with the next complete row (reusing its storage). Returns true when a row was
  // produced (check row.error_code), false when more input is needed or, after finish(), at the
  // end of the body.
  // Failure (fatal: the whole upload is unusable, no further rows; every later call returns the
  // same error), all Error invalid:
  //   "csv_header_missing"  the body is empty or its first line is empty
  //   "unknown_field"       a CSV header column is not a field of the resource
  //   "duplicate_column"    a CSV header names a column twice
  //   "too_many_columns"    a CSV header with more than Limits::max_columns columns
  //   "row_too_long"        a CSV header longer than Limits::max_row_bytes
  //   "invalid_encoding"    a CSV header that is not valid text in the charset
  //   "malformed_csv"       a CSV header that is not valid CSV, or a quoted field still open at
  //                         the end of the body
  Result<bool> next(RawRow& row);

  // Rows produced by next() so far, rejected ones included (the CSV header is not a row).
  std::uint64_t rows_read() const { return rows_read_; }

  // Bytes held and not yet read (text, and the start of a GBK character cut by the end of a
  // piece), for tests and metrics. Once next() has returned false: at most max_row_bytes + 4.
  std::size_t buffered_bytes() const;

 private:
  class Decoder;  // GB 18030 → UTF-8 over iconv
  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using ColumnIndex = std::unordered_map<std::string, int, TransparentHash, std::equal_to<>>;
  // The scan for the end of a CSV record: at the start of a cell (a quote opens a quoted field),
  // in an unquoted cell, inside quotes, or just after a quote inside quotes.
  enum class CsvState : std::uint8_t { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };
  enum class Step : std::uint8_t { kRow, kSkipped, kNeedInput };

  RowReader(IngestFormat format, std::vector<std::string> columns, ColumnIndex index,
            Limits limits);

  Result<Step> step(RawRow& row);
  bool find_record_end(std::size_t& end);
  void reset_scan();
  void start_row(RawRow& row, std::uint64_t line) const;
  void set_row_error(RawRow& row, std::string_view code, std::string_view detail) const;
  bool check_encoding(std::string_view record, std::uint64_t first, std::uint64_t last);
  std::string_view encoding_detail() const;
  int column_index(std::string_view name, std::size_t guess) const;
  Status parse_csv_header(std::string_view record, std::uint64_t last);
  void parse_csv(std::string_view record, RawRow& row);
  void parse_ndjson(std::string_view line, RawRow& row);
  Error unclosed_quote(std::uint64_t line) const;
  Error header_too_long() const;
  Error fail(Error error);

  const IngestFormat format_;
  const std::vector<std::string> columns_;
  const ColumnIndex column_index_;
  const Limits limits_;
  std::unique_ptr<Decoder> decoder_;  // GBK only

  // Unread UTF-8 text; the current record starts at pos_, on line line_.
  std::string buf_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 1;
  bool bom_checked_ = false;
  bool finished_ = false;
  std::optional<Error> fatal_;  // once set, every call returns it
  // GBK: lines that held bytes iconv could not convert, ascending.
  std::deque<std::uint64_t> bad_lines_;

  // Resumable scan of the current record, so that a long record arriving in many pieces is
  // scanned once: bytes from pos_ already scanned, the newlines among them, the CSV state after.
  std::size_t scanned_ = 0;
  std::uint64_t scanned_newlines_ = 0;
  CsvState csv_state_ = CsvState::kFieldStart;
  // After a row_too_long found before its end: the rest of that row is dropped as it arrives.
  bool skipping_ = false;
  std::uint64_t skipped_line_ = 0;

  // CSV: for each header column, its index in columns_, or -1 for "_op".
  bool header_read_ = false;
  std::vector<int> header_map_;

  // Reused between rows.
  std::string scratch_;
  std::string op_text_;
  std::string key_scratch_;
  std::string value_scratch_;
  RawValue scratch_value_;

  std::uint64_t rows_read_ = 0;
};

}  // namespace zt::exchange
