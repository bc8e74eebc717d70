// The YAML reader: yaml-cpp's event parser drives a builder that produces the same located
// Value tree as the JSON reader. Its external interface is read_yaml (yaml_reader.h).
//
// Order of work: a pre-scan (yaml_prescan.h) rejects tab indentation and excessive nesting
// before yaml-cpp, which recurses per level, sees the text; then one document is parsed into
// Values, resolving plain scalars by the YAML 1.2 core schema, checking keys for duplicates and
// expanding aliases within a node budget; then a peek for a second document. yaml-cpp gives only
// start marks, so every end is measured in the text (yaml_text.h).
#include "compiler/syntax/yaml/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstring>
#include <istream>
#include <optional>
#include <streambuf>
#include <string>
#include <unordered_set>
#include <vector>

#include "compiler/syntax/yaml/yaml_errors.h"
#include "compiler/syntax/yaml/yaml_prescan.h"
#include "compiler/syntax/yaml/yaml_schema.h"
#include "compiler/syntax/yaml/yaml_text.h"

namespace wfc::syntax {
namespace {

using diag::Code;

// Thrown by the builder to stop yaml-cpp at once; the diagnostic has been added already.
struct Stop {};

// An istream over the SourceFile's text, without a copy.
class TextBuffer : public std::streambuf {
 public:
  explicit TextBuffer(std::string_view text) {
    char* p = const_cast<char*>(text.data());
    setg(p, p, p + text.size());
  }
};

std::string position_text(Position p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

bool is_null_literal(std::string_view text, size_t p) {
  for (std::string_view word : {"~", "null", "Null", "NULL"}) {
    if (text.substr(p, word.size()) != word) continue;
    size_t e = p + word.size();
    if (e == text.size() || std::strchr(" \t\r\n,]}#", text[e])) return true;
  }
  return false;
}

// Beyond this many members a mapping keeps a hash set of its keys for the duplicate check.
constexpr size_t kLinearKeys = 8;

// One collection being built.
struct Frame {
  Value node;
  size_t start = 0;     // offset of its first character
  size_t last_end = 0;  // end offset of its last child so far
  Position start_pos;
  size_t nodes = 1;  // values in this subtree so far (aliases counted expanded)
  YAML::anchor_t anchor = 0;
  char closer = 0;  // ']' or '}' for a bracketed flow collection
  // Mappings only:
  bool block = false;
  bool want_key = true;
  bool drop_value = false;   // the key was rejected; the value that follows is dropped
  bool merge_value = false;  // the key was `<<`
  std::string key;
  Span key_span;
  size_t key_end = 0;
  Span merge_key_span;  // the `<<` key, when there is one
  std::vector<Value> merges;
  std::unordered_set<std::string> keys;  // used past kLinearKeys members
};

// A finished node on its way to its parent.
struct Done {
  Value value;
  size_t nodes = 1;
  size_t begin = 0;
  size_t end = 0;
  YAML::anchor_t anchor = 0;
  const std::string* key_text = nullptr;  // a scalar's text as written (for use as a key)
  bool plain = false;                     // an untagged plain scalar
  bool alias = false;  // an alias: `value` keeps the anchored node's spans; begin/end are `*name`
};

// "a string", "an integer", "null": a value's type as the end of "got ...".
std::string type_with_article(ValueType t) {
  std::string_view name = value_type_name(t);
  if (t == ValueType::Null) return std::string(name);
  bool vowel = name[0] == 'a' || name[0] == 'e' || name[0] == 'i' || name[0] == 'o';
  return (vowel ? "an " : "a ") + std::string(name);
}

class Builder : public YAML::EventHandler {
 public:
  Builder(const SourceFile& file, size_t bom, const YamlLayout& layout, diag::Diagnostics& diags,
          const Limits& limits)
      : file_(file), t_(file.text()), bom_(bom), layout_(layout), diags_(diags), limits_(limits) {}

  std::optional<Value>& root() { return root_; }
  bool syntax_error() const { return syntax_error_; }

  void OnDocumentStart(const YAML::Mark& mark) override { doc_start_ = offset(mark); }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    size_t p = offset(mark);
    size_t props_end = p;
    size_t content = skip_properties(t_, p, &props_end);
    Done d;
    d.anchor = anchor;
    d.plain = true;
    Frame* f = frames_.empty() ? nullptr : &frames_.back();
    size_t min_start = f ? (f->node.is_object() && !f->want_key ? f->key_end : f->last_end) : 0;
    static const std::string kEmpty;
    if (content >= min_start && content < t_.size() && is_null_literal(t_, content)) {
      size_t end = content + (t_[content] == '~' ? 1 : 4);
      key_text_ = std::string(t_.substr(content, end - content));
      d.key_text = &key_text_;
      d.begin = content;
      d.end = end;
      d.value.span = file_.span(content, end);
    } else {
      if (!f) {
        bool marker = t_.substr(doc_start_, 3) == "---";
        diags_.add(Code::EmptyFile,
                   marker ? file_.span(doc_start_, doc_start_ + 3) : Span::point(file_.position(p)),
                   "the document is empty",
                   "a workflow file needs a document: an automation, a run request, a task or "
                   "a workflow array");
        throw Stop{};
      }
      size_t at = empty_node_offset(*f, p, props_end);
      d.key_text = &kEmpty;
      d.begin = d.end = at;
      d.value.span = Span::point(file_.position(at));
    }
    count(1, d.begin);
    complete(std::move(d));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    size_t p = offset(mark);
    size_t end = std::min(p + 1, t_.size());
    while (end < t_.size() && !std::strchr(" \t\r\n,]}", t_[end])) ++end;
    Span span = file_.span(p, end);
    std::string name(p < end ? t_.substr(p + 1, end - p - 1) : std::string_view());
    if (anchor >= anchors_.size() || !anchors_[anchor]) {
      diags_.add(Code::UnsupportedYaml, span,
                 "alias '*" + name + "' is used inside the value it refers to",
                 "recursive structures cannot be expressed in JSON; copy the value instead");
      throw Stop{};
    }
    const Anchored& a = *anchors_[anchor];
    if (nodes_ + a.nodes > limits_.max_nodes) {
      diags_.add(Code::UnsupportedYaml, span,
                 "alias '*" + name + "' expands the document beyond " +
                     std::to_string(limits_.max_nodes) + " values",
                 "each alias repeats its anchor's whole value, so nested aliases multiply "
                 "(the 'billion laughs' pattern); write the values out instead");
      throw Stop{};
    }
    nodes_ += a.nodes;
    expanded_ = true;
    Done d;
    d.value = a.value;  // the copy keeps the spans of the anchored node
    d.nodes = a.nodes;
    d.begin = p;
    d.end = end;
    d.alias = true;
    complete(std::move(d));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    size_t p = offset(mark);
    size_t props_end = p;
    size_t content = skip_properties(t_, p, &props_end);
    char first = content < t_.size() ? t_[content] : '\0';
    size_t end;
    bool plain = false;
    size_t block_end = 0;
    if ((first == '"' || first == '\'') &&
        (!value.empty() || t_.substr(content, 2) == std::string(2, first))) {
      end = quoted_end(t_, content);
      if (end == kNoOffset) {
        diags_.add(Code::InvalidSyntax, char_span(file_, content), "unterminated quoted string",
                   std::string("add the closing ") + (first == '"' ? "'\"'" : "\"'\""));
        throw Stop{};
      }
    } else if ((first == '|' || first == '>') &&
               (block_end = layout_.block_scalar_end(content)) != 0) {
      end = block_end;
    } else if (value.empty()) {
      content = end = props_end;  // a tag with no value: `!!str` alone
    } else {
      plain = true;
      end = plain_end(t_, content, value);
    }
    Done d;
    d.anchor = anchor;
    d.begin = content;
    d.end = end;
    d.value.span = file_.span(content, end);
    d.key_text = &value;
    d.plain = plain && tag == "?";
    bool is_key = !frames_.empty() && frames_.back().node.is_object() && frames_.back().want_key;
    resolve(d.value, tag, value, plain, p, is_key);
    count(1, content);
    complete(std::move(d));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, ValueType::Array, false);
  }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    open(mark, tag, anchor, ValueType::Object, style == YAML::EmitterStyle::Block);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapEnd() override { close(); }

