// The YAML pre-scan (see yaml_prescan.h). It follows just enough of YAML's line structure to
// know, for each line, whether it is block context, flow context, the inside of a quoted scalar
// or the content of a block scalar: only block-context lines have indentation, and only
// indentation may not contain tabs. Depth is counted from the columns of open block collections
// (a `- ` or `? ` indicator, or a `key:`) plus open flow brackets.
#include "compiler/syntax/yaml/yaml_prescan.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "compiler/syntax/yaml/yaml_text.h"

namespace wfc::syntax {

size_t YamlLayout::block_scalar_end(size_t header) const {
  auto it = std::lower_bound(block_scalars.begin(), block_scalars.end(),
                             std::pair<size_t, size_t>{header, 0});
  return it != block_scalars.end() && it->first == header ? it->second : 0;
}

namespace {

constexpr size_t kNone = std::string_view::npos;
// Beyond this many tab-indented lines the rest are summarized in the last diagnostic's hint.
constexpr size_t kMaxTabReports = 10;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

class Prescan {
 public:
  Prescan(const SourceFile& file, diag::Diagnostics& diags, const Limits& limits)
      : file_(file), t_(file.text()), diags_(diags), limits_(limits) {}

  /// Runs up to byte `at` and returns the flow brackets open there.
  std::vector<size_t> open_flows_at(size_t begin, size_t at) {
    stop_at_ = at;
    run(begin);
    return flow_;
  }

  YamlLayout run(size_t begin) {
    size_t ls = begin;
    while (!stop_) {
      size_t nl = t_.find('\n', ls);
      size_t le = nl == kNone ? t_.size() : nl;
      size_t ce = le > ls && t_[le - 1] == '\r' ? le - 1 : le;
      line(ls, ce);
      if (nl == kNone) break;
      ls = nl + 1;
    }
    if (block_.active) close_block_scalar();
    if (tab_lines_ > kMaxTabReports) {
      auto& d = diags_.items()[last_tab_diag_];
      d.hint += " (" + std::to_string(tab_lines_ - kMaxTabReports) +
                " more lines below are indented with tabs)";
    }
    return std::move(layout_);
  }

 private:
  struct BlockScalar {
    bool active = false;
    int parent = -1;   // indentation of the node that owns the scalar
    int content = -1;  // indentation of its content, once known
    size_t header = 0;
    size_t end = 0;
  };

  void line(size_t ls, size_t le) {
    if (ls >= stop_at_) {
      stop_ = true;
      return;
    }
    if (block_.active) {
      size_t p = ls;
      while (p < le && t_[p] == ' ') ++p;
      int indent = static_cast<int>(p - ls);
      if (!doc_marker(ls, le)) {
        size_t q = p;
        while (q < le && is_blank(t_[q])) ++q;
        if (q == le) return;  // blank lines belong to the scalar whatever their indentation
        if (block_.content < 0 && indent > block_.parent) block_.content = indent;
        if (block_.content >= 0 && indent >= block_.content) {
          block_.end = le;
          return;
        }
      }
      close_block_scalar();
    }
    if (quote_) {
      size_t q = quote_end(ls, le, quote_);
      if (q == kNone) return;
      quote_ = 0;
      if (!flow_.empty()) {
        flow(q, le, ls);
      } else {
        after_scalar(q, le, ls, quote_key_col_);
      }
      return;
    }
    if (!flow_.empty()) {
      flow(ls, le, ls);
      return;
    }
    block_line(ls, le);
  }

