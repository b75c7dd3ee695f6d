#include "exchange/feed/api.h"

#include "exchange/records/api.h"
#include "exchange/request_params.h"
#include "http/route_file.h"
#include "identity/api.h"

namespace zt::exchange {

namespace {

constexpr int kMaxPage = 1000;

// GET /api/v1/resources/{code}/changes
http::Response list_changes(ChangeFeedService& service, const http::Request& request) {
  auto after = non_negative(request.query_param("after"));
  auto limit = limit_of(request, 100, kMaxPage);
  if (!after || !limit) {
    return http::problem(400, "invalid_paging",
                         "after must be a sequence number (0 for the start); limit 1 to "
                         "1000.");
  }
  ReadContext read = read_context(request);  // X-Purpose, X-Case-Id
  auto page = service.changes(*request.principal(), request.param("code"), *after, *limit,
                              std::move(read.purpose), read.request, read.case_id);
  if (!page.ok()) return http::problem(page.error());
  json::array items;
  for (const Change& c : page->items) {
    boost::system::error_code ec;
    json::value data = json::parse(c.data, ec);
    items.push_back(json::object{{"seq", c.seq},
                                 {"op", c.op},
                                 {"data", ec ? json::value(nullptr) : std::move(data)},
                                 {"batch_id", c.batch_id},
                                 {"changed_at", http::iso_time_or_null(c.changed_at)}});
  }
  return http::Response::json(200, json::object{{"items", std::move(items)},
                                                {"next_cursor", page->next_cursor},
                                                {"last_seq", page->last_seq}});
}

// after=, limit= and the read headers (X-Purpose, X-Case-Id).
std::vector<http::ParamDoc> changes_params() {
  std::vector<http::ParamDoc> params{
      {.name = "after", .description = "Sequence number already applied (0: start)."},
      {.name = "limit", .description = "1 to 1000 (default 100)."}};
  for (http::ParamDoc& header : read_headers())
    params.push_back(std::move(header));
  return params;
}

http::RouteDoc list_changes_doc() {
  return {.summary = "The change feed of a resource (数据交换)",
          .description =
              "Every applied change in sequence order. Store next_cursor and pass it as after= "
              "next time: no change is missed or repeated. data is the record after the change "
              "(for a delete: its key fields). Each page with changes is audited (X-Purpose, else "
              "the grant's purpose, else 数据交换; X-Case-Id) and, on a resource keyed by an ID "
              "number or a credit code, shown to each person or enterprise whose change it "
              "returned (GET /api/v1/me/data-access).\n\n"
              "Who: a principal with exchange.query. The providing department reads every "
              "field; other departments under their access — unconditional resources, or "
              "conditional ones with an active grant — with fields outside it absent and personal "
              "fields masked. City-wide scope opens no records. share_type none is 404 to "
              "others.\n\n"
              "Errors: 400 invalid_paging; 403 grant_required (a conditional resource without a "
              "grant), forbidden; 404 resource_not_found; 409 resource_not_published.",
          .tag = "exchange",
          .params = changes_params(),
          .responses = {
              {200, "Changes after the cursor",
               schema::object(
                   {{"items", schema::array_of(schema::object(
                                  {{"seq", schema::integer()},
                                   {"op", schema::enumeration({"insert", "update", "delete"})},
                                   {"data", json::object{{"type", "object"}}},
                                   {"batch_id", schema::integer()},
                                   {"changed_at", schema::str()}}))},
                    {"next_cursor", schema::integer()},
                    {"last_seq", schema::integer()}})}}};
}

}  // namespace

void add_feed_routes(http::Router& router, ChangeFeedService& service) {
  router.add(http::Method::kGet, "/api/v1/resources/{code}/changes",
             http::handler_of(list_changes, service),
             {.permission = std::string(identity::permission::kExchangeQuery)}, list_changes_doc());
}

}  // namespace zt::exchange