 private:
  struct Anchored {
    Value value;
    size_t nodes;
  };

  size_t offset(const YAML::Mark& mark) const {
    return mark.pos < 0 ? bom_ : std::min(t_.size(), static_cast<size_t>(mark.pos) + bom_);
  }

  // Where an empty (null) node sits: after the `:` of its key, or after its `- `.
  size_t empty_node_offset(const Frame& f, size_t mark, size_t props_end) const {
    if (props_end > mark) return props_end;  // `key: &anchor` with nothing after the anchor
    if (f.node.is_object()) {
      if (f.want_key) return mark;
      size_t q = f.key_end;
      while (q < t_.size() && (t_[q] == ' ' || t_[q] == '\t')) ++q;
      return q < t_.size() && t_[q] == ':' ? q + 1 : f.key_end;
    }
    size_t q = skip_space(t_, f.last_end);
    return q < t_.size() && t_[q] == '-' ? q + 1 : mark;
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, ValueType type,
            bool block) {
    size_t p = offset(mark);
    size_t content = skip_properties(t_, p);
    if (frames_.size() >= limits_.max_depth) {
      report_too_deep(diags_, char_span(file_, content), limits_);
      throw Stop{};
    }
    if (tag != "?") {
      ValueType want;
      if (!standard_tag_type(tag, want) || want != type) unsupported_tag(p);
    }
    count(1, content);
    Frame& f = frames_.emplace_back();
    f.node.type = type;
    f.start = content;
    f.start_pos = file_.position(content);
    f.anchor = anchor;
    f.block = block && type == ValueType::Object;
    char c = content < t_.size() ? t_[content] : '\0';
    if (c == '[' || c == '{') {
      f.closer = c == '[' ? ']' : '}';
      f.last_end = content + 1;
    } else {
      f.last_end = content;
    }
  }

