// read_json: strict RFC 8259 JSON into a located Value tree, with simdjson On-Demand.
//
// simdjson validates and decodes; every span comes from the raw token simdjson points at in the
// text (a container's end from the token after it). When simdjson rejects the text, the
// diagnostic scanner (json_scanner.h) finds the first error again and says what it is: a syntax
// error is the one diagnostic the file gets, since JSON cannot be meaningfully recovered.
// Duplicate keys are not syntax errors: each is reported and reading goes on.
#include "compiler/syntax/json/json_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/syntax/json/json_scanner.h"
#include "compiler/util/utf8.h"

namespace wfc::syntax {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// Past this size a file's parser and buffers are released after reading, so that one huge file
// does not pin its memory for the life of the thread.
constexpr size_t kKeepCapacity = 1u << 20;
// Objects with more members than this find duplicate keys through a hash map.
constexpr size_t kLinearKeySearch = 16;
// Most objects and arrays in a workflow have a handful of children, so in files up to this size
// the first allocation makes room for four (15% faster to read). Bigger files grow each
// vector from one, so that a hostile `[[0],[0],...]` costs 240 bytes, not 600, per element.
constexpr size_t kSmallFile = 64u << 10;
constexpr size_t kFirstCapacity = 4;
// A file of nothing but one key repeated would otherwise cost a diagnostic per six bytes.
constexpr size_t kMaxDuplicateReports = 1000;

// What each thread keeps between files, so that reading a file allocates little beyond the Value
// tree itself: simdjson's parser and a padded copy of the text.
struct ThreadState {
  std::unique_ptr<od::parser> parser;
  std::unique_ptr<char[]> buffer;
  size_t buffer_capacity = 0;
};

thread_local ThreadState t_state;

bool is_ascii(std::string_view text) {
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    any |= word;
  }
  for (; i < text.size(); ++i) any |= static_cast<unsigned char>(text[i]);
  return (any & 0x8080808080808080ull) == 0;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Member index by key, looked up with the string_view simdjson decoded.
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using KeyIndex = std::unordered_map<std::string, size_t, KeyHash, std::equal_to<>>;

// A step in the path from the root to a value, kept on the C++ stack; a JSON pointer is built
// from it only when a diagnostic needs one.
struct PathStep {
  const PathStep* parent;
  std::string_view key;  // for object members
  size_t index;          // for array elements
  bool is_key;
};

std::string pointer_of(const PathStep* step) {
  std::vector<const PathStep*> steps;
  for (; step; step = step->parent) steps.push_back(step);
  std::string out;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    out += '/';
    if (!(*it)->is_key) {
      out += std::to_string((*it)->index);
      continue;
    }
    for (char c : (*it)->key) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out += c;
      }
    }
  }
  return out;
}

std::string quoted_key(std::string_view key) {
  std::string out = "'";
  for (char c : key.substr(0, 60)) out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  if (key.size() > 60) out += "...";
  return out + "'";
}

class Reader {
 public:
  Reader(const SourceFile& file, const char* base, size_t start, od::document& doc,
         diag::Diagnostics& diags, const Limits& limits)
      : file_(file),
        text_(file.text()),
        base_(base),
        start_(start),
        doc_(doc),
        diags_(diags),
        limits_(limits) {}

  // Reads the document's root value. False when reading stopped at an error (error() says which).
  bool read_root(Value& out);

  simdjson::error_code error() const { return error_; }
  // The offset just past the value read last; after read_root, past the root.
  size_t end() const { return end_; }
  // The offset of the first bracket past the depth limit, or npos, and its JSON pointer.
  size_t too_deep_at() const { return too_deep_at_; }
  const std::string& too_deep_pointer() const { return too_deep_pointer_; }
  // Duplicate keys found beyond kMaxDuplicateReports, which are not reported one by one.
  size_t unreported_duplicates() const {
    return duplicates_ > kMaxDuplicateReports ? duplicates_ - kMaxDuplicateReports : 0;
  }

