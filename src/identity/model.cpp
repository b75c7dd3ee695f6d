#include "identity/model.h"

#include <algorithm>
#include <array>
#include <set>

namespace zt::identity {

namespace {

using namespace permission;  // the role table names every permission

struct RoleEntry {
  std::string_view role;
  std::span<const std::string_view> permissions;  // sorted
};

// The role → permission table (documented in src/identity/README.md and the README's "Accounts
// and roles"). Each list is sorted; a test checks it. Names of later modules' permissions are
// reserved here so their routes can declare them.
constexpr std::array kWindowClerk = {kAppealsIntake, kCasesAccept, kCasesRead};
// Officers ingest and query data; defining the catalog is the department administrator's
// (catalog.resources.publish) or the data administrator's (catalog.manage).
constexpr std::array kDeptOfficer = {kAppealsHandle,  kCatalogResourcesRead, kCertsIssue,
                                     kExchangeIngest, kExchangeQuery,        kCasesApprove,
                                     kCasesRead};
constexpr std::array kDeptAdmin = {kCatalogResourcesPublish,
                                   kCatalogResourcesRead,
                                   kExchangeExport,
                                   kExchangeGrantsManage,
                                   kExchangeIngest,
                                   kExchangeQuery,
                                   kUsersRead,
                                   kCasesRead,
                                   kItemsManage};
constexpr std::array kDataAdmin = {kAnalyticsRead,        kCalendarManage, kCatalogManage,
                                   kCatalogResourcesRead, kExchangeExport, kExchangeGrantsManage,
                                   kExchangeManage,       kExchangeQuery,  kRegistryManage,
                                   kRegistryRead,         kCityScope};
constexpr std::array kSupervisor = {kAnalyticsRead, kAppealsRead, kCityScope, kCasesRead,
                                    kSupervisionRead};
constexpr std::array kLeader = {kAnalyticsRead, kAppealsRead, kCatalogResourcesRead,
                                kCityScope,     kCasesRead,   kSupervisionRead};
constexpr std::array kSysAdmin = {kApiClientsManage, kApiClientsRead, kDepartmentsManage,
                                  kUsersManage, kUsersRead};
constexpr std::array kSecAdmin = {kApiClientsRead, kPolicyManage, kRolesAssign, kUsersRead};
constexpr std::array kAuditAdmin = {kAuditRead};

constexpr std::array<RoleEntry, 9> kRoles = {{
    {role::kWindowClerk, kWindowClerk},
    {role::kDeptOfficer, kDeptOfficer},
    {role::kDeptAdmin, kDeptAdmin},
    {role::kDataAdmin, kDataAdmin},
    {role::kSupervisor, kSupervisor},
    {role::kLeader, kLeader},
    {role::kSysAdmin, kSysAdmin},
    {role::kSecAdmin, kSecAdmin},
    {role::kAuditAdmin, kAuditAdmin},
}};

constexpr std::array<std::string_view, 9> kRoleNames = {
    role::kWindowClerk, role::kDeptOfficer, role::kDeptAdmin, role::kDataAdmin, role::kSupervisor,
    role::kLeader,      role::kSysAdmin,    role::kSecAdmin,  role::kAuditAdmin};

}  // namespace

std::span<const std::string_view> all_roles() {
  return kRoleNames;
}

bool is_known_role(std::string_view role) {
  return std::find(kRoleNames.begin(), kRoleNames.end(), role) != kRoleNames.end();
}

bool is_admin_role(std::string_view r) {
  return r == role::kSysAdmin || r == role::kSecAdmin || r == role::kAuditAdmin;
}

std::span<const std::string_view> role_permissions(std::string_view role) {
  for (const RoleEntry& entry : kRoles) {
    if (entry.role == role) return entry.permissions;
  }
  return {};
}

std::vector<std::string> permissions_of(std::span<const std::string> roles) {
  std::set<std::string, std::less<>> all;
  for (const std::string& role : roles) {
    for (std::string_view p : role_permissions(role))
      all.emplace(p);
  }
  return {all.begin(), all.end()};
}

std::vector<std::string> all_permissions() {
  std::set<std::string, std::less<>> all;
  for (const RoleEntry& entry : kRoles) {
    for (std::string_view p : entry.permissions)
      all.emplace(p);
  }
  return {all.begin(), all.end()};
}

bool is_api_client_permission(std::string_view p) {
  if (p.starts_with("identity.") || p == permission::kAuditRead || p == permission::kCityScope) {
    return false;
  }
  for (const RoleEntry& entry : kRoles) {
    if (std::binary_search(entry.permissions.begin(), entry.permissions.end(), p)) return true;
  }
  return false;
}

std::string_view to_string(UserKind kind) {
  return kUserKindNames.name_of(kind);
}

std::optional<UserKind> parse_user_kind(std::string_view text) {
  return kUserKindNames.parse(text);
}

}  // namespace zt::identity
