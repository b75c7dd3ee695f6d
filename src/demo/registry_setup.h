// The demo city's base registries, after its records are in: the 大数据管理中心 publishes the
// golden resources 人口基础库 and 法人基础库 (resources.h), files a sharing request to each source
// department for its mapped fields — which that department approves with the personal fields
// unmasked — configures the mappings, grants those departments masked reads of the registry,
// and runs the first merge from the change feeds, as the running server then keeps doing. Acts
// through the services, with principals of the departments concerned (as the seeder's operator acts
// without a signed-in user).
//
// Thread-safety: one run at a time.
#pragma once

#include "catalog/service.h"
#include "exchange/sharing/service.h"
#include "identity/service.h"
#include "registry/registry_service.h"

#include <functional>
#include <string_view>

namespace zt::demo {

// `progress` gets one line per step.
Status setup_registries(identity::IdentityService& identity, catalog::CatalogService& catalog,
                        exchange::SharingService& sharing, registry::RegistryService& registries,
                        std::string_view city_code,
                        const std::function<void(std::string_view)>& progress);

}  // namespace zt::demo
