#include "exchange/records/validate.h"

#include "core/division_code.h"
#include "core/id_number.h"
#include "core/json_text.h"
#include "core/uscc.h"

#include <fmt/format.h>

#include <charconv>

namespace zt::exchange {

namespace {

using catalog::Field;
using catalog::FieldType;
using Kind = RawValue::Kind;

Error reason(std::string code, std::string detail) {
  return Error::invalid(std::move(code), std::move(detail));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

int number(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

bool valid_date(int y, int m, int d) {
  if (y < 1 || y > 9999) return false;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                        std::chrono::day(d)};
  return ymd.ok();
}

// YYYY-MM-DD, YYYYMMDD or YYYY/MM/DD → YYYY-MM-DD.
std::optional<std::string> canonical_date(std::string_view s) {
  std::string_view y, m, d;
  if (s.size() == 8 && all_digits(s)) {
    y = s.substr(0, 4), m = s.substr(4, 2), d = s.substr(6, 2);
  } else if (s.size() == 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4]) {
    y = s.substr(0, 4), m = s.substr(5, 2), d = s.substr(8, 2);
  } else {
    return std::nullopt;
  }
  if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::nullopt;
  if (!valid_date(number(y), number(m), number(d))) return std::nullopt;
  std::string out;
  out.reserve(10);
  out.append(y).append(1, '-').append(m).append(1, '-').append(d);
  return out;
}

// ISO 8601 date-time → Beijing time, YYYY-MM-DDTHH:MM:SS+08:00.
std::optional<std::string> canonical_datetime(std::string_view s) {
  if (s.size() < 19) return std::nullopt;
  auto date = canonical_date(s.substr(0, 10));
  if (!date || (s[10] != 'T' && s[10] != ' ')) return std::nullopt;
  std::string_view t = s.substr(11);
  if (t.size() < 8 || t[2] != ':' || t[5] != ':') return std::nullopt;
  if (!all_digits(t.substr(0, 2)) || !all_digits(t.substr(3, 2)) || !all_digits(t.substr(6, 2))) {
    return std::nullopt;
  }
  const int hh = number(t.substr(0, 2)), mm = number(t.substr(3, 2)), ss = number(t.substr(6, 2));
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  std::string_view rest = t.substr(8);
  if (!rest.empty() && (rest[0] == '.' || rest[0] == ',')) {
    std::size_t i = 1;
    while (i < rest.size() && is_digit(rest[i]))
      ++i;
    if (i == 1) return std::nullopt;
    rest.remove_prefix(i);
  }
  int offset_minutes = 8 * 60;
  if (rest == "Z" || rest == "z") {
    offset_minutes = 0;
  } else if (!rest.empty()) {
    if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' ||
        !all_digits(rest.substr(1, 2)) || !all_digits(rest.substr(4, 2))) {
      return std::nullopt;
    }
    const int oh = number(rest.substr(1, 2)), om = number(rest.substr(4, 2));
    if (oh > 14 || om > 59) return std::nullopt;
    offset_minutes = (rest[0] == '-' ? -1 : 1) * (oh * 60 + om);
  }
  using namespace std::chrono;
  const std::string_view ds = *date;
  const sys_days date_days = year_month_day{year(number(ds.substr(0, 4))),
                                            month(static_cast<unsigned>(number(ds.substr(5, 2)))),
                                            day(static_cast<unsigned>(number(ds.substr(8, 2))))};
  const sys_seconds utc =
      date_days + hours(hh) + minutes(mm) + seconds(ss) - minutes(offset_minutes);
  const sys_seconds beijing = utc + hours(8);
  const sys_days bd = floor<days>(beijing);
  const year_month_day ymd{bd};
  if (ymd.year() < year(1) || ymd.year() > year(9999)) return std::nullopt;
  const hh_mm_ss hms{beijing - bd};
  // Formatted by hand: this runs for every datetime value of an ingest.
  char out[] = "0000-00-00T00:00:00+08:00";
  auto put = [&out](int at, long value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      out[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<int>(ymd.year()), 4);
  put(5, static_cast<unsigned>(ymd.month()), 2);
  put(8, static_cast<unsigned>(ymd.day()), 2);
  put(11, hms.hours().count(), 2);
  put(14, hms.minutes().count(), 2);
  put(17, hms.seconds().count(), 2);
  return std::string(out, sizeof out - 1);
}

// -?digits[.digits] → without leading zeros.
std::optional<std::string> canonical_decimal(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    if (s[0] == '-') out += '-';
    i = 1;
  }
  const std::size_t int_start = i;
  while (i < s.size() && is_digit(s[i]))
    ++i;
  std::string_view int_part = s.substr(int_start, i - int_start);
  std::string_view frac;
  if (i < s.size() && s[i] == '.') {
    const std::size_t f = ++i;
    while (i < s.size() && is_digit(s[i]))
      ++i;
    frac = s.substr(f, i - f);
    if (frac.empty()) return std::nullopt;
  }
  if (i != s.size() || int_part.empty() || int_part.size() + frac.size() > 38) return std::nullopt;
  while (int_part.size() > 1 && int_part[0] == '0')
    int_part.remove_prefix(1);
  out += int_part;
  // Trailing zeros of the fraction say nothing about the value: 12.50 and 12.5 are one value,
  // stored and compared alike on both databases.
  while (!frac.empty() && frac.back() == '0')
    frac.remove_suffix(1);
  if (!frac.empty()) {
    out += '.';
    out += frac;
  }
  if (out == "-0" ||
      (out.starts_with("-0.") && out.find_first_not_of("0", 3) == std::string::npos)) {
    out.erase(0, 1);
  }
  return out;
}

bool valid_phone(std::string_view s) {
  if (s.starts_with("+86")) {
    s.remove_prefix(3);
    if (!s.empty() && (s[0] == '-' || s[0] == ' ')) s.remove_prefix(1);
  }
  if (s.size() == 11 && s[0] == '1' && s[1] >= '3' && all_digits(s)) return true;  // mobile
  // Fixed line: 0 + 2-3 digit area code, optional '-', 7-8 digits, optional -extension.
  if (s.empty() || s[0] != '0') return false;
  std::size_t dash = s.find('-');
  std::string_view area, local;
  if (dash != std::string_view::npos) {
    area = s.substr(0, dash);
    local = s.substr(dash + 1);
    std::size_t ext = local.find('-');
    if (ext != std::string_view::npos) {
      std::string_view e = local.substr(ext + 1);
      if (!all_digits(e) || e.size() > 6) return false;
      local = local.substr(0, ext);
    }
    return area.size() >= 3 && area.size() <= 4 && all_digits(area) && local.size() >= 7 &&
           local.size() <= 8 && all_digits(local);
  }
  return all_digits(s) && s.size() >= 10 && s.size() <= 12;
}

bool valid_email(std::string_view s) {
  const std::size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || s.size() > 254) return false;
  if (s.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view domain = s.substr(at + 1);
  const std::size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size()) return false;
  for (unsigned char c : s) {
    if (c <= ' ' || c == '"' || c == '(' || c == ')' || c == ',' || c == ';' || c == '<' ||
        c == '>' || c == '[' || c == ']' || c == '\\')
      return false;
  }
  return domain.find("..") == std::string_view::npos;
}

