// Source files, positions and spans: where every diagnostic points.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wfc {

/// A 1-based line and column. Columns count Unicode code points (an invalid UTF-8 byte counts
/// as one). 0 means unknown.
struct Position {
  uint32_t line = 0;
  uint32_t column = 0;
};

/// A range of source text. `end_column` is exclusive: the column just after the last character
/// (the SARIF convention). An empty span (end == start) marks a point, e.g. end of file.
struct Span {
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t end_line = 0;
  uint32_t end_column = 0;

  bool valid() const { return line != 0; }
  static Span point(Position p) { return {p.line, p.column, p.line, p.column}; }
  static Span between(Position begin, Position end) {
    return {begin.line, begin.column, end.line, end.column};
  }
  Position begin() const { return {line, column}; }
  Position end() const { return {end_line, end_column}; }
  bool operator==(const Span&) const = default;
};

/// SourceFile holds one input's text and maps byte offsets to lines and columns.
/// Not thread-safe (position() caches); each file is read and checked on one thread.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  /// The path as the user gave it ("-" is standard input, shown as "<stdin>").
  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  /// Position of a byte offset (offsets past the end clamp to the end of the text).
  Position position(size_t offset) const;
  /// Span of the byte range [begin, end).
  Span span(size_t begin, size_t end) const;
  /// Byte offset of a position (inverse of position()); clamps to the text.
  size_t offset(Position p) const;

  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }
  /// The text of a 1-based line without its line terminator ("" when out of range).
  std::string_view line_text(uint32_t line) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;  // byte offset of each line's first character
  // The last position() answer; readers ask in increasing order, so this keeps long lines linear.
  mutable size_t cache_line_ = 0;
  mutable size_t cache_offset_ = 0;
  mutable uint32_t cache_column_ = 1;
};

}  // namespace wfc
