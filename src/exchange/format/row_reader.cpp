#include "exchange/format/row_reader.h"

#include "core/utf8.h"

#include <fmt/format.h>
#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include <boost/json/basic_parser_impl.hpp>

namespace zt::exchange {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kOpKey = "_op";
constexpr int kOpColumn = -1;       // header_map_: the "_op" column
constexpr int kUnknownColumn = -2;  // column_index(): not a field
constexpr std::size_t kDetailNameBytes = 64;

// ---- text helpers ----

bool is_json_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// A name from the body for a detail: at most kDetailNameBytes bytes (cut at a character
// boundary), control characters shown as '?'.
std::string quote_name(std::string_view name) {
  std::string out = "'";
  std::size_t n = name.size();
  bool cut = false;
  if (n > kDetailNameBytes) {
    n = kDetailNameBytes;
    while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80)
      --n;
    cut = true;
  }
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    out.push_back(c < 0x20 || c == 0x7F ? '?' : static_cast<char>(c));
  }
  if (cut) out += "...";
  out += "'";
  return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// ---- flat JSON scanning (the fast path of NDJSON) ----
//
// The scanner accepts exactly RFC 8259 for the flat objects it handles (the fuzz target checks it
// against Boost.JSON); anything nested or not an object goes to Boost.JSON (json_kind below).

// Characters that end the plain run of a JSON string: '"', '\\' and control characters.
constexpr std::array<bool, 256> kStringStop = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c)
    t[c] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}();

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool read_hex4(const char*& p, const char* e, std::uint32_t& v) {
  if (e - p < 4) return false;
  v = 0;
  for (int i = 0; i < 4; ++i) {
    int d = hex_digit(p[i]);
    if (d < 0) return false;
    v = v * 16 + static_cast<std::uint32_t>(d);
  }
  p += 4;
  return true;
}

// Reads a JSON string whose opening quote is just before `p`. On success `p` is past the closing
// quote and the content is in `view` (pointing into the input when it has no escapes, else into
// `scratch`, which receives the decoded text). False on a syntax error.
bool read_string(const char*& p, const char* e, std::string& scratch, std::string_view& view) {
  const char* start = p;
  while (p < e && !kStringStop[static_cast<unsigned char>(*p)])
    ++p;
  if (p < e && *p == '"') {
    view = std::string_view(start, static_cast<std::size_t>(p - start));
    ++p;
    return true;
  }
  scratch.assign(start, p);
  while (p < e) {
    char c = *p;
    if (c == '"') {
      ++p;
      view = scratch;
      return true;
    }
    if (static_cast<unsigned char>(c) < 0x20) return false;
    if (c != '\\') {
      const char* run = p;
      while (p < e && !kStringStop[static_cast<unsigned char>(*p)])
        ++p;
      scratch.append(run, p);
      continue;
    }
    if (++p == e) return false;
    switch (*p++) {
      case '"': scratch.push_back('"'); break;
      case '\\': scratch.push_back('\\'); break;
      case '/': scratch.push_back('/'); break;
      case 'b': scratch.push_back('\b'); break;
      case 'f': scratch.push_back('\f'); break;
      case 'n': scratch.push_back('\n'); break;
      case 'r': scratch.push_back('\r'); break;
      case 't': scratch.push_back('\t'); break;
      case 'u': {
        std::uint32_t cp;
        if (!read_hex4(p, e, cp)) return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a trailing surrogate alone
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          std::uint32_t low;
          if (e - p < 2 || p[0] != '\\' || p[1] != 'u') return false;
          p += 2;
          if (!read_hex4(p, e, low) || low < 0xDC00 || low > 0xDFFF) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(scratch, cp);
        break;
      }
      default: return false;
    }
  }
  return false;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads a JSON number starting at `p` (RFC 8259 grammar); `p` ends past it. False when invalid.
bool read_number(const char*& p, const char* e) {
  if (p < e && *p == '-') ++p;
  if (p == e) return false;
  if (*p == '0') {
    ++p;
  } else if (is_digit(*p)) {
    while (p < e && is_digit(*p))
      ++p;
  } else {
    return false;
  }
  if (p < e && *p == '.') {
    ++p;
    if (p == e || !is_digit(*p)) return false;
    while (p < e && is_digit(*p))
      ++p;
  }
  if (p < e && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < e && (*p == '+' || *p == '-')) ++p;
    if (p == e || !is_digit(*p)) return false;
    while (p < e && is_digit(*p))
      ++p;
  }
  return true;
}

