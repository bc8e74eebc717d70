#include "tools/wfc/lsp/text_document.h"

#include <algorithm>

namespace wfc::lsp {
namespace {

/// The length of the UTF-8 sequence starting with `b` (1 for a stray continuation byte).
size_t sequence_length(unsigned char b) {
  return b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string path_of_uri(std::string_view uri) {
  constexpr std::string_view kFile = "file://";
  if (uri.substr(0, kFile.size()) != kFile) return std::string(uri);
  uri.remove_prefix(kFile.size());
  std::string out;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size() && hex(uri[i + 1]) >= 0 && hex(uri[i + 2]) >= 0) {
      out += static_cast<char>(hex(uri[i + 1]) * 16 + hex(uri[i + 2]));
      i += 2;
    } else {
      out += uri[i];
    }
  }
  return out;
}

TextDocument::TextDocument(std::string uri, std::string text, int64_t version)
    : uri_(std::move(uri)), text_(std::move(text)), version_(version) {
  path_ = path_of_uri(uri_);
  syntax_ = syntax::syntax_for_path(path_).value_or(syntax::Syntax::Json);
  index_lines();
}

const FrontendResult& TextDocument::analysis() const {
  if (!analysis_) analysis_ = compile_source(SourceFile(path_, text_), syntax_);
  return *analysis_;
}

void TextDocument::index_lines() {
  analysis_.reset();
  line_starts_.assign(1, 0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

size_t TextDocument::offset(LspPosition p) const {
  if (p.line >= line_starts_.size()) return text_.size();
  size_t at = line_starts_[p.line];
  size_t end = p.line + 1 < line_starts_.size() ? line_starts_[p.line + 1] - 1 : text_.size();
  if (end > at && text_[end - 1] == '\r') --end;
  for (uint32_t units = 0; at < end && units < p.character;) {
    size_t n = sequence_length(static_cast<unsigned char>(text_[at]));
    units += n == 4 ? 2 : 1;  // a code point past U+FFFF is two UTF-16 units
    at = std::min(at + n, end);
  }
  return at;
}

LspPosition TextDocument::position_at(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - line_starts_.begin() - 1);
  uint32_t units = 0;
  for (size_t at = line_starts_[line]; at < offset;) {
    size_t n = sequence_length(static_cast<unsigned char>(text_[at]));
    units += n == 4 ? 2 : 1;
    at += n;
  }
  return {line, units};
}

LspPosition TextDocument::to_lsp(Position p) const {
  if (p.line == 0) return {0, 0};
  uint32_t line = p.line - 1;
  if (line >= line_starts_.size()) return position_at(text_.size());
  size_t at = line_starts_[line];
  for (uint32_t column = 1; column < p.column && at < text_.size() && text_[at] != '\n'; ++column) {
    at += sequence_length(static_cast<unsigned char>(text_[at]));
  }
  return position_at(at);
}

Position TextDocument::to_wfc(LspPosition p) const {
  size_t at = offset(p);
  LspPosition line_of = position_at(at);
  uint32_t column = 1;
  for (size_t i = line_starts_[line_of.line]; i < at;) {
    i += sequence_length(static_cast<unsigned char>(text_[i]));
    ++column;
  }
  return {line_of.line + 1, column};
}

nlohmann::json TextDocument::range(const Span& s) const {
  LspPosition b = to_lsp({s.line, s.column});
  LspPosition e = to_lsp({s.end_line ? s.end_line : s.line, s.end_line ? s.end_column : s.column});
  return range(b, e);
}

nlohmann::json TextDocument::range(LspPosition b, LspPosition e) {
  return {{"start", {{"line", b.line}, {"character", b.character}}},
          {"end", {{"line", e.line}, {"character", e.character}}}};
}

std::string_view TextDocument::line_before(size_t offset) const {
  offset = std::min(offset, text_.size());
  size_t start = text_.rfind('\n', offset == 0 ? 0 : offset - 1);
  start = (start == std::string::npos || offset == 0) ? 0 : start + 1;
  if (offset > 0 && text_[offset - 1] == '\n') start = offset;
  return std::string_view(text_).substr(start, offset - start);
}

bool TextDocument::apply(const nlohmann::json& change) {
  if (!change.is_object() || !change.contains("text") || !change["text"].is_string()) return false;
  const std::string& text = change["text"].get_ref<const std::string&>();
  if (!change.contains("range")) {
    text_ = text;
    index_lines();
    return true;
  }
  const auto& r = change["range"];
  auto pos = [](const nlohmann::json& j, LspPosition* out) {
    if (!j.is_object() || !j.contains("line") || !j.contains("character") ||
        !j["line"].is_number_unsigned() || !j["character"].is_number_unsigned())
      return false;
    out->line = j["line"].get<uint32_t>();
    out->character = j["character"].get<uint32_t>();
    return true;
  };
  LspPosition b, e;
  if (!r.is_object() || !pos(r.value("start", nlohmann::json()), &b) ||
      !pos(r.value("end", nlohmann::json()), &e))
    return false;
  size_t from = offset(b), to = offset(e);
  if (to < from) return false;
  text_.replace(from, to - from, text);
  index_lines();
  return true;
}

}  // namespace wfc::lsp
