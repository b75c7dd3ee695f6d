#include "http/page.h"

#include <fmt/format.h>
#include <boost/json.hpp>

namespace zt::http {

namespace json = boost::json;

json::value cursor_or_null(std::optional<std::int64_t> next) {
  return next ? json::value(std::to_string(*next)) : json::value(nullptr);
}

json::value cursor_or_null(const std::optional<std::string>& next) {
  return next ? json::value(*next) : json::value(nullptr);
}

json::object page_json(json::array items, json::value next_cursor) {
  return json::object{{"items", std::move(items)}, {"next_cursor", std::move(next_cursor)}};
}

Response raw_page_response(const std::vector<std::string>& items,
                           const std::optional<std::string>& next_cursor) {
  std::string body = "{\"items\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) body += ',';
    body += items[i];
  }
  body += "],\"next_cursor\":";
  body += next_cursor ? json::serialize(json::value(*next_cursor)) : "null";
  body += '}';
  return Response::text(200, std::move(body), "application/json");
}

std::vector<ParamDoc> paging_params(int max_limit, int default_limit) {
  return {{.name = "limit",
           .description = fmt::format("Page size, 1 to {} (default {}).", max_limit, default_limit),
           .schema = json::object{{"type", "integer"},
                                  {"minimum", 1},
                                  {"maximum", max_limit},
                                  {"default", default_limit}}},
          {.name = "cursor", .description = "next_cursor of the previous page."}};
}

std::vector<ParamDoc> with_paging(std::vector<ParamDoc> params, int max_limit, int default_limit) {
  for (ParamDoc& p : paging_params(max_limit, default_limit))
    params.push_back(std::move(p));
  return params;
}

}  // namespace zt::http
