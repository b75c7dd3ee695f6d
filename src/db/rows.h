// Rows: the complete, owned result of a query; Row: a view of one of its rows.
//
// Rows are read fully before query() returns, so they stay valid after the connection is given
// back to the pool. A Row (and any string_view / span it hands out) is valid while its Rows lives.
//
// Reading a cell: `row.get<T>(column)` by index or by name, where T is bool, any integer type,
// double, std::string, std::string_view, Blob, std::span<const std::uint8_t>, or std::optional of
// one of these (NULL gives std::nullopt). Conversions are the lossless ones between the two
// backends' representations: integers read as bool (0/1, SQLite's booleans), as double, and from
// decimal text (PostgreSQL NUMERIC); text reads as a Blob. Asking for a non-optional T from a NULL
// cell, for a type the cell cannot become, or for an unknown column, is a programming error and
// throws std::logic_error (the same contract as Result::value()); use std::optional<T> or
// is_null() where NULL is expected.
//
// Thread-safety: immutable after construction; safe to read from many threads.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/result.h"
#include "db/value.h"

namespace zt::db {

class Rows;

class Row {
 public:
  // Cell accessors; see the header comment for the contract.
  template <typename T>
  T get(std::size_t column) const;
  template <typename T>
  T get(std::string_view column) const {
    return get<T>(index_of(column));
  }
  bool is_null(std::size_t column) const { return type(column) == ValueType::kNull; }
  bool is_null(std::string_view column) const { return is_null(index_of(column)); }
  ValueType type(std::size_t column) const;

 private:
  friend class Rows;
  Row(const Rows* rows, std::size_t row) : rows_(rows), row_(row) {}
  std::size_t index_of(std::string_view column) const;
  [[noreturn]] void fail(std::size_t column, const char* wanted) const;

  bool read_bool(std::size_t column) const;
  std::int64_t read_int(std::size_t column) const;
  double read_double(std::size_t column) const;
  std::string_view read_text(std::size_t column) const;  // text or blob bytes
  std::string read_string(std::size_t column) const;     // text, blob bytes, or a number
  std::span<const std::uint8_t> read_blob(std::size_t column) const;

  const Rows* rows_;
  std::size_t row_;
};

class Rows {
 public:
  Rows() = default;

  std::size_t size() const { return row_count_; }
  bool empty() const { return row_count_ == 0; }
  std::size_t column_count() const { return columns_.size(); }
  const std::string& column_name(std::size_t column) const { return columns_.at(column); }
  // Index of the first column with this name, or nullopt.
  std::optional<std::size_t> column_index(std::string_view name) const;

  // Row i; i must be < size().
  Row operator[](std::size_t i) const { return Row(this, i); }

  class iterator {
   public:
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    Row operator*() const { return (*rows_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++i_;
      return old;
    }
    bool operator==(const iterator& other) const { return i_ == other.i_; }

   private:
    friend class Rows;
    iterator(const Rows* rows, std::size_t i) : rows_(rows), i_(i) {}
    const Rows* rows_ = nullptr;
    std::size_t i_ = 0;
  };
  iterator begin() const { return iterator(this, 0); }
  iterator end() const { return iterator(this, row_count_); }

  // --- Building (used by the backends) ---------------------------------------------------------
  explicit Rows(std::vector<std::string> columns) : columns_(std::move(columns)) {}
  void add_null() { cells_.push_back({ValueType::kNull, 0, 0}); }
  void add_bool(bool v) { cells_.push_back({ValueType::kBool, v ? 1u : 0u, 0}); }
  void add_int(std::int64_t v) {
    cells_.push_back({ValueType::kInt, static_cast<std::uint64_t>(v), 0});
  }
  void add_double(double v);
  void add_text(std::string_view v) { add_bytes(ValueType::kText, v); }
  void add_blob(std::span<const std::uint8_t> v) {
    add_bytes(ValueType::kBlob, {reinterpret_cast<const char*>(v.data()), v.size()});
  }
  // Appends a blob of n bytes and returns where to write them (for decoders).
  char* add_blob_space(std::size_t n);
  // Call after each row's cells have been added.
  void end_row() { ++row_count_; }

 private:
  friend class Row;
  struct Cell {
    ValueType type;
    std::uint64_t a;  // int value, double bits, or offset into bytes_
    std::uint64_t b;  // size of text/blob
  };
  void add_bytes(ValueType type, std::string_view v) {
    cells_.push_back({type, bytes_.size(), v.size()});
    bytes_.append(v);
  }
  const Cell& cell(std::size_t row, std::size_t column) const;

