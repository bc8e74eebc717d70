#include "tools/wfc/lsp/features.h"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/catalog/catalog.h"
#include "compiler/diag/codes.h"
#include "compiler/emit/dsl_format.h"
#include "compiler/frontend.h"
#include "compiler/util/caps.h"

namespace wfc::lsp {
namespace {

using nlohmann::json;
const catalog::Catalog& cat() { return catalog::Catalog::builtin(); }

bool contains(const Span& s, Position p) {
  if (!s.valid()) return false;
  auto before = [](uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
    return l1 < l2 || (l1 == l2 && c1 < c2);
  };
  // The end is exclusive, but a cursor just after a word still means the word.
  return !before(p.line, p.column, s.line, s.column) &&
         !before(s.end_line, s.end_column, p.line, p.column);
}

template <typename F>
void each_task(const std::vector<ast::Task>& tasks, const ast::Task* parent, F&& f) {
  for (const auto& t : tasks) {
    f(t, parent);
    each_task(t.next, &t, f);
  }
}

std::string kind_markdown(const catalog::KindSpec& k) {
  std::string md = "**" + k.name + "** — " + k.category + " kind\n\n" + k.doc + "\n\n";
  if (k.accepts) md += "Receives: " + catalog::describe_file_kinds(k.accepts) + ". ";
  if (k.passthrough) {
    md += "Passes on what it receives.";
  } else if (k.produces) {
    md += "Produces: " + catalog::describe_file_kinds(k.produces) + ".";
  }
  if (!k.options.empty() && !k.is_conditions) {
    md += "\n\nOptions: ";
    for (size_t i = 0; i < k.options.size(); ++i) {
      md += (i ? ", `" : "`") + k.options[i].name + "`";
    }
  }
  return md;
}

std::string option_markdown(const catalog::KindSpec& k, const catalog::OptionSpec& o) {
  std::string md = "**" + o.name + "** — option of `" + k.name + "`: " + o.type.describe();
  if (o.required) md += " (required)";
  md += "\n\n" + o.doc;
  if (o.default_value) md += "\n\nDefault: `" + o.default_value->dump() + "`";
  return md;
}

std::string property_markdown(const catalog::PropertySpec& p) {
  return "**" + p.name + "** — file property: " + p.type.describe() + "\n\n" + p.doc;
}

json hover_json(json range, const std::string& md) {
  return {{"contents", {{"kind", "markdown"}, {"value", md}}}, {"range", std::move(range)}};
}

json hover_json(const TextDocument& doc, const Span& s, const std::string& md) {
  return hover_json(doc.range(s), md);
}

// ---- the DSL as text, for completion where the tree is still broken -------------------------

struct Tok {
  std::string text;
  bool string = false;
};

/// The tokens of DSL text: words (numbers and names), strings, and punctuation; comments skipped.
std::vector<Tok> dsl_tokens(std::string_view s) {
  std::vector<Tok> out;
  auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '%' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#' || (c == '/' && i + 1 < s.size() && s[i + 1] == '/')) {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else if (c == '"') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != '"' && s[j] != '\n') j += s[j] == '\\' ? 2 : 1;
      out.push_back({std::string(s.substr(i, std::min(j + 1, s.size()) - i)), true});
      i = j + 1;
    } else if (word(c) || (c == '-' && i + 1 < s.size() && std::isdigit(s[i + 1]))) {
      size_t j = i + 1;
      while (j < s.size() && word(s[j])) ++j;
      out.push_back({std::string(s.substr(i, j - i)), false});
      i = j;
    } else {
      size_t n = 1;
      for (std::string_view op : {"->", "&&", "||", "==", "!=", ">=", "<="}) {
        if (s.substr(i, 2) == op) n = 2;
      }
      out.push_back({std::string(s.substr(i, n)), false});
      i += n;
    }
  }
  return out;
}

bool is_attribute(const std::string& t) { return t == "label" || t == "folder" || t == "filename"; }

