// Every module's migrations, in the order they apply. A module adds its set here.
#pragma once

#include "audit/store.h"
#include "catalog/store.h"
#include "db/migration.h"
#include "exchange/corrections/store.h"
#include "exchange/records/store.h"
#include "exchange/sharing/store.h"
#include "exchange/subscriptions/store.h"
#include "identity/store.h"
#include "registry/division_store.h"
#include "registry/registry_store.h"

#include <vector>

namespace zt::app {

inline std::vector<db::Migration> all_migrations() {
  std::vector<db::Migration> all = db::foundation_migrations();
  for (auto& m : audit::migrations())
    all.push_back(std::move(m));
  for (auto& m : identity::migrations())
    all.push_back(std::move(m));
  for (auto& m : catalog::migrations())
    all.push_back(std::move(m));
  for (auto& m : exchange::migrations())
    all.push_back(std::move(m));
  for (auto& m : exchange::sharing_migrations())
    all.push_back(std::move(m));
  for (auto& m : exchange::subscription_migrations())
    all.push_back(std::move(m));
  for (auto& m : exchange::correction_migrations())
    all.push_back(std::move(m));
  for (auto& m : registry::division_migrations())
    all.push_back(std::move(m));
  for (auto& m : registry::registry_migrations())
    all.push_back(std::move(m));
  return all;
}

}  // namespace zt::app
