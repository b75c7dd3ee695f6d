// Every module's migrations, in the order they apply. A module adds its set here.
#pragma once

#include "db/migration.h"

#include <vector>

namespace zt::app {

inline std::vector<db::Migration> all_migrations() {
  std::vector<db::Migration> all = db::foundation_migrations();
  return all;
}

}  // namespace zt::app