  void close() {
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    size_t end = f.last_end;
    if (f.closer) {
      // The closing bracket follows the last entry, perhaps after a trailing ',' and comments.
      size_t q = f.last_end;
      for (;;) {
        q = skip_space(t_, q);
        if (q < t_.size() && t_[q] == ',') {
          ++q;
          continue;
        }
        if (q < t_.size() && t_[q] == f.closer) end = q + 1;
        break;
      }
    }
    if (!f.merges.empty()) apply_merges(f);
    Done d;
    d.value = std::move(f.node);
    d.value.span = Span::between(f.start_pos, file_.position(end));
    d.nodes = f.nodes;
    d.begin = f.start;
    d.end = end;
    d.anchor = f.anchor;
    complete(std::move(d));
  }

  // Sets the type and payload of a scalar from its tag and text.
  void resolve(Value& v, const std::string& tag, const std::string& text, bool plain, size_t mark,
               bool is_key) {
    ValueType want = ValueType::String;
    if (is_key) {  // keys stay text (the mapping reads Done::key_text); only tags are checked
      if (tag != "?" && tag != "!" && !standard_tag_type(tag, want)) unsupported_tag(mark);
      return;
    }
    if (tag == "?") {
      resolve_plain_scalar(text, v);
      return;
    }
    if (tag == "!" || (standard_tag_type(tag, want) && want == ValueType::String)) {
      v.type = ValueType::String;
      v.string = text;
      return;
    }
    if (standard_tag_type(tag, want) && want != ValueType::Object && want != ValueType::Array) {
      resolve_plain_scalar(text, v);
      if (want == ValueType::Number && v.type == ValueType::Integer) {
        v.type = ValueType::Number;
        v.number = static_cast<double>(v.integer);
      }
      if (v.type != want) {
        diags_.add(Code::UnsupportedYaml, v.span,
                   "'" + text + "' is not a valid " + tag_as_written(mark),
                   "remove the tag, or write a value of that type");
        syntax_error_ = true;
      }
      return;
    }
    unsupported_tag(mark);
    if (plain) {
      resolve_plain_scalar(text, v);
    } else {
      v.type = ValueType::String;
      v.string = text;
    }
  }

