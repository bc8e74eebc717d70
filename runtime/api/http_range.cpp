// HTTP Range requests (see http_range.h).
#include "runtime/api/http_range.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>

namespace wfc::api {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> number(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

RangePlan plan_ranges(std::string_view header, uint64_t size) {
  RangePlan whole;
  header = trim(header);
  if (header.substr(0, 6) != "bytes=") return whole;
  std::string_view specs = header.substr(6);
  std::vector<ByteRange> wanted;
  bool any = false;
  while (!specs.empty()) {
    size_t comma = specs.find(',');
    std::string_view spec = trim(specs.substr(0, comma));
    specs = comma == std::string_view::npos ? std::string_view() : specs.substr(comma + 1);
    if (spec.empty()) continue;
    size_t dash = spec.find('-');
    if (dash == std::string_view::npos) return whole;
    std::string_view a = trim(spec.substr(0, dash)), b = trim(spec.substr(dash + 1));
    any = true;
    if (a.empty()) {  // suffix: the last N bytes
      auto n = number(b);
      if (!n) return whole;
      if (*n == 0 || size == 0) continue;  // unsatisfiable
      wanted.push_back({size - std::min(*n, size), size - 1});
      continue;
    }
    auto first = number(a);
    if (!first) return whole;
    std::optional<uint64_t> last;
    if (!b.empty()) {
      last = number(b);
      if (!last || *last < *first) return whole;
    }
    if (*first >= size) continue;  // unsatisfiable
    wanted.push_back({*first, std::min(last.value_or(size - 1), size - 1)});
  }
  if (!any) return whole;
  if (wanted.empty()) {
    return {416, {}, fmt::format("no requested range is inside the {} bytes of the file", size)};
  }
  std::sort(wanted.begin(), wanted.end(),
            [](const ByteRange& x, const ByteRange& y) { return x.first < y.first; });
  RangePlan plan{206, {}, {}};
  for (const ByteRange& r : wanted) {
    if (!plan.ranges.empty() && r.first <= plan.ranges.back().last + 1) {
      plan.ranges.back().last = std::max(plan.ranges.back().last, r.last);
    } else {
      plan.ranges.push_back(r);
    }
  }
  if (plan.ranges.size() > kMaxRanges) {
    return {416,
            {},
            fmt::format("the request asks for {} separate byte ranges; at most {} are served per "
                        "request",
                        plan.ranges.size(), kMaxRanges)};
  }
  return plan;
}

Multipart::Multipart(std::string type, uint64_t total)
    : boundary("wfc-byteranges-7f3a9c2e51d84b06"), content_type(std::move(type)), size(total) {}

std::string Multipart::before(const ByteRange& r, bool first) const {
  return fmt::format("{}--{}\r\nContent-Type: {}\r\nContent-Range: bytes {}-{}/{}\r\n\r\n",
                     first ? "" : "\r\n", boundary, content_type, r.first, r.last, size);
}

std::string Multipart::end() const { return fmt::format("\r\n--{}--\r\n", boundary); }

}  // namespace wfc::api
