// read_json: strict RFC 8259 JSON into a located Value tree, with simdjson On-Demand.
//
// simdjson validates and decodes; every span comes from the raw token simdjson points at in the
// text (a container's end from the token after it). When simdjson rejects the text, the
// diagnostic scanner (json_scanner.h) finds the first error again and says what it is: a syntax
// error is the one diagnostic the file gets, since JSON cannot be meaningfully recovered.
// Duplicate keys are not syntax errors: each is reported and reading goes on.
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/syntax/json_scanner.h"
#include "compiler/syntax/reader.h"
#include "compiler/syntax/utf8.h"

namespace wfc::syntax {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// Past this size a file's parser and buffers are released after reading, so that one huge file
// does not pin its memory for the life of the thread.
constexpr size_t kKeepCapacity = 1u << 20;
// Objects with more members than this find duplicate keys through a hash map.
constexpr size_t kLinearKeySearch = 16;
// A file of nothing but one key repeated would otherwise cost a diagnostic per six bytes.
constexpr size_t kMaxDuplicateReports = 1000;

// What each thread keeps between files, so that reading a file allocates little beyond the Value
// tree itself: simdjson's parser, a padded copy of the text, and stacks for the children of the
// containers being read (each container's vector is then allocated once, at its exact size).
struct ThreadState {
  std::unique_ptr<od::parser> parser;
  std::unique_ptr<char[]> buffer;
  size_t buffer_capacity = 0;
  std::vector<Value> items;
  std::vector<Member> members;
  std::vector<std::string_view> keys;  // unescaped keys of `members`, in simdjson's string buffer
};

thread_local ThreadState t_state;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Whether a scalar's raw token is all of one scalar, which simdjson does not always check.
bool token_is_whole(od::json_type type, std::string_view raw) {
  switch (type) {
    case od::json_type::boolean:
      return raw == "true" || raw == "false";
    case od::json_type::null:
      return raw == "null";
    case od::json_type::number:
      return raw.find_first_not_of("0123456789+-.eE") == std::string_view::npos;
    case od::json_type::string:
      return raw.size() >= 2 && raw.back() == '"';
    default:
      return true;
  }
}

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
         diag::Diagnostics& diags, const Limits& limits, ThreadState& state)
      : file_(file),
        text_(file.text()),
        base_(base),
        start_(start),
        doc_(doc),
        diags_(diags),
        limits_(limits),
        state_(state) {}

  // Reads the document's root value. False when reading stopped at an error (error() says which).
  bool read_root(Value& out);

  simdjson::error_code error() const { return error_; }
  // The offset just past the value read last; after read_root, past the root.
  size_t end() const { return end_; }
  // The offset of the first bracket past the depth limit, or npos.
  size_t too_deep_at() const { return too_deep_at_; }
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
  bool fail(simdjson::error_code e) {
    error_ = e;
    return false;
  }

  bool read(od::value v, Value& out, uint32_t depth, const PathStep* path);
  bool read_array(od::value v, Value& out, uint32_t depth, const PathStep* path);
  bool read_object(od::value v, Value& out, uint32_t depth, const PathStep* path);
  template <typename V>
  bool read_scalar(V& v, od::json_type type, std::string_view raw, Value& out);

  const SourceFile& file_;
  std::string_view text_;
  const char* base_;  // the padded copy of text_[start_..]
  size_t start_;
  od::document& doc_;
  diag::Diagnostics& diags_;
  const Limits& limits_;
  ThreadState& state_;
  simdjson::error_code error_ = simdjson::SUCCESS;
  size_t too_deep_at_ = std::string_view::npos;
  size_t end_ = 0;
  size_t duplicates_ = 0;
};