  // The first `!` property at or after `p`, as the user wrote it.
  std::string tag_as_written(size_t p, size_t* begin = nullptr, size_t* end = nullptr) const {
    size_t props_end = p;
    skip_properties(t_, p, &props_end);
    size_t b = t_.find('!', p);
    if (b == std::string_view::npos || b >= props_end) b = p;
    size_t e = b + 1;
    if (t_.substr(b, 2) == "!<") {
      size_t close = t_.find('>', b);
      e = close == std::string_view::npos ? props_end : close + 1;
    } else {
      while (e < t_.size() && !std::strchr(" \t\r\n,[]{}", t_[e])) ++e;
    }
    if (begin) *begin = b;
    if (end) *end = e;
    return std::string(t_.substr(b, e - b));
  }

  // A tag says the value means something wfc cannot know (`!env NAME`), so the document is not
  // checked further: the value as written would only draw a second, misleading error.
  void unsupported_tag(size_t p) {
    syntax_error_ = true;
    size_t b = 0, e = 0;
    std::string written = tag_as_written(p, &b, &e);
    diags_.add(Code::UnsupportedYaml, file_.span(b, e), "tag '" + written + "' is not supported",
               "remove the tag; wfc reads plain YAML values (strings, numbers, booleans, null, "
               "lists and mappings)");
  }

  // Counts values against the budget. `written` is true for a value as written in the text,
  // false for the copy kept of an anchored value. Past the budget: WF109 when aliases made the
  // document that big (an alias that crosses it is caught in OnAlias, a copy that crosses it
  // here), WF106 when the text alone holds that many values.
  void count(size_t n, size_t at, bool written = true) {
    nodes_ += n;
    if (written) written_ += n;
    if (nodes_ <= limits_.max_nodes) return;
    std::string limit = std::to_string(limits_.max_nodes);
    if (expanded_ && written_ <= limits_.max_nodes) {
      diags_.add(Code::UnsupportedYaml, char_span(file_, at),
                 "aliases expand the document beyond " + limit + " values",
                 "each alias repeats its anchor's whole value, so nested aliases multiply "
                 "(the 'billion laughs' pattern); write the values out instead");
    } else {
      diags_.add(Code::TooLarge, char_span(file_, at),
                 "the document has more than " + limit + " values",
                 "split the workflow into smaller files");
    }
    throw Stop{};
  }

  void complete(Done d) {
    if (d.anchor != 0) {
      if (anchors_.size() <= d.anchor) anchors_.resize(d.anchor + 1);
      // The anchored copy costs memory too, so it counts against the budget.
      count(d.nodes, d.begin, false);
      anchors_[d.anchor] = Anchored{d.value, d.nodes};
    }
    if (frames_.empty()) {
      root_ = std::move(d.value);
      return;
    }
    Frame& f = frames_.back();
    f.nodes += d.nodes;
    f.last_end = std::max(f.last_end, d.end);
    if (f.node.is_array()) {
      f.node.items.push_back(std::move(d.value));
      return;
    }
    if (f.want_key) {
      take_key(f, d);
    } else {
      take_value(f, std::move(d));
    }
  }

  void take_key(Frame& f, const Done& d) {
    f.want_key = false;
    f.drop_value = false;
    f.merge_value = false;
    f.key_span = d.value.span;
    f.key_end = d.end;
    if (d.key_text) {
      f.key = *d.key_text;
    } else if (d.value.is_string()) {
      f.key = d.value.string;  // an alias of a string
    } else {
      diags_.add(Code::UnsupportedYaml, d.value.span,
                 "complex (non-scalar) mapping keys are not supported",
                 "use a plain string as the key");
      f.drop_value = true;
      return;
    }
    if (f.block && d.key_text && !d.key_text->empty() && !followed_by_colon(d.end) &&
        !explicit_key(d.begin)) {
      if (auto glued = missing_space_after_colon(t_, d.begin, d.end)) {
        diags_.add(glued->code, file_.span(glued->begin, glued->end), std::move(glued->message),
                   std::move(glued->hint));
      } else {
        diags_.add(Code::InvalidSyntax, d.value.span, "missing ':' after key '" + f.key + "'",
                   "a mapping entry is written 'key: value'");
      }
      syntax_error_ = true;
    }
    if (d.plain && f.key == "<<") {
      if (f.merge_key_span.valid()) {
        duplicate(f.key, d.value.span, f.merge_key_span);
        f.drop_value = true;
      } else {
        f.merge_key_span = d.value.span;
        f.merge_value = true;
      }
      return;
    }
    if (const Member* first = find_member(f, f.key)) {
      duplicate(f.key, d.value.span, first->key_span);
      f.drop_value = true;
    }
  }