std::optional<bool> parse_bool(std::string_view s) {
  if (s == "true" || s == "1" || s == "是" || s == "Y" || s == "y" || s == "TRUE" || s == "True") {
    return true;
  }
  if (s == "false" || s == "0" || s == "否" || s == "N" || s == "n" || s == "FALSE" ||
      s == "False") {
    return false;
  }
  return std::nullopt;
}

Result<TypedValue> text_value(std::string text) {
  return TypedValue{.kind = TypedValue::Kind::kText, .i = 0, .text = std::move(text)};
}

}  // namespace

namespace {

// The value in its canonical form, before the length check.
Result<TypedValue> typed_value(const Field& field, const RawValue& raw,
                               std::chrono::year_month_day today) {
  const bool textual = field.type == FieldType::kString || field.type == FieldType::kEnum;
  const bool empty = raw.kind == Kind::kAbsent || raw.kind == Kind::kNull ||
                     (raw.kind == Kind::kString && raw.text.empty() && !textual);
  if (empty) {
    if (field.required) return reason("required", fmt::format("{} is required", field.name));
    return TypedValue{};
  }
  const std::string& s = raw.text;
  if (raw.kind == Kind::kBool && field.type != FieldType::kBoolean) {
    return reason("wrong_type", fmt::format("{} must not be true/false", field.name));
  }
  switch (field.type) {
    case FieldType::kString:
      if (field.required && s.empty()) {
        return reason("required", fmt::format("{} is required", field.name));
      }
      return text_value(s);
    case FieldType::kEnum:
      for (const auto& v : field.enum_values) {
        if (v == s) return text_value(s);
      }
      return reason("not_in_enum", fmt::format("{} is not one of its {} allowed values", field.name,
                                               field.enum_values.size()));
    case FieldType::kInteger: {
      std::int64_t v = 0;
      const bool plus = !s.empty() && s[0] == '+';
      if (plus && s.size() > 1 && s[1] == '-') {
        return reason("invalid_integer", fmt::format("{} must be a whole number", field.name));
      }
      const char* begin = s.data() + (plus ? 1 : 0);
      auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v);
      if (ec != std::errc() || end != s.data() + s.size() || begin == end) {
        return reason("invalid_integer", fmt::format("{} must be a whole number", field.name));
      }
      return TypedValue{.kind = TypedValue::Kind::kInt, .i = v, .text = {}};
    }
    case FieldType::kDecimal: {
      auto d = canonical_decimal(s);
      if (!d) {
        return reason("invalid_decimal",
                      fmt::format("{} must be a decimal number like 12.5", field.name));
      }
      return text_value(std::move(*d));
    }
    case FieldType::kBoolean: {
      auto b = parse_bool(s);
      if (!b) return reason("invalid_boolean", fmt::format("{} must be true or false", field.name));
      return TypedValue{.kind = TypedValue::Kind::kBool, .i = *b ? 1 : 0, .text = {}};
    }
    case FieldType::kDate: {
      auto d = canonical_date(s);
      if (!d)
        return reason("invalid_date", fmt::format("{} must be a date YYYY-MM-DD", field.name));
      return text_value(std::move(*d));
    }
    case FieldType::kDatetime: {
      auto d = canonical_datetime(s);
      if (!d) {
        return reason(
            "invalid_datetime",
            fmt::format("{} must be an ISO 8601 time like 2026-01-31T09:30:00+08:00", field.name));
      }
      return text_value(std::move(*d));
    }
    case FieldType::kIdNumber: {
      auto r = core::check_id_number(s, today);
      if (!r.ok()) return reason("invalid_id_number", field.name + ": " + r.error().detail);
      return text_value(std::move(*r));
    }
    case FieldType::kUscc: {
      auto r = core::check_uscc(s);
      if (!r.ok()) return reason("invalid_uscc", field.name + ": " + r.error().detail);
      return text_value(std::move(*r));
    }
    case FieldType::kDivisionCode: {
      auto r = core::check_division_code(s);
      if (!r.ok()) return reason("invalid_division_code", field.name + ": " + r.error().detail);
      return text_value(std::move(*r));
    }
    case FieldType::kPhone:
      if (!valid_phone(s)) {
        return reason(
            "invalid_phone",
            fmt::format("{} must be a mobile (11 digits) or fixed-line number", field.name));
      }
      return text_value(s);
    case FieldType::kEmail:
      if (!valid_email(s)) {
        return reason("invalid_email", fmt::format("{} must be an e-mail address", field.name));
      }
      return text_value(s);
  }
  return reason("wrong_type", field.name);
}

}  // namespace