bool read_literal(const char*& p, const char* e, std::string_view word) {
  if (static_cast<std::size_t>(e - p) < word.size() || std::string_view(p, word.size()) != word) {
    return false;
  }
  p += word.size();
  return true;
}

void skip_space(const char*& p, const char* e) {
  while (p < e && is_json_space(*p))
    ++p;
}

// ---- Boost.JSON, for what the fast path does not handle ----

// A Boost.JSON handler that builds nothing: the parser validates, the handler notes the kind of
// the top-level value.
struct KindHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  using ec_t = boost::json::error_code;
  using sv_t = boost::json::string_view;

  std::size_t depth = 0;
  std::string_view kind;

  void note(std::string_view k) {
    if (depth == 0) kind = k;
  }
  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_array_begin(ec_t&) {
    note("an array");
    ++depth;
    return true;
  }
  bool on_array_end(std::size_t, ec_t&) {
    --depth;
    return true;
  }
  bool on_object_begin(ec_t&) {
    note("an object");
    ++depth;
    return true;
  }
  bool on_object_end(std::size_t, ec_t&) {
    --depth;
    return true;
  }
  bool on_string_part(sv_t, std::size_t, ec_t&) { return true; }
  bool on_string(sv_t, std::size_t, ec_t&) {
    note("a string");
    return true;
  }
  bool on_key_part(sv_t, std::size_t, ec_t&) { return true; }
  bool on_key(sv_t, std::size_t, ec_t&) { return true; }
  bool on_number_part(sv_t, ec_t&) { return true; }
  bool on_int64(std::int64_t, sv_t, ec_t&) {
    note("a number");
    return true;
  }
  bool on_uint64(std::uint64_t, sv_t, ec_t&) {
    note("a number");
    return true;
  }
  bool on_double(double, sv_t, ec_t&) {
    note("a number");
    return true;
  }
  bool on_bool(bool, ec_t&) {
    note("a boolean");
    return true;
  }
  bool on_null(ec_t&) {
    note("null");
    return true;
  }
  bool on_comment_part(sv_t, ec_t&) { return true; }
  bool on_comment(sv_t, ec_t&) { return true; }
};

// The kind of JSON value `text` is ("an object", "an array", …), or empty when it is not one
// valid JSON value.
std::string_view json_kind(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::json::basic_parser<KindHandler> parser(options);
  boost::json::error_code ec;
  std::size_t n = parser.write_some(false, text.data(), text.size(), ec);
  if (ec || n != text.size()) return {};
  return parser.handler().kind;
}

// ---- CSV cells ----

// Splits a complete CSV record (terminator removed) into cells, calling
// `cell(index, text, quoted)` for each; `text` is valid until the next call. Returns the number
// of cells, or on text after a closing quote sets `bad_cell` (0-based) and returns 0.
template <typename Cell>
std::size_t split_csv(std::string_view record, std::string& scratch, std::size_t& bad_cell,
                      Cell&& cell) {
  const char* p = record.data();
  const char* e = p + record.size();
  std::size_t index = 0;
  while (true) {
    if (p < e && *p == '"') {
      ++p;
      std::string_view text;
      const char* q =
          static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(e - p)));
      if (q == nullptr) {  // cannot happen for a complete record; treated as malformed
        bad_cell = index;
        return 0;
      }
      if (q + 1 < e && q[1] == '"') {
        scratch.assign(p, q + 1);  // up to and including the first quote of ""
        p = q + 2;
        while (true) {
          q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(e - p)));
          if (q == nullptr) {
            bad_cell = index;
            return 0;
          }
          if (q + 1 < e && q[1] == '"') {
            scratch.append(p, q + 1);
            p = q + 2;
            continue;
          }
          scratch.append(p, q);
          break;
        }
        text = scratch;
      } else {
        text = std::string_view(p, static_cast<std::size_t>(q - p));
      }
      p = q + 1;
      if (p < e && *p != ',') {
        bad_cell = index;
        return 0;
      }
      cell(index, text, true);
    } else {
      const char* q =
          static_cast<const char*>(std::memchr(p, ',', static_cast<std::size_t>(e - p)));
      const char* stop = q != nullptr ? q : e;
      cell(index, std::string_view(p, static_cast<std::size_t>(stop - p)), false);
      p = stop;
    }
    ++index;
    if (p == e) return index;
    ++p;  // the comma; a comma at the very end is followed by one more (empty) cell
  }
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