  void take_value(Frame& f, Done d) {
    f.want_key = true;
    if (f.drop_value) return;
    Value& v = d.value;
    if (f.merge_value) {
      std::string got;
      if (v.is_array()) {
        for (const auto& item : v.items) {
          if (!item.is_object()) {
            got = "a list holding " + type_with_article(item.type);
            break;
          }
        }
      } else if (!v.is_object()) {
        got = type_with_article(v.type);
      }
      if (!got.empty()) {
        // The mistake is the merge, not the anchored value, so an alias is reported where it
        // is used. Merging nothing would leave the mapping short of what the user meant, so
        // the document is not checked further.
        diags_.add(Code::UnsupportedYaml, d.alias ? file_.span(d.begin, d.end) : v.span,
                   "the merge key '<<' needs a mapping or a list of mappings, got " + got,
                   "write '<<: *anchor' where the anchor names a mapping");
        syntax_error_ = true;
        return;
      }
      f.merges.push_back(std::move(v));
      return;
    }
    add_member(f, Member{std::move(f.key), f.key_span, std::move(v)});
  }

  void add_member(Frame& f, Member m) {
    if (f.node.members.size() == kLinearKeys) {
      for (const auto& existing : f.node.members) f.keys.insert(existing.key);
    }
    if (f.node.members.size() >= kLinearKeys) f.keys.insert(m.key);
    f.node.members.push_back(std::move(m));
  }

  const Member* find_member(const Frame& f, const std::string& key) const {
    if (f.node.members.size() > kLinearKeys && !f.keys.count(key)) return nullptr;
    return f.node.find(key);
  }

  // YAML merge keys (`<<: *defaults`): entries of the merged mappings that the mapping does not
  // define itself; an earlier mapping in a `<<` list wins over a later one.
  void apply_merges(Frame& f) {
    for (auto& source : f.merges) {
      std::vector<Value*> maps;
      if (source.is_object()) {
        maps.push_back(&source);
      } else {
        for (auto& item : source.items) maps.push_back(&item);
      }
      for (Value* map : maps) {
        for (auto& m : map->members) {
          if (!find_member(f, m.key)) add_member(f, std::move(m));
        }
      }
    }
  }

  void duplicate(const std::string& key, Span second, Span first) {
    diags_.add(Code::DuplicateKey, second, "duplicate key '" + key + "'",
               "first defined at " + position_text(first.begin()));
  }

  bool followed_by_colon(size_t end) const {
    while (end < t_.size() && (t_[end] == ' ' || t_[end] == '\t')) ++end;
    return end < t_.size() && t_[end] == ':';
  }

  // A key written after `? ` (an explicit key needs no `:`).
  bool explicit_key(size_t begin) const {
    while (begin > 0 && (t_[begin - 1] == ' ' || t_[begin - 1] == '\t')) --begin;
    return begin > 0 && t_[begin - 1] == '?';
  }