 private:
  size_t offset(const char* p) const { return start_ + static_cast<size_t>(p - base_); }
  // The offset of the last non-space character before `offset`.
  size_t previous_token_end(size_t offset) const {
    while (offset > start_ && is_space(text_[offset - 1])) --offset;
    return offset;
  }
  // The offset just past the container that was read last: the token simdjson stands on now is
  // the one after it, and only spaces lie between.
  size_t container_end() {
    const char* next = nullptr;
    size_t at =
        doc_.current_location().get(next) == simdjson::SUCCESS ? offset(next) : text_.size();
    return previous_token_end(at);
  }
  // Positions of offsets asked for in increasing order, as reading does. (SourceFile::position
  // answers any order, at a cost per call that showed in profiles: a 4 KB file asks about a
  // thousand times.) In an ASCII file a column is a byte count from the line's start, and the
  // line starts come from the SourceFile; otherwise the bytes in between are walked.
  Position position(size_t offset) {
    if (offset < cursor_) return file_.position(offset);
    if (ascii_) {
      while (offset >= next_line_start_) {
        line_start_ = next_line_start_;
        ++line_;
        next_line_start_ =
            line_ < file_.line_count() ? file_.offset({line_ + 1, 1}) : text_.size() + 1;
      }
      cursor_ = offset;
      return {line_, static_cast<uint32_t>(offset - line_start_ + 1)};
    }
    const char* p = text_.data();
    uint32_t line = line_, column = column_;
    for (size_t i = cursor_; i < offset; ++i) {
      const char c = p[i];
      if (c == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
        ++column;  // continuation bytes belong to their lead byte's column
      }
    }
    cursor_ = offset;
    line_ = line;
    column_ = column;
    return {line, column};
  }
  Span span(size_t begin, size_t end) {
    const Position first = position(begin);
    return Span::between(first, position(end));
  }
  bool fail(simdjson::error_code e) {
    error_ = e;
    return false;
  }

  bool read(od::value v, Value& out, uint32_t depth, const PathStep* path);
  bool read_array(od::value v, Value& out, uint32_t depth, const PathStep* path);
  bool read_object(od::value v, Value& out, uint32_t depth, const PathStep* path);
  bool read_scalar(od::value& v, od::json_type type, std::string_view raw, Value& out);

  const SourceFile& file_;
  std::string_view text_;
  const char* base_;  // the padded copy of text_[start_..]
  size_t start_;
  od::document& doc_;
  diag::Diagnostics& diags_;
  const Limits& limits_;
  simdjson::error_code error_ = simdjson::SUCCESS;
  size_t too_deep_at_ = std::string_view::npos;
  std::string too_deep_pointer_;
  size_t end_ = 0;
  size_t duplicates_ = 0;
  size_t first_capacity_ = text_.size() <= kSmallFile ? kFirstCapacity : 1;
  // position()'s place: the offset, and its line and column (a BOM before start_ takes none);
  // for ASCII text, where the line starts and where the next one does.
  size_t cursor_ = start_;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
  bool ascii_ = is_ascii(text_.substr(start_));
  size_t line_start_ = start_;
  size_t next_line_start_ = file_.line_count() > 1 ? file_.offset({2, 1}) : text_.size() + 1;
};

bool Reader::read_root(Value& out) {
  od::json_type type;
  if (auto e = doc_.type().get(type)) return fail(e);
  if (type == od::json_type::array || type == od::json_type::object) {
    od::value v;
    if (auto e = doc_.get_value().get(v)) return fail(e);
    return read(v, out, 1, nullptr);
  }
  // A scalar document is no workflow, but it is JSON. simdjson 3.0 gets root scalars wrong both
  // ways (it accepts "falseU" and rejects "0" followed by 30 spaces), so the strict scanner
  // judges the text and the value is taken from the token itself.
  std::string_view raw;
  if (auto e = doc_.raw_json_token().get(raw)) return fail(e);
  while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
  if (find_json_error(file_, start_, limits_.max_depth)) return fail(simdjson::TAPE_ERROR);
  const size_t begin = offset(raw.data());
  end_ = begin + raw.size();
  out.span = span(begin, end_);
  switch (type) {
    case od::json_type::string: {
      std::string_view s;
      if (auto e = doc_.get_string().get(s)) return fail(e);
      out.type = ValueType::String;
      out.string = std::string(s);
      return true;
    }
    case od::json_type::number: {
      std::string token(raw);
      if (token.find_first_of(".eE") == std::string::npos &&
          std::from_chars(token.data(), token.data() + token.size(), out.integer).ec ==
              std::errc()) {
        out.type = ValueType::Integer;
      } else {
        out.type = ValueType::Number;
        out.number = std::strtod(token.c_str(), nullptr);
      }
      return true;
    }
    case od::json_type::boolean:
      out.type = ValueType::Bool;
      out.boolean = raw == "true";
      return true;
    default:
      out.type = ValueType::Null;
      return true;
  }
}

bool Reader::read(od::value v, Value& out, uint32_t depth, const PathStep* path) {
  od::json_type type;
  if (auto e = v.type().get(type)) return fail(e);
  switch (type) {
    case od::json_type::array:
      return read_array(v, out, depth, path);
    case od::json_type::object:
      return read_object(v, out, depth, path);
    default:
      return read_scalar(v, type, v.raw_json_token(), out);
  }
}

