// The one page envelope of every list route, {"items": [...], "next_cursor": ...}, and the
// documentation of its paging parameters (?limit=, ?cursor=), so that each list answers and is
// documented the same way.
//
// Thread-safety: the functions are pure.
#pragma once

#include "http/response.h"
#include "http/router.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace zt::http {

// A next_cursor as the API shows it: the id as a string ("42"), or null for the last page.
boost::json::value cursor_or_null(std::optional<std::int64_t> next);
// A cursor that already is a string (a division code, an encoded key), or null.
boost::json::value cursor_or_null(const std::optional<std::string>& next);

// {"items": items, "next_cursor": next_cursor}, in that order; a caller may append members
// (the catalog search adds "total" and "facets").
boost::json::object page_json(boost::json::array items, boost::json::value next_cursor);

// The id a page of T is paged by: T::id.
struct IdOf {
  template <typename T>
  std::int64_t operator()(const T& item) const {
    return item.id;
  }
};

// [encode(item)…]: the items of a page or of any array in an answer.
template <typename T, typename Encode>
boost::json::array encode_all(const std::vector<T>& items, const Encode& encode) {
  boost::json::array array;
  array.reserve(items.size());
  for (const T& item : items)
    array.push_back(encode(item));
  return array;
}

// One page of a list paged by id (?cursor= the last id seen, see http::page_of):
// {"items": [encode(item)…], "next_cursor": id(last item) as a string when the page is full
// (more may follow), else null}.
template <typename T, typename Encode, typename Id = IdOf>
boost::json::object page_json(const std::vector<T>& items, int limit, Encode&& encode, Id id = {}) {
  std::optional<std::int64_t> next;
  if (!items.empty() && static_cast<int>(items.size()) == limit) next = id(items.back());
  return page_json(encode_all(items, encode), cursor_or_null(next));
}

// One page whose service gives the next cursor (an id or a string; nullopt on the last page):
// {"items": [encode(item)…], "next_cursor": cursor_or_null(next)}.
template <typename T, typename Next, typename Encode>
boost::json::object page_json(const std::vector<T>& items, const std::optional<Next>& next,
                              const Encode& encode) {
  return page_json(encode_all(items, encode), cursor_or_null(next));
}

// 200 with a page whose items are already JSON text (records served as stored):
// {"items":[<item>,…],"next_cursor":"…"|null}.
Response raw_page_response(const std::vector<std::string>& items,
                           const std::optional<std::string>& next_cursor);

// The documentation of ?limit= (1..max_limit, default_limit when absent) and ?cursor= (the
// next_cursor of the previous page), as http::page_of reads them.
std::vector<ParamDoc> paging_params(int max_limit, int default_limit = 50);
// `params` (a list's filters) followed by paging_params(max_limit, default_limit).
std::vector<ParamDoc> with_paging(std::vector<ParamDoc> params, int max_limit,
                                  int default_limit = 50);

}  // namespace zt::http
