// Cursor pagination (see pagination.h).
#include "runtime/api/pagination.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "runtime/model/status.h"

namespace wfc::api {

namespace {

std::string_view filter_name(Filter f) {
  switch (f) {
    case Filter::Status:
    case Filter::AutomationStatus:
      return "status";
    case Filter::Kind:
      return "kind";
    case Filter::RunId:
      return "run_id";
    case Filter::TaskId:
      return "task_id";
    case Filter::AutomationId:
      return "automation_id";
  }
  return "";
}

ApiError param_error(std::string_view name, std::string message) {
  ApiError e = bad_request(std::move(message));
  e.extra = {{"field", name}};
  return e;
}

}  // namespace

std::optional<ApiError> parse_list_query(const httplib::Request& req,
                                         std::initializer_list<Filter> filters,
                                         store::ListQuery* q) {
  std::vector<std::string> known = {"after", "before", "limit", "order"};
  for (Filter f : filters) known.emplace_back(filter_name(f));
  for (const auto& [name, value] : req.params) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      // Router::call refused the parameters the route does not document; this one is documented
      // but not read here (a route whose OpenAPI and handler disagree).
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      ApiError e = param_error(
          name, fmt::format("unknown query parameter '{}'; expected one of: {}", name, list));
      e.extra["in"] = "query";
      e.extra["accepted"] = known;
      return e;
    }
    if (req.get_param_value_count(name) > 1) {
      return param_error(name, fmt::format("query parameter '{}' is given more than once", name));
    }
  }
  q->after = req.get_param_value("after");
  q->before = req.get_param_value("before");
  if (!q->after.empty() && !q->before.empty()) {
    return param_error("before", "give 'after' or 'before', not both");
  }
  if (req.has_param("limit")) {
    std::string v = req.get_param_value("limit");
    int limit = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), limit);
    if (ec != std::errc() || end != v.data() + v.size() || limit < 1 || limit > 100) {
      return param_error("limit",
                         fmt::format("'limit' must be an integer from 1 to 100, got '{}'", v));
    }
    q->limit = limit;
  }
  if (req.has_param("order")) {
    std::string v = req.get_param_value("order");
    if (v == "asc") {
      q->order = store::Order::Asc;
    } else if (v == "desc") {
      q->order = store::Order::Desc;
    } else {
      return param_error("order", fmt::format("'order' must be asc or desc, got '{}'", v));
    }
  }
  for (Filter f : filters) {
    std::string name(filter_name(f));
    if (!req.has_param(name.c_str())) continue;
    std::string v = req.get_param_value(name.c_str());
    switch (f) {
      case Filter::Status:
        q->status = model::parse_status(v);
        if (!q->status) {
          return param_error(name, fmt::format("unknown status '{}'; expected one of: waiting, "
                                               "validating, queued, processing, finishing, "
                                               "succeeded, failed, cancelled",
                                               v));
        }
        break;
      case Filter::AutomationStatus:
        if (v != "active" && v != "paused") {
          return param_error(name, fmt::format("'status' must be active or paused, got '{}'", v));
        }
        q->automation_status = v;
        break;
      case Filter::Kind:
        q->kind = v;
        break;
      case Filter::RunId:
        q->run_id = v;
        break;
      case Filter::TaskId:
        q->task_id = v;
        break;
      case Filter::AutomationId:
        q->automation_id = v;
        break;
    }
  }
  return std::nullopt;
}

ApiError unknown_cursor(const store::ListQuery& q) {
  std::string_view name = q.after.empty() ? "before" : "after";
  const std::string& id = q.after.empty() ? q.before : q.after;
  return param_error(name, fmt::format("'{}' names no item of this list: '{}'", name, id));
}

void send_page_json(const httplib::Request& req, httplib::Response& res, const store::ListQuery& q,
                    nlohmann::json data, bool has_more, const std::string& first_id,
                    const std::string& last_id) {
  // Links keep the other parameters and replace the cursor.
  auto link = [&](std::string_view cursor, const std::string& id, std::string_view rel) {
    std::string query;
    for (const auto& [name, value] : req.params) {
      if (name == "after" || name == "before") continue;
      query += fmt::format("{}={}&", httplib::detail::encode_query_param(name),
                           httplib::detail::encode_query_param(value));
    }
    query += fmt::format("{}={}", cursor, httplib::detail::encode_query_param(id));
    return fmt::format("<{}?{}>; rel=\"{}\"", req.path, query, rel);
  };
  // Walking forwards (`after`, or no cursor) `has_more` says whether a next page exists; a page
  // reached by `before` always has one after it, and the reverse holds for `prev`.
  bool backwards = !q.before.empty();
  bool has_next = backwards ? !last_id.empty() : has_more;
  bool has_prev = backwards ? has_more : !q.after.empty() && !first_id.empty();
  std::string links;
  if (has_next && !last_id.empty()) links = link("after", last_id, "next");
  if (has_prev && !first_id.empty()) {
    links += (links.empty() ? "" : ", ") + link("before", first_id, "prev");
  }
  if (!links.empty()) res.set_header("Link", links);
  res.set_header("Has-More", has_more ? "true" : "false");
  res.set_header("Limit", std::to_string(q.limit));
  send_json(res, 200, {{"object", "list"}, {"data", std::move(data)}, {"has_more", has_more}});
}

}  // namespace wfc::api
