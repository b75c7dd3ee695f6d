#include "exchange/sharing/api.h"

#include "audit/model.h"
#include "http/route_file.h"
#include "identity/api.h"

#include <array>
#include <string_view>

namespace zt::exchange {

namespace {

const std::string kTag = "sharing";
constexpr http::NotFound kRequestNotFound{"request_not_found", "No such request."};
constexpr http::NotFound kGrantNotFound{"grant_not_found", "No such grant."};
constexpr int kMaxPage = 200;

constexpr std::array<std::string_view, 4> kRequestStatuses{"pending", "approved", "rejected",
                                                           "withdrawn"};
constexpr std::array<std::string_view, 3> kGrantStatuses{"active", "expired", "revoked"};

constexpr auto kRequestShape = shape::of<SharingRequest>(
    shape::integer("id", &SharingRequest::id),
    shape::str("resource", &SharingRequest::resource_code),
    shape::str("resource_name", &SharingRequest::resource_name),
    shape::integer("consumer_department_id", &SharingRequest::consumer_department_id),
    shape::str("consumer_department_name", &SharingRequest::consumer_department_name),
    shape::integer("provider_department_id", &SharingRequest::provider_department_id),
    shape::str("provider_department_name", &SharingRequest::provider_department_name),
    shape::str("purpose", &SharingRequest::purpose),
    shape::str("legal_basis", &SharingRequest::legal_basis),
    shape::strings("fields", &SharingRequest::fields),
    shape::integer("duration_days", &SharingRequest::duration_days),
    shape::one_of("status", &SharingRequest::status, kRequestStatuses),
    shape::str("requested_by", &SharingRequest::requested_by_name),
    shape::time("requested_at", &SharingRequest::requested_at),
    shape::str("decided_by", &SharingRequest::decided_by_name),
    shape::ntime("decided_at", &SharingRequest::decided_at),
    shape::str("decision_reason", &SharingRequest::decision_reason),
    shape::ninteger("grant_id", &SharingRequest::grant_id));

// A grant's status depends on the time: encode(grant, now).
constexpr auto kGrantShape = shape::of<Grant>(
    shape::integer("id", &Grant::id), shape::integer("request_id", &Grant::request_id),
    shape::str("resource", &Grant::resource_code),
    shape::integer("consumer_department_id", &Grant::consumer_department_id),
    shape::str("consumer_department_name", &Grant::consumer_department_name),
    shape::integer("provider_department_id", &Grant::provider_department_id),
    shape::str("provider_department_name", &Grant::provider_department_name),
    shape::strings("fields", &Grant::fields), shape::strings("unmasked", &Grant::unmasked),
    shape::str("purpose", &Grant::purpose),
    shape::one_of(
        "status", [](const Grant& g, std::int64_t now) { return g.status(now); }, kGrantStatuses),
    shape::time("starts_at", &Grant::starts_at), shape::time("expires_at", &Grant::expires_at),
    shape::ntime("revoked_at", &Grant::revoked_at),
    shape::str("revoke_reason", &Grant::revoke_reason));

json::object to_json(const SharingRequest& r) {
  return kRequestShape.encode(r);
}

json::object to_json(const Grant& g, std::int64_t now) {
  return kGrantShape.encode(g, now);
}

// Now on the service's clock (a test build's server may run on a controllable one).
std::int64_t now_ms(const SharingService& sharing) {
  return core::to_millis(sharing.clock().now());
}

json::object request_schema() {
  return kRequestShape.schema();
}

json::object grant_schema() {
  return kGrantShape.schema();
}

// POST /api/v1/sharing/requests
http::Response file_request(SharingService& sharing, const http::Request& request) {
  http::JsonBody body(request);
  RequestInput in;
  in.resource_code = body.string("resource", true).value_or("");
  in.purpose = body.string("purpose", true).value_or("");
  in.legal_basis = body.string("legal_basis", true).value_or("");
  in.fields = body.strings("fields").value_or(std::vector<std::string>{});
  in.duration_days = body.integer("duration_days").value_or(365);
  if (!body.ok()) return body.problem();
  return http::respond(
      201, sharing.file_request(*request.principal(), std::move(in), request.context()), to_json);
}

http::RouteDoc file_request_doc() {
  return {.summary = "File a sharing request (共享申请)",
          .description =
              "Asks another department for a conditional resource: purpose (用途), legal basis, "
              "the fields needed (default: all) and a duration in days (default 365, at most "
              "1098). The request waits for the provider's decision; audited.\n\n"
              "Who: a department's staff or API client with exchange.query.\n\n"
              "Errors: 400 invalid_body, invalid_fields; 403 forbidden; 404 resource_not_found; "
              "409 own_resource, invalid_state (not published), no_grant_needed (shared "
              "unconditionally).",
          .tag = kTag,
          .request_schema = schema::object({{"resource", schema::str()},
                                            {"purpose", schema::str()},
                                            {"legal_basis", schema::str()},
                                            {"fields", schema::strings()},
                                            {"duration_days", schema::integer()}},
                                           {"resource", "purpose", "legal_basis"}),
          .responses = {{201, "The pending request", request_schema()}}};
}

// GET /api/v1/sharing/requests
http::Response list_requests(SharingService& sharing, const http::Request& request) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  const bool inbox = request.query_param("box").value_or("outbox") == "inbox";
  std::optional<std::string> status = request.query_param("status");
  if (status && status->empty()) status.reset();
  auto list =
      sharing.requests(*request.principal(), inbox, std::move(status), page->after, page->limit);
  if (!list.ok()) return http::problem(list.error());
  return http::Response::json(
      200, http::page_json(*list, page->limit, [](const SharingRequest& r) { return to_json(r); }));
}

http::RouteDoc list_requests_doc() {
  return {.summary = "Sharing requests of your department",
          .description =
              "inbox: requests to your department as provider; outbox (default): those it "
              "filed. Newest first, with their decisions.\n\n"
              "Who: a department's staff or API client.\n\n"
              "Errors: 400 invalid_paging; 403 forbidden (no department).",
          .tag = kTag,
          .params = http::with_paging(
              {{.name = "box", .description = "inbox (to your department as provider) or outbox."},
               {.name = "status", .description = "pending, approved, rejected or withdrawn."}},
              kMaxPage),
          .responses = {{200, "Requests, newest first", schema::page(request_schema())}}};
}

// GET /api/v1/sharing/requests/{id}
http::Response get_request(SharingService& sharing, std::int64_t id, const http::Request& request) {
  return http::respond(200, sharing.get_request(*request.principal(), id), to_json);
}

http::RouteDoc get_request_doc() {
  return {.summary = "One sharing request",
          .description =
              "The request with its status and decision.\n\n"
              "Who: the requesting and the providing department, and city-scope "
              "principals.\n\n"
              "Errors: 404 request_not_found (also for other departments).",
          .tag = kTag,
          .responses = {{200, "The request", request_schema()}}};
}

// POST /api/v1/sharing/requests/{id}/approve
http::Response approve_request(SharingService& sharing, std::int64_t id,
                               const http::Request& request) {
  Decision d;
  if (request.json()) {
    http::JsonBody body(request);
    d.fields = body.strings("fields").value_or(std::vector<std::string>{});
    d.unmasked = body.strings("unmasked").value_or(std::vector<std::string>{});
    d.duration_days = body.integer("duration_days");
    if (auto until = body.string("expires_at")) {
      auto parsed = audit::parse_time(*until);
      if (!parsed.ok()) {
        return http::problem(400, "invalid_body",
                             "\"expires_at\" must be an ISO 8601 time with an offset.");
      }
      d.expires_at = core::to_millis(*parsed);
    }
    if (!body.ok()) return body.problem();
  }
  return http::respond(
      200, sharing.approve(*request.principal(), id, std::move(d), request.context()), to_json);
}

http::RouteDoc approve_request_doc() {
  return {.summary = "Approve a sharing request (grant)",
          .description =
              "Creates a grant: it may grant fewer fields than asked, unmask some personal "
              "fields, and shorten the duration (or set an earlier expires_at) — never lengthen "
              "it. The grant takes effect at "
              "once; audited.\n\n"
              "Who: the providing department's administrator (exchange.grants.manage).\n\n"
              "Errors: 400 invalid_body, invalid_fields, duration_exceeds_request (longer than "
              "asked); 403 forbidden; 404 request_not_found, resource_not_found; 409 "
              "invalid_state (not pending).",
          .tag = kTag,
          .request_schema = schema::object({{"fields", schema::strings()},
                                            {"unmasked", schema::strings()},
                                            {"duration_days", schema::integer()},
                                            {"expires_at", schema::str()}}),
          .responses = {{200, "The request, approved, with its grant_id", request_schema()}}};
}

// POST /api/v1/sharing/requests/{id}/reject
http::Response reject_request(SharingService& sharing, std::int64_t id,
                              const http::Request& request) {
  http::JsonBody body(request);
  auto reason = body.string("reason", true);
  if (!body.ok()) return body.problem();
  return http::respond(200, sharing.reject(*request.principal(), id, *reason, request.context()),
                       to_json);
}

http::RouteDoc reject_request_doc() {
  return {.summary = "Reject a sharing request with a reason",
          .description =
              "Ends a pending request without a grant; the reason is shown to the "
              "requester. Audited.\n\n"
              "Who: the providing department's administrator "
              "(exchange.grants.manage).\n\n"
              "Errors: 400 invalid_body (reason missing or over 1000 bytes); 403 "
              "forbidden; 404 request_not_found; 409 invalid_state (not pending).",
          .tag = kTag,
          .request_schema = schema::object({{"reason", schema::str()}}, {"reason"}),
          .responses = {{200, "The request", request_schema()}}};
}

// POST /api/v1/sharing/requests/{id}/withdraw
http::Response withdraw_request(SharingService& sharing, std::int64_t id,
                                const http::Request& request) {
  return http::respond(200, sharing.withdraw(*request.principal(), id, request.context()), to_json);
}

http::RouteDoc withdraw_request_doc() {
  return {.summary = "Withdraw your pending sharing request",
          .description =
              "Takes a pending request back. Audited.\n\n"
              "Who: the requesting department's staff or API client with "
              "exchange.query.\n\n"
              "Errors: 403 forbidden; 404 request_not_found; 409 invalid_state (not "
              "pending).",
          .tag = kTag,
          .responses = {{200, "The request", request_schema()}}};
}

// GET /api/v1/sharing/grants
http::Response list_grants(SharingService& sharing, const http::Request& request) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  const bool inbox = request.query_param("box").value_or("outbox") == "inbox";
  auto list = sharing.grants(*request.principal(), inbox, page->after, page->limit);
  if (!list.ok()) return http::problem(list.error());
  const std::int64_t now = now_ms(sharing);
  return http::Response::json(
      200, http::page_json(*list, page->limit, [now](const Grant& g) { return to_json(g, now); }));
}

