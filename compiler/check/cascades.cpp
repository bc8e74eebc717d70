// Findings of absence about incomplete tasks and lists (cascades.h). The reader knows spans, the
// checker's diagnostics carry JSON pointers; the document, which has both, connects them.
#include "compiler/check/cascades.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_set>

#include "compiler/util/json_pointer.h"

namespace wfc::check {
namespace {

using diag::Code;

struct Incomplete {
  std::unordered_set<std::string> tasks;  // pointers of tasks that lost options or a condition
  std::unordered_set<std::string> lists;  // pointers of task lists that lost a task
  std::unordered_set<std::string> list_owners;  // pointers of the tasks owning those lists
};

bool span_less(const Span& a, const Span& b) {
  return std::tie(a.line, a.column, a.end_line, a.end_column) <
         std::tie(b.line, b.column, b.end_line, b.end_column);
}

/// Whether `s` is in `spans` (sorted by span_less).
bool listed(const std::vector<Span>& spans, Span s) {
  return s.valid() && std::binary_search(spans.begin(), spans.end(), s, span_less);
}

void collect(const std::vector<ast::Task>& tasks, const std::vector<Span>& spans, Incomplete& out) {
  for (const auto& t : tasks) {
    if (listed(spans, t.span)) out.tasks.insert(t.pointer);
    if (listed(spans, t.next_span)) {
      out.lists.insert(pointer_join(t.pointer, "next"));
      out.list_owners.insert(t.pointer);
    }
    collect(t.next, spans, out);
  }
}

/// Whether `d` says something is missing from what a syntax error may have taken.
bool cascade(const diag::Diagnostic& d, const Incomplete& in) {
  const std::string& p = d.pointer;
  switch (d.code) {
    case Code::MissingOption:
    case Code::ConflictingOptions:
    case Code::MalformedCondition: {
      if (in.tasks.count(p)) return true;
      // The pointer of the options, or of one option in them.
      size_t cut = p.rfind("/options");
      return cut != std::string::npos && in.tasks.count(p.substr(0, cut)) &&
             (p.size() == cut + 8 || p[cut + 8] == '/');
    }
    case Code::EmptyWorkflow:
      return in.lists.count(p) > 0;
    case Code::NothingGated:
      return in.list_owners.count(p) > 0 || in.tasks.count(p) > 0;
    default:
      return false;
  }
}

}  // namespace

void drop_cascades(const ast::Document& doc, const std::vector<Span>& incomplete,
                   diag::Diagnostics& diags, size_t from) {
  auto& items = diags.items();
  from = std::min(from, items.size());
  std::unordered_set<uint32_t> syntax_lines;
  for (size_t i = 0; i < from; ++i) {
    if (items[i].code == Code::InvalidSyntax || items[i].code == Code::ExpressionSyntax) {
      syntax_lines.insert(items[i].span.line);
    }
  }
  if (incomplete.empty() && syntax_lines.empty()) return;
  std::vector<Span> spans = incomplete;
  std::sort(spans.begin(), spans.end(), span_less);
  Incomplete in;
  if (listed(spans, doc.workflow_span)) in.lists.insert(doc.workflow_pointer);
  collect(doc.workflow, spans, in);
  auto first = items.begin() + static_cast<std::ptrdiff_t>(from);
  items.erase(std::remove_if(first, items.end(),
                             [&](const diag::Diagnostic& d) {
                               return syntax_lines.count(d.span.line) > 0 || cascade(d, in);
                             }),
              items.end());
}

}  // namespace wfc::check
