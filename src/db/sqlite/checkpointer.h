// Checkpointer: copies a SQLite database's WAL back into the database file on its own thread.
//
// With WAL, every committed page is written twice: appended to the WAL by the commit, then copied
// into the database file by a checkpoint. SQLite's automatic checkpoint runs inside the commit
// that crosses its threshold, so the one writer spends that copy's time (reading the WAL, writing
// and syncing the file) while every other writer waits. Here the writer's commit only wakes this
// thread, which runs a passive checkpoint on its own connection beside the writer: it never
// blocks a writer or a reader. When the WAL has grown large all the same, the writer checkpoints
// as before (a backstop): it waits for this thread's checkpoint to end, so its own is never
// refused as busy, and then finds little or nothing left to copy.
#pragma once

#include "core/background_worker.h"

#include <atomic>
#include <mutex>
#include <string>

struct sqlite3;

namespace zt::db {

class Checkpointer {
 public:
  // Starts the thread; its connection to `path` opens at the first checkpoint, when the
  // database is in WAL mode.
  explicit Checkpointer(std::string path);
  ~Checkpointer();  // stops the thread and closes its connection
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Makes `writer`'s commits wake this thread (in place of SQLite's automatic checkpoint). The
  // checkpointer must outlive the connection.
  void attach(sqlite3* writer);

 private:
  static int on_commit(void* self, sqlite3* writer, const char* schema, int frames);
  bool checkpoint();  // false when the connection cannot be opened

  const std::string path_;
  sqlite3* db_ = nullptr;          // used by the thread only
  std::atomic<int> woken_at_ = 0;  // WAL frames at the last wake-up (the writer's thread)
  bool disabled_ = false;          // the thread's: no connection, the backstop does it all
  std::mutex checkpointing_;       // held by whoever checkpoints: this thread or the backstop
  core::BackgroundWorker worker_;  // last: starts once the members above exist
};

}  // namespace zt::db