bool Reader::read_root(Value& out) {
  od::json_type type;
  if (auto e = doc_.type().get(type)) return fail(e);
  if (type == od::json_type::array || type == od::json_type::object) {
    od::value v;
    if (auto e = doc_.get_value().get(v)) return fail(e);
    return read(v, out, 1, nullptr);
  }
  std::string_view raw;
  if (auto e = doc_.raw_json_token().get(raw)) return fail(e);
  return read_scalar(doc_, type, raw, out);
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

template <typename V>
bool Reader::read_scalar(V& v, od::json_type type, std::string_view raw, Value& out) {
  // The raw token runs on over the spaces that follow it.
  while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
  const size_t begin = offset(raw.data());
  end_ = begin + raw.size();
  out.span = file_.span(begin, end_);
  // simdjson 3.0 accepts a root literal that runs on ("falseU"); the token must be exact.
  if (!token_is_whole(type, raw)) return fail(simdjson::INCORRECT_TYPE);
  switch (type) {
    case od::json_type::string: {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return fail(e);
      out.type = ValueType::String;
      out.string.assign(s.data(), s.size());
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
    return false;
  }
  const Position begin_position = file_.position(begin);
  od::array array;
  if (auto e = v.get_array().get(array)) return fail(e);
  auto& items = state_.items;
  const size_t first = items.size();
  size_t index = 0;
  for (auto element : array) {
    od::value child_value;
    if (auto e = std::move(element).get(child_value)) return fail(e);
    PathStep step{path, {}, index++, false};
    Value child;
    if (!read(child_value, child, depth + 1, &step)) return false;
    items.push_back(std::move(child));
  }
  out.type = ValueType::Array;
  out.items.assign(std::make_move_iterator(items.begin() + first),
                   std::make_move_iterator(items.end()));
  items.resize(first);
  end_ = container_end();
  out.span = Span::between(begin_position, file_.position(end_));
  return true;
}

bool Reader::read_object(od::value v, Value& out, uint32_t depth, const PathStep* path) {
  const size_t begin = offset(v.raw_json_token().data());
  if (depth > limits_.max_depth) {
    too_deep_at_ = begin;
    return false;
  }
  const Position begin_position = file_.position(begin);
  od::object object;
  if (auto e = v.get_object().get(object)) return fail(e);
  auto& members = state_.members;
  auto& keys = state_.keys;
  const size_t first = members.size();
  std::unordered_map<std::string_view, size_t> index;  // key -> member, for large objects only
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
    const Span key_span = file_.span(key_begin, key_end);

    const Member* duplicate = nullptr;
    const size_t count = members.size() - first;
    if (count <= kLinearKeySearch) {
      for (size_t i = first; i < members.size(); ++i) {
        if (keys[i] == key) duplicate = &members[i];
      }
    } else {
      if (index.empty()) {
        for (size_t i = first; i < members.size(); ++i) index.emplace(keys[i], i);
      }
      if (auto it = index.find(key); it != index.end()) duplicate = &members[it->second];
    }

    PathStep step{path, key, 0, true};
    Value child;
    if (duplicate) {
      if (++duplicates_ <= kMaxDuplicateReports) {
        const Span first_span = duplicate->key_span;
        auto& d = diags_.add(diag::Code::DuplicateKey, key_span, "duplicate key " + quoted_key(key),
                             "first defined at " + std::to_string(first_span.line) + ":" +
                                 std::to_string(first_span.column));
        d.pointer = pointer_of(&step);
      }
      // The second value is read for its own problems, then dropped: the first one stands.
      if (!read(field_value, child, depth + 1, &step)) return false;
      continue;
    }
    if (!read(field_value, child, depth + 1, &step)) return false;
    if (!index.empty()) index.emplace(key, members.size());
    members.push_back(Member{std::string(key), key_span, std::move(child)});
    keys.push_back(key);
  }
  out.type = ValueType::Object;
  out.members.assign(std::make_move_iterator(members.begin() + first),
                     std::make_move_iterator(members.end()));
  members.resize(first);
  keys.resize(first);
  end_ = container_end();
  out.span = Span::between(begin_position, file_.position(end_));
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
    Reader reader(file, state.buffer.get(), start, doc, diags, limits, state);
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
      diags.add(deep.code, deep.span, std::move(deep.message), std::move(deep.hint));
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
  // The thread-local stacks are empty again unless reading stopped half-way.
  state.items.clear();
  state.members.clear();
  state.keys.clear();
  if (state.buffer_capacity > kKeepCapacity) {
    state.parser.reset();
    state.buffer.reset();
    state.buffer_capacity = 0;
    state.items.shrink_to_fit();
    state.members.shrink_to_fit();
    state.keys.shrink_to_fit();
  }
  return result;
}

}  // namespace wfc::syntax
