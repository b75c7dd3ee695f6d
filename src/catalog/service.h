// CatalogService: the resource catalog's rules (政务信息资源目录) — who may create, change,
// publish and retire a resource, which field changes a published resource may take, what each
// principal sees, and the version history.
//
// Who may write: the providing department's staff holding catalog.resources.publish (dept_admin),
// or a holder of catalog.manage (data_admin, any department). Who may read: holders of
// catalog.resources.read see published and retired resources of every department except those
// whose share_type is none, and every resource of their own department; city-scope holders see
// all. An invisible resource is 404 resource_not_found.
//
// Publication creates the resource's record storage and a compatible change of a published
// resource alters it, through the SchemaHook, inside the same transaction as the catalog change:
// either both happen or neither.
//
// Errors: 400 "invalid_body", "invalid_fields", "invalid_resource_code", "invalid_department";
// 403 "forbidden"; 404 "resource_not_found"; 409 "resource_exists", "version_conflict",
// "incompatible_change", "resource_retired", "invalid_state".
// Every change writes an audit record (catalog.resource.create/update/publish/retire).
//
// Thread-safety: all methods may be called from many threads at once; the database, audit log,
// clock, identity service and hook must outlive the service.
#pragma once

#include "audit/service.h"
#include "catalog/model.h"
#include "catalog/store.h"
#include "core/principal.h"
#include "core/time.h"
#include "db/database.h"
#include "identity/model.h"

#include <functional>

namespace zt::identity {
class DepartmentService;
}

namespace zt::catalog {

namespace permission {
inline constexpr std::string_view kRead = identity::permission::kCatalogResourcesRead;
inline constexpr std::string_view kPublish = identity::permission::kCatalogResourcesPublish;
inline constexpr std::string_view kManage = identity::permission::kCatalogManage;
}  // namespace permission

// 404 "resource_not_found", "No resource <code>.": the one answer, in every module, for a resource
// that does not exist or that the actor may not know of (the two are not told apart).
Error resource_not_found(std::string_view code);

// Called inside the catalog's write transaction when a resource is published (before = null) or
// a published resource's fields change compatibly (before = the previous version). A failure
// rolls the catalog change back.
using SchemaHook =
    std::function<Status(db::Connection& conn, const Resource* before, const Resource& after)>;

class CatalogService {
 public:
  CatalogService(db::Database& db, audit::AuditLog& audit, const core::Clock& clock,
                 identity::DepartmentService& departments, SchemaHook schema_hook);

  // A new draft. The department is the actor's own unless a catalog.manage holder names one.
  Result<Resource> create(const core::Principal& actor, Resource input,
                          const core::RequestContext& context);
  // Replaces the metadata and fields. `expected_version` (when given) must match the stored
  // version. A draft takes any valid change; a published resource only a compatible field
  // change (check_compatible); a retired one none.
  Result<Resource> update(const core::Principal& actor, std::string_view code, Resource input,
                          std::optional<std::int64_t> expected_version,
                          const core::RequestContext& context);
  // draft → published (creates the record storage), and published → retired.
  Result<Resource> publish(const core::Principal& actor, std::string_view code,
                           const core::RequestContext& context);
  Result<Resource> retire(const core::Principal& actor, std::string_view code,
                          const core::RequestContext& context);

  Result<Resource> get(const core::Principal& actor, std::string_view code);
  Result<SearchResult> search(const core::Principal& actor, SearchQuery query);
  // For anyone, signed in or not (the public portal): the published resources whose open_type is
  // open or conditional, searched and paged as search() does; the query's status and visibility
  // are overridden. The caller shows only their metadata and field names: never records.
  Result<SearchResult> open_resources(SearchQuery query);
  Result<std::vector<ResourceVersion>> history(const core::Principal& actor, std::string_view code);

  // For other modules (exchange): the resource by code, with no visibility check.
  // Failure: 404 "resource_not_found".
  Result<Resource> find(std::string_view code);
  // Every published resource (quality figures).
  Result<std::vector<Resource>> published();

  // Whether the principal may see the resource in the catalog (the rule above).
  static bool visible_to(const core::Principal& actor, const Resource& resource);
  // Whether the principal may change it (the rule above).
  static bool may_write(const core::Principal& actor, const Resource& resource);

 private:
  Result<Resource> transition(const core::Principal& actor, std::string_view code,
                              ResourceStatus to, const core::RequestContext& context);
  Status fill_department_name(Resource& resource);
  // search() and open_resources(): the query's page with department names filled.
  Result<SearchResult> run_search(const SearchQuery& query);
  Status validate(Resource& resource);

  db::Database& db_;
  audit::AuditLog& audit_;
  const core::Clock& clock_;
  identity::DepartmentService& departments_;
  SchemaHook schema_hook_;
};

}  // namespace zt::catalog
