// Token listings of DSL text from either lexer: the hand-written one the reader uses
// (dsl_lexer.h) and the one ANTLR generates from grammar/Workflow.g4, which defines the tokens.
// dsl_lexer_test.cpp compares the two. A header of its own because it needs no ANTLR header,
// which only the compiler library sees.
#pragma once

#include <string>
#include <string_view>

namespace wfc::syntax {

/// Every token of `text`, one line each (type, channel, start and stop index, line:column,
/// text), up to and including EOF: from DslLexer, or with `generated` from the generated lexer.
std::string describe_tokens(std::string_view text, bool generated);

}  // namespace wfc::syntax