/// The index of the kind word of the step that ends at `j` (skipping its attributes and its
/// option list), or -1.
long step_kind(const std::vector<Tok>& t, long j) {
  for (;;) {
    if (j >= 1 && t[j].string && is_attribute(t[j - 1].text)) {
      j -= 2;
    } else if (j >= 1 && t[j - 1].text == "as") {
      j -= 2;
    } else {
      break;
    }
  }
  if (j >= 0 && t[j].text == ")") {
    int depth = 0;
    for (; j >= 0; --j) {
      if (t[j].text == ")") ++depth;
      if (t[j].text == "(" && --depth == 0) break;
    }
    --j;
  }
  if (j >= 0 && !t[j].string && cat().kind(t[j].text)) return j;
  return -1;
}

/// The unclosed '{' that holds token index `end` (exclusive), or -1.
long enclosing_brace(const std::vector<Tok>& t, long end) {
  int depth = 0;
  for (long i = end - 1; i >= 0; --i) {
    if (t[i].text == "}") ++depth;
    if (t[i].text == "{" && depth-- == 0) return i;
  }
  return -1;
}

/// What a step receives, given the index of its kind word (or of the place a step starts):
/// the kind it reads from, through the chain arrow or the block around it; a kind that passes
/// its input on (probe, conditions) looks further up. 0 at the top of a workflow (anything).
catalog::FileKinds receives(const std::vector<Tok>& t, long at, int depth = 0) {
  if (depth > 64 || at < 0) return 0;
  long parent = -1;
  if (at >= 1 && t[at - 1].text == "->") {
    parent = step_kind(t, at - 2);
  } else {
    long brace = enclosing_brace(t, at);
    if (brace < 0) return 0;
    // `when … {`: the block receives what the `when` receives.
    long i = brace - 1;
    int parens = 0;
    for (; i >= 0; --i) {
      const std::string& s = t[i].text;
      if (s == ")") ++parens;
      if (s == "(") --parens;
      if (parens == 0 && (s == "{" || s == "}" || s == "when")) break;
    }
    if (i >= 0 && t[i].text == "when") return receives(t, i, depth + 1);
    parent = step_kind(t, brace - 1);
  }
  if (parent < 0) return 0;
  const auto* k = cat().kind(t[parent].text);
  if (k->passthrough) return receives(t, parent, depth + 1);
  return k->produces;
}

json item(const std::string& label, int kind, const std::string& detail, const std::string& doc) {
  json i = {{"label", label}, {"kind", kind}, {"detail", detail}};
  if (!doc.empty()) i["documentation"] = {{"kind", "markdown"}, {"value", doc}};
  return i;
}

constexpr int kFunction = 3, kField = 5, kProperty = 10, kKeyword = 14, kEnumMember = 20;

void kinds_into(json& items, catalog::FileKinds received, bool top) {
  for (const auto& k : cat().kinds()) {
    if (!top && k.top_level_only) continue;
    if (received && !(k.accepts & received)) continue;
    items.push_back(item(k.name, kFunction, k.category, k.doc));
  }
}

