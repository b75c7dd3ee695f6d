#include "db/sqlite/checkpointer.h"

#include <sqlite3.h>

namespace zt::db {

namespace {

// The writer wakes the checkpointer every 2 048 new WAL pages (8 MiB): often enough to keep the
// WAL short (a page read looks the WAL up first), seldom enough that the database file is not
// synced many times a second.
constexpr int kWakeFrames = 2048;
// Past 16 384 pages (64 MiB) the writer checkpoints itself, as SQLite's automatic checkpoint
// would: most of it has been copied by then, and a complete checkpoint lets the next write
// restart the WAL from its beginning.
constexpr int kBackstopFrames = 16384;

}  // namespace

Checkpointer::Checkpointer(std::string path)
    : path_(std::move(path)),
      worker_({.name = "sqlite-checkpointer", .idle_at_start = true}, [this] {
        // Without a connection the writer's backstop does the checkpoints.
        if (!disabled_) disabled_ = !checkpoint();
        return core::BackgroundWorker::Next::idle();
      }) {
  worker_.start();
}

Checkpointer::~Checkpointer() {
  worker_.stop();
  sqlite3_close_v2(db_);
}

void Checkpointer::attach(sqlite3* writer) {
  sqlite3_wal_hook(writer, &Checkpointer::on_commit, this);
}

int Checkpointer::on_commit(void* self, sqlite3* writer, const char* schema, int frames) {
  auto* c = static_cast<Checkpointer*>(self);
  if (frames >= kBackstopFrames) {
    // SQLite refuses a second checkpoint while one runs (busy, never waited for), so the writer
    // waits here for the thread's to end: its own then copies the rest, and the next write
    // restarts the WAL from its beginning.
    std::lock_guard checkpointing(c->checkpointing_);
    sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    c->woken_at_ = 0;
    return SQLITE_OK;
  }
  const int at = c->woken_at_.load(std::memory_order_relaxed);
  if (frames < at) {
    c->woken_at_ = 0;  // the WAL restarted
  } else if (frames - at >= kWakeFrames) {
    c->woken_at_ = frames;
    c->worker_.wake();
  }
  return SQLITE_OK;
}

bool Checkpointer::checkpoint() {
  if (db_ == nullptr) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr) != SQLITE_OK ||
        sqlite3_exec(db_, "PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr) != SQLITE_OK) {
      sqlite3_close_v2(db_);
      db_ = nullptr;
      return false;
    }
  }
  // Passive: copies what no reader still needs, and never waits on a lock.
  std::lock_guard checkpointing(checkpointing_);
  sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  return true;
}

}  // namespace zt::db
