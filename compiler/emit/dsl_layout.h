// Where each line of DSL text written by emit_dsl() came from in the source document: what
// `wfc fmt` needs to put the source's comments back beside the constructs they were next to.
#pragma once

#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/source/source.h"

namespace wfc::emit {

struct DslLine {
  Position from;         // where the construct the line starts was in the source (0:0 unknown)
  size_t indent = 0;     // the line's indentation
  bool closing = false;  // a `}`: `from` is where the block ended in the source
  bool blank = false;    // an empty separator line
};

struct DslLayout {
  std::vector<DslLine> lines;  // one per line of output, in order
};

/// emit_dsl() that also records, in *layout, where each output line came from.
std::string emit_dsl(const ast::Document& doc, DslLayout* layout);

}  // namespace wfc::emit
