#include "exchange/subscriptions/api.h"

#include "http/handler.h"
#include "http/json_body.h"
#include "http/openapi.h"
#include "http/page.h"
#include "http/problem.h"
#include "identity/api.h"

#include <boost/json.hpp>

namespace zt::exchange {

namespace json = boost::json;
namespace schema = http::schema;

namespace {

const std::string kTag = "subscriptions";
constexpr http::NotFound kSubscriptionNotFound{"subscription_not_found", "No such subscription."};
constexpr int kMaxPage = 200;
const std::string kPermission = "exchange.query";

json::value text_or_null(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

// "ok": delivering normally; "failing": retrying after failures; "parked": stopped.
std::string_view health(const Subscription& s) {
  if (s.status == "parked") return "parked";
  return s.failures > 0 ? "failing" : "ok";
}

json::object subscription_json(const SubscriptionView& v) {
  const Subscription& s = v.subscription;
  return json::object{{"id", s.id},
                      {"department_id", s.department_id},
                      {"resource", s.resource_code},
                      {"url", s.url},
                      {"status", s.status},
                      {"health", health(s)},
                      {"cursor", s.cursor},
                      {"last_seq", v.last_seq},
                      {"backlog", std::max<std::int64_t>(0, v.last_seq - s.cursor)},
                      {"failures", s.failures},
                      {"last_error", text_or_null(s.last_error)},
                      {"last_error_detail", text_or_null(s.last_error_detail)},
                      {"parked_reason", text_or_null(s.parked_reason)},
                      {"next_attempt_at",
                       http::iso_time_or_null(
                           s.status == "active" ? std::optional(s.next_attempt_at) : std::nullopt)},
                      {"last_success_at", http::iso_time_or_null(s.last_success_at)},
                      {"parked_at", http::iso_time_or_null(s.parked_at)},
                      {"created_by", json::object{{"kind", s.created_by_kind},
                                                  {"id", s.created_by_id},
                                                  {"name", s.created_by_name}}},
                      {"created_at", http::iso_time_or_null(s.created_at)},
                      {"updated_at", http::iso_time_or_null(s.updated_at)}};
}

json::object delivery_json(const Delivery& d) {
  return json::object{
      {"id", d.id},
      {"attempt", d.attempt},
      {"first_seq", d.first_seq},
      {"last_seq", d.last_seq},
      {"count", d.count},
      {"outcome", d.outcome},
      {"http_status", d.http_status ? json::value(*d.http_status) : json::value(nullptr)},
      {"error", text_or_null(d.error)},
      {"error_detail", text_or_null(d.error_detail)},
      {"started_at", http::iso_time_or_null(d.started_at)},
      {"duration_ms", d.duration_ms ? json::value(*d.duration_ms) : json::value(nullptr)}};
}

json::object subscription_schema() {
  return schema::object(
      {{"id", schema::integer()},
       {"department_id", schema::integer()},
       {"resource", schema::str()},
       {"url", schema::str()},
       {"status", schema::enumeration({"active", "parked"})},
       {"health", schema::enumeration({"ok", "failing", "parked"})},
       {"cursor", schema::integer()},
       {"last_seq", schema::integer()},
       {"backlog", schema::integer()},
       {"failures", schema::integer()},
       {"last_error", schema::nstr()},
       {"last_error_detail", schema::nstr()},
       {"parked_reason", schema::nstr()},
       {"next_attempt_at", schema::nstr()},
       {"last_success_at", schema::nstr()},
       {"parked_at", schema::nstr()},
       {"created_by", schema::object({{"kind", schema::enumeration({"user", "api_client"})},
                                      {"id", schema::integer()},
                                      {"name", schema::str()}})},
       {"created_at", schema::str()},
       {"updated_at", schema::str()}});
}

json::object delivery_schema() {
  return schema::object(
      {{"id", schema::integer()},
       {"attempt", schema::integer()},
       {"first_seq", schema::integer()},
       {"last_seq", schema::integer()},
       {"count", schema::integer()},
       {"outcome", schema::enumeration({"pending", "delivered", "failed", "interrupted"})},
       {"http_status", schema::ninteger()},
       {"error", schema::nstr()},
       {"error_detail", schema::nstr()},
       {"started_at", schema::str()},
       {"duration_ms", schema::ninteger()}});
}

// POST /api/v1/subscriptions
http::Response create_subscription(SubscriptionService& service, const http::Request& request) {
  http::JsonBody body(request);
  NewSubscription input;
  auto resource = body.string("resource", true);
  auto url = body.string("url", true);
  input.start_after = body.integer("start_after");
  if (!body.ok()) return body.problem();
  input.resource_code = std::move(*resource);
  input.url = std::move(*url);
  auto created = service.create(*request.principal(), input, request.context());
  if (!created.ok()) return http::problem(created.error());
  json::object o = subscription_json(created->view);
  o["secret"] = created->secret;
  return http::Response::json(201, o);
}

http::RouteDoc create_subscription_doc() {
  json::object created_schema = subscription_schema();
  created_schema["properties"].as_object()["secret"] = schema::str();
  return {
      .summary = "Subscribe a webhook to a resource's changes (订阅)",
      .description =
          "The caller's department subscribes to a published resource it may read. Zhengtong "
          "POSTs the resource's changes after start_after (default: its last_seq now, i.e. only "
          "new changes) to url in JSON batches of up to 500, projected and masked as the "
          "department's access says, with X-Zhengtong-Signature: sm3=<hex HMAC-SM3 of the body "
          "with the secret>, X-Zhengtong-Timestamp and X-Zhengtong-Delivery. A 2xx answer "
          "advances the cursor; other answers and timeouts (5 s) are retried with exponential "
          "backoff, and after repeated failures the subscription is parked. Delivery is "
          "at-least-once: deduplicate by seq. Only http:// URLs (no TLS yet). Loopback, "
          "link-local, multicast and unspecified addresses are refused (names are checked on "
          "what they resolve to at delivery), and when the operator lists "
          "webhook_allowed_networks only those networks are allowed. The secret is in this "
          "answer only. Audited.\n\n"
          "Who: a department's staff or API client with exchange.query whose department may "
          "read the resource under the sharing rules (403 grant_required for a conditional "
          "resource without a grant).\n\n"
          "Errors: 400 invalid_body, invalid_url, invalid_start_after, address_not_allowed; 403 "
          "forbidden, grant_required; 404 resource_not_found; 409 resource_not_published, "
          "resource_retired.",
      .tag = kTag,
      .request_schema = schema::object(
          {{"resource", schema::str()}, {"url", schema::str()}, {"start_after", schema::integer()}},
          {"resource", "url"}),
      .responses = {{201, "The subscription, with its secret", std::move(created_schema)}}};
}

// GET /api/v1/subscriptions
http::Response list_subscriptions(SubscriptionService& service, const http::Request& request) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  auto list = service.list(*request.principal(), page->after, page->limit);
  if (!list.ok()) return http::problem(list.error());
  return http::Response::json(
      200, http::page_json(*list, page->limit, subscription_json,
                           [](const SubscriptionView& v) { return v.subscription.id; }));
}

http::RouteDoc list_subscriptions_doc() {
  return {.summary = "Webhook subscriptions",
          .description =
              "The caller's department's subscriptions (every department's with city "
              "scope), newest first, with cursor, backlog and webhook health.\n\n"
              "Who: a principal with exchange.query and a department, or city "
              "scope.\n\n"
              "Errors: 400 invalid_paging; 403 forbidden.",
          .tag = kTag,
          .params = http::paging_params(kMaxPage),
          .responses = {{200, "Subscriptions", schema::page(subscription_schema())}}};
}

// GET /api/v1/subscriptions/{id}
http::Response get_subscription(SubscriptionService& service, std::int64_t id,
                                const http::Request& request) {
  return http::respond(200, service.get(*request.principal(), id), subscription_json);
}

http::RouteDoc get_subscription_doc() {
  return {.summary = "One webhook subscription",
          .description =
              "The subscription with its cursor, the resource's last_seq, backlog "
              "and webhook health (ok, failing, parked with its reason).\n\n"
              "Who: a principal with exchange.query of the subscribing department, "
              "or city scope.\n\n"
              "Errors: 403 forbidden; 404 subscription_not_found (also another "
              "department's).",
          .tag = kTag,
          .responses = {{200, "The subscription", subscription_schema()}}};
}

// DELETE /api/v1/subscriptions/{id}
http::Response delete_subscription(SubscriptionService& service, std::int64_t id,
                                   const http::Request& request) {
  auto removed = service.remove(*request.principal(), id, request.context());
  if (!removed.ok()) return http::problem(removed.error());
  return http::no_content();
}

http::RouteDoc delete_subscription_doc() {
  return {.summary = "Unsubscribe",
          .description =
              "Stops deliveries and deletes the subscription with its history. "
              "Audited.\n\n"
              "Who: a principal with exchange.query of the subscribing department, "
              "or city scope.\n\n"
              "Errors: 403 forbidden; 404 subscription_not_found.",
          .tag = kTag,
          .responses = {{204, "Deleted"}}};
}

// POST /api/v1/subscriptions/{id}/resume
http::Response resume_subscription(SubscriptionService& service, std::int64_t id,
                                   const http::Request& request) {
  return http::respond(200, service.resume(*request.principal(), id, request.context()),
                       subscription_json);
}

http::RouteDoc resume_subscription_doc() {
  return {.summary = "Resume a parked subscription",
          .description =
              "Failures reset, status active, delivery from the cursor at once; "
              "access is checked again. Audited.\n\n"
              "Who: a principal with exchange.query of the subscribing department, "
              "or city scope.\n\n"
              "Errors: 403 forbidden, grant_required (access still refused); 404 "
              "subscription_not_found, resource_not_found; 409 "
              "subscription_not_parked (an active one).",
          .tag = kTag,
          .responses = {{200, "The subscription", subscription_schema()}}};
}

// GET /api/v1/subscriptions/{id}/deliveries
http::Response list_deliveries(SubscriptionService& service, std::int64_t id,
                               const http::Request& request) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  auto list = service.deliveries(*request.principal(), id, page->after, page->limit);
  if (!list.ok()) return http::problem(list.error());
  return http::Response::json(200, http::page_json(*list, page->limit, delivery_json));
}

http::RouteDoc list_deliveries_doc() {
  return {.summary = "Delivery history of a subscription",
          .description =
              "Every attempt, newest first: seq range and count, HTTP status or "
              "error, duration and attempt number (1 for a batch's first try).\n\n"
              "Who: a principal with exchange.query of the subscribing department, "
              "or city scope.\n\n"
              "Errors: 400 invalid_paging; 403 forbidden; 404 "
              "subscription_not_found.",
          .tag = kTag,
          .params = http::paging_params(kMaxPage),
          .responses = {{200, "Attempts", schema::page(delivery_schema())}}};
}

}  // namespace

