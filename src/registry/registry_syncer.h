// RegistrySyncer: keeps the registries current while the server runs — a background worker that
// calls RegistryService::sync for the person and the entity registry every `interval`, and once
// more when asked to stop (so a short-lived test server ends up merged). Errors go to `on_error`
// and the next round tries again. With a lease, only the node that holds it syncs, so several
// nodes on one PostgreSQL never merge the same changes at once.
//
// Thread-safety: construct and destroy on one thread; the service (and the lease) must outlive
// the syncer.
#pragma once

#include "core/background_worker.h"
#include "db/worker_lease.h"
#include "registry/registry_service.h"

#include <chrono>
#include <functional>

namespace zt::registry {

class RegistrySyncer {
 public:
  // The worker starts with worker().start(). `lease`: may be null (a single node, a tool).
  RegistrySyncer(RegistryService& service, std::chrono::milliseconds interval,
                 std::function<void(const Error&)> on_error,
                 const db::WorkerLease* lease = nullptr);
  ~RegistrySyncer();  // one last sync when started, then joins
  RegistrySyncer(const RegistrySyncer&) = delete;
  RegistrySyncer& operator=(const RegistrySyncer&) = delete;

  core::BackgroundWorker& worker() { return worker_; }

 private:
  void sync_all();

  RegistryService& service_;
  const std::function<void(const Error&)> on_error_;
  core::BackgroundWorker worker_;  // last: starts once the members above exist
};

}  // namespace zt::registry
