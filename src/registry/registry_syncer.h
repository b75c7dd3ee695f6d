// RegistrySyncer: keeps the registries current while the server runs — a background thread that
// calls RegistryService::sync for the person and the entity registry every `interval`, and once
// more when asked to stop (so a short-lived test server ends up merged). Errors go to `on_error`
// and the next round tries again.
//
// Thread-safety: construct and destroy on one thread; the service must outlive the syncer.
#pragma once

#include "registry/registry_service.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace zt::registry {

class RegistrySyncer {
 public:
  RegistrySyncer(RegistryService& service, std::chrono::milliseconds interval,
                 std::function<void(const Error&)> on_error);
  ~RegistrySyncer();  // stops and joins
  RegistrySyncer(const RegistrySyncer&) = delete;
  RegistrySyncer& operator=(const RegistrySyncer&) = delete;

 private:
  void run();

  RegistryService& service_;
  const std::chrono::milliseconds interval_;
  const std::function<void(const Error&)> on_error_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace zt::registry
