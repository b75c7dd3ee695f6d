#include "exchange/ingest/pipeline.h"

#include "db/transaction.h"
#include "exchange/ingest/key_set.h"
#include "exchange/ingest/store.h"
#include "exchange/records/store.h"
#include "exchange/records/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_set>

namespace zt::exchange {

namespace {

using catalog::Resource;
using SteadyClock = std::chrono::steady_clock;

// A write transaction spans chunks for up to kTransactionTime, and commits as soon as no chunk
// follows within kIdleCommit (so the write lock is never held while the upload waits).
constexpr auto kTransactionTime = std::chrono::milliseconds(2000);
constexpr auto kIdleCommit = std::chrono::milliseconds(500);

FieldError duplicate_error(std::uint64_t line) {
  return {"_key", "duplicate_key",
          fmt::format("line {}: this key appeared earlier in the batch; the first occurrence was "
                      "kept",
                      line)};
}

// Adds what `o` did to `into` (a Batch, or the ChunkOutcome of a transaction's chunks): the
// counts, the first sequence number if `into` has none yet, and the last one.
template <typename Counts>
void add_outcome(Counts& into, const ChunkOutcome& o) {
  into.inserted += o.inserted;
  into.updated += o.updated;
  into.unchanged += o.unchanged;
  into.deleted += o.deleted;
  if (o.first_seq && !into.first_seq) into.first_seq = o.first_seq;
  if (o.last_seq) into.last_seq = o.last_seq;
}

// The key of a validated row as bytes (append_key of each key field).
void key_bytes(const Resource& r, const TypedRow& row, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    if (r.fields[i].key) append_key(out, row.values[i]);
  }
}

// Validated rows and the rejections found while reading them, with the reader's counts.
struct Chunk {
  std::vector<TypedRow> rows;  // kept between uses to reuse their storage
  std::size_t used = 0;
  bool apply = true;   // false: write only the rejections (all_or_nothing)
  bool final = false;  // the last chunk: its transaction commits before drain() returns
  std::vector<Rejection> rejections;
  std::int64_t rows_read = 0;
  std::int64_t bytes = 0;
  std::map<std::string, std::int64_t> field_errors;

  void reset() {
    used = 0;
    apply = true;
    final = false;
    rejections.clear();
    rows_read = bytes = 0;
    field_errors.clear();
  }
};

// What both threads share: the batch and the report's first rejections, under one mutex.
struct Shared {
  std::mutex mutex;
  Batch& batch;
  std::vector<Rejection>& first;

  // Adds a rejection to the report's list if it is among the lowest lines. Caller holds mutex.
  void note(const Rejection& r) {
    if (first.size() < static_cast<std::size_t>(kReportRejections)) {
      first.push_back(r);
    } else if (r.line < first.back().line) {
      first.back() = r;
    } else {
      return;
    }
    std::sort(first.begin(), first.end(),
              [](const Rejection& a, const Rejection& b) { return a.line < b.line; });
  }
};

// The writer thread: applies submitted chunks one at a time, each in its own transaction.
class ChunkWriter {
 public:
  ChunkWriter(db::Database& db, const Resource& resource, Shared& shared, const core::Clock& clock)
      : db_(db), resource_(resource), shared_(shared), clock_(clock) {
    thread_ = std::thread([this] { loop(); });
  }
  ~ChunkWriter() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;