http::RouteDoc list_grants_doc() {
  return {.summary = "Grants your department gave (inbox) or holds (outbox)",
          .description =
              "Newest first, each with its status now (active, expired, revoked).\n\n"
              "Who: a department's staff or API client.\n\n"
              "Errors: 400 invalid_paging; 403 forbidden (no department).",
          .tag = kTag,
          .params = http::with_paging(
              {{.name = "box", .description = "inbox (given) or outbox (held)."}}, kMaxPage),
          .responses = {{200, "Grants, newest first", schema::page(grant_schema())}}};
}

// GET /api/v1/sharing/grants/{id}
http::Response get_grant(SharingService& sharing, std::int64_t id, const http::Request& request) {
  auto g = sharing.get_grant(*request.principal(), id);
  if (!g.ok()) return http::problem(g.error());
  return http::Response::json(200, to_json(*g, now_ms(sharing)));
}

http::RouteDoc get_grant_doc() {
  return {.summary = "One grant",
          .description =
              "The grant with its fields, unmasked fields and status now.\n\n"
              "Who: the granting and the holding department, and city-scope "
              "principals.\n\n"
              "Errors: 404 grant_not_found (also for other departments).",
          .tag = kTag,
          .responses = {{200, "The grant", grant_schema()}}};
}

// POST /api/v1/sharing/grants/{id}/revoke
http::Response revoke_grant(SharingService& sharing, std::int64_t id,
                            const http::Request& request) {
  http::JsonBody body(request);
  auto reason = body.string("reason", true);
  if (!body.ok()) return body.problem();
  auto g = sharing.revoke(*request.principal(), id, *reason, request.context());
  if (!g.ok()) return http::problem(g.error());
  return http::Response::json(200, to_json(*g, now_ms(sharing)));
}

