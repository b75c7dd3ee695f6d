// The population rows of the benchmarks (bench/ingest, bench/read): N rows of the population
// resource (户籍人口基本信息), each a deterministic function of (seed, row number) — valid 身份证号
// of 温州's counties in random order, names, addresses, phones, dates, ~290 bytes of NDJSON a
// row — so that every benchmark and every run measures the same bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace zt::bench {

// The seed both benchmarks use: bench/read looks up the rows bench/ingest measures.
inline constexpr std::uint64_t kRowSeed = 20260131;

// The ten fields of the population resource, with the column types records/store.cpp gives them
// (sql_type: integer BIGINT, decimal NUMERIC/TEXT, date DATE/TEXT, datetime TIMESTAMPTZ/TEXT, the
// rest TEXT; the key NOT NULL). bench/ingest compares the product's table with this shape and
// warns when they differ.
struct Column {
  std::string_view name;
  std::string_view sqlite_type;
  std::string_view pg_type;
  bool quoted;  // a JSON string in the NDJSON (household_size is a JSON number)
};
inline constexpr std::array<Column, 10> kColumns = {{
    {"id_number", "TEXT NOT NULL", "TEXT NOT NULL", true},
    {"name", "TEXT", "TEXT", true},
    {"gender", "TEXT", "TEXT", true},
    {"birth_date", "TEXT", "DATE", true},
    {"address", "TEXT", "TEXT", true},
    {"division_code", "TEXT", "TEXT", true},
    {"phone", "TEXT", "TEXT", true},
    {"registered_at", "TEXT", "TIMESTAMPTZ", true},
    {"household_size", "BIGINT", "BIGINT", false},
    {"income", "TEXT", "NUMERIC", true},
}};
inline constexpr std::size_t kHouseholdSize = 8;  // index of household_size in kColumns

// Where each value of a row sits in the NDJSON text, so that a ceiling binds the very same bytes.
struct RowRef {
  std::uint64_t line = 0;                 // offset of the row's line
  std::array<std::uint16_t, 10> start{};  // of each value, from the line's start
  std::array<std::uint8_t, 10> size{};
};

// A pseudo-random permutation of the id-number space: a 4-round Feistel network on 30 bits,
// walked until it lands in range. Row i gets key index order(i): unique keys in random order,
// computed one row at a time (an upload never holds its rows).
class KeyOrder {
 public:
  explicit KeyOrder(std::uint64_t seed);
  std::uint64_t operator()(std::uint64_t i) const;

 private:
  std::uint64_t encrypt(std::uint64_t x) const;
  std::array<std::uint64_t, 4> keys_{};
};

// Row i of the data set as one NDJSON line: a deterministic function of (seed, i).
class RowGenerator {
 public:
  explicit RowGenerator(std::uint64_t seed) : seed_(seed), order_(seed) {}

  // Appends row i's line (with its '\n') to `out`; fills `ref` when given.
  void append(std::string& out, std::uint64_t i, RowRef* ref) const;

 private:
  std::uint64_t seed_;
  KeyOrder order_;
};

}  // namespace zt::bench