  const SourceFile& file_;
  std::string_view t_;
  size_t bom_;
  const YamlLayout& layout_;
  diag::Diagnostics& diags_;
  const Limits& limits_;
  std::vector<Frame> frames_;
  std::vector<std::optional<Anchored>> anchors_;  // by yaml-cpp's anchor id
  std::string key_text_;
  std::optional<Value> root_;
  size_t nodes_ = 0;       // values so far, aliases expanded, anchored values counted twice
  size_t written_ = 0;     // values as written in the text
  bool expanded_ = false;  // an alias has been expanded
  size_t doc_start_ = 0;
  // A problem was reported that keeps the document from the checker; reading goes on to find
  // the others.
  bool syntax_error_ = false;
};

// Finds where a second document starts, without parsing it.
class DocumentProbe : public YAML::EventHandler {
 public:
  int pos = -1;
  void OnDocumentStart(const YAML::Mark& mark) override {
    pos = mark.pos;
    throw Stop{};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

void report_parse_error(const SourceFile& file, size_t bom, const YAML::Exception& e,
                        diag::Diagnostics& diags, const Limits& limits) {
  size_t at = std::min(file.text().size(), static_cast<size_t>(std::max(e.mark.pos, 0)) + bom);
  YamlError error = describe_yaml_error(e.msg, file, at, open_flow_brackets(file, bom, at, limits));
  Span span = error.end > error.begin ? file.span(error.begin, error.end) : char_span(file, at);
  diags.add(error.code, span, std::move(error.message), std::move(error.hint));
}

void report_second_document(const SourceFile& file, size_t at, const YamlLayout& layout,
                            diag::Diagnostics& diags) {
  std::string_view t = file.text();
  bool after_end_marker = !layout.document_ends.empty() && layout.document_ends.front() < at;
  if (t.substr(at, 3) == "---") {
    diags.add(Code::MultipleDocuments, file.span(at, at + 3), "a second YAML document starts here",
              "a workflow file holds one document; put each workflow in its own file");
  } else if (after_end_marker) {
    diags.add(Code::MultipleDocuments, char_span(file, at), "a second YAML document starts here",
              "nothing may follow '...', the end of the document; put each workflow in its own "
              "file");
  } else {
    diags.add(Code::InvalidSyntax, char_span(file, at),
              "this line does not belong to the document above",
              "a top-level list and a top-level mapping cannot be mixed; check the indentation");
  }
}

std::optional<Value> read(const SourceFile& file, diag::Diagnostics& diags, const Limits& limits) {
  std::string_view text = file.text();
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    // precheck() reports this first; a direct caller must not hand NULs to yaml-cpp, which would
    // take them for a UTF-16 or UTF-32 byte order.
    size_t at = static_cast<size_t>(static_cast<const char*>(nul) - text.data());
    diags.add(Code::BinaryFile, char_span(file, at), "the file contains a NUL byte",
              "workflow files are text; check that the path names the right file");
    return std::nullopt;
  }
  size_t bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  YamlLayout layout = prescan_yaml(file, bom, diags, limits);
  if (!layout.ok) return std::nullopt;

  TextBuffer buffer(text);
  std::istream in(&buffer);
  Builder builder(file, bom, layout, diags, limits);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) {
      diags.add(Code::EmptyFile, Span{1, 1, 1, 1}, "the file has no document",
                "a workflow file needs a document: an automation, a run request, a task or a "
                "workflow array");
      return std::nullopt;
    }
    DocumentProbe probe;
    try {
      parser.HandleNextDocument(probe);
    } catch (const Stop&) {
      size_t at = std::min(text.size(), static_cast<size_t>(std::max(probe.pos, 0)) + bom);
      report_second_document(file, at, layout, diags);
    }
  } catch (const Stop&) {
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    report_parse_error(file, bom, e, diags, limits);
    return std::nullopt;
  } catch (const std::exception& e) {
    diags.add(Code::InvalidSyntax, Span{1, 1, 1, 1},
              std::string("the YAML could not be read: ") + e.what());
    return std::nullopt;
  }
  if (builder.syntax_error() || !builder.root()) return std::nullopt;
  return std::move(builder.root());
}

}  // namespace

std::optional<Value> read_yaml(const SourceFile& file, diag::Diagnostics& diags,
                               const Limits& limits) {
  try {
    return read(file, diags, limits);
  } catch (const std::exception& e) {
    // Only resource exhaustion (bad_alloc) gets here; user input problems are diagnostics.
    diags.add(Code::InvalidSyntax, Span{1, 1, 1, 1},
              std::string("the YAML could not be read: ") + e.what());
    return std::nullopt;
  }
}

}  // namespace wfc::syntax
