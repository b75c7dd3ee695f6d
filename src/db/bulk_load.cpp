#include "db/bulk_load.h"

#include "db/driver.h"

namespace zt::db {

Result<BulkLoader> BulkLoader::start(Transaction& tx, std::string_view table,
                                     std::span<const std::string_view> columns) {
  if (!tx.active())
    return Error::internal("transaction_closed", "bulk load needs an open transaction");
  if (columns.empty()) return Error::invalid("invalid_identifier", "bulk load needs columns");
  auto quoted_table = detail::quote_identifier(table);
  if (!quoted_table.ok()) return std::move(quoted_table).error();
  std::vector<std::string> quoted;
  quoted.reserve(columns.size());
  for (auto c : columns) {
    auto q = detail::quote_identifier(c);
    if (!q.ok()) return std::move(q).error();
    quoted.push_back(std::move(q).value());
  }
  auto sink = tx.connection().impl().start_bulk(*quoted_table, quoted);
  if (!sink.ok()) {
    tx.mark_failed();
    return std::move(sink).error();
  }
  return BulkLoader(tx, std::move(sink).value(), columns.size());
}

BulkLoader::BulkLoader(Transaction& tx, std::unique_ptr<detail::BulkSink> sink, std::size_t width)
    : tx_(&tx), sink_(std::move(sink)), width_(width) {}

BulkLoader::BulkLoader(BulkLoader&& other) noexcept
    : tx_(other.tx_), sink_(std::move(other.sink_)), width_(other.width_), done_(other.done_) {
  other.done_ = true;
}

BulkLoader& BulkLoader::operator=(BulkLoader&& other) noexcept {
  if (this != &other) {
    if (!done_ && sink_) tx_->mark_failed();
    tx_ = other.tx_;
    sink_ = std::move(other.sink_);
    width_ = other.width_;
    done_ = other.done_;
    other.done_ = true;
  }
  return *this;
}

BulkLoader::~BulkLoader() {
  if (!done_ && sink_) tx_->mark_failed();
}

Status BulkLoader::fail(Error error) {
  done_ = true;
  tx_->mark_failed();
  sink_.reset();  // ends a COPY in progress
  return error;
}

Status BulkLoader::add_row(std::span<const Param> values) {
  if (done_) return Error::internal("bulk_load_closed", "bulk load already ended");
  if (values.size() != width_) {
    return fail(Error::invalid("bulk_row_width", "row has " + std::to_string(values.size()) +
                                                     " values for " + std::to_string(width_) +
                                                     " columns"));
  }
  Status s = sink_->add_row(values);
  if (!s.ok()) return fail(std::move(s).error());
  return {};
}

Result<std::int64_t> BulkLoader::finish() {
  if (done_) return Error::internal("bulk_load_closed", "bulk load already ended");
  auto n = sink_->finish();
  if (!n.ok()) return fail(std::move(n).error()).error();
  done_ = true;
  sink_.reset();
  return n;
}

}  // namespace zt::db