// ---- GB 18030 → UTF-8 ----

// Converts GB 18030 to UTF-8 with glibc iconv, piece by piece: an incomplete sequence at the end
// of a piece waits for the next. A byte that is not GB 18030 becomes U+FFFD and its line is
// noted as bad. Lines are counted on the input: 0x0A is never part of a GB 18030 multi-byte
// sequence (trail bytes are 0x30–0x39 and 0x40–0xFE), so a newline is always a newline.
class RowReader::Decoder {
 public:
  static Result<std::unique_ptr<Decoder>> open() {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1)) {
      return Error::internal("iconv_unavailable",
                             fmt::format("iconv cannot convert GB18030: {}", std::strerror(errno)));
    }
    return std::unique_ptr<Decoder>(new Decoder(cd));
  }
  ~Decoder() { iconv_close(cd_); }
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  std::size_t carried() const { return carry_.size(); }

  // Appends the UTF-8 of `in` to `out`; `last` when no input follows. Bad lines go to `bad`.
  void decode(std::string_view in, bool last, std::string& out, std::deque<std::uint64_t>& bad) {
    if (!carry_.empty()) {
      std::string joined = std::move(carry_);
      carry_.clear();
      joined.append(in);
      convert(joined, last, out, bad);
    } else {
      convert(in, last, out, bad);
    }
  }

 private:
  explicit Decoder(iconv_t cd) : cd_(cd) {}

  void convert(std::string_view in, bool last, std::string& out, std::deque<std::uint64_t>& bad) {
    const char* p = in.data();
    const char* e = p + in.size();
    const char* counted = p;  // newlines before `counted` are in line_
    // Through a fixed buffer: growing `out` for each call would zero-fill it again after each
    // invalid byte (quadratic on a piece of garbage).
    std::array<char, 16 * 1024> chunk;
    while (p < e) {
      std::size_t in_left = static_cast<std::size_t>(e - p);
      char* in_ptr = const_cast<char*>(p);  // iconv's signature; it does not write the input
      char* out_ptr = chunk.data();
      std::size_t out_left = chunk.size();
      std::size_t r = iconv(cd_, &in_ptr, &in_left, &out_ptr, &out_left);
      int err = errno;
      out.append(chunk.data(), static_cast<std::size_t>(out_ptr - chunk.data()));
      p = in_ptr;
      if (r != static_cast<std::size_t>(-1)) break;
      if (err == E2BIG) continue;
      if (err == EINVAL && !last) {
        // An incomplete sequence ends the piece (at most 3 bytes): wait for the rest.
        carry_.assign(p, e);
        e = p;
        break;
      }
      // EILSEQ, or a sequence cut short by the end of the body.
      line_ += static_cast<std::uint64_t>(std::count(counted, p, '\n'));
      counted = p;
      if (bad.empty() || bad.back() != line_) bad.push_back(line_);
      out.append(kReplacement);
      ++p;
      iconv(cd_, nullptr, nullptr, nullptr, nullptr);
    }
    line_ += static_cast<std::uint64_t>(std::count(counted, e, '\n'));
  }

  iconv_t cd_;
  std::string carry_;
  std::uint64_t line_ = 1;
};

// ---- RowReader ----

Result<std::unique_ptr<RowReader>> RowReader::create(IngestFormat format, Charset charset,
                                                     std::vector<std::string> columns,
                                                     Limits limits) {
  if (columns.empty()) return Error::invalid("invalid_columns", "the column list is empty");
  ColumnIndex index;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string& name = columns[i];
    if (name.empty()) return Error::invalid("invalid_columns", "a column name is empty");
    if (name == kOpKey) {
      return Error::invalid("invalid_columns", "'_op' is the operation, not a column");
    }
    if (!index.emplace(name, static_cast<int>(i)).second) {
      return Error::invalid("invalid_columns",
                            fmt::format("column {} is listed twice", quote_name(name)));
    }
  }
  std::unique_ptr<RowReader> reader(
      new RowReader(format, std::move(columns), std::move(index), limits));
  if (charset == Charset::kGbk) {
    ZT_ASSIGN_OR_RETURN(reader->decoder_, Decoder::open());
  }
  return reader;
}

