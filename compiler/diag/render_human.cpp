// The human format, the product's face in CI logs (rustc-style):
//
//   error[WF201]: unknown kind 'vidoe'
//     --> workflows/x.json:3:15
//      |
//    3 |     { "kind": "vidoe" }
//      |               ^^^^^^^
//      = help: did you mean 'video'?
//
// The source line is made safe and aligned before it is printed: tabs become four spaces,
// control characters their Unicode control pictures, invalid UTF-8 and bidirectional overrides
// U+FFFD (so a hostile file cannot drive the terminal), and East Asian wide characters take two
// cells. Very long lines (minified JSON) are cut to a window around the span.
#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "compiler/diag/render_formats.h"
#include "compiler/util/utf8.h"

namespace wfc::diag {
namespace {

constexpr uint32_t kTabCells = 4;
// At most this many columns of a source line are shown. A span that starts further right than
// kWindowColumns - kLeftContext gets a window starting kLeftContext columns before it.
constexpr uint32_t kWindowColumns = 120;
constexpr uint32_t kLeftContext = 40;
constexpr char32_t kReplacement = 0xFFFD;

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

/// End of the column that starts at byte `i`: a byte and the continuation bytes after it, the
/// unit SourceFile counts as one column.
size_t column_end(std::string_view s, size_t i) {
  ++i;
  while (i < s.size() && is_continuation(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

/// The code point of one column's bytes, or U+FFFD unless they are exactly one well-formed
/// UTF-8 sequence.
char32_t decode(std::string_view b) {
  auto c0 = static_cast<unsigned char>(b[0]);
  if (c0 < 0x80) return b.size() == 1 ? c0 : kReplacement;
  size_t n;
  char32_t cp, min;
  if ((c0 & 0xE0) == 0xC0) {
    n = 2, cp = c0 & 0x1F, min = 0x80;
  } else if ((c0 & 0xF0) == 0xE0) {
    n = 3, cp = c0 & 0x0F, min = 0x800;
  } else if ((c0 & 0xF8) == 0xF0) {
    n = 4, cp = c0 & 0x07, min = 0x10000;
  } else {
    return kReplacement;
  }
  if (b.size() != n) return kReplacement;
  for (size_t i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<unsigned char>(b[i]) & 0x3F);
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kReplacement;
  return cp;
}

struct Range {
  char32_t first, last;
};

// East Asian Wide and Fullwidth characters and wide emoji (Unicode 15, EastAsianWidth.txt W/F),
// merged into ranges; they take two terminal cells.
constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x17000, 0x18AFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F320},
    {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
    {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
    {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E},
    {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
    {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
    {0x1F6D5, 0x1F6D7}, {0x1F6DC, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC},
    {0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945},
    {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

// Combining marks, zero-width joiners and variation selectors: printed, but take no cell.
constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD},   {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200D},   {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

// Invisible controls that reorder text (the "Trojan Source" characters): shown as U+FFFD.
constexpr Range kBidi[] = {
    {0x061C, 0x061C},
    {0x200E, 0x200F},
    {0x202A, 0x202E},
    {0x2066, 0x2069},
};

bool in(std::span<const Range> table, char32_t c) {
  auto it = std::upper_bound(table.begin(), table.end(), c,
                             [](char32_t v, const Range& r) { return v < r.first; });
  return it != table.begin() && c <= std::prev(it)->last;
}

/// Appends what one column looks like on a terminal and returns the cells it takes.
uint32_t append_glyph(std::string& out, std::string_view bytes) {
  char32_t cp = decode(bytes);
  if (cp == '\t') {
    out.append(kTabCells, ' ');
    return kTabCells;
  }
  if (cp < 0x20) {
    append_utf8(out, 0x2400 + cp);  // control picture: U+240A for LF, U+241B for ESC...
    return 1;
  }
  if (cp == 0x7F) {
    append_utf8(out, 0x2421);
    return 1;
  }
  if ((cp >= 0x80 && cp <= 0x9F) || in(kBidi, cp)) cp = kReplacement;
  if (cp == kReplacement) {
    append_utf8(out, kReplacement);
    return 1;
  }
  out.append(bytes);
  if (in(kZeroWidth, cp)) return 0;
  return in(kWide, cp) ? 2 : 1;
}

/// Message text made safe for a terminal: like a source line, but newlines stay (a hint may
/// have several lines) and tabs are kept as they are.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t end = column_end(text, i);
    if (text[i] == '\n' || text[i] == '\t') {
      out += text[i];
    } else {
      append_glyph(out, text.substr(i, end - i));
    }
    i = end;
  }
  return out;
}

/// The part of a source line shown for one span, and where the carets go under it.
struct Snippet {
  std::string text;
  uint32_t caret_offset = 0;  // cells before the first caret
  uint32_t caret_cells = 0;   // at least 1
};

/// Cuts snippets out of one file's lines. Diagnostics arrive sorted by position, so a snippet
/// on the same line as the last one resumes where that one's window began; many diagnostics on
/// one huge line (minified JSON) then cost time linear in the line, not quadratic.
class Snipper {
 public:
  explicit Snipper(const SourceFile& source) : source_(source) {}

  Snippet cut(const Span& span) {
    std::string_view line = source_.line_text(span.line);
    uint32_t first = span.column;
    uint32_t stop = span.end_line == span.line ? span.end_column : UINT32_MAX;
    uint32_t window = first + kLeftContext <= kWindowColumns ? 1 : first - kLeftContext;

    uint32_t column = 1;
    size_t i = 0;
    if (line_ == span.line && column_ <= window) column = column_, i = offset_;
    while (column < window && i < line.size()) i = column_end(line, i), ++column;
    line_ = span.line, column_ = column, offset_ = i;

    Snippet s;
    if (column > 1) s.text = "...";
    uint32_t cells = static_cast<uint32_t>(s.text.size());
    bool caret_placed = false;
    for (; i < line.size() && column < window + kWindowColumns; ++column) {
      size_t end = column_end(line, i);
      if (column == first) s.caret_offset = cells, caret_placed = true;
      uint32_t c = append_glyph(s.text, line.substr(i, end - i));
      if (column >= first && column < stop) s.caret_cells += c;
      cells += c;
      i = end;
    }
    if (!caret_placed) s.caret_offset = cells;  // a point at or past the end of the line
    if (i < line.size()) s.text += "...";
    s.caret_cells = std::max<uint32_t>(1, s.caret_cells);
    return s;
  }

 private:
  const SourceFile& source_;
  uint32_t line_ = 0;
  uint32_t column_ = 1;
  size_t offset_ = 0;
};

struct Palette {
  std::string_view severity, gutter, bold, reset;
};

Palette palette(Severity severity, bool color) {
  if (!color) return {};
  std::string_view sev = severity == Severity::Error     ? "\x1b[1;31m"
                         : severity == Severity::Warning ? "\x1b[1;33m"
                                                         : "\x1b[1;36m";
  return {sev, "\x1b[1;34m", "\x1b[1m", "\x1b[0m"};
}

uint32_t digits(uint32_t n) {
  uint32_t d = 1;
  while (n >= 10) n /= 10, ++d;
  return d;
}

void render_one(std::string& out, const Diagnostic& d, const SourceFile* source, Snipper* snipper,
                uint32_t width, bool color) {
  Palette p = palette(d.severity, color);
  Span span = normalized(d.span);
  std::string pad(width, ' ');

  out.append(p.severity).append(severity_name(d.severity)).append("[").append(id(d.code));
  out.append("]").append(p.reset).append(p.bold).append(": ").append(printable(d.message));
  out.append(p.reset).append("\n");

  out.append(pad).append(" ").append(p.gutter).append("-->").append(p.reset).append(" ");
  out.append(printable(d.file));
  if (span.valid()) {
    out.append(":").append(std::to_string(span.line)).append(":");
    out.append(std::to_string(span.column));
  }
  out.append("\n");

  if (span.valid() && source && snipper && span.line <= source->line_count()) {
    Snippet s = snipper->cut(span);
    std::string number = std::to_string(span.line);
    out.append(pad).append("  ").append(p.gutter).append("|").append(p.reset).append("\n");
    out.append(" ").append(p.gutter).append(width - number.size(), ' ').append(number);
    out.append(" |").append(p.reset);
    if (!s.text.empty()) out.append(" ").append(s.text);
    out.append("\n");
    out.append(pad).append("  ").append(p.gutter).append("|").append(p.reset).append(" ");
    out.append(s.caret_offset, ' ').append(p.severity).append(s.caret_cells, '^');
    out.append(p.reset).append("\n");
  }

  if (!d.hint.empty()) {
    // Lines after the first line up under the text of the first.
    std::string hint = printable(d.hint);
    while (!hint.empty() && hint.back() == '\n') hint.pop_back();
    std::string continuation = pad + "  " + std::string(std::string_view("= help: ").size(), ' ');
    out.append(pad).append("  ").append(p.gutter).append("=").append(p.reset).append(" ");
    out.append(p.bold).append("help").append(p.reset).append(": ");
    for (char c : hint) {
      out += c;
      if (c == '\n') out += continuation;
    }
    out.append("\n");
  }
  out.append("\n");
}

}  // namespace

void render_human(std::ostream& out, const std::vector<Diagnostic>& diags, const SourceFile* source,
                  const RenderOptions& options) {
  uint32_t width = 1;
  for (const auto& d : diags) {
    if (d.span.valid()) width = std::max(width, digits(d.span.line));
  }
  std::optional<Snipper> snipper;
  if (source) snipper.emplace(*source);
  std::string text;
  for (const auto& d : diags) {
    render_one(text, d, source, snipper ? &*snipper : nullptr, width, options.color);
  }
  out << text;
}

}  // namespace wfc::diag
