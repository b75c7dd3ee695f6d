// The department routes: the tree (部门) and each department's version history.
#include "http/route_file.h"
#include "identity/api_internal.h"

#include <array>
#include <string_view>

namespace zt::identity::routes {

namespace {

constexpr http::NotFound kDepartmentNotFound{"department_not_found", "No such department."};

const std::string kReaders = "Any staff user or API client (citizens and enterprises get 403).";
const std::string kManagers = "Needs identity.departments.manage (sys_admin).";

json::object department_input_schema() {
  return schema::object({{"code", schema::str()},
                         {"name", schema::str()},
                         {"division_code", schema::str()},
                         {"parent_id", schema::ninteger()}},
                        {"code", "name", "division_code"});
}

constexpr std::array<std::string_view, 3> kVersionActions{"create", "update", "delete"};

constexpr auto kVersionShape = http::shape::of<DepartmentVersion>(
    http::shape::integer("version", &DepartmentVersion::version),
    http::shape::one_of("action", &DepartmentVersion::action, kVersionActions),
    http::shape::str("code", &DepartmentVersion::code),
    http::shape::str("name", &DepartmentVersion::name),
    http::shape::str("division_code", &DepartmentVersion::division_code),
    http::shape::ninteger("parent_id", &DepartmentVersion::parent_id),
    http::shape::ninteger("changed_by", &DepartmentVersion::changed_by),
    http::shape::str("changed_by_name", &DepartmentVersion::changed_by_name),
    http::shape::time("changed_at", &DepartmentVersion::changed_at));

std::optional<DepartmentInput> department_input(http::JsonBody& body) {
  DepartmentInput input;
  input.code = body.string("code", true).value_or("");
  input.name = body.string("name", true).value_or("");
  input.division_code = body.string("division_code", true).value_or("");
  input.parent_id = body.integer("parent_id");
  if (!body.ok()) return std::nullopt;
  return input;
}

// --- GET /api/v1/departments ---

http::Response list_departments(DepartmentService& departments, const http::Request& request) {
  auto page = http::page_of(request, kMaxPageSize);
  if (!page) return http::bad_page(kMaxPageSize);
  std::optional<std::int64_t> parent;
  if (auto p = request.query_param("parent_id"); p && !p->empty()) {
    parent = http::parse_id(*p);
    if (!parent) return http::problem(400, "invalid_parent", "parent_id must be an id.");
  }
  auto result =
      departments.list_departments(*request.principal(), page->after, page->limit, parent);
  if (!result.ok()) return http::problem(result.error());
  return http::Response::json(200, page_json(*result, page->limit));
}

http::RouteDoc list_departments_doc() {
  std::vector<http::ParamDoc> params = paging_params();
  params.push_back({.name = "parent_id", .description = "Only children of this one."});
  return {.summary = "List departments (部门)",
          .description = "Departments by id, a page at a time. " + kReaders +
                         " Errors: 400 invalid_paging, invalid_parent; 403 forbidden." +
                         std::string(kSignedInErrors),
          .tag = std::string(kDepartmentsTag),
          .params = std::move(params),
          .responses = {{200, "A page of departments", schema::page(department_schema())}}};
}

// --- POST /api/v1/departments ---

http::Response create_department(DepartmentService& departments, const http::Request& request) {
  http::JsonBody body(request);
  auto input = department_input(body);
  if (!input) return body.problem();
  return http::respond(
      201, departments.create_department(*request.principal(), *input, request.context()), to_json);
}

http::RouteDoc create_department_doc() {
  return {.summary = "Create a department",
          .description = "A new department (version 1), under parent_id when given. " + kManagers +
                         " Errors: 400 invalid_body, invalid_code, invalid_name, "
                         "invalid_division_code, invalid_parent; 403 forbidden; 409 "
                         "department_exists (the code is taken)." +
                         std::string(kSignedInErrors),
          .tag = std::string(kDepartmentsTag),
          .request_schema = department_input_schema(),
          .responses = {{201, "The new department", department_schema()}}};
}

// --- GET /api/v1/departments/{id} ---

http::Response get_department(DepartmentService& departments, std::int64_t id,
                              const http::Request& request) {
  return http::respond(200, departments.get_department(*request.principal(), id), to_json);
}

http::RouteDoc get_department_doc() {
  return {.summary = "One department",
          .description = "The department's current version. " + kReaders +
                         " Errors: 403 forbidden; 404 department_not_found." +
                         std::string(kSignedInErrors),
          .tag = std::string(kDepartmentsTag),
          .responses = {{200, "The department", department_schema()}}};
}

// --- PUT /api/v1/departments/{id} ---

http::Response update_department(DepartmentService& departments, std::int64_t id,
                                 const http::Request& request) {
  http::JsonBody body(request);
  auto input = department_input(body);
  if (!input) return body.problem();
  return http::respond(
      200, departments.update_department(*request.principal(), id, *input, request.context()),
      to_json);
}

http::RouteDoc update_department_doc() {
  return {.summary = "Replace a department's code, name, division code and parent",
          .description = "Writes a new version (kept in the history). " + kManagers +
                         " Errors: 400 invalid_body, invalid_code, invalid_name, "
                         "invalid_division_code, invalid_parent; 403 forbidden; 404 "
                         "department_not_found; 409 department_exists, department_cycle (the "
                         "new parent is the department or one of its descendants)." +
                         std::string(kSignedInErrors),
          .tag = std::string(kDepartmentsTag),
          .request_schema = department_input_schema(),
          .responses = {{200, "The department's new version", department_schema()}}};
}

// --- DELETE /api/v1/departments/{id} ---

http::Response delete_department(DepartmentService& departments, std::int64_t id,
                                 const http::Request& request) {
  auto result = departments.delete_department(*request.principal(), id, request.context());
  if (!result.ok()) return http::problem(result.error());
  return http::no_content();
}

http::RouteDoc delete_department_doc() {
  return {.summary = "Delete a department nothing refers to (its history stays)",
          .description = kManagers +
                         " Errors: 403 forbidden; 404 department_not_found; 409 "
                         "department_in_use (sub-departments, users or API clients still "
                         "belong to it)." +
                         std::string(kSignedInErrors),
          .tag = std::string(kDepartmentsTag),
          .responses = {{204, "Deleted"}}};
}

// --- GET /api/v1/departments/{id}/history ---

http::Response department_history(DepartmentService& departments, std::int64_t id,
                                  const http::Request& request) {
  auto result = departments.department_history(*request.principal(), id);
  if (!result.ok()) return http::problem(result.error());
  return http::Response::json(200,
                              json::object{{"items", http::encode_all(*result, kVersionShape)}});
}

http::RouteDoc department_history_doc() {
  return {.summary = "A department's versions, oldest first (also after deletion)",
          .description = "Every create, update and delete, with who made it and when. " + kReaders +
                         " Errors: 403 forbidden; 404 department_not_found (there never was "
                         "such a department)." +
                         std::string(kSignedInErrors),
          .tag = std::string(kDepartmentsTag),
          .responses = {{200, "The versions",
                         schema::object({{"items", schema::array_of(kVersionShape.schema())}})}}};
}

}  // namespace

void add_department_routes(http::Router& router, DepartmentService& departments) {
  const std::string manage = needs(permission::kDepartmentsManage);
  const http::RouteOptions write{
      .permission = manage, .body_limit = 16 * 1024, .accepts = {"application/json"}};
  router.add(http::Method::kGet, "/api/v1/departments", handler_of(list_departments, departments),
             {}, list_departments_doc());
  router.add(http::Method::kPost, "/api/v1/departments", handler_of(create_department, departments),
             write, create_department_doc());
  router.add(http::Method::kGet, "/api/v1/departments/{id}",
             handler_of(get_department, departments, kDepartmentNotFound), {},
             get_department_doc());
  router.add(http::Method::kPut, "/api/v1/departments/{id}",
             handler_of(update_department, departments, kDepartmentNotFound), write,
             update_department_doc());
  router.add(http::Method::kDelete, "/api/v1/departments/{id}",
             handler_of(delete_department, departments, kDepartmentNotFound),
             {.permission = manage}, delete_department_doc());
  router.add(http::Method::kGet, "/api/v1/departments/{id}/history",
             handler_of(department_history, departments, kDepartmentNotFound), {},
             department_history_doc());
}

}  // namespace zt::identity::routes
