#include "registry/registry_syncer.h"

namespace zt::registry {

namespace {

std::function<bool()> claim_of(const db::WorkerLease* lease,
                               const std::function<void(const Error&)>& on_error) {
  if (lease == nullptr) return {};
  return [lease, on_error] {
    auto held = lease->claim();
    if (!held.ok()) {
      if (on_error) on_error(held.error());
      return false;
    }
    return *held;
  };
}

}  // namespace

RegistrySyncer::RegistrySyncer(RegistryService& service, std::chrono::milliseconds interval,
                               std::function<void(const Error&)> on_error,
                               const db::WorkerLease* lease)
    : service_(service),
      on_error_(std::move(on_error)),
      worker_({.name = "registry-sync",
               .period = interval,
               .claim = claim_of(lease, on_error_),
               .final_pass = true,
               .idle_at_start = true},
              [this] {
                sync_all();
                return core::BackgroundWorker::Next::idle();
              }) {}

RegistrySyncer::~RegistrySyncer() {
  worker_.stop();
}

void RegistrySyncer::sync_all() {
  for (RegistryKind kind : {RegistryKind::kPerson, RegistryKind::kEntity}) {
    auto r = service_.sync(kind);
    if (!r.ok() && on_error_) on_error_(r.error());
  }
}

}  // namespace zt::registry