http::RouteDoc revoke_grant_doc() {
  return {.summary = "Revoke a grant now",
          .description =
              "Takes effect at once on every server (cached access decisions are checked "
              "against the grant version); webhook subscriptions that relied on it are parked "
              "at their next delivery. Audited.\n\n"
              "Who: the providing department's administrator (exchange.grants.manage).\n\n"
              "Errors: 400 invalid_body (reason missing or over 1000 bytes); 403 forbidden; 404 "
              "grant_not_found; 409 invalid_state (already expired or revoked).",
          .tag = kTag,
          .request_schema = schema::object({{"reason", schema::str()}}, {"reason"}),
          .responses = {{200, "The revoked grant", grant_schema()}}};
}

}  // namespace

void add_sharing_routes(http::Router& router, SharingService& sharing) {
  const http::RouteOptions json_body{.body_limit = 64 * 1024, .accepts = {"application/json"}};
  const http::RouteOptions reason_body{.body_limit = 16 * 1024, .accepts = {"application/json"}};
  router.add(http::Method::kPost, "/api/v1/sharing/requests",
             http::handler_of(file_request, sharing), json_body, file_request_doc());
  router.add(http::Method::kGet, "/api/v1/sharing/requests",
             http::handler_of(list_requests, sharing), {}, list_requests_doc());
  router.add(http::Method::kGet, "/api/v1/sharing/requests/{id}",
             http::handler_of(get_request, sharing, kRequestNotFound), {}, get_request_doc());
  router.add(http::Method::kPost, "/api/v1/sharing/requests/{id}/approve",
             http::handler_of(approve_request, sharing, kRequestNotFound), json_body,
             approve_request_doc());
  router.add(http::Method::kPost, "/api/v1/sharing/requests/{id}/reject",
             http::handler_of(reject_request, sharing, kRequestNotFound), reason_body,
             reject_request_doc());
  router.add(http::Method::kPost, "/api/v1/sharing/requests/{id}/withdraw",
             http::handler_of(withdraw_request, sharing, kRequestNotFound), {},
             withdraw_request_doc());
  router.add(http::Method::kGet, "/api/v1/sharing/grants", http::handler_of(list_grants, sharing),
             {}, list_grants_doc());
  router.add(http::Method::kGet, "/api/v1/sharing/grants/{id}",
             http::handler_of(get_grant, sharing, kGrantNotFound), {}, get_grant_doc());
  router.add(http::Method::kPost, "/api/v1/sharing/grants/{id}/revoke",
             http::handler_of(revoke_grant, sharing, kGrantNotFound), reason_body,
             revoke_grant_doc());
}

}  // namespace zt::exchange
