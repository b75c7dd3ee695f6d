// The permission names of the role → permission table (model.cpp), one constant each, for the
// role table, identity's routes and the routes of the modules that check them.
//
// A permission is an action a principal may take ("identity.users.manage"), except scope.city,
// which is a scope: its holders see every department's objects (scope.h). The names of later
// modules' permissions are reserved here so that their routes can declare them.
//
// Thread-safety: compile-time constants.
#pragma once

#include <string_view>

namespace zt::identity::permission {

// identity (统一身份认证)
inline constexpr std::string_view kDepartmentsManage = "identity.departments.manage";
inline constexpr std::string_view kUsersRead = "identity.users.read";
inline constexpr std::string_view kUsersManage = "identity.users.manage";
inline constexpr std::string_view kRolesAssign = "identity.roles.assign";
inline constexpr std::string_view kPolicyManage = "identity.policy.manage";
inline constexpr std::string_view kApiClientsRead = "identity.api_clients.read";
inline constexpr std::string_view kApiClientsManage = "identity.api_clients.manage";

// audit (安全审计)
inline constexpr std::string_view kAuditRead = "audit.read";

// calendar (工作日历): changing a day and loading a year's holiday schedule
inline constexpr std::string_view kCalendarManage = "calendar.manage";

// catalog (政务信息资源目录)
inline constexpr std::string_view kCatalogResourcesRead = "catalog.resources.read";
inline constexpr std::string_view kCatalogResourcesPublish = "catalog.resources.publish";
inline constexpr std::string_view kCatalogManage = "catalog.manage";

// exchange (数据归集 / 数据交换)
inline constexpr std::string_view kExchangeIngest = "exchange.ingest";
inline constexpr std::string_view kExchangeQuery = "exchange.query";
// Bulk export of records (GET …/export), apart from exchange.query: a whole table of personal
// data at once is a decision of its own.
inline constexpr std::string_view kExchangeExport = "exchange.export";
inline constexpr std::string_view kExchangeGrantsManage = "exchange.grants.manage";
inline constexpr std::string_view kExchangeManage = "exchange.manage";

// base registries (基础库)
inline constexpr std::string_view kRegistryRead = "registry.read";
inline constexpr std::string_view kRegistryManage = "registry.manage";

// later modules: analytics, 12345 appeals, service items and cases, e-certificates, supervision
inline constexpr std::string_view kAnalyticsRead = "analytics.read";
inline constexpr std::string_view kAppealsIntake = "appeals.intake";
inline constexpr std::string_view kAppealsHandle = "appeals.handle";
inline constexpr std::string_view kAppealsRead = "appeals.read";
inline constexpr std::string_view kCasesAccept = "services.cases.accept";
inline constexpr std::string_view kCasesApprove = "services.cases.approve";
inline constexpr std::string_view kCasesRead = "services.cases.read";
// Writing, publishing and retiring a department's service items (事项): dept_admin.
inline constexpr std::string_view kItemsManage = "services.items.manage";
inline constexpr std::string_view kCertsIssue = "certs.issue";
inline constexpr std::string_view kSupervisionRead = "supervision.read";

// Not an action but a scope: the holder sees every department's objects (scope.h).
inline constexpr std::string_view kCityScope = "scope.city";

}  // namespace zt::identity::permission
