#include "registry/registry_syncer.h"

namespace zt::registry {

RegistrySyncer::RegistrySyncer(RegistryService& service, std::chrono::milliseconds interval,
                               std::function<void(const Error&)> on_error)
    : service_(service),
      interval_(interval),
      on_error_(std::move(on_error)),
      thread_([this] { run(); }) {}

RegistrySyncer::~RegistrySyncer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RegistrySyncer::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, interval_, [this] { return stop_; });
    lock.unlock();
    for (RegistryKind kind : {RegistryKind::kPerson, RegistryKind::kEntity}) {
      auto r = service_.sync(kind);
      if (!r.ok() && on_error_) on_error_(r.error());
    }
    lock.lock();
  }
}

}  // namespace zt::registry