  void block_line(size_t ls, size_t le) {
    if (doc_marker(ls, le)) {
      stack_.clear();
      if (t_[ls] == '.') {
        layout_.document_ends.push_back(ls);
        return;
      }
      size_t p = skip_blanks(ls + 3, le);
      if (p < le && t_[p] != '#') node(p, le, ls, -1, false);
      return;
    }
    if (ls < le && t_[ls] == '%') return;  // a directive
    size_t p = ls;
    size_t tab = kNone;
    while (p < le && is_blank(t_[p])) {
      if (t_[p] == '\t' && tab == kNone) tab = p;
      ++p;
    }
    if (tab != kNone) {
      report_tab(tab);
      return;
    }
    if (p == le || t_[p] == '#') return;
    int indent = static_cast<int>(p - ls);
    while (!stack_.empty() && stack_.back() > indent) stack_.pop_back();
    node(p, le, ls, stack_.empty() ? -1 : stack_.back(), false);
  }

  // A node starting at p in block context. `parent` is the indentation a block scalar here must
  // exceed; `is_value` when the node follows `key:` on the same line (no indicators, no key).
  void node(size_t p, size_t le, size_t ls, int parent, bool is_value) {
    while (!is_value && p < le && (t_[p] == '-' || t_[p] == '?' || t_[p] == ':') &&
           (p + 1 == le || is_blank(t_[p + 1]))) {
      int col = static_cast<int>(p - ls);
      if (!push(col, p)) return;
      parent = col;
      p = skip_blanks(p + 1, le);
    }
    // Anchors and tags before the node's content.
    while (p < le && (t_[p] == '&' || t_[p] == '!')) {
      while (p < le && !is_blank(t_[p])) ++p;
      p = skip_blanks(p, le);
    }
    if (p >= le || t_[p] == '#') return;
    int col = static_cast<int>(p - ls);
    char c = t_[p];
    if (c == '|' || c == '>') {
      open_block_scalar(p, le, parent);
      return;
    }
    if (c == '[' || c == '{') {
      flow_key_col_ = is_value ? -1 : col;
      flow(p, le, ls);
      return;
    }
    if (c == '"' || c == '\'') {
      size_t q = quote_end(p + 1, le, c);
      int key_col = is_value ? -1 : col;
      if (q == kNone) {
        quote_ = c;
        quote_key_col_ = key_col;
        return;
      }
      after_scalar(q, le, ls, key_col);
      return;
    }
    if (is_value) return;  // a plain value runs to the end of the line
    for (size_t i = p; i < le; ++i) {
      if (t_[i] == ':' && (i + 1 == le || is_blank(t_[i + 1]))) {
        if (!push(col, p)) return;
        node(skip_blanks(i + 1, le), le, ls, col, true);
        return;
      }
      if (t_[i] == '#' && i > p && is_blank(t_[i - 1])) return;
    }
  }

  // After a quoted scalar or a flow collection closed at q: `: value` makes it a key.
  void after_scalar(size_t q, size_t le, size_t ls, int key_col) {
    q = skip_blanks(q, le);
    if (key_col < 0 || q >= le || t_[q] != ':' || (q + 1 < le && !is_blank(t_[q + 1]))) return;
    if (!push(key_col, ls + static_cast<size_t>(key_col))) return;
    node(skip_blanks(q + 1, le), le, ls, key_col, true);
  }

  void flow(size_t p, size_t le, size_t ls) {
    for (size_t i = p; i < le; ++i) {
      if (i >= stop_at_) {
        stop_ = true;
        return;
      }
      char c = t_[i];
      if (c == '[' || c == '{') {
        flow_.push_back(i);
        if (stack_.size() + flow_.size() > limits_.max_depth) {
          too_deep(i);
          return;
        }
      } else if (c == ']' || c == '}') {
        if (flow_.empty()) continue;
        flow_.pop_back();
        if (flow_.empty()) {
          after_scalar(i + 1, le, ls, flow_key_col_);
          return;
        }
      } else if ((c == '"' || c == '\'') &&
                 (i == ls || is_blank(t_[i - 1]) || t_[i - 1] == '[' || t_[i - 1] == '{' ||
                  t_[i - 1] == ',' || t_[i - 1] == ':')) {
        size_t q = quote_end(i + 1, le, c);
        if (q == kNone) {
          quote_ = c;
          quote_key_col_ = -1;
          return;
        }
        i = q - 1;
      } else if (c == '#' && (i == ls || is_blank(t_[i - 1]))) {
        return;
      }
    }
  }

