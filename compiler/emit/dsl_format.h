// `wfc fmt`: the canonical layout of a .wf file with its comments kept. The text is read into a
// document, written back by emit_dsl(), and each comment of the source is put back beside the
// construct it was next to: a comment on a line of its own goes before the first construct
// that followed it (at that construct's indentation), a comment after code on the same line
// goes at the end of the line that construct now starts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"

namespace wfc::emit {

struct Comment {
  Position at;
  std::string text;       // as written, `//`, `#` or `/* */` included
  bool trailing = false;  // code precedes it on its line
};

/// The comments of DSL text, in order: the hidden-channel tokens (LINE_COMMENT, BLOCK_COMMENT)
/// of grammar/Workflow.g4's lexer.
std::vector<Comment> dsl_comments(const SourceFile& source);

/// The canonical text of a .wf file, or nullopt when it cannot be read (its problems in
/// `diags`). Problems the checker finds do not stop formatting.
std::optional<std::string> format_dsl(const SourceFile& source, diag::Diagnostics& diags);

}  // namespace wfc::emit