bool Reader::read_scalar(od::value& v, od::json_type type, std::string_view raw, Value& out) {
  // The raw token runs on over the spaces that follow it.
  while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
  const size_t begin = offset(raw.data());
  end_ = begin + raw.size();
  out.span = span(begin, end_);
  switch (type) {
    case od::json_type::string: {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return fail(e);
      out.type = ValueType::String;
      out.string = std::string(s);
      return true;
    }
    case od::json_type::number: {
      // The token's own text decides the type (an integer is written without '.' or exponent and
      // fits int64); simdjson parses and validates it either way.
      int64_t i;
      if (raw.find_first_of(".eE") == std::string_view::npos &&
          std::from_chars(raw.data(), raw.data() + raw.size(), i).ec == std::errc()) {
        if (auto e = v.get_int64().get(out.integer)) return fail(e);
        out.type = ValueType::Integer;
        return true;
      }
      if (auto e = v.get_double().get(out.number)) return fail(e);
      out.type = ValueType::Number;
      return true;
    }
    case od::json_type::boolean: {
      if (auto e = v.get_bool().get(out.boolean)) return fail(e);
      out.type = ValueType::Bool;
      return true;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return fail(e);
      if (!is_null) return fail(simdjson::INCORRECT_TYPE);
      out.type = ValueType::Null;
      return true;
    }
    default:
      return fail(simdjson::INCORRECT_TYPE);
  }
}

bool Reader::read_array(od::value v, Value& out, uint32_t depth, const PathStep* path) {
  const size_t begin = offset(v.raw_json_token().data());
  if (depth > limits_.max_depth) {
    too_deep_at_ = begin;
    too_deep_pointer_ = pointer_of(path);
    return false;
  }
  const Position begin_position = position(begin);
  od::array array;
  if (auto e = v.get_array().get(array)) return fail(e);
  out.type = ValueType::Array;
  // Each element is read in place: reading it touches its own vectors, never these.
  size_t index = 0;
  for (auto element : array) {
    od::value child_value;
    if (auto e = std::move(element).get(child_value)) return fail(e);
    PathStep step{path, {}, index++, false};
    if (out.items.empty()) out.items.reserve(first_capacity_);
    if (!read(child_value, out.items.emplace_back(), depth + 1, &step)) return false;
  }
  end_ = container_end();
  out.span = Span::between(begin_position, position(end_));
  return true;
}

bool Reader::read_object(od::value v, Value& out, uint32_t depth, const PathStep* path) {
  const size_t begin = offset(v.raw_json_token().data());
  if (depth > limits_.max_depth) {
    too_deep_at_ = begin;
    too_deep_pointer_ = pointer_of(path);
    return false;
  }
  const Position begin_position = position(begin);
  od::object object;
  if (auto e = v.get_object().get(object)) return fail(e);
  out.type = ValueType::Object;
  auto& members = out.members;
  KeyIndex index;  // for large objects only
  for (auto field_result : object) {
    od::field field;
    if (auto e = std::move(field_result).get(field)) return fail(e);
    const size_t key_begin = offset(field.key().raw()) - 1;  // raw() is past the opening quote
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return fail(e);
    od::value& field_value = field.value();
    // Between the key's closing quote and its value lie only ':' and spaces.
    const size_t value_begin = offset(field_value.raw_json_token().data());
    const size_t key_end = previous_token_end(previous_token_end(value_begin) - 1);
    const Span key_span = span(key_begin, key_end);

    const Member* duplicate = nullptr;
    if (members.size() <= kLinearKeySearch) {
      for (const Member& m : members) {
        if (m.key == key) duplicate = &m;
      }
    } else {
      if (index.empty()) {
        for (size_t i = 0; i < members.size(); ++i) index.emplace(members[i].key, i);
      }
      if (auto it = index.find(key); it != index.end()) duplicate = &members[it->second];
    }

    PathStep step{path, key, 0, true};
    if (duplicate) {
      if (++duplicates_ <= kMaxDuplicateReports) {
        const Span first_span = duplicate->key_span;
        auto& d = diags_.add(diag::Code::DuplicateKey, key_span, "duplicate key " + quoted_key(key),
                             "first defined at " + std::to_string(first_span.line) + ":" +
                                 std::to_string(first_span.column));
        d.pointer = pointer_of(&step);
      }
      // The second value is read for its own problems, then dropped: the first one stands.
      Value dropped;
      if (!read(field_value, dropped, depth + 1, &step)) return false;
      continue;
    }
    if (members.empty()) members.reserve(first_capacity_);
    Member& member = members.emplace_back();
    member.key = std::string(key);
    member.key_span = key_span;
    if (!index.empty()) index.emplace(member.key, members.size() - 1);
    if (!read(field_value, member.value, depth + 1, &step)) return false;
  }
  end_ = container_end();
  out.span = Span::between(begin_position, position(end_));
  return true;
}