  // Waits until the writer is free, then hands `chunk` over; `chunk` comes back as the chunk
  // written before (reset, for reuse). Failure: the error of an earlier chunk; nothing is taken.
  Status submit(Chunk& chunk) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return !busy_; });
    if (!error_.ok()) return error_;
    std::swap(chunk, chunk_);
    chunk.reset();
    busy_ = true;
    lock.unlock();
    cv_.notify_all();
    return {};
  }

  // Waits until every submitted chunk is written. Failure: the first chunk's error.
  Status drain() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return !busy_; });
    return error_;
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (true) {
      // An open transaction commits when no chunk follows within kIdleCommit: the write lock is
      // never held while the upload waits for the network.
      if (tx_) {
        if (!cv_.wait_for(lock, kIdleCommit, [&] { return busy_ || stopping_; })) {
          lock.unlock();
          Status committed = commit();
          lock.lock();
          if (!committed.ok() && error_.ok()) error_ = std::move(committed);
          cv_.notify_all();
          continue;
        }
      } else {
        cv_.wait(lock, [&] { return busy_ || stopping_; });
      }
      if (!busy_) return;  // stopping: an open transaction rolls back with tx_
      lock.unlock();
      Status written = write(chunk_);
      if (!written.ok()) abandon();
      lock.lock();
      if (!written.ok() && error_.ok()) error_ = std::move(written);
      busy_ = false;
      cv_.notify_all();
    }
  }

  // Commits the open transaction and makes its chunks' outcome part of the batch.
  Status commit() {
    if (!tx_) return {};
    Status s = tx_->commit();
    tx_.reset();
    conn_.reset();
    if (!s.ok()) {
      pending_ = {};
      return s;
    }
    std::lock_guard lock(shared_.mutex);
    Batch& b = shared_.batch;
    add_outcome(b, pending_);
    pending_ = {};
    return {};
  }

  // Rolls the open transaction back (a chunk failed).
  void abandon() {
    tx_.reset();
    conn_.reset();
    pending_ = {};
  }

  // Applies a chunk in the open transaction (beginning one if needed); commits when the chunk
  // is the last, or the transaction is kTransactionTime old. Several chunks per transaction
  // matter on SQLite, where each commit writes every page the transaction touched.
  Status write(Chunk& chunk) {
    if (!tx_) {
      ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
      conn_.emplace(std::move(conn));
      ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(*conn_));
      tx_.emplace(std::move(tx));
      tx_begun_ = SteadyClock::now();
    }
    db::Connection& conn = *conn_;
    const std::int64_t now = core::to_millis(clock_.now());
    std::int64_t batch_id = 0, stamp = 0;
    {
      std::lock_guard lock(shared_.mutex);
      batch_id = shared_.batch.id;
      stamp = shared_.batch.stamp();
    }
    std::optional<ChunkOutcome> outcome;
    if (chunk.apply && chunk.used > 0) {
      ZT_ASSIGN_OR_RETURN(
          outcome, records::apply_chunk(conn, *tx_, resource_,
                                        std::span<const TypedRow>(chunk.rows.data(), chunk.used),
                                        batch_id, stamp, now, &hint_));
      for (std::uint64_t line : outcome->duplicates) {
        chunk.rejections.push_back({line, {duplicate_error(line)}});
        ++chunk.field_errors["_key:duplicate_key"];
      }
      add_outcome(pending_, *outcome);
    }
    ZT_TRY(batches::insert_rejections(conn, batch_id, chunk.rejections));
    Batch snapshot;
    {
      std::lock_guard lock(shared_.mutex);
      Batch& b = shared_.batch;
      b.rows_read += chunk.rows_read;
      b.bytes += chunk.bytes;
      for (const auto& [k, n] : chunk.field_errors)
        b.field_errors[k] += n;
      if (outcome) {
        b.rejected += static_cast<std::int64_t>(outcome->duplicates.size());
        for (std::uint64_t line : outcome->duplicates)
          shared_.note({line, {duplicate_error(line)}});
      }
      b.heartbeat_at = now;
      snapshot = b;
    }
    // The stored row counts what this transaction's chunks did too: it commits with them.
    add_outcome(snapshot, pending_);
    ZT_TRY(batches::update(conn, snapshot));
    if (chunk.final || SteadyClock::now() - tx_begun_ >= kTransactionTime) return commit();
    return {};
  }

  db::Database& db_;
  const Resource& resource_;
  Shared& shared_;
  const core::Clock& clock_;
  // The open transaction and what its chunks did (used by the writer thread only).
  std::optional<db::Connection> conn_;
  std::optional<db::Transaction> tx_;
  SteadyClock::time_point tx_begun_;
  ChunkOutcome pending_;
  records::ChunkHint hint_;
  std::mutex mutex_;  // guards the fields below
  std::condition_variable cv_;
  Chunk chunk_;
  bool busy_ = false;
  bool stopping_ = false;
  Status error_;
  std::thread thread_;  // last: starts after the fields it uses exist
};

// The reading side of a run.
class Reader {
 public:
  Reader(const Resource& resource, const IngestOptions& options, const core::Clock& clock,
         Shared& shared, ChunkWriter& writer)
      : resource_(resource),
        options_(options),
        shared_(shared),
        writer_(writer),
        validator_(resource.fields, core::china_date(clock.now())) {}

  Status run(const PieceSource& body) {
    std::vector<std::string> names;
    for (const auto& f : resource_.fields)
      names.push_back(f.name);
    ZT_ASSIGN_OR_RETURN(auto reader,
                        RowReader::create(options_.format, options_.charset, std::move(names)));
    std::string piece;
    RawRow raw;
    bool more = true;
    while (more) {
      ZT_ASSIGN_OR_RETURN(more, body(piece));
      if (more) {
        chunk_.bytes += static_cast<std::int64_t>(piece.size());
        ZT_TRY(reader->feed(piece));
      } else {
        ZT_TRY(reader->finish());
      }
      while (true) {
        ZT_ASSIGN_OR_RETURN(bool got, reader->next(raw));
        if (!got) break;
        ZT_TRY(take(raw));
      }
    }
    return finish();
  }

