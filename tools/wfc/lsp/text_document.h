// An open document as the editor holds it: its text, kept in step with the editor's full and
// incremental changes, and the conversions between LSP positions (0-based lines, UTF-16 code
// units) and wfc's (1-based lines, 1-based code-point columns; compiler/source/source.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/frontend.h"
#include "compiler/source/source.h"
#include "compiler/syntax/reader.h"

namespace wfc::lsp {

struct LspPosition {
  uint32_t line = 0;
  uint32_t character = 0;  // UTF-16 code units
};

class TextDocument {
 public:
  TextDocument(std::string uri, std::string text, int64_t version);

  const std::string& uri() const { return uri_; }
  const std::string& text() const { return text_; }
  int64_t version() const { return version_; }
  /// From the URI's extension: .wf is the DSL, .yaml/.yml YAML, anything else JSON.
  syntax::Syntax syntax() const { return syntax_; }
  /// The path the URI names ("file:///a/b.wf" → "/a/b.wf"), for diagnostics and messages.
  const std::string& path() const { return path_; }

  /// Applies one TextDocumentContentChangeEvent: with a range, an incremental edit; without, the
  /// whole new text. False (and nothing changed) when the range is not in the document.
  bool apply(const nlohmann::json& change);
  void set_version(int64_t v) { version_ = v; }

  /// The byte offset of an LSP position; a character past the end of its line is the line's
  /// end, a line past the end is the end of the text (as the protocol asks).
  size_t offset(LspPosition p) const;
  LspPosition position_at(size_t offset) const;
  LspPosition to_lsp(Position p) const;
  Position to_wfc(LspPosition p) const;
  nlohmann::json range(const Span& s) const;  // an LSP Range
  static nlohmann::json range(LspPosition begin, LspPosition end);
  /// The text of the line holding `offset` up to it.
  std::string_view line_before(size_t offset) const;

  /// The text read and checked as `wfc validate` does, once per change: the diagnostics, a
  /// hover and a definition of the same text share it.
  const FrontendResult& analysis() const;

 private:
  void index_lines();

  std::string uri_, path_, text_;
  int64_t version_ = 0;
  syntax::Syntax syntax_ = syntax::Syntax::Json;
  std::vector<size_t> line_starts_;
  // Of text_ as it is; index_lines(), which every change of the text runs, resets it.
  mutable std::optional<FrontendResult> analysis_;
};

/// "file:///a%20b/c.wf" → "/a b/c.wf"; another scheme is returned as it is.
std::string path_of_uri(std::string_view uri);

}  // namespace wfc::lsp