RowReader::RowReader(IngestFormat format, std::vector<std::string> columns, ColumnIndex index,
                     Limits limits)
    : format_(format),
      columns_(std::move(columns)),
      column_index_(std::move(index)),
      limits_(limits) {}

RowReader::~RowReader() = default;

Status RowReader::feed(std::string_view bytes) {
  if (fatal_) return *fatal_;
  if (finished_) return Error::internal("reader_finished", "feed() after finish()");
  // What next() has read goes once it is as long as what is left (at most one unfinished row),
  // so that moving the rest costs no more than reading it did, however small the pieces.
  if (pos_ > 0 && pos_ >= buf_.size() - pos_) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  if (decoder_) {
    decoder_->decode(bytes, false, buf_, bad_lines_);
  } else {
    buf_.append(bytes);
  }
  return {};
}

Status RowReader::finish() {
  if (fatal_) return *fatal_;
  if (finished_) return {};
  if (decoder_) decoder_->decode({}, true, buf_, bad_lines_);
  finished_ = true;
  return {};
}

Result<bool> RowReader::next(RawRow& row) {
  if (fatal_) return *fatal_;
  while (true) {
    ZT_ASSIGN_OR_RETURN(Step step, this->step(row));
    switch (step) {
      case Step::kRow: ++rows_read_; return true;
      case Step::kNeedInput: return false;
      case Step::kSkipped: break;
    }
  }
}

std::size_t RowReader::buffered_bytes() const {
  return buf_.size() - pos_ + (decoder_ ? decoder_->carried() : 0);
}

Error RowReader::fail(Error error) {
  fatal_ = error;
  return error;
}

void RowReader::reset_scan() {
  scanned_ = 0;
  scanned_newlines_ = 0;
  csv_state_ = CsvState::kFieldStart;
}

void RowReader::start_row(RawRow& row, std::uint64_t line) const {
  row.line = line;
  row.is_delete = false;
  row.error_code.clear();
  row.error_detail.clear();
  row.values.resize(columns_.size());
  for (RawValue& v : row.values) {
    v.kind = RawValue::Kind::kAbsent;
    v.text.clear();
  }
}

void RowReader::set_row_error(RawRow& row, std::string_view code, std::string_view detail) const {
  row.error_code.assign(code);
  row.error_detail = fmt::format("line {}: {}", row.line, detail);
}

Result<RowReader::Step> RowReader::step(RawRow& row) {
  if (!bom_checked_) {
    std::string_view rest(buf_.data() + pos_, buf_.size() - pos_);
    if (rest.size() < kBom.size() && kBom.starts_with(rest) && !finished_) {
      return Step::kNeedInput;
    }
    if (rest.starts_with(kBom)) pos_ += kBom.size();
    bom_checked_ = true;
  }

  if (skipping_) {
    std::size_t end = 0;
    if (!find_record_end(end)) {
      line_ += scanned_newlines_;
      if (finished_) {
        if (format_ == IngestFormat::kCsv && csv_state_ == CsvState::kQuoted) {
          return fail(unclosed_quote(skipped_line_));
        }
        skipping_ = false;
        pos_ = buf_.size();
        reset_scan();
        return Step::kNeedInput;
      }
      // Drop what arrived of the long row; keep only the scan state.
      buf_.clear();
      pos_ = 0;
      scanned_ = 0;
      scanned_newlines_ = 0;
      return Step::kNeedInput;
    }
    line_ += scanned_newlines_ + 1;
    pos_ = end + 1;
    skipping_ = false;
    reset_scan();
  }

  std::size_t end = 0;
  const bool terminated = find_record_end(end);
  if (!terminated) {
    const std::size_t buffered = buf_.size() - pos_;
    if (!finished_) {
      // Past max_row_bytes + 1 (one byte may be the '\r' of "\r\n"), the row is too long
      // whatever follows: report it now and drop the rest as it arrives.
      if (buffered <= limits_.max_row_bytes || buffered - 1 <= limits_.max_row_bytes) {
        return Step::kNeedInput;
      }
      const std::uint64_t first = line_;
      if (format_ == IngestFormat::kCsv && !header_read_) return fail(header_too_long());
      line_ += scanned_newlines_;
      buf_.clear();
      pos_ = 0;
      scanned_ = 0;
      scanned_newlines_ = 0;
      skipping_ = true;
      skipped_line_ = first;
      start_row(row, first);
      set_row_error(row, "row_too_long",
                    fmt::format("the row is longer than {} bytes", limits_.max_row_bytes));
      return Step::kRow;
    }
    if (buffered == 0) {
      if (format_ == IngestFormat::kCsv && !header_read_) {
        return fail(Error::invalid("csv_header_missing",
                                   "the body is empty; a CSV body starts with a header line "
                                   "naming the fields"));
      }
      return Step::kNeedInput;
    }
    if (format_ == IngestFormat::kCsv && csv_state_ == CsvState::kQuoted) {
      return fail(unclosed_quote(line_));
    }
    end = buf_.size();
  }

  std::string_view record(buf_.data() + pos_, end - pos_);
  if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
  const std::uint64_t first = line_;
  const std::uint64_t last = line_ + scanned_newlines_;
  pos_ = terminated ? end + 1 : end;
  line_ = terminated ? last + 1 : last;
  reset_scan();

  if (record.size() > limits_.max_row_bytes) {
    if (format_ == IngestFormat::kCsv && !header_read_) return fail(header_too_long());
    start_row(row, first);
    set_row_error(row, "row_too_long",
                  fmt::format("the row is longer than {} bytes", limits_.max_row_bytes));
    return Step::kRow;
  }

  if (format_ == IngestFormat::kCsv) {
    if (!header_read_) {
      ZT_TRY(parse_csv_header(record, last));
      header_read_ = true;
      return Step::kSkipped;
    }
    if (record.empty()) return Step::kSkipped;
  } else if (std::all_of(record.begin(), record.end(), is_json_space)) {
    return Step::kSkipped;
  }

  start_row(row, first);
  if (!check_encoding(record, first, last)) {
    set_row_error(row, "invalid_encoding", encoding_detail());
    return Step::kRow;
  }
  if (format_ == IngestFormat::kCsv) {
    parse_csv(record, row);
  } else {
    parse_ndjson(record, row);
  }
  return Step::kRow;
}

