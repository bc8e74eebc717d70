// Token-level repairs for a .wf file that failed the fast parse, made before the full parse so
// that it sees the structure a person sees: a comma missing between `name: value` items, a `{`
// missing after a `when` condition that ends with its line, and a `}` missing where the
// indentation shows a block ends. ANTLR's own recovery cannot do these well: it resynchronises
// on the next token it expects, which swallows the next line into a condition or blames a
// missing brace on the innermost block at the end of the file. The reader words the
// diagnostics (dsl_errors.h); this file only finds the places. External interface: repair_tokens().
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "compiler/source/source.h"

namespace wfc::syntax {

/// A default-channel token of the DSL lexer (WorkflowLexer's token types), or one inserted by
/// a repair.
struct LexToken {
  size_t type = 0;
  Position begin;
  Position end;
  std::string text;
  bool synthetic = false;  // inserted by a repair
  size_t original = 0;     // index in the lexer's token list (when not synthetic)
};

struct RepairNote {
  enum class What {
    MissingComma,   // `span` is the item that follows a value without a ','
    MissingBrace,   // `span` is the first token after a `when` condition that ended its line
    UnclosedBlock,  // `span` is the point where the block visibly ends
  };
  What what;
  Span span;
  size_t got_type = 0;   // the token at `span` (MissingComma, MissingBrace)
  std::string got_text;  // its text
  Position opened;       // the '(' or '{' concerned (MissingComma, UnclosedBlock)
  std::string owner;     // "the options of 'video'", "the object", "the 'when' block"
  bool at_end = false;   // UnclosedBlock: the block runs to the end of the file
};

struct Repaired {
  std::vector<LexToken> tokens;  // with the inserted tokens, ending with EOF
  std::vector<RepairNote> notes;
};

/// The repaired token list, or nullopt when nothing needed repair. `tokens` are the lexer's
/// default-channel tokens in order, ending with EOF.
std::optional<Repaired> repair_tokens(const std::vector<LexToken>& tokens);

}  // namespace wfc::syntax
