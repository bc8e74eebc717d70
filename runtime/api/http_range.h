// HTTP Range requests on a body of known size (RFC 9110 §14): the ranges asked for, sorted and
// coalesced (overlapping or adjacent ranges become one), at most kMaxRanges of them after
// coalescing (more is a 416: one request cannot ask for many small pieces, each with its own
// part header), and the multipart/byteranges framing of several ranges. A Range header that is
// not `bytes=` or does not parse is ignored (the whole body, 200), as the RFC says.
// External interface: ByteRange, RangePlan, plan_ranges, Multipart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wfc::api {

inline constexpr size_t kMaxRanges = 16;

struct ByteRange {
  uint64_t first = 0, last = 0;  // inclusive
  uint64_t length() const { return last - first + 1; }
};

struct RangePlan {
  int status = 200;  // 200: the whole body; 206: `ranges`; 416: `message` says why
  std::vector<ByteRange> ranges;
  std::string message;
};

/// What to answer to `Range: header` on a body of `size` bytes.
RangePlan plan_ranges(std::string_view header, uint64_t size);

/// The framing of a multipart/byteranges answer: before(i) precedes range i's bytes, end() closes.
struct Multipart {
  Multipart(std::string content_type, uint64_t size);
  std::string boundary;
  std::string content_type;
  uint64_t size;
  std::string before(const ByteRange& r, bool first) const;
  std::string end() const;
};

}  // namespace wfc::api