// Looks for the end of the current record (from pos_) in what is buffered, resuming where the
// last call stopped. True: `end` is the index of the terminating '\n' and scanned_newlines_
// counts the newlines inside the record (CSV quoted fields). False: no end yet; the scan state
// covers everything buffered.
//
// CSV states: kFieldStart (a cell begins: a quote here opens a quoted field), kUnquoted (inside
// an unquoted cell: quotes are characters), kQuoted (inside quotes: newlines and commas are
// text), kQuoteInQuoted (a quote inside quotes: either the first of "" or the closing one).
bool RowReader::find_record_end(std::size_t& end) {
  const char* base = buf_.data();
  const char* p = base + pos_ + scanned_;
  const char* e = base + buf_.size();
  if (format_ == IngestFormat::kNdjson) {
    const auto* nl =
        static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(e - p)));
    if (nl != nullptr) {
      end = static_cast<std::size_t>(nl - base);
      return true;
    }
    scanned_ = buf_.size() - pos_;
    return false;
  }

  CsvState s = csv_state_;
  while (p < e) {
    if (s == CsvState::kQuoted) {
      const auto* q =
          static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(e - p)));
      const char* stop = q != nullptr ? q : e;
      scanned_newlines_ += static_cast<std::uint64_t>(std::count(p, stop, '\n'));
      if (q == nullptr) {
        p = e;
        break;
      }
      p = q + 1;
      s = CsvState::kQuoteInQuoted;
      continue;
    }
    // Outside quotes: the record ends at the next newline unless a quote opens a field first.
    const auto* nl =
        static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(e - p)));
    const char* stop = nl != nullptr ? nl : e;
    const auto* q =
        static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(stop - p)));
    if (q == nullptr) {
      if (nl != nullptr) {
        end = static_cast<std::size_t>(nl - base);
        return true;
      }
      if (p < e) s = e[-1] == ',' ? CsvState::kFieldStart : CsvState::kUnquoted;
      p = e;
      break;
    }
    if (q > p) s = q[-1] == ',' ? CsvState::kFieldStart : CsvState::kUnquoted;
    if (s == CsvState::kFieldStart || s == CsvState::kQuoteInQuoted) s = CsvState::kQuoted;
    p = q + 1;
  }
  csv_state_ = s;
  scanned_ = static_cast<std::size_t>(p - (base + pos_));
  return false;
}

Error RowReader::unclosed_quote(std::uint64_t line) const {
  return Error::invalid(
      "malformed_csv",
      fmt::format("line {}: a quoted field is still open at the end of the body", line));
}