 private:
  Status take(const RawRow& raw) {
    ++chunk_.rows_read;
    if (chunk_.used == chunk_.rows.size()) chunk_.rows.emplace_back();
    TypedRow& row = chunk_.rows[chunk_.used];
    errors_.clear();
    bool ok = validator_.validate(raw, row, errors_);
    if (ok) {
      // Repeats within the chunk are caught here, across chunks by the records' stamp of this
      // run (ChunkOutcome::duplicates); a key deleted earlier in the batch is gone from the table,
      // so deleted keys are remembered (deletes are few).
      key_bytes(resource_, row, row.key);
      if (deleted_keys_.count(row.key) || !chunk_keys_.insert(row.key)) {
        ok = false;
        errors_.push_back(duplicate_error(raw.line));
      } else if (row.is_delete) {
        deleted_keys_.insert(row.key);
      }
      // The change log's JSON, made here rather than on the writing thread.
      row.json.clear();
      append_row_json(row.json, resource_.fields, row);
    }
    if (!ok) return reject(raw.line);
    ++chunk_.used;
    if (options_.all_or_nothing) {
      if (chunk_.used > kMaxAllOrNothingRows) {
        return Error{ErrorKind::kTooLarge, "batch_too_large",
                     fmt::format("An all_or_nothing batch holds at most {} rows; split the "
                                 "upload or leave out mode=all_or_nothing.",
                                 kMaxAllOrNothingRows)};
      }
      return {};
    }
    // A chunk commits when full, or after kChunkSeconds of a slow upload, so its rows become
    // durable and visible without waiting for the end.
    if (chunk_.used >= kChunkRows ||
        SteadyClock::now() - last_submit_ > std::chrono::seconds(kChunkSeconds)) {
      return submit();
    }
    return {};
  }

  Status reject(std::uint64_t line) {
    ++rejected_;
    for (const FieldError& e : errors_)
      ++chunk_.field_errors[e.field + ":" + e.code];
    Rejection r{line, errors_};
    {
      std::lock_guard lock(shared_.mutex);
      ++shared_.batch.rejected;
      shared_.note(r);
    }
    chunk_.rejections.push_back(std::move(r));
    // A long run of rejections is written alone (all_or_nothing keeps its rows), so memory
    // stays bounded.
    if (chunk_.rejections.size() < kChunkRows) return {};
    if (!options_.all_or_nothing) return submit();
    Chunk only;
    std::swap(only.rejections, chunk_.rejections);
    std::swap(only.field_errors, chunk_.field_errors);
    only.rows_read = chunk_.rows_read;
    only.bytes = chunk_.bytes;
    chunk_.rows_read = chunk_.bytes = 0;
    only.apply = false;
    return writer_.submit(only);
  }

  Status submit() {
    // Key order: the writer's inserts then walk the table's pages in order (page cache hits).
    std::sort(chunk_.rows.begin(), chunk_.rows.begin() + static_cast<std::ptrdiff_t>(chunk_.used),
              [](const TypedRow& a, const TypedRow& b) { return a.key < b.key; });
    ZT_TRY(writer_.submit(chunk_));
    chunk_keys_.clear();
    last_submit_ = SteadyClock::now();
    return {};
  }

  Status finish() {
    if (options_.all_or_nothing && rejected_ > 0) {
      chunk_.apply = false;  // nothing applied; the rejections are kept
      std::lock_guard lock(shared_.mutex);
      shared_.batch.status = "rejected";
    }
    chunk_.final = true;
    ZT_TRY(submit());
    return writer_.drain();
  }

  const Resource& resource_;
  const IngestOptions& options_;
  Shared& shared_;
  ChunkWriter& writer_;
  Validator validator_;
  Chunk chunk_;
  std::int64_t rejected_ = 0;
  KeySet chunk_keys_;
  std::unordered_set<std::string> deleted_keys_;
  SteadyClock::time_point last_submit_ = SteadyClock::now();
  std::vector<FieldError> errors_;
};

}  // namespace

Status run_ingest(db::Database& db, const Resource& resource, Batch& batch,
                  const IngestOptions& options, const core::Clock& clock, const PieceSource& body,
                  std::vector<Rejection>& first_rejections) {
  Shared shared{.mutex = {}, .batch = batch, .first = first_rejections};
  Status result;
  {
    ChunkWriter writer(db, resource, shared, clock);
    Reader reader(resource, options, clock, shared, writer);
    result = reader.run(body);
    if (!result.ok()) (void)writer.drain();  // let a chunk in flight finish before returning
  }
  return result;
}

}  // namespace zt::exchange
