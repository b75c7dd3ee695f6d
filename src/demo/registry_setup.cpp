#include "demo/registry_setup.h"

#include "demo/resources.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace zt::demo {

namespace {

core::Principal acting_for(std::int64_t department_id, std::vector<std::string> permissions) {
  core::Principal p;
  p.kind = core::Principal::Kind::kApiClient;
  p.name = "seed-demo";
  p.department_id = department_id;
  std::sort(permissions.begin(), permissions.end());
  p.permissions = std::move(permissions);
  return p;
}

}  // namespace

Status setup_registries(identity::IdentityService& identity, catalog::CatalogService& catalog,
                        exchange::SharingService& sharing, registry::RegistryService& registries,
                        std::string_view city_code,
                        const std::function<void(std::string_view)>& progress) {
  const core::RequestContext context{.remote_address = "127.0.0.1", .request_id = "seed-demo"};
  // The departments by their short code (330300-GA → GA).
  std::map<std::string, std::int64_t, std::less<>> departments;
  {
    const core::Principal reader = acting_for(0, {"identity.users.read"});
    std::int64_t after = 0;
    while (true) {
      ZT_ASSIGN_OR_RETURN(
          auto page, identity.departments().list_departments(reader, after, 100, std::nullopt));
      for (const identity::Department& d : page) {
        const std::string prefix = std::string(city_code) + "-";
        if (d.code.rfind(prefix, 0) == 0) departments[d.code.substr(prefix.size())] = d.id;
        after = d.id;
      }
      if (page.size() < 100) break;
    }
  }
  auto department = [&](std::string_view short_code) -> Result<std::int64_t> {
    auto it = departments.find(short_code);
    if (it == departments.end()) {
      return Error::not_found("department_not_found",
                              fmt::format("No department {}-{}.", city_code, short_code));
    }
    return it->second;
  };
  ZT_ASSIGN_OR_RETURN(std::int64_t dsj, department("DSJ"));
  const core::Principal steward =
      acting_for(dsj, {"catalog.manage", "catalog.resources.read", "exchange.grants.manage",
                       "exchange.query", "registry.manage", "registry.read"});

  for (catalog::Resource golden : registry_resources()) {
    golden.department_id = dsj;
    ZT_TRY(catalog.create(steward, golden, context));
    ZT_TRY(catalog.publish(steward, golden.code, context));
  }
  for (bool person : {true, false}) {
    const auto mappings = registry_mappings(person);
    std::map<std::string, std::vector<std::string>> fields;  // source → mapped fields
    for (const registry::Mapping& m : mappings)
      fields[m.resource_code].push_back(m.field);
    for (const auto& [code, asked] : fields) {
      ZT_ASSIGN_OR_RETURN(catalog::Resource source, catalog.find(code));
      ZT_ASSIGN_OR_RETURN(
          auto request,
          sharing.file_request(steward,
                               {.resource_code = code,
                                .purpose = person ? "人口基础库建设" : "法人基础库建设",
                                .legal_basis = "《浙江省公共数据条例》第十八条（公共数据归集）",
                                .fields = asked,
                                .duration_days = 365},
                               context));
      std::vector<std::string> unmasked;
      for (const std::string& f : asked) {
        const catalog::Field* field = source.field(f);
        if (field != nullptr && field->personal) unmasked.push_back(f);
      }
      const core::Principal provider =
          acting_for(source.department_id, {"catalog.resources.read", "exchange.grants.manage"});
      ZT_TRY(
          sharing.approve(provider, request.id, {.fields = asked, .unmasked = unmasked}, context));
    }
    const registry::RegistryKind kind =
        person ? registry::RegistryKind::kPerson : registry::RegistryKind::kEntity;
    ZT_TRY(registries.configure(steward, kind,
                                {.resource_code = std::string(person ? resource::kPersonRegistry
                                                                     : resource::kEntityRegistry),
                                 .mappings = mappings},
                                context));
    // The departments that feed the registry may read it back, masked: a sharing request each,
    // approved by the 大数据管理中心.
    ZT_ASSIGN_OR_RETURN(catalog::Resource golden, catalog.find(person ? resource::kPersonRegistry
                                                                      : resource::kEntityRegistry));
    std::vector<std::string> golden_fields;
    for (const catalog::Field& f : golden.fields)
      golden_fields.push_back(f.name);
    for (const auto& entry : fields) {
      ZT_ASSIGN_OR_RETURN(catalog::Resource source, catalog.find(entry.first));
      const core::Principal consumer =
          acting_for(source.department_id, {"catalog.resources.read", "exchange.query"});
      ZT_ASSIGN_OR_RETURN(
          auto request,
          sharing.file_request(consumer,
                               {.resource_code = golden.code,
                                .purpose = person ? "人口信息核验" : "法人信息核验",
                                .legal_basis = "《浙江省公共数据条例》第二十二条（共享使用）",
                                .fields = golden_fields,
                                .duration_days = 365},
                               context));
      ZT_TRY(sharing.approve(steward, request.id, {}, context));
    }
    const auto started = std::chrono::steady_clock::now();
    ZT_ASSIGN_OR_RETURN(registry::SyncReport report, registries.sync(kind));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress(
        fmt::format("seed-demo: {} registry merged: {} changes, {} golden records, {} "
                    "conflicts in {:.1f} s ({:.0f} changes/s; feeds {:.1f} s, merge {:.1f} s, "
                    "publication {:.1f} s)",
                    person ? "人口 person" : "法人 entity", report.changes, report.published,
                    report.conflicts_opened, seconds,
                    static_cast<double>(report.changes) / std::max(1e-3, seconds),
                    report.feed_seconds, report.merge_seconds, report.publish_seconds));
  }
  return {};
}

}  // namespace zt::demo