Error RowReader::header_too_long() const {
  return Error::invalid(
      "row_too_long",
      fmt::format("line 1: the CSV header is longer than {} bytes", limits_.max_row_bytes));
}

bool RowReader::check_encoding(std::string_view record, std::uint64_t first, std::uint64_t last) {
  if (!decoder_) return core::valid_utf8(record);
  while (!bad_lines_.empty() && bad_lines_.front() < first)
    bad_lines_.pop_front();
  return bad_lines_.empty() || bad_lines_.front() > last;
}

std::string_view RowReader::encoding_detail() const {
  return decoder_ ? "the row holds bytes that are not GBK (GB 18030)"
                  : "the row is not valid UTF-8";
}

int RowReader::column_index(std::string_view name, std::size_t guess) const {
  if (guess < columns_.size() && columns_[guess] == name) return static_cast<int>(guess);
  auto it = column_index_.find(name);
  return it == column_index_.end() ? kUnknownColumn : it->second;
}

Status RowReader::parse_csv_header(std::string_view record, std::uint64_t last) {
  if (record.empty()) {
    return fail(Error::invalid("csv_header_missing",
                               "line 1: the first line is empty; a CSV body starts with a header "
                               "line naming the fields"));
  }
  if (!check_encoding(record, 1, last)) {
    return fail(Error::invalid(
        "invalid_encoding",
        fmt::format("line 1: the CSV header {}",
                    decoder_ ? "holds bytes that are not GBK (GB 18030)" : "is not valid UTF-8")));
  }
  header_map_.clear();
  std::vector<bool> seen(columns_.size(), false);
  bool seen_op = false;
  std::optional<Error> error;
  std::size_t bad_cell = 0;
  std::size_t cells =
      split_csv(record, scratch_, bad_cell, [&](std::size_t i, std::string_view text, bool) {
        if (error) return;
        if (i >= limits_.max_columns) {
          error = Error::invalid(
              "too_many_columns",
              fmt::format("line 1: the CSV header has more than {} columns", limits_.max_columns));
          return;
        }
        std::string_view name = trim_spaces(text);
        if (name.empty()) {
          error = Error::invalid("unknown_field",
                                 fmt::format("line 1: CSV header column {} is empty", i + 1));
          return;
        }
        if (name == kOpKey) {
          if (seen_op) {
            error = Error::invalid("duplicate_column", "line 1: the CSV header names '_op' twice");
            return;
          }
          seen_op = true;
          header_map_.push_back(kOpColumn);
          return;
        }
        int index = column_index(name, i);
        if (index < 0) {
          error = Error::invalid("unknown_field",
                                 fmt::format("CSV header column {} is not a field of this resource",
                                             quote_name(name)));
          return;
        }
        if (seen[static_cast<std::size_t>(index)]) {
          error = Error::invalid(
              "duplicate_column",
              fmt::format("line 1: the CSV header names {} twice", quote_name(name)));
          return;
        }
        seen[static_cast<std::size_t>(index)] = true;
        header_map_.push_back(index);
      });
  if (cells == 0) {
    return fail(Error::invalid(
        "malformed_csv",
        fmt::format("line 1: text after the closing quote of CSV header column {}", bad_cell + 1)));
  }
  if (error) return fail(std::move(*error));
  return {};
}

void RowReader::parse_csv(std::string_view record, RawRow& row) {
  const std::size_t width = header_map_.size();
  bool has_op = false;
  std::size_t bad_cell = 0;
  std::size_t cells =
      split_csv(record, scratch_, bad_cell, [&](std::size_t i, std::string_view text, bool quoted) {
        if (i >= width) return;
        int index = header_map_[i];
        if (index == kOpColumn) {
          op_text_.assign(text);
          has_op = true;
          return;
        }
        RawValue& v = row.values[static_cast<std::size_t>(index)];
        if (!quoted && text.empty()) {
          v.kind = RawValue::Kind::kNull;
        } else {
          v.kind = RawValue::Kind::kString;
          v.text.assign(text);
        }
      });
  if (cells == 0) {
    set_row_error(row, "malformed_csv",
                  fmt::format("text after the closing quote of cell {}", bad_cell + 1));
    return;
  }
  if (cells != width) {
    set_row_error(row, "wrong_column_count",
                  fmt::format("{} cells, the header has {}", cells, width));
    return;
  }
  if (has_op) {
    if (op_text_ == "delete") {
      row.is_delete = true;
    } else if (!op_text_.empty() && op_text_ != "upsert") {
      set_row_error(row, "invalid_op", "_op must be empty, \"upsert\" or \"delete\"");
    }
  }
}