json dsl_completion(const TextDocument& doc, size_t offset) {
  json items = json::array();
  std::string_view before = std::string_view(doc.text()).substr(0, offset);
  auto t = dsl_tokens(before);
  // The word being typed is not context.
  bool typing = !before.empty() && !t.empty() && !t.back().string &&
                (std::isalnum(static_cast<unsigned char>(before.back())) || before.back() == '_');
  long n = static_cast<long>(t.size()) - (typing ? 1 : 0);
  // The innermost unclosed bracket.
  long open = -1;
  {
    std::vector<long> stack;
    for (long i = 0; i < n; ++i) {
      const std::string& s = t[i].text;
      if (t[i].string) continue;
      if (s == "(" || s == "[" || s == "{") stack.push_back(i);
      if ((s == ")" || s == "]" || s == "}") && !stack.empty()) stack.pop_back();
    }
    if (!stack.empty()) open = stack.back();
  }
  const std::string last = n > 0 ? t[n - 1].text : "";
  if (open >= 0 && t[open].text == "(") {
    const catalog::KindSpec* k = open > 0 ? cat().kind(t[open - 1].text) : nullptr;
    if (!k) return items;
    if (last == "(" || last == ",") {
      std::set<std::string> given;
      for (long i = open + 1; i + 1 < n; ++i) {
        if (t[i + 1].text == ":") given.insert(t[i].text);
      }
      for (const auto& o : k->options) {
        if (given.count(o.name)) continue;
        items.push_back(item(o.name, kProperty, o.type.describe(), o.doc));
      }
    } else if (last == ":" && n >= 2) {
      if (const auto* o = k->option(t[n - 2].text)) {
        for (const auto& v : o->type.values) items.push_back(item(v, kEnumMember, o->name, ""));
        if (o->type.kind == catalog::TypeKind::Boolean) {
          items.push_back(item("true", kKeyword, o->name, ""));
          items.push_back(item("false", kKeyword, o->name, ""));
        }
      }
    }
    return items;
  }
  if (open >= 0 && t[open].text == "[") return items;
  // A `when` condition being written: file properties.
  for (long i = n - 1; i >= 0 && t[i].text != "{" && t[i].text != "}"; --i) {
    if (t[i].text == "when") {
      if (last == "when" || last == "&&" || last == "||" || last == "!" || last == "(") {
        for (const auto& p : cat().properties()) {
          items.push_back(item(p.name, kField, p.type.describe(), p.doc));
        }
      }
      return items;
    }
  }
  // Where a step starts: after '->', '{', at the top, or on a new line.
  bool after_arrow = last == "->";
  // The first word on its line (or none yet) starts a step.
  std::string_view line = doc.line_before(offset);
  size_t first = line.find_first_not_of(" \t");
  bool line_start = first == std::string_view::npos ||
                    (typing && line.find_first_of(" \t", first) == std::string_view::npos);
  bool statement_start = n == 0 || last == "{" || last == "}" || line_start || after_arrow;
  if (!statement_start) {
    if (n > 0 && (last == ")" || step_kind(t, n - 1) >= 0)) {
      for (const char* kw : {"as", "label", "folder", "filename"}) {
        items.push_back(item(kw, kKeyword, "attribute", ""));
      }
    }
    return items;
  }
  catalog::FileKinds received = receives(t, n);
  bool top = !after_arrow && enclosing_brace(t, n) < 0;
  if (!after_arrow && received == 0) {
    long brace = enclosing_brace(t, n);
    // Directly inside `automation … {`: the top of the workflow.
    top = brace < 0 || step_kind(t, brace - 1) < 0;
  }
  kinds_into(items, received, top);
  if (!after_arrow) items.push_back(item("when", kKeyword, "a condition", ""));
  return items;
}

json structured_completion(const TextDocument& doc, size_t offset) {
  json items = json::array();
  std::string line(doc.line_before(offset));
  size_t k = line.rfind("kind");
  if (k == std::string::npos) return items;
  std::string rest = line.substr(k + 4);
  size_t i = 0;
  if (!rest.empty() && rest[0] == '"') ++i;
  while (i < rest.size() && rest[i] == ' ') ++i;
  if (i >= rest.size() || rest[i] != ':') return items;
  for (++i; i < rest.size() && (rest[i] == ' ' || rest[i] == '"'); ++i) {
  }
  for (; i < rest.size(); ++i) {
    if (!std::isalnum(static_cast<unsigned char>(rest[i])) && rest[i] != '_') return items;
  }
  kinds_into(items, 0, true);
  return items;
}

/// The word (letters, digits, '_', '-') at the offset, and its byte range.
std::string word_at(const std::string& text, size_t offset, size_t* from, size_t* to) {
  auto w = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  };
  size_t b = std::min(offset, text.size()), e = b;
  while (b > 0 && w(text[b - 1])) --b;
  while (e < text.size() && w(text[e])) ++e;
  *from = b;
  *to = e;
  return text.substr(b, e - b);
}

}  // namespace

std::optional<std::string> did_you_mean(const std::string& hint) {
  constexpr std::string_view kPrefix = "did you mean '";
  if (hint.rfind(kPrefix, 0) != 0) return std::nullopt;
  size_t end = hint.find('\'', kPrefix.size());
  if (end == std::string::npos || hint.substr(end) != "'?") return std::nullopt;
  return hint.substr(kPrefix.size(), end - kPrefix.size());
}