  std::vector<std::string> columns_;
  std::vector<Cell> cells_;  // row-major
  std::string bytes_;        // text and blob payloads
  std::size_t row_count_ = 0;
};

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <typename T>
T Row::get(std::size_t column) const {
  if constexpr (IsOptional<T>::value) {
    if (is_null(column)) return std::nullopt;
    return get<typename T::value_type>(column);
  } else if constexpr (std::same_as<T, bool>) {
    return read_bool(column);
  } else if constexpr (std::integral<T>) {
    std::int64_t v = read_int(column);
    if constexpr (!std::same_as<T, std::int64_t>) {
      if (!std::in_range<T>(v)) fail(column, "an integer in range");
    }
    return static_cast<T>(v);
  } else if constexpr (std::floating_point<T>) {
    return static_cast<T>(read_double(column));
  } else if constexpr (std::same_as<T, std::string>) {
    return read_string(column);
  } else if constexpr (std::same_as<T, std::string_view>) {
    return read_text(column);
  } else if constexpr (std::same_as<T, Blob>) {
    auto b = read_blob(column);
    return Blob(b.begin(), b.end());
  } else if constexpr (std::same_as<T, std::span<const std::uint8_t>>) {
    return read_blob(column);
  } else {
    static_assert(sizeof(T) == 0, "Row::get: unsupported type");
  }
}

// A target of db::into whose cell is read as `From` and stored as `convert(cell)`: for columns
// that hold an encoding of the member (a JSON list in a TEXT column). Made by db::parsed.
template <typename From, typename To, typename F>
struct Parsed {
  To& target;
  F convert;
};

// `db::parsed<std::string_view>(c.fields, catalog::parse_string_list)` in a db::into call.
template <typename From, typename To, typename F>
Parsed<From, To, F> parsed(To& target, F convert) {
  return {target, std::move(convert)};
}

namespace detail {
template <typename T>
void read_cell(const Row& row, std::size_t column, T& target) {
  target = row.get<T>(column);
}
template <typename From, typename To, typename F>
void read_cell(const Row& row, std::size_t column, Parsed<From, To, F>&& p) {
  p.target = p.convert(row.get<From>(column));
}
}  // namespace detail

// Reads columns 0, 1, 2, … of `row` into `targets`, in order, each as the type of its target
// (the Row::get contract, so a NULL read into a non-optional throws std::logic_error). The
// target list stands beside the query's column list (a `kColumns` constant), so a store's row
// mapper is one statement whose order is checked against one string, instead of one hand-typed
// get<T>(i) per member. Extra columns after the targets are ignored.
template <typename... T>
void into(const Row& row, T&&... targets) {
  std::size_t column = 0;
  (detail::read_cell(row, column++, std::forward<T>(targets)), ...);
}

namespace detail {
template <typename T>
struct IsResult : std::false_type {};
template <typename T>
struct IsResult<Result<T>> : std::true_type {};

// Adds convert(row) to `out`; a converter that returns Result<T> (a stored value that does not
// parse) gives its error instead.
template <typename T, typename F>
Status add_converted(std::vector<T>& out, const Row& row, F& convert) {
  if constexpr (IsResult<std::invoke_result_t<F&, const Row&>>::value) {
    auto converted = convert(row);
    if (!converted.ok()) return std::move(converted).error();
    out.push_back(std::move(converted).value());
  } else {
    out.push_back(convert(row));
  }
  return {};
}
}  // namespace detail

// The rows of a query's result, each turned into a T by `convert(const Row&)` (returning T, or
// Result<T> when a stored value may not parse), or the first error: the usual end of a store
// function that lists things.
template <typename T, typename F>
Result<std::vector<T>> map_rows(Result<Rows> rows, F convert) {
  if (!rows.ok()) return std::move(rows).error();
  std::vector<T> out;
  out.reserve(rows->size());
  for (std::size_t i = 0; i < rows->size(); ++i) {
    ZT_TRY(detail::add_converted(out, (*rows)[i], convert));
  }
  return out;
}

// The first row of a query's result turned into a T by `convert` (as for map_rows), nullopt when
// there is none, or the error: the usual end of a store's find-by-key.
template <typename T, typename F>
Result<std::optional<T>> first_row(Result<Rows> rows, F convert) {
  if (!rows.ok()) return std::move(rows).error();
  if (rows->empty()) return std::optional<T>();
  if constexpr (detail::IsResult<std::invoke_result_t<F&, const Row&>>::value) {
    auto converted = convert((*rows)[0]);
    if (!converted.ok()) return std::move(converted).error();
    return std::optional<T>(std::move(converted).value());
  } else {
    return std::optional<T>(convert((*rows)[0]));
  }
}

// The first column of the first row as a T, or the query's error: for `SELECT count(*) …` and
// `INSERT … RETURNING id`. A result with no row is a programming error (std::logic_error), as
// those always return one.
template <typename T>
Result<T> scalar(Result<Rows> rows) {
  if (!rows.ok()) return std::move(rows).error();
  if (rows->empty()) throw std::logic_error("db::scalar: the query returned no row");
  return (*rows)[0].get<T>(0);
}

// The Status of a statement whose affected-row count the caller does not need:
// `return db::done(conn.exec("UPDATE …", …));`.
inline Status done(Result<std::int64_t> affected) {
  if (!affected.ok()) return std::move(affected).error();
  return {};
}

// Keyset paging, newest first, for lists a client pages through with `?before=<id>`: `sql` ends
// a statement's WHERE clause (`… WHERE resource_id = ? AND {sql}`) and `bound` is bound as its
// last parameter.
struct NewestFirst {
  std::string sql;     // "id < ? ORDER BY id DESC LIMIT <limit>"
  std::int64_t bound;  // `before`, or the largest id when before <= 0 (from the newest)
};
inline NewestFirst newest_first(std::int64_t before, int limit) {
  return {"id < ? ORDER BY id DESC LIMIT " + std::to_string(limit),
          before > 0 ? before : std::numeric_limits<std::int64_t>::max()};
}

}  // namespace zt::db