  // Offset just past the closing quote, or kNone when the scalar continues on the next line.
  size_t quote_end(size_t p, size_t le, char quote) const {
    for (size_t i = p; i < le; ++i) {
      if (quote == '"' && t_[i] == '\\') {
        ++i;
      } else if (t_[i] == quote) {
        if (quote == '\'' && i + 1 < le && t_[i + 1] == '\'') {
          ++i;
        } else {
          return i + 1;
        }
      }
    }
    return kNone;
  }

  void open_block_scalar(size_t p, size_t le, int parent) {
    size_t i = p + 1;
    int explicit_indent = -1;
    while (i < le && (t_[i] == '+' || t_[i] == '-' || (t_[i] >= '0' && t_[i] <= '9'))) {
      if (t_[i] >= '1' && t_[i] <= '9') explicit_indent = t_[i] - '0';
      ++i;
    }
    block_ = BlockScalar{true, parent, -1, p, i};
    if (explicit_indent > 0) block_.content = std::max(parent, 0) + explicit_indent;
  }

  void close_block_scalar() {
    size_t end = block_.end;
    while (end > block_.header + 1 && is_blank(t_[end - 1])) --end;
    layout_.block_scalars.emplace_back(block_.header, end);
    block_.active = false;
  }

  bool push(int col, size_t at) {
    if (!stack_.empty() && stack_.back() >= col) return true;
    stack_.push_back(col);
    if (stack_.size() + flow_.size() > limits_.max_depth) {
      too_deep(at);
      return false;
    }
    return true;
  }

  void too_deep(size_t at) {
    report_too_deep(diags_, char_span(file_, at), limits_);
    layout_.ok = false;
    stop_ = true;
  }

  void report_tab(size_t at) {
    layout_.ok = false;
    if (++tab_lines_ > kMaxTabReports) return;
    last_tab_diag_ = diags_.size();
    diags_.add(diag::Code::TabIndentation, char_span(file_, at), "tab used for indentation",
               "YAML indentation must use spaces; replace the tab with spaces");
  }

  bool doc_marker(size_t ls, size_t le) const {
    if (le - ls < 3) return false;
    std::string_view head = t_.substr(ls, 3);
    return (head == "---" || head == "...") && (le - ls == 3 || is_blank(t_[ls + 3]));
  }

  size_t skip_blanks(size_t p, size_t le) const {
    while (p < le && is_blank(t_[p])) ++p;
    return p;
  }

  const SourceFile& file_;
  std::string_view t_;
  diag::Diagnostics& diags_;
  const Limits& limits_;
  YamlLayout layout_;
  std::vector<int> stack_;    // columns of the open block collections, increasing
  std::vector<size_t> flow_;  // offsets of the open flow brackets, outermost first
  int flow_key_col_ = -1;
  char quote_ = 0;  // the quote of a scalar that continues on the next line
  int quote_key_col_ = -1;
  BlockScalar block_;
  size_t tab_lines_ = 0;
  size_t last_tab_diag_ = 0;
  bool stop_ = false;
  size_t stop_at_ = kNone;
};

}  // namespace

YamlLayout prescan_yaml(const SourceFile& file, size_t begin, diag::Diagnostics& diags,
                        const Limits& limits) {
  return Prescan(file, diags, limits).run(begin);
}

std::vector<size_t> open_flow_brackets(const SourceFile& file, size_t begin, size_t at,
                                       const Limits& limits) {
  diag::Diagnostics ignored;  // the full pre-scan has reported these already
  return Prescan(file, ignored, limits).open_flows_at(begin, at);
}

}  // namespace wfc::syntax