void add_subscription_routes(http::Router& router, SubscriptionService& service) {
  const http::RouteOptions options{.permission = kPermission};
  router.add(http::Method::kPost, "/api/v1/subscriptions",
             http::handler_of(create_subscription, service),
             {.permission = kPermission, .body_limit = 64 * 1024, .accepts = {"application/json"}},
             create_subscription_doc());
  router.add(http::Method::kGet, "/api/v1/subscriptions",
             http::handler_of(list_subscriptions, service), options, list_subscriptions_doc());
  router.add(http::Method::kGet, "/api/v1/subscriptions/{id}",
             http::handler_of(get_subscription, service, kSubscriptionNotFound), options,
             get_subscription_doc());
  router.add(http::Method::kDelete, "/api/v1/subscriptions/{id}",
             http::handler_of(delete_subscription, service, kSubscriptionNotFound), options,
             delete_subscription_doc());
  router.add(http::Method::kPost, "/api/v1/subscriptions/{id}/resume",
             http::handler_of(resume_subscription, service, kSubscriptionNotFound), options,
             resume_subscription_doc());
  router.add(http::Method::kGet, "/api/v1/subscriptions/{id}/deliveries",
             http::handler_of(list_deliveries, service, kSubscriptionNotFound), options,
             list_deliveries_doc());
}

}  // namespace zt::exchange