void RowReader::parse_ndjson(std::string_view line, RawRow& row) {
  const char* p = line.data();
  const char* e = p + line.size();
  auto malformed = [&] { set_row_error(row, "malformed_json", "the line is not valid JSON"); };
  // When the fast path meets what it does not handle, Boost.JSON decides about the whole line.
  auto not_flat = [&](std::string_view what) {
    std::string_view kind = json_kind(line);
    if (kind.empty()) {
      malformed();
    } else if (kind != "an object") {
      set_row_error(row, "not_an_object", fmt::format("the line is {}, not a JSON object", kind));
    } else if (row.error_code.empty()) {
      set_row_error(row, "nested_value", what);
    }
  };

  skip_space(p, e);
  if (p == e || *p != '{') return not_flat({});
  ++p;
  skip_space(p, e);
  bool seen_op = false;
  std::size_t guess = 0;
  if (p < e && *p == '}') {
    ++p;
  } else {
    while (true) {
      if (p == e || *p != '"') return malformed();
      ++p;
      std::string_view key;
      if (!read_string(p, e, key_scratch_, key)) return malformed();
      skip_space(p, e);
      if (p == e || *p != ':') return malformed();
      ++p;
      skip_space(p, e);
      if (p == e) return malformed();

      // Where the value goes: its column, or scratch_value_ (for _op, unknown and repeated keys).
      RawValue* target = &scratch_value_;
      bool is_op = false;
      if (key == kOpKey) {
        is_op = true;
        if (seen_op && row.error_code.empty()) {
          set_row_error(row, "duplicate_field", "field '_op' appears twice");
        }
        seen_op = true;
      } else {
        int index = column_index(key, guess);
        if (index < 0) {
          if (row.error_code.empty()) {
            set_row_error(row, "unknown_field", fmt::format("unknown field {}", quote_name(key)));
          }
        } else {
          guess = static_cast<std::size_t>(index) + 1;
          RawValue& v = row.values[static_cast<std::size_t>(index)];
          if (v.kind != RawValue::Kind::kAbsent) {
            if (row.error_code.empty()) {
              set_row_error(row, "duplicate_field",
                            fmt::format("field {} appears twice", quote_name(key)));
            }
          } else {
            target = &v;
          }
        }
      }

      const char c = *p;
      if (c == '"') {
        ++p;
        std::string_view text;
        if (!read_string(p, e, value_scratch_, text)) return malformed();
        target->kind = RawValue::Kind::kString;
        target->text.assign(text);
      } else if (c == '-' || is_digit(c)) {
        const char* start = p;
        if (!read_number(p, e)) return malformed();
        target->kind = RawValue::Kind::kNumber;
        target->text.assign(start, p);
      } else if (c == 't' || c == 'f') {
        if (!read_literal(p, e, c == 't' ? "true" : "false")) return malformed();
        target->kind = RawValue::Kind::kBool;
        target->text.assign(c == 't' ? "true" : "false");
      } else if (c == 'n') {
        if (!read_literal(p, e, "null")) return malformed();
        target->kind = RawValue::Kind::kNull;
        target->text.clear();
      } else if (c == '{' || c == '[') {
        return not_flat(fmt::format("field {} holds {}; values must be flat",
                                    quote_name(is_op ? kOpKey : key),
                                    c == '{' ? "an object" : "an array"));
      } else {
        return malformed();
      }
      if (is_op && target->kind == RawValue::Kind::kString && target->text == "delete") {
        row.is_delete = true;
      } else if (is_op && !(target->kind == RawValue::Kind::kString && target->text == "upsert")) {
        if (row.error_code.empty()) {
          set_row_error(row, "invalid_op", "_op must be \"upsert\" or \"delete\"");
        }
      }

      skip_space(p, e);
      if (p == e) return malformed();
      if (*p == ',') {
        ++p;
        skip_space(p, e);
        continue;
      }
      if (*p != '}') return malformed();
      ++p;
      break;
    }
  }
  skip_space(p, e);
  if (p != e) return malformed();
}

}  // namespace zt::exchange
