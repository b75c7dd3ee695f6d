#include "exchange/subscriptions/api.h"

#include "http/route_file.h"
#include "identity/api.h"

#include <array>

namespace zt::exchange {

namespace {

const std::string kTag = "subscriptions";
constexpr http::NotFound kSubscriptionNotFound{"subscription_not_found", "No such subscription."};
constexpr int kMaxPage = 200;
const std::string kPermission = "exchange.query";

// "ok": delivering normally; "failing": retrying after failures; "parked": stopped.
std::string_view health(const Subscription& s) {
  if (s.status == "parked") return "parked";
  return s.failures > 0 ? "failing" : "ok";
}

constexpr std::array<std::string_view, 2> kStatuses{"active", "parked"};
constexpr std::array<std::string_view, 3> kHealths{"ok", "failing", "parked"};
constexpr std::array<std::string_view, 2> kCreatorKinds{"user", "api_client"};
constexpr std::array<std::string_view, 4> kOutcomes{"pending", "delivered", "failed",
                                                    "interrupted"};

constexpr auto kCreatorShape =
    shape::of<Subscription>(shape::one_of("kind", &Subscription::created_by_kind, kCreatorKinds),
                            shape::integer("id", &Subscription::created_by_id),
                            shape::str("name", &Subscription::created_by_name));

constexpr auto kSubscriptionShape = shape::of<SubscriptionView>(
    shape::integer("id", [](const SubscriptionView& v) { return v.subscription.id; }),
    shape::integer("department_id",
                   [](const SubscriptionView& v) { return v.subscription.department_id; }),
    shape::str(
        "resource",
        [](const SubscriptionView& v) -> auto& { return v.subscription.resource_code; }),
    shape::str(
        "url", [](const SubscriptionView& v) -> auto& { return v.subscription.url; }),
    shape::one_of(
        "status", [](const SubscriptionView& v) -> auto& { return v.subscription.status; },
        kStatuses),
    shape::one_of(
        "health", [](const SubscriptionView& v) { return health(v.subscription); }, kHealths),
    shape::integer("cursor", [](const SubscriptionView& v) { return v.subscription.cursor; }),
    shape::integer("last_seq", &SubscriptionView::last_seq),
    shape::integer("backlog",
                   [](const SubscriptionView& v) {
                     return std::max<std::int64_t>(0, v.last_seq - v.subscription.cursor);
                   }),
    shape::integer("failures", [](const SubscriptionView& v) { return v.subscription.failures; }),
    shape::str_or_null(
        "last_error", [](const SubscriptionView& v) -> auto& { return v.subscription.last_error; }),
    shape::str_or_null(
        "last_error_detail",
        [](const SubscriptionView& v) -> auto& { return v.subscription.last_error_detail; }),
    shape::str_or_null(
        "parked_reason",
        [](const SubscriptionView& v) -> auto& { return v.subscription.parked_reason; }),
    shape::ntime("next_attempt_at",
                 [](const SubscriptionView& v) {
                   const Subscription& s = v.subscription;
                   return s.status == "active" ? std::optional(s.next_attempt_at) : std::nullopt;
                 }),
    shape::ntime(
        "last_success_at",
        [](const SubscriptionView& v) -> auto& { return v.subscription.last_success_at; }),
    shape::ntime(
        "parked_at", [](const SubscriptionView& v) -> auto& { return v.subscription.parked_at; }),
    shape::object("created_by", &SubscriptionView::subscription, kCreatorShape),
    shape::time("created_at", [](const SubscriptionView& v) { return v.subscription.created_at; }),
    shape::time("updated_at", [](const SubscriptionView& v) { return v.subscription.updated_at; }));

constexpr auto kDeliveryShape = shape::of<Delivery>(
    shape::integer("id", &Delivery::id), shape::integer("attempt", &Delivery::attempt),
    shape::integer("first_seq", &Delivery::first_seq),
    shape::integer("last_seq", &Delivery::last_seq), shape::integer("count", &Delivery::count),
    shape::one_of("outcome", &Delivery::outcome, kOutcomes),
    shape::ninteger("http_status", &Delivery::http_status),
    shape::str_or_null("error", &Delivery::error),
    shape::str_or_null("error_detail", &Delivery::error_detail),
    shape::time("started_at", &Delivery::started_at),
    shape::ninteger("duration_ms", &Delivery::duration_ms));

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
  json::object o = kSubscriptionShape.encode(created->view);
  o["secret"] = created->secret;
  return http::Response::json(201, o);
}

http::RouteDoc create_subscription_doc() {
  json::object created_schema = kSubscriptionShape.schema();
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
      200, http::page_json(*list, page->limit, kSubscriptionShape,
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
          .responses = {{200, "Subscriptions", schema::page(kSubscriptionShape.schema())}}};
}

// GET /api/v1/subscriptions/{id}
http::Response get_subscription(SubscriptionService& service, std::int64_t id,
                                const http::Request& request) {
  return http::respond(200, service.get(*request.principal(), id), kSubscriptionShape);
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
          .responses = {{200, "The subscription", kSubscriptionShape.schema()}}};
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
                       kSubscriptionShape);
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
          .responses = {{200, "The subscription", kSubscriptionShape.schema()}}};
}

// GET /api/v1/subscriptions/{id}/deliveries
http::Response list_deliveries(SubscriptionService& service, std::int64_t id,
                               const http::Request& request) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  auto list = service.deliveries(*request.principal(), id, page->after, page->limit);
  if (!list.ok()) return http::problem(list.error());
  return http::Response::json(200, http::page_json(*list, page->limit, kDeliveryShape));
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
          .responses = {{200, "Attempts", schema::page(kDeliveryShape.schema())}}};
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
