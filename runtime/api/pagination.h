// Cursor pagination of every list (DESIGN.md "Lists", docs/api.md "Lists"): query parameters
// `after`, `before` (ids of the listed kind), `limit` 1–100 (default 20), `order` asc|desc
// (default desc) and the filters a list takes; the body is
// `{"object": "list", "data": [...], "has_more": bool}` and the headers `Has-More`, `Limit`
// and `Link` (RFC 8288, rel="next" / rel="prev"). External interface: parse_list_query,
// send_page.
#pragma once

#include <httplib.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "runtime/api/request.h"
#include "runtime/store/store.h"

namespace wfc::api {

enum class Filter { Status, AutomationStatus, Kind, RunId, TaskId, AutomationId };

/// Reads the query into *q; an unknown parameter, a bad value or `limit` out of 1–100 is a 400
/// naming the parameter. (Router::call refuses the parameters a route does not document first;
/// this refuses the documented ones the handler does not read, so the two stay in step.)
std::optional<ApiError> parse_list_query(const httplib::Request& req,
                                         std::initializer_list<Filter> filters,
                                         store::ListQuery* q);

/// The 400 for a cursor id the store does not know.
ApiError unknown_cursor(const store::ListQuery& q);

/// Answers 200 with one page: `data` holds the objects (already JSON), `ids` their ids.
template <typename T, typename ToJson>
void send_page(const httplib::Request& req, httplib::Response& res, const store::ListQuery& q,
               const store::Page<T>& page, ToJson to_json);

void send_page_json(const httplib::Request& req, httplib::Response& res, const store::ListQuery& q,
                    nlohmann::json data, bool has_more, const std::string& first_id,
                    const std::string& last_id);

template <typename T, typename ToJson>
void send_page(const httplib::Request& req, httplib::Response& res, const store::ListQuery& q,
               const store::Page<T>& page, ToJson to_json) {
  nlohmann::json data = nlohmann::json::array();
  for (const T& item : page.items) data.push_back(to_json(item));
  std::string first = page.items.empty() ? "" : page.items.front().id;
  std::string last = page.items.empty() ? "" : page.items.back().id;
  send_page_json(req, res, q, std::move(data), page.has_more, first, last);
}

}  // namespace wfc::api