json diagnostics(const TextDocument& doc) {
  auto items = doc.analysis().diagnostics.items();
  diag::truncate(items, caps::kMaxDiagnostics);
  json out = json::array();
  for (const auto& d : items) {
    json j = {{"range", doc.range(d.span)},
              {"severity", d.severity == diag::Severity::Error     ? 1
                           : d.severity == diag::Severity::Warning ? 2
                                                                   : 3},
              {"code", std::string(diag::id(d.code))},
              {"source", "wfc"},
              {"message", d.hint.empty() ? d.message : d.message + "\nhelp: " + d.hint}};
    if (auto r = did_you_mean(d.hint)) j["data"] = {{"replacement", *r}};
    out.push_back(std::move(j));
  }
  return out;
}

json hover(const TextDocument& doc, LspPosition at) {
  const FrontendResult& result = doc.analysis();
  if (!result.document) return nullptr;
  Position p = doc.to_wfc(at);
  json out = nullptr;
  each_task(result.document->workflow, nullptr, [&](const ast::Task& t, const ast::Task*) {
    if (!out.is_null()) return;
    const auto* k = cat().kind(t.kind.value);
    if (!k) return;
    if (contains(t.kind.span, p)) {
      out = hover_json(doc, t.kind.span, kind_markdown(*k));
      return;
    }
    for (const auto& o : t.options) {
      if (!contains(o.name_span, p)) continue;
      if (k->is_conditions) {
        if (const auto* prop = cat().property(o.name)) {
          out = hover_json(doc, o.name_span, property_markdown(*prop));
        }
      } else if (const auto* spec = k->option(o.name)) {
        out = hover_json(doc, o.name_span, option_markdown(*k, *spec));
      }
      return;
    }
  });
  if (!out.is_null()) return out;
  // A property in a `when` condition, which the tree keeps as written text.
  size_t from, to;
  std::string w = word_at(doc.text(), doc.offset(at), &from, &to);
  std::string line(doc.line_before(from));
  if (doc.syntax() == syntax::Syntax::Dsl && line.find("when") != std::string::npos) {
    if (const auto* prop = cat().property(w)) {
      return hover_json(TextDocument::range(doc.position_at(from), doc.position_at(to)),
                        property_markdown(*prop));
    }
  }
  return nullptr;
}

json completion(const TextDocument& doc, LspPosition at) {
  size_t offset = doc.offset(at);
  json items = doc.syntax() == syntax::Syntax::Dsl ? dsl_completion(doc, offset)
                                                   : structured_completion(doc, offset);
  return {{"isIncomplete", false}, {"items", items}};
}

json definition(const TextDocument& doc, LspPosition at) {
  size_t from, to;
  std::string w = word_at(doc.text(), doc.offset(at), &from, &to);
  if (w.empty()) return nullptr;
  const FrontendResult& result = doc.analysis();
  if (!result.document) return nullptr;
  json out = nullptr;
  each_task(result.document->workflow, nullptr, [&](const ast::Task& t, const ast::Task*) {
    if (out.is_null() && t.ref && t.ref->value == w) {
      out = {{"uri", doc.uri()}, {"range", doc.range(t.ref->span)}};
    }
  });
  return out;
}

json formatting(const TextDocument& doc) {
  if (doc.syntax() != syntax::Syntax::Dsl) return nullptr;
  SourceFile source(doc.path(), doc.text());
  diag::Diagnostics diags(doc.path());
  auto formatted = emit::format_dsl(source, diags);
  if (!formatted) return nullptr;
  if (*formatted == doc.text()) return json::array();
  json edit = json::object();
  edit["range"] = TextDocument::range({0, 0}, doc.position_at(doc.text().size()));
  edit["newText"] = *formatted;
  return json::array({edit});
}

json code_actions(const TextDocument& doc, const json& context) {
  json out = json::array();
  if (!context.is_object() || !context.contains("diagnostics") ||
      !context["diagnostics"].is_array())
    return out;
  for (const auto& d : context["diagnostics"]) {
    if (!d.is_object() || !d.contains("range") || !d.contains("data")) continue;
    const auto& data = d["data"];
    if (!data.is_object() || !data.contains("replacement") || !data["replacement"].is_string())
      continue;
    std::string r = data["replacement"];
    out.push_back(
        {{"title", "Change to '" + r + "'"},
         {"kind", "quickfix"},
         {"diagnostics", json::array({d})},
         {"isPreferred", true},
         {"edit",
          {{"changes", {{doc.uri(), json::array({{{"range", d["range"]}, {"newText", r}}})}}}}}});
  }
  return out;
}

}  // namespace wfc::lsp
