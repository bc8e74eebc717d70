#include "compiler/source/source.h"

#include <algorithm>
#include <cstring>

namespace wfc {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// A UTF-8 byte order mark is invisible in editors: the character after it is in column 1.
size_t bom_length(const std::string& text) {
  return text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
}

}  // namespace

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  const char* begin = text_.data();
  const char* end = begin + text_.size();
  for (const char* p = begin; p < end;) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (!nl) break;
    p = static_cast<const char*>(nl) + 1;
    line_starts_.push_back(static_cast<uint32_t>(p - begin));
  }
}

Position SourceFile::position(size_t offset) const {
  offset = std::min(offset, text_.size());
  size_t line_index;
  size_t from;
  uint32_t column;
  if (cache_offset_ <= offset && cache_line_ < line_starts_.size() &&
      (cache_line_ + 1 == line_starts_.size() || offset < line_starts_[cache_line_ + 1])) {
    // Readers ask in increasing order; continue from the last answer on the same line.
    line_index = cache_line_;
    from = cache_offset_;
    column = cache_column_;
  } else {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    line_index = static_cast<size_t>(it - line_starts_.begin()) - 1;
    from = line_starts_[line_index];
    column = 1;
  }
  const size_t first = line_starts_[line_index] + (line_index == 0 ? bom_length(text_) : 0);
  for (size_t i = std::max(from, first); i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(text_[i]);
    // A lead byte or ASCII starts a new column; continuation bytes belong to their lead.
    if (!is_continuation(c) || i == first) ++column;
  }
  cache_line_ = line_index;
  cache_offset_ = offset;
  cache_column_ = column;
  return {static_cast<uint32_t>(line_index + 1), column};
}

Span SourceFile::span(size_t begin, size_t end) const {
  // Begin first: argument evaluation order is unspecified, and asking for the end first would
  // defeat position()'s cache (quadratic on long lines).
  Position first = position(begin);
  return Span::between(first, position(std::max(begin, end)));
}

size_t SourceFile::offset(Position p) const {
  if (p.line == 0 || line_starts_.empty()) return 0;
  if (p.line > line_starts_.size()) return text_.size();
  size_t i = line_starts_[p.line - 1] + (p.line == 1 ? bom_length(text_) : 0);
  uint32_t column = 1;
  while (i < text_.size() && column < p.column && text_[i] != '\n') {
    ++i;
    while (i < text_.size() && is_continuation(static_cast<unsigned char>(text_[i]))) ++i;
    ++column;
  }
  return i;
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  size_t start = line_starts_[line - 1];
  size_t end = line < line_starts_.size() ? line_starts_[line] : text_.size();
  if (line == 1) start = std::min(bom_length(text_), end);
  std::string_view s(text_.data() + start, end - start);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace wfc