// Checks the type, then the length of a text result (every text type may set max_length).
Result<TypedValue> validate_value(const Field& field, const RawValue& raw,
                                  std::chrono::year_month_day today) {
  auto v = typed_value(field, raw, today);
  if (v.ok() && field.max_length && v->kind == TypedValue::Kind::kText &&
      static_cast<std::int64_t>(utf8_length(v->text)) > *field.max_length) {
    return reason("too_long",
                  fmt::format("{} is longer than {} characters", field.name, *field.max_length));
  }
  return v;
}

Validator::Validator(const std::vector<catalog::Field>& fields, std::chrono::year_month_day today)
    : fields_(fields), today_(today) {}

bool Validator::validate(const RawRow& raw, TypedRow& out, std::vector<FieldError>& errors) const {
  out.line = raw.line;
  out.is_delete = raw.is_delete;
  out.values.resize(fields_.size());
  if (!raw.error_code.empty()) {
    errors.push_back({"_row", raw.error_code, raw.error_detail});
    return false;
  }
  bool ok = true;
  static const RawValue kAbsent;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    const Field& f = fields_[i];
    if (raw.is_delete && !f.key) {
      out.values[i] = TypedValue{};
      continue;
    }
    const RawValue& v = i < raw.values.size() ? raw.values[i] : kAbsent;
    auto r = validate_value(f, v, today_);
    if (r.ok()) {
      out.values[i] = std::move(*r);
    } else {
      ok = false;
      errors.push_back({f.name, r.error().code, r.error().detail});
    }
  }
  return ok;
}

void append_key(std::string& out, const TypedValue& v) {
  const std::string number =
      v.kind == TypedValue::Kind::kText ? std::string() : std::to_string(v.i);
  const std::string& text = v.kind == TypedValue::Kind::kText ? v.text : number;
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

void append_row_json(std::string& out, const std::vector<Field>& fields, const TypedRow& row) {
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < fields.size() && i < row.values.size(); ++i) {
    const Field& f = fields[i];
    if (row.is_delete && !f.key) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += f.name;
    out += "\":";
    append_json(out, f, row.values[i]);
  }
  out += '}';
}

void append_json(std::string& out, const Field& field, const TypedValue& v) {
  switch (v.kind) {
    case TypedValue::Kind::kNull: out += "null"; return;
    case TypedValue::Kind::kInt: out += std::to_string(v.i); return;
    case TypedValue::Kind::kBool: out += v.i ? "true" : "false"; return;
    case TypedValue::Kind::kText:
      if (field.type == FieldType::kDecimal) {
        out += v.text;
      } else {
        core::append_json_string(out, v.text);
      }
      return;
  }
}

}  // namespace zt::exchange
