// The API-client routes: other systems' clients, their keys and revocation.
#include "http/route_file.h"
#include "identity/api_internal.h"

namespace zt::identity::routes {

namespace {

constexpr http::NotFound kApiClientNotFound{"api_client_not_found", "No such API client."};

const std::string kManagers = "Needs identity.api_clients.manage (sys_admin).";

// --- GET /api/v1/api-clients ---

http::Response list_api_clients(ApiClientService& clients, const http::Request& request) {
  auto page = http::page_of(request, kMaxPageSize);
  if (!page) return http::bad_page(kMaxPageSize);
  auto result = clients.list_api_clients(*request.principal(), page->after, page->limit);
  if (!result.ok()) return http::problem(result.error());
  return http::Response::json(200, page_json(*result, page->limit));
}

http::RouteDoc list_api_clients_doc() {
  return {.summary = "List API clients",
          .description =
              "API clients by id, revoked ones included, a page at a time. Needs "
              "identity.api_clients.read (sys_admin, sec_admin). Errors: 400 "
              "invalid_paging; 403 forbidden." +
              std::string(kSignedInErrors),
          .tag = std::string(kApiClientsTag),
          .params = paging_params(),
          .responses = {{200, "A page of API clients", schema::page(api_client_schema())}}};
}

// --- POST /api/v1/api-clients ---

http::Response create_api_client(ApiClientService& clients, const http::Request& request) {
  http::JsonBody body(request);
  ApiClientInput input;
  input.name = body.string("name", true).value_or("");
  input.department_id = body.integer("department_id", true).value_or(0);
  input.permissions = body.strings("permissions").value_or(std::vector<std::string>{});  // refused
  if (!body.ok()) return body.problem();
  auto result = clients.create_api_client(*request.principal(), input, request.context());
  if (!result.ok()) return http::problem(result.error());
  return http::Response::json(
      201, json::object{{"client", to_json(result->client)}, {"api_key", result->api_key}});
}

http::RouteDoc create_api_client_doc() {
  return {.summary = "Create an API client; its key is shown once (send it as X-API-Key)",
          .description =
              "A client of an existing department, holding no permissions until the "
              "security administrator gives them (PUT /api/v1/api-clients/{id}/permissions, "
              "三员分立). The key is in the answer only; it is stored as its SM3 hash. " +
              kManagers +
              " Errors: 400 invalid_body, invalid_name, invalid_department; 403 forbidden, "
              "permissions_need_sec_admin (permissions given here); 409 api_client_exists." +
              std::string(kSignedInErrors),
          .tag = std::string(kApiClientsTag),
          .request_schema = schema::object({{"name", schema::str()},
                                            {"department_id", schema::integer()},
                                            {"permissions", schema::strings()}},
                                           {"name", "department_id"}),
          .responses = {
              {201, "The client and its key",
               schema::object({{"client", api_client_schema()}, {"api_key", schema::str()}})}}};
}

// --- PUT /api/v1/api-clients/{id}/permissions ---

http::Response set_permissions(ApiClientService& clients, std::int64_t id,
                               const http::Request& request) {
  http::JsonBody body(request);
  auto permissions = body.strings("permissions", true);
  if (!body.ok()) return body.problem();
  return http::respond(
      200,
      clients.set_permissions(*request.principal(), id, std::move(*permissions), request.context()),
      to_json);
}

http::RouteDoc set_permissions_doc() {
  return {.summary = "Replace an API client's permissions (security admin)",
          .description =
              "Needs identity.roles.assign (sec_admin): as roles of staff, the permissions of "
              "a department's system are given by the security administrator, not by the "
              "system administrator who created it (三员分立). Permissions from the role table "
              "except identity.*, audit.read and scope.city; they replace the client's and "
              "apply from its next call. Audited as api_client.permissions with the old and "
              "new lists. Errors: 400 invalid_body, unknown_permission; 403 forbidden; 404 "
              "api_client_not_found; 409 api_client_revoked." +
              std::string(kSignedInErrors),
          .tag = std::string(kApiClientsTag),
          .request_schema = schema::object({{"permissions", schema::strings()}}, {"permissions"}),
          .responses = {{200, "The client", api_client_schema()}}};
}

// --- POST /api/v1/api-clients/{id}/revoke ---

http::Response revoke_api_client(ApiClientService& clients, std::int64_t id,
                                 const http::Request& request) {
  return http::respond(200, clients.revoke_api_client(*request.principal(), id, request.context()),
                       to_json);
}

http::RouteDoc revoke_api_client_doc() {
  return {.summary = "Revoke an API client's key",
          .description =
              "The key stops working at once; the client stays listed with "
              "revoked_at. " +
              kManagers + " Errors: 403 forbidden; 404 api_client_not_found." +
              std::string(kSignedInErrors),
          .tag = std::string(kApiClientsTag),
          .responses = {{200, "The revoked client", api_client_schema()}}};
}

}  // namespace

void add_api_client_routes(http::Router& router, ApiClientService& clients) {
  const std::string manage = needs(permission::kApiClientsManage);
  router.add(http::Method::kGet, "/api/v1/api-clients", handler_of(list_api_clients, clients),
             {.permission = needs(permission::kApiClientsRead)}, list_api_clients_doc());
  router.add(http::Method::kPost, "/api/v1/api-clients", handler_of(create_api_client, clients),
             {.permission = manage, .body_limit = 16 * 1024, .accepts = {"application/json"}},
             create_api_client_doc());
  router.add(http::Method::kPut, "/api/v1/api-clients/{id}/permissions",
             handler_of(set_permissions, clients, kApiClientNotFound),
             {.permission = needs(permission::kRolesAssign),
              .body_limit = 16 * 1024,
              .accepts = {"application/json"}},
             set_permissions_doc());
  router.add(http::Method::kPost, "/api/v1/api-clients/{id}/revoke",
             handler_of(revoke_api_client, clients, kApiClientNotFound), {.permission = manage},
             revoke_api_client_doc());
}

}  // namespace zt::identity::routes
