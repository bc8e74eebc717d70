// The compiler front end in one call: read a file in its syntax, build the document, check it.
// `wfc validate`, the tests, the fuzzers and (later) the API all go through here.
#pragma once

#include <optional>
#include <string>

#include "compiler/ast/ast.h"
#include "compiler/catalog/catalog.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source.h"
#include "compiler/syntax/reader.h"

namespace wfc {

struct FrontendResult {
  std::optional<ast::Document> document;  // present when the text could be read
  diag::Diagnostics diagnostics;          // sorted by position
  /// The document was read past syntax errors (the DSL recovers): it holds what was read
  /// cleanly, for the checker's findings, and must never be emitted or run.
  bool partial = false;
};

/// Reads, builds and checks one source. Never throws on bad input.
FrontendResult compile_source(const SourceFile& source, syntax::Syntax syntax,
                              const catalog::Catalog& catalog = catalog::Catalog::builtin(),
                              const syntax::Limits& limits = {});

/// Loads a file from disk (or "-" for stdin) within limits. On failure returns nullopt and adds
/// WF100 (I/O; also a path that is not a regular file, such as a FIFO, refused without blocking)
/// or WF106 (too large) to `diags`; never reads more than limits.max_bytes + 1.
std::optional<SourceFile> load_source(const std::string& path, diag::Diagnostics& diags,
                                      const syntax::Limits& limits = {});

}  // namespace wfc
