#include "db/rows.h"

#include <charconv>
#include <cstring>

namespace zt::db {

namespace {

const char* type_name(ValueType t) {
  switch (t) {
    case ValueType::kNull: return "NULL";
    case ValueType::kBool: return "bool";
    case ValueType::kInt: return "integer";
    case ValueType::kDouble: return "double";
    case ValueType::kText: return "text";
    case ValueType::kBlob: return "blob";
  }
  return "?";
}

// Parses the whole of `s` as T; nullopt when it is not exactly one number.
template <typename T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

void Rows::add_double(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  cells_.push_back({ValueType::kDouble, bits, 0});
}

char* Rows::add_blob_space(std::size_t n) {
  cells_.push_back({ValueType::kBlob, bytes_.size(), n});
  bytes_.resize(bytes_.size() + n);
  return bytes_.data() + bytes_.size() - n;
}

std::optional<std::size_t> Rows::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == name) return i;
  }
  return std::nullopt;
}

const Rows::Cell& Rows::cell(std::size_t row, std::size_t column) const {
  if (row >= row_count_ || column >= columns_.size()) {
    throw std::logic_error("zt::db::Row: cell (" + std::to_string(row) + ", " +
                           std::to_string(column) + ") out of range");
  }
  return cells_[row * columns_.size() + column];
}

ValueType Row::type(std::size_t column) const {
  return rows_->cell(row_, column).type;
}

std::size_t Row::index_of(std::string_view column) const {
  auto i = rows_->column_index(column);
  if (!i) throw std::logic_error("zt::db::Row: no column named '" + std::string(column) + "'");
  return *i;
}

void Row::fail(std::size_t column, const char* wanted) const {
  throw std::logic_error("zt::db::Row: column '" + rows_->column_name(column) + "' holds " +
                         type_name(type(column)) + ", not " + wanted);
}

bool Row::read_bool(std::size_t column) const {
  const auto& c = rows_->cell(row_, column);
  if (c.type == ValueType::kBool || c.type == ValueType::kInt) return c.a != 0;
  if (c.type == ValueType::kText) {  // "t"/"f" from an untyped PostgreSQL expression
    std::string_view s = read_text(column);
    if (s == "t" || s == "true" || s == "1") return true;
    if (s == "f" || s == "false" || s == "0") return false;
  }
  fail(column, "bool");
}

std::int64_t Row::read_int(std::size_t column) const {
  const auto& c = rows_->cell(row_, column);
  switch (c.type) {
    case ValueType::kBool:
    case ValueType::kInt: return static_cast<std::int64_t>(c.a);
    case ValueType::kText:
      if (auto v = parse_number<std::int64_t>(read_text(column))) return *v;
      break;
    default: break;
  }
  fail(column, "an integer");
}

double Row::read_double(std::size_t column) const {
  const auto& c = rows_->cell(row_, column);
  switch (c.type) {
    case ValueType::kDouble: {
      double d;
      std::memcpy(&d, &c.a, sizeof d);
      return d;
    }
    case ValueType::kInt: return static_cast<double>(static_cast<std::int64_t>(c.a));
    case ValueType::kText:
      if (auto v = parse_number<double>(read_text(column))) return *v;
      break;
    default: break;
  }
  fail(column, "a double");
}

std::string_view Row::read_text(std::size_t column) const {
  const auto& c = rows_->cell(row_, column);
  if (c.type != ValueType::kText && c.type != ValueType::kBlob) fail(column, "text");
  return std::string_view(rows_->bytes_).substr(c.a, c.b);
}

std::string Row::read_string(std::size_t column) const {
  const auto& c = rows_->cell(row_, column);
  char buf[32];
  switch (c.type) {
    case ValueType::kInt: {
      auto r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(c.a));
      return std::string(buf, r.ptr);
    }
    case ValueType::kDouble: {
      auto r = std::to_chars(buf, buf + sizeof buf, read_double(column));
      return std::string(buf, r.ptr);
    }
    default: return std::string(read_text(column));
  }
}

std::span<const std::uint8_t> Row::read_blob(std::size_t column) const {
  std::string_view s = read_text(column);
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace zt::db
