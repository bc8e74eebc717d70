// Rewriting yaml-cpp's parse errors (see yaml_errors.h). yaml-cpp's messages are the constants
// of YAML::ErrorMsg; each is matched here and turned into a message that names what is wrong at
// the reported position and a hint that says how to fix it.
#include "compiler/syntax/yaml_errors.h"

#include <yaml-cpp/exceptions.h>

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

// A name after `*` or `&` at `at`.
std::string name_at(std::string_view text, size_t at) {
  size_t begin = at < text.size() && (text[at] == '*' || text[at] == '&') ? at + 1 : at;
  size_t end = begin;
  while (end < text.size() && end - begin < 64) {
    char c = text[end];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ']' || c == '}') break;
    ++end;
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

YamlError flow_end(std::string_view text, size_t at, char open, char close, std::string_view what) {
  std::string o(1, open), cl(1, close);
  if (at >= text.size()) {
    return {Code::InvalidSyntax,
            "unclosed '" + o + "': the file ends inside a flow " + std::string(what),
            "close the " + std::string(what) + " with '" + cl + "'"};
  }
  return {Code::InvalidSyntax, "expected ',' or '" + cl + "' but found '" + char_at(text, at) + "'",
          "separate the entries of a flow " + std::string(what) + " with ',' and close it with '" +
              cl + "'"};
}

}  // namespace

YamlError describe_yaml_error(std::string_view what, std::string_view text, size_t at) {
  namespace M = YAML::ErrorMsg;
  std::string c = char_at(text, at);
  if (what == M::END_OF_MAP) return block_end(text, at, "mapping");
  if (what == M::END_OF_SEQ) return block_end(text, at, "list");
  if (what == M::END_OF_MAP_FLOW) return flow_end(text, at, '{', '}', "mapping");
  if (what == M::END_OF_SEQ_FLOW) return flow_end(text, at, '[', ']', "sequence");
  if (what == M::FLOW_END) {
    return {Code::InvalidSyntax, "unexpected '" + c + "' with no matching opening bracket",
            "remove it, or add the missing '" + std::string(c == "}" ? "{" : "[") + "'"};
  }
  if (what == M::MAP_VALUE) {
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
    return {Code::InvalidSyntax, "alias '*" + name + "' refers to an undefined anchor",
            "define the anchor with '&" + name + "' on a value before this alias"};
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
