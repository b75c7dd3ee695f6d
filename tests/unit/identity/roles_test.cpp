// The role → permission table and the three-administrator separation it encodes.
#include "identity/model.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace zt::identity {
namespace {

TEST(Roles, NineRolesEachWithASortedPermissionList) {
  EXPECT_EQ(all_roles().size(), 9u);
  for (std::string_view role : all_roles()) {
    SCOPED_TRACE(role);
    auto permissions = role_permissions(role);
    EXPECT_FALSE(permissions.empty());
    EXPECT_TRUE(std::is_sorted(permissions.begin(), permissions.end()));
    EXPECT_EQ(std::adjacent_find(permissions.begin(), permissions.end()), permissions.end());
  }
  EXPECT_TRUE(role_permissions("root").empty());
  EXPECT_FALSE(is_known_role("root"));
}

bool grants(std::string_view role, std::string_view permission) {
  auto p = role_permissions(role);
  return std::binary_search(p.begin(), p.end(), permission);
}

TEST(Roles, ThreeAdministratorsAreSeparated) {
  // The system admin manages users and departments but cannot read the audit log.
  EXPECT_TRUE(grants(role::kSysAdmin, permission::kUsersManage));
  EXPECT_TRUE(grants(role::kSysAdmin, permission::kDepartmentsManage));
  EXPECT_FALSE(grants(role::kSysAdmin, permission::kAuditRead));
  EXPECT_FALSE(grants(role::kSysAdmin, permission::kRolesAssign));
  // The security admin sets roles and policies, and neither manages users nor reads the log.
  EXPECT_TRUE(grants(role::kSecAdmin, permission::kRolesAssign));
  EXPECT_TRUE(grants(role::kSecAdmin, permission::kPolicyManage));
  EXPECT_FALSE(grants(role::kSecAdmin, permission::kUsersManage));
  EXPECT_FALSE(grants(role::kSecAdmin, permission::kAuditRead));
  // The audit admin reads the log and changes nothing: every permission is a read.
  EXPECT_TRUE(grants(role::kAuditAdmin, permission::kAuditRead));
  for (std::string_view p : role_permissions(role::kAuditAdmin)) {
    EXPECT_TRUE(p.ends_with(".read")) << p;
  }
  // Nobody else reads the audit log.
  for (std::string_view role : all_roles()) {
    if (role != role::kAuditAdmin) {
      EXPECT_FALSE(grants(role, permission::kAuditRead)) << role;
    }
  }
  EXPECT_TRUE(is_admin_role("sys_admin"));
  EXPECT_TRUE(is_admin_role("sec_admin"));
  EXPECT_TRUE(is_admin_role("audit_admin"));
  EXPECT_FALSE(is_admin_role("dept_admin"));
}

TEST(Roles, PermissionsOfIsSortedUnion) {
  const std::vector<std::string> roles{"leader", "dept_officer"};
  auto permissions = permissions_of(roles);
  EXPECT_TRUE(std::is_sorted(permissions.begin(), permissions.end()));
  EXPECT_EQ(std::adjacent_find(permissions.begin(), permissions.end()), permissions.end());
  EXPECT_TRUE(std::binary_search(permissions.begin(), permissions.end(), "scope.city"));
  EXPECT_TRUE(std::binary_search(permissions.begin(), permissions.end(), "certs.issue"));
}

TEST(Roles, ApiClientsGetNoAdministratorPermissions) {
  EXPECT_TRUE(is_api_client_permission("exchange.query"));
  EXPECT_FALSE(is_api_client_permission("audit.read"));
  EXPECT_FALSE(is_api_client_permission("identity.users.manage"));
  EXPECT_FALSE(is_api_client_permission("scope.city"));
  EXPECT_FALSE(is_api_client_permission("made.up"));
}

}  // namespace
}  // namespace zt::identity
