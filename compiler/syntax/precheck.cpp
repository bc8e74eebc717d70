// The checks every reader shares before it parses: size, binary content, encoding, emptiness.
// They run on the raw bytes, so JSON and YAML files get the same diagnostics for the same file.
#include <simdjson.h>

#include <cstdio>
#include <cstring>

#include "compiler/syntax/reader.h"
#include "compiler/util/utf8.h"

namespace wfc::syntax {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Same wording as load_source's, which answers WF106 for files on disk before reading them.
std::string human_size(size_t bytes) {
  char buf[32];
  if (bytes >= (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / double(1u << 20));
  } else {
    std::snprintf(buf, sizeof buf, "%zu bytes", bytes);
  }
  return buf;
}

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", c);
  return buf;
}

// One column at a byte that may not be a whole character (a NUL, a stray UTF-8 byte).
Span byte_span(const SourceFile& file, size_t offset) {
  Position p = file.position(offset);
  return {p.line, p.column, p.line, p.column + 1};
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

bool precheck(const SourceFile& file, diag::Diagnostics& diags, const Limits& limits) {
  std::string_view text = file.text();
  if (text.size() > limits.max_bytes) {
    diags.add(diag::Code::TooLarge, Span{1, 1, 1, 1},
              "file is " + human_size(text.size()) + "; workflow files are limited to " +
                  human_size(limits.max_bytes),
              "split the workflow, or check that the path names a workflow file");
    return false;
  }
  // UTF-16 text is full of NUL bytes; saying "binary" would send the user the wrong way.
  if (text.size() >= 2 &&
      ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF'))) {
    diags.add(diag::Code::InvalidUtf8, byte_span(file, 0),
              "invalid UTF-8 byte " + hex_byte(static_cast<unsigned char>(text[0])),
              "the file starts with a UTF-16 byte order mark; re-save it as UTF-8");
    return false;
  }
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    size_t offset = static_cast<size_t>(static_cast<const char*>(nul) - text.data());
    diags.add(diag::Code::BinaryFile, byte_span(file, offset),
              "unexpected NUL byte; the file looks binary",
              "workflow files are UTF-8 text; check that the path names a workflow file");
    return false;
  }
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    size_t offset = find_invalid_utf8(text);
    if (offset == std::string_view::npos) offset = 0;  // the two validators disagree: a bug
    diags.add(diag::Code::InvalidUtf8, byte_span(file, offset),
              "invalid UTF-8 byte " + hex_byte(static_cast<unsigned char>(text[offset])),
              "the file is not UTF-8 (perhaps Latin-1 or Windows-1252); re-save it as UTF-8");
    return false;
  }
  size_t start = text.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
  size_t i = start;
  while (i < text.size() && is_blank(text[i])) ++i;
  if (i == text.size()) {
    diags.add(diag::Code::EmptyFile, Span{1, 1, 1, 1},
              start == text.size() ? "file is empty" : "file contains only whitespace",
              "a workflow file holds an automation, a run request, a task or a workflow array");
    return false;
  }
  return true;
}

}  // namespace wfc::syntax
