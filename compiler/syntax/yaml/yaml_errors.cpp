// Rewriting yaml-cpp's parse errors (see yaml_errors.h). yaml-cpp's messages are the constants
// of YAML::ErrorMsg; each is matched here and turned into a message that names what is wrong at
// the reported position and a hint that says how to fix it.
#include "compiler/syntax/yaml/yaml_errors.h"

#include <yaml-cpp/exceptions.h>

#include <algorithm>
#include <cstring>

namespace wfc::syntax {
namespace {

using diag::Code;

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The character at `at` as the user wrote it (a whole UTF-8 sequence), or "" at end of file.
std::string char_at(std::string_view text, size_t at) {
  if (at >= text.size()) return {};
  size_t end = at + 1;
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  return std::string(text.substr(at, end - at));
}

// The end of the `*alias` or `&anchor` token at `at` (its name ends at a space, a line break or
// a flow indicator).
size_t name_end(std::string_view text, size_t at) {
  size_t end = at < text.size() && (text[at] == '*' || text[at] == '&') ? at + 1 : at;
  while (end < text.size()) {
    char c = text[end];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ']' || c == '}') break;
    ++end;
  }
  return end;
}

// The name after `*` or `&` at `at`, cut to 64 bytes (at a character boundary) for messages.
std::string name_at(std::string_view text, size_t at) {
  size_t begin = at < text.size() && (text[at] == '*' || text[at] == '&') ? at + 1 : at;
  size_t end = std::min(name_end(text, at), begin + 64);
  while (end > begin && end < text.size() &&
         (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return std::string(text.substr(begin, end - begin));
}

bool first_on_line(std::string_view text, size_t at) {
  while (at > 0 && (text[at - 1] == ' ' || text[at - 1] == '\t')) --at;
  return at == 0 || text[at - 1] == '\n';
}

YamlError block_end(std::string_view text, size_t at, std::string_view what) {
  std::string c = char_at(text, at);
  if (c.empty()) {
    return {Code::InvalidSyntax, "unexpected end of file in a " + std::string(what),
            "the file seems cut short"};
  }
  if (first_on_line(text, at)) {
    return {Code::InvalidSyntax,
            "this line is not aligned with the " + std::string(what) + " it belongs to",
            "entries of one " + std::string(what) +
                " start in the same column; fix the indentation of this line"};
  }
  return {Code::InvalidSyntax, "unexpected '" + c + "' after a complete value",
          "a value ends here; put what follows on its own line, or quote the whole value"};
}

std::string position_text(const SourceFile& file, size_t offset) {
  Position p = file.position(offset);
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

// The innermost open flow bracket, or kNone when there is none.
constexpr size_t kNone = std::string_view::npos;
size_t innermost(const std::vector<size_t>& open_flows) {
  return open_flows.empty() ? kNone : open_flows.back();
}

// yaml-cpp expected a ',' or the closing bracket of the innermost flow collection (`open`).
YamlError flow_end(const SourceFile& file, size_t at, const std::vector<size_t>& open_flows,
                   char open, char close, std::string_view what) {
  std::string_view text = file.text();
  std::string o(1, open), cl(1, close);
  // Name the bracket by position when the pre-scan agrees on which one it is.
  size_t opener = innermost(open_flows);
  std::string which = opener != kNone && text[opener] == open
                          ? "the '" + o + "' at " + position_text(file, opener)
                          : "the " + std::string(what);
  if (at >= text.size()) {
    return {Code::InvalidSyntax,
            "unclosed '" + o + "': the file ends inside a flow " + std::string(what),
            "close " + which + " with '" + cl + "'"};
  }
  return {Code::InvalidSyntax, "expected ',' or '" + cl + "' but found '" + char_at(text, at) + "'",
          "separate the entries of a flow " + std::string(what) + " with ',' and close " + which +
              " with '" + cl + "'"};
}

// A closing bracket that does not close the innermost open one: `[a, b}` or a stray `]`.
YamlError unmatched_close(const SourceFile& file, size_t at,
                          const std::vector<size_t>& open_flows) {
  std::string_view text = file.text();
  std::string c = char_at(text, at);
  size_t opener = innermost(open_flows);
  if (opener != kNone) {
    char want = text[opener] == '[' ? ']' : '}';
    if (c[0] != want) {
      return {Code::InvalidSyntax,
              "expected ',' or '" + std::string(1, want) + "' but found '" + c + "'",
              "the '" + std::string(1, text[opener]) + "' at " + position_text(file, opener) +
                  " is not closed"};
    }
  }
  return {Code::InvalidSyntax, "unexpected '" + c + "' with no matching opening bracket",
          "remove it, or add the missing '" + std::string(c == "}" ? "{" : "[") + "'"};
}

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

// The offset of the ':' in a `key:value` token (a key, a colon, no space) starting at `p`, or
// kNone. URLs (`https://…`) are not such tokens.
size_t glued_colon(std::string_view text, size_t p) {
  size_t i = p;
  while (i < text.size() && is_key_char(text[i])) ++i;
  if (i == p || i + 1 >= text.size() || text[i] != ':') return kNone;
  char next = text[i + 1];
  if (next == ' ' || next == '\t' || next == '\r' || next == '\n' || next == '/' || next == ':') {
    return kNone;
  }
  return i;
}

size_t line_start(std::string_view text, size_t p) {
  while (p > 0 && text[p - 1] != '\n') --p;
  return p;
}

// The first token of the line at `ls`, past indentation and `- ` entries; kNone for a blank or
// comment line.
size_t first_token(std::string_view text, size_t ls) {
  size_t p = ls;
  for (;;) {
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
    if (p + 1 < text.size() && text[p] == '-' && (text[p + 1] == ' ' || text[p + 1] == '\t')) {
      ++p;
      continue;
    }
    break;
  }
  if (p >= text.size() || text[p] == '\n' || text[p] == '\r' || text[p] == '#') return kNone;
  return p;
}

// `width:1280` on one line and `format: jpeg` under it: yaml-cpp reads `width:1280 format` as
// one plain scalar (a missing space after ':' does not make a key) and fails at the next line's
// ':'. For such an error at `at`, finds the ':' that lacks its space: in the first token of
// the content lines just above, the earliest of a run of them (where the scalar began).
size_t missing_space_colon(std::string_view text, size_t at) {
  size_t ls = line_start(text, at);
  size_t token = first_token(text, ls);
  // The ':' yaml-cpp rejects must end the line's first token: `format:`.
  if (token == kNone || token >= at) return kNone;
  for (size_t i = token; i < at; ++i) {
    if (text[i] == ' ' || text[i] == '\t') return kNone;
  }
  size_t found = kNone;
  while (ls > 0) {
    ls = line_start(text, ls - 1);
    size_t p = first_token(text, ls);
    if (p == kNone) continue;  // blank and comment lines do not end a plain scalar
    size_t colon = glued_colon(text, p);
    if (colon == kNone) break;
    found = colon;
  }
  return found;
}

// `width:1280`, with the span on its ':'.
YamlError missing_space(std::string_view text, size_t colon) {
  size_t end = colon + 1;
  while (end < text.size() && !std::strchr(" \t\r\n#,[]{}", text[end])) ++end;
  size_t begin = colon;
  while (begin > 0 && is_key_char(text[begin - 1])) --begin;
  std::string key(text.substr(begin, colon - begin));
  // A runaway token is cut, at a character boundary, to keep the message one line.
  size_t cut = std::min(end, colon + 1 + 40);
  while (cut > colon + 1 && cut < end && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  std::string value(text.substr(colon + 1, cut - colon - 1));
  if (cut < end) value += "…";
  return {Code::InvalidSyntax, "missing space after ':' in '" + key + ":" + value + "'",
          "write '" + key + ": " + value + "'; a key's ':' must be followed by a space", colon,
          colon + 1};
}

}  // namespace

std::optional<YamlError> missing_space_after_colon(std::string_view text, size_t begin,
                                                   size_t end) {
  size_t colon = glued_colon(text, begin);
  if (colon == kNone || colon >= end) return std::nullopt;
  return missing_space(text, colon);
}

YamlError describe_yaml_error(std::string_view what, const SourceFile& file, size_t at,
                              const std::vector<size_t>& open_flows) {
  namespace M = YAML::ErrorMsg;
  std::string_view text = file.text();
  std::string c = char_at(text, at);
  if (what == M::END_OF_MAP) return block_end(text, at, "mapping");
  if (what == M::END_OF_SEQ) return block_end(text, at, "list");
  if (what == M::END_OF_MAP_FLOW) return flow_end(file, at, open_flows, '{', '}', "mapping");
  if (what == M::END_OF_SEQ_FLOW) return flow_end(file, at, open_flows, '[', ']', "sequence");
  if (what == M::FLOW_END) return unmatched_close(file, at, open_flows);
  if (what == M::MAP_VALUE) {
    size_t colon = missing_space_colon(text, at);
    if (colon != kNone) return missing_space(text, colon);
    return {Code::InvalidSyntax, "unexpected ':' here",
            "a plain value cannot contain ': '; quote the value, or put a nested mapping on its "
            "own, more indented, line"};
  }
  if (what == M::MAP_KEY) {
    return {Code::InvalidSyntax, "unexpected '?' here",
            "'? ' marks an explicit key only at the start of a mapping entry; quote the value if "
            "it begins with '?'"};
  }
  if (what == M::BLOCK_ENTRY) {
    return {Code::InvalidSyntax, "a '- ' list entry is not allowed here",
            "start the list on the next line, indented under its key"};
  }
  if (what == M::UNKNOWN_TOKEN) {
    return {Code::InvalidSyntax, "'" + c + "' cannot start a plain value",
            "'@' and '`' are reserved in YAML; quote the value"};
  }
  if (starts_with(what, M::UNKNOWN_ANCHOR)) {
    std::string name = name_at(text, at);
    // Underline the whole `*name`, not just the `*` that yaml-cpp points at.
    size_t end = name_end(text, at);
    return {Code::InvalidSyntax, "alias '*" + name + "' refers to an undefined anchor",
            "define the anchor with '&" + name + "' on a value before this alias", at,
            end > at ? end : 0};
  }
  if (starts_with(what, M::INVALID_ESCAPE)) {
    std::string e(what.substr(std::string_view(M::INVALID_ESCAPE).size()));
    // yaml-cpp points just past the escape; underline the backslash and its letter.
    bool found = at >= 2 && at <= text.size() && text[at - 2] == '\\';
    return {Code::InvalidSyntax, "unknown escape '\\" + e + "' in a double-quoted string",
            "write '\\\\' for a backslash, or use single quotes, which have no escapes",
            found ? at - 2 : 0, found ? at : 0};
  }
  if (starts_with(what, M::INVALID_UNICODE) || what == M::INVALID_HEX) {
    return {Code::InvalidSyntax, "invalid escape in a double-quoted string",
            "'\\x', '\\u' and '\\U' take 2, 4 and 8 hex digits of a valid code point"};
  }
  if (what == M::EOF_IN_SCALAR) {
    return {Code::InvalidSyntax, "unterminated quoted string", "add the closing quote"};
  }
  if (what == M::DOC_IN_SCALAR) {
    return {Code::InvalidSyntax, "a document marker ('---' or '...') inside a quoted string",
            "indent the continuation lines of the string"};
  }
  if (what == M::CHAR_IN_SCALAR || what == M::SINGLE_QUOTED_CHAR) {
    return {Code::InvalidSyntax, "invalid character '" + c + "' in a quoted string", ""};
  }
  if (what == M::TAB_IN_INDENTATION) {
    return {Code::TabIndentation, "tab used for indentation",
            "YAML indentation must use spaces; replace the tab with spaces"};
  }
  if (what == M::MULTIPLE_TAGS) {
    return {Code::InvalidSyntax, "a value can have only one tag", "remove one of the tags"};
  }
  if (what == M::MULTIPLE_ANCHORS) {
    return {Code::InvalidSyntax, "a value can have only one anchor", "remove one of the anchors"};
  }
  if (what == M::MULTIPLE_ALIASES || what == M::ALIAS_CONTENT || what == M::AMBIGUOUS_ANCHOR) {
    return {Code::InvalidSyntax, "an alias stands for a whole value and cannot have content",
            "write the alias ('*name') alone"};
  }
  if (what == M::ALIAS_NOT_FOUND || what == M::ANCHOR_NOT_FOUND || what == M::CHAR_IN_ALIAS ||
      what == M::CHAR_IN_ANCHOR) {
    return {Code::InvalidSyntax, "missing or invalid name after '" + c + "'",
            "anchors ('&name') and aliases ('*name') need a name; quote the value if '" + c +
                "' is part of it"};
  }
  if (what == M::ZERO_INDENT_IN_BLOCK) {
    return {Code::InvalidSyntax, "a block scalar's indentation indicator cannot be 0",
            "use 1-9, or leave it out"};
  }
  if (what == M::CHAR_IN_BLOCK) {
    return {Code::InvalidSyntax, "unexpected '" + c + "' in a block scalar header",
            "the header is '|' or '>', then optionally an indentation digit and '+' or '-', "
            "then the end of the line"};
  }
  if (what == M::CHAR_IN_TAG_HANDLE || what == M::TAG_WITH_NO_SUFFIX ||
      what == M::END_OF_VERBATIM_TAG) {
    return {Code::InvalidSyntax, "malformed tag", "wfc needs no tags; remove it"};
  }
  if (starts_with(what, M::YAML_VERSION) || what == M::YAML_DIRECTIVE_ARGS ||
      what == M::YAML_MAJOR_VERSION || what == M::REPEATED_YAML_DIRECTIVE ||
      what == M::TAG_DIRECTIVE_ARGS || what == M::REPEATED_TAG_DIRECTIVE) {
    return {Code::InvalidSyntax, "invalid directive: " + std::string(what),
            "directives ('%YAML', '%TAG') are rarely needed; remove it"};
  }
  if (what == M::BAD_FILE) {
    return {Code::TooDeep, "the document is nested too deeply", ""};
  }
  return {Code::InvalidSyntax, std::string(what), ""};
}

}  // namespace wfc::syntax