// simdjson's message, for the rare error the scanner does not find: lowercase, no period.
std::string simdjson_message(simdjson::error_code e) {
  std::string m = simdjson::error_message(e);
  if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  while (!m.empty() && (m.back() == '.' || m.back() == ' ')) m.pop_back();
  return m;
}

// Reports the one syntax error of a file that simdjson rejected at `fallback_offset`.
void report_syntax_error(const SourceFile& file, size_t start, simdjson::error_code e,
                         size_t fallback_offset, diag::Diagnostics& diags, const Limits& limits) {
  std::string_view text = file.text();
  if (e == simdjson::UTF8_ERROR) {
    // Only when read_json is called without precheck, which reports this first.
    size_t at = find_invalid_utf8(text);
    if (at != std::string_view::npos) {
      Position p = file.position(at);
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned char>(text[at]));
      diags.add(diag::Code::InvalidUtf8, {p.line, p.column, p.line, p.column + 1},
                std::string("invalid UTF-8 byte ") + byte, "re-save the file as UTF-8");
      return;
    }
  }
  if (auto error = find_json_error(file, start, limits.max_depth)) {
    diags.add(error->code, error->span, std::move(error->message), std::move(error->hint));
    return;
  }
  fallback_offset = std::min(fallback_offset, text.size());
  diags.add(diag::Code::InvalidSyntax, file.span(fallback_offset, fallback_offset + 1),
            simdjson_message(e));
}

}  // namespace

std::optional<Value> read_json(const SourceFile& file, diag::Diagnostics& diags,
                               const Limits& limits) {
  ThreadState& state = t_state;
  const std::string& text = file.text();
  const size_t start = std::string_view(text).substr(0, kBom.size()) == kBom ? kBom.size() : 0;
  const size_t length = text.size() - start;

  // simdjson reads up to SIMDJSON_PADDING bytes past the end of its input.
  const size_t needed = length + simdjson::SIMDJSON_PADDING;
  if (state.buffer_capacity < needed) {
    state.buffer_capacity = std::max(needed, size_t{4096});
    state.buffer = std::make_unique<char[]>(state.buffer_capacity);
  }
  std::memcpy(state.buffer.get(), text.data() + start, length);
  std::memset(state.buffer.get() + length, ' ', simdjson::SIMDJSON_PADDING);
  // On-Demand keeps no depth limit of its own (Reader enforces limits.max_depth).
  if (!state.parser) state.parser = std::make_unique<od::parser>();

  const size_t diags_before = diags.size();
  std::optional<Value> result;
  od::document doc;
  simdjson::error_code error =
      state.parser
          ->iterate(simdjson::padded_string_view(state.buffer.get(), length, state.buffer_capacity))
          .get(doc);
  size_t error_offset = start;
  if (!error) {
    Reader reader(file, state.buffer.get(), start, doc, diags, limits);
    Value root;
    bool ok = reader.read_root(root);
    error = reader.error();
    if (ok) {
      // One JSON value per file: only spaces may follow it.
      size_t end = reader.end();
      while (end < text.size() && is_space(text[end])) ++end;
      if (end < text.size()) {
        error = simdjson::TRAILING_CONTENT;
        error_offset = end;
      } else {
        result = std::move(root);
        if (size_t more = reader.unreported_duplicates()) {
          diags.items().back().hint +=
              "; " + std::to_string(more) + " more duplicate keys are not reported";
        }
      }
    } else if (reader.too_deep_at() != std::string_view::npos) {
      diags.items().resize(diags_before);
      JsonError deep = too_deep_error(file, reader.too_deep_at(), limits.max_depth);
      diags.add(deep.code, deep.span, std::move(deep.message), std::move(deep.hint)).pointer =
          reader.too_deep_pointer();
    } else {
      const char* at = nullptr;
      if (doc.current_location().get(at) == simdjson::SUCCESS) {
        error_offset = start + static_cast<size_t>(at - state.buffer.get());
      }
    }
  }
  if (error) {
    diags.items().resize(diags_before);
    report_syntax_error(file, start, error, error_offset, diags, limits);
  }
  if (state.buffer_capacity > kKeepCapacity) {
    state.parser.reset();
    state.buffer.reset();
    state.buffer_capacity = 0;
  }
  return result;
}

}  // namespace wfc::syntax
