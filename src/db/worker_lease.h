// WorkerLease: a named lease in the database that at most one node holds at a time — what makes a
// background task run on one node only when several nodes share one PostgreSQL (the registry
// syncer; the modules' reminders and deadline recomputations).
//
// claim() takes the lease when it is free or expired, or renews it when this holder has it; the
// lease lasts `ttl` from the claim, so a node that dies frees it within ttl. A worker calls it
// before each pass (BackgroundWorker::Options::claim) with a ttl well over its period. release()
// frees it at once (on stop), so another node need not wait for the ttl.
//
// Thread-safety: the object is immutable after construction; claim() and release() may be called
// from any thread. The database and clock must outlive it.
#pragma once

#include "core/result.h"
#include "core/time.h"
#include "db/migration.h"

#include <chrono>
#include <string>

namespace zt::db {

class Database;

class WorkerLease {
 public:
  // `holder`: this node's id (unique per process, e.g. random hex).
  WorkerLease(Database& database, const core::Clock& clock, std::string name, std::string holder,
              std::chrono::milliseconds ttl);

  // True when this holder has the lease now (taken or renewed); false when another holder's
  // lease has not expired. Errors: the database's.
  Result<bool> claim() const;
  // Frees the lease if this holder has it. Errors: the database's.
  Status release() const;

  const std::string& name() const { return name_; }
  const std::string& holder() const { return holder_; }

 private:
  Database& database_;
  const core::Clock& clock_;
  const std::string name_;
  const std::string holder_;
  const std::chrono::milliseconds ttl_;
};

// The table the leases live in (a foundation migration: db owns it).
Migration worker_lease_migration();

}  // namespace zt::db
