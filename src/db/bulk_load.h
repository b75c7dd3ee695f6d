// BulkLoader: fast insert of many rows into one table inside a Transaction, for ingest.
//
// SQLite: rows are inserted by a prepared multi-row INSERT, in batches. PostgreSQL: rows stream
// through COPY table (cols) FROM STDIN in text format, sent in ~64 KiB chunks. Rows may be
// rejected early (add_row) or only at finish() (PostgreSQL checks constraints as COPY ends); in
// either case the transaction is marked failed, commit() refuses, and nothing of the load is
// kept. While a BulkLoader is open its connection runs nothing else.
//
//   auto tx = Transaction::begin(*conn);
//   auto bulk = BulkLoader::start(*tx, "people", {"id", "name"});
//   for (...) ZT_TRY(bulk->add_row(id, name));
//   auto n = bulk->finish();  then tx->commit()
//
// Thread-safety: used by the one thread that holds the transaction.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "db/transaction.h"
#include "db/value.h"

namespace zt::db {

namespace detail {
class BulkSink;
}

class BulkLoader {
 public:
  // Starts loading into `table` (optionally schema.table) for `columns`. Names must be plain
  // identifiers. Failure: Error invalid "invalid_identifier", or the database's error.
  static Result<BulkLoader> start(Transaction& tx, std::string_view table,
                                  std::span<const std::string_view> columns);
  static Result<BulkLoader> start(Transaction& tx, std::string_view table,
                                  std::initializer_list<std::string_view> columns) {
    return start(tx, table, std::span<const std::string_view>(columns.begin(), columns.size()));
  }

  BulkLoader(BulkLoader&&) noexcept;
  BulkLoader& operator=(BulkLoader&&) noexcept;
  ~BulkLoader();  // an unfinished load is abandoned and its transaction marked failed

  // Adds one row, one value per column. Failure: Error invalid "bulk_row_width" for a wrong
  // number of values, or a database error (SQLite: e.g. "duplicate"); the load is then over.
  Status add_row(std::span<const Param> values);
  template <Bindable... A>
  Status add_row(const A&... values) {
    const std::array<Param, sizeof...(A)> params{Param(values)...};
    return add_row(std::span<const Param>(params));
  }

  // Sends what is left and ends the load. Success: the number of rows loaded. Failure: the
  // database's error (e.g. "duplicate"); nothing of the load survives the transaction.
  Result<std::int64_t> finish();

 private:
  BulkLoader(Transaction& tx, std::unique_ptr<detail::BulkSink> sink, std::size_t width);
  Status fail(Error error);

  Transaction* tx_;
  std::unique_ptr<detail::BulkSink> sink_;
  std::size_t width_;
  bool done_ = false;
};

}  // namespace zt::db
