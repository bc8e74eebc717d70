// The DSL reader (dsl_reader.h): pre-scan (dsl_prescan.h), the hand-written lexer
// (dsl_lexer.h), the ANTLR parse (SLL with bail-out; after a mistake, the token repairs of
// dsl_repair.h and full LL with the error strategy of dsl_errors.h), then the lowering of the
// parse tree to the Value tree of the equivalent JSON (dsl_lowering.h).
#include "compiler/syntax/dsl/dsl_reader.h"

#include <antlr4-runtime.h>

#include <memory>
#include <string>
#include <vector>

#include "WorkflowParser.h"
#include "compiler/syntax/dsl/dsl_errors.h"
#include "compiler/syntax/dsl/dsl_lexer.h"
#include "compiler/syntax/dsl/dsl_lowering.h"
#include "compiler/syntax/dsl/dsl_parse.h"
#include "compiler/syntax/dsl/dsl_prescan.h"
#include "compiler/syntax/dsl/dsl_repair.h"

namespace wfc::syntax {
namespace {

using antlr4::Token;
using P = wfcdsl::WorkflowParser;

/// Whether a `when` condition goes on past the end of its line (rare, and then worth a look for a
/// missing '{').
bool multiline_when(const std::vector<Token*>& tokens) {
  size_t line = 0;  // of the `when` whose condition is being read; 0 outside one
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token* t = tokens[i];
    if (t->getChannel() != Token::DEFAULT_CHANNEL) continue;
    size_t type = t->getType();
    if (type == P::WHEN) {
      line = t->getLine();
    } else if (type == P::LBRACE || type == P::RBRACE || type == P::SEMI || type == P::ARROW) {
      line = 0;
    } else if (line && t->getLine() != line) {
      return true;
    }
  }
  return false;
}

/// The lexer's default-channel tokens (and EOF), for the repairs.
std::vector<LexToken> lex_tokens(const Reporter& r, const std::vector<Token*>& tokens) {
  std::vector<LexToken> out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    Token* t = tokens[i];
    if (t->getChannel() != Token::DEFAULT_CHANNEL && t->getType() != Token::EOF) continue;
    LexToken l;
    l.type = t->getType();
    l.begin = r.begin(t);
    l.end = t->getType() == Token::EOF ? l.begin : r.end(t);
    if (t->getType() != Token::EOF) l.text = t->getText();
    l.original = i;
    out.push_back(std::move(l));
  }
  return out;
}

/// A token source for the repaired list: the lexer's own tokens, and new ones where inserted.
std::unique_ptr<antlr4::ListTokenSource> repaired_source(const Repaired& repaired,
                                                         const std::vector<Token*>& tokens) {
  std::vector<std::unique_ptr<Token>> out;
  for (const auto& l : repaired.tokens) {
    if (!l.synthetic) {
      out.push_back(std::make_unique<antlr4::CommonToken>(tokens[l.original]));
      continue;
    }
    // The lexer as its source, like every token: ANTLR's recovery asks a token for it.
    Token* near = tokens.front();
    auto t = std::make_unique<antlr4::CommonToken>(
        std::make_pair(near->getTokenSource(), near->getInputStream()), l.type,
        Token::DEFAULT_CHANNEL, INVALID_INDEX, INVALID_INDEX);
    t->setText(l.text);
    t->setLine(l.begin.line);
    t->setCharPositionInLine(l.begin.column - 1);
    out.push_back(std::move(t));
  }
  return std::make_unique<antlr4::ListTokenSource>(std::move(out));
}

std::optional<Value> read(const SourceFile& file, diag::Diagnostics& diags, const Limits& limits,
                          std::vector<Span>* incomplete) {
  if (!prescan_dsl(file, diags, limits)) return std::nullopt;
  std::string_view text = file.text();
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // the BOM takes no column
  Reporter reporter(file, diags);
  DslLexer lexer(text);
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  report_stray(reporter, tokens.getTokens());

  P parser(&tokens);
  use_thread_dfa(parser);
  parser.removeErrorListeners();
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  P::FileContext* tree = nullptr;
  std::unique_ptr<antlr4::ListTokenSource> source;
  std::unique_ptr<antlr4::CommonTokenStream> repaired_tokens;
  long braces = 0;  // '{' less '}' as parsed: unbalanced, no part of the tree can be trusted
  // Full LL with the error strategy that reports and recovers, on the tokens as repaired.
  auto recover = [&] {
    parser.reset();
    auto lexed = lex_tokens(reporter, tokens.getTokens());
    auto repaired = repair_tokens(lexed);
    for (const auto& t : repaired ? repaired->tokens : lexed) {
      braces += t.type == P::LBRACE ? 1 : t.type == P::RBRACE ? -1 : 0;
    }
    if (repaired) {
      report_repairs(reporter, repaired->notes);
      source = repaired_source(*repaired, tokens.getTokens());
      repaired_tokens = std::make_unique<antlr4::CommonTokenStream>(source.get());
      repaired_tokens->fill();
      parser.setTokenStream(repaired_tokens.get());
    } else {
      tokens.seek(0);
    }
    parser.setErrorHandler(error_strategy(reporter));
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::LL);
    tree = parser.file();
  };
  try {
    tree = parser.file();
    // A `when` without '{' whose condition ran on into the next line can still parse (when that
    // line's task has a block); the repairs tell.
    if (multiline_when(tokens.getTokens())) {
      auto repaired = repair_tokens(lex_tokens(reporter, tokens.getTokens()));
      if (repaired && !repaired->notes.empty()) recover();
    }
  } catch (const antlr4::ParseCancellationException&) {
    // SLL is exact for almost every file; only a real or apparent error needs full LL.
    recover();
  }
  if (!tree || (reporter.failed() && (!incomplete || braces != 0))) return std::nullopt;
  auto root = lower_file(tree, reporter, limits, incomplete);
  if (reporter.fatal_failure() || (reporter.failed() && !incomplete)) return std::nullopt;
  return root;
}

}  // namespace

std::optional<Value> read_dsl(const SourceFile& file, diag::Diagnostics& diags,
                              const Limits& limits) {
  return read(file, diags, limits, nullptr);
}

std::optional<Value> read_dsl_recovering(const SourceFile& file, diag::Diagnostics& diags,
                                         std::vector<Span>& incomplete, const Limits& limits) {
  return read(file, diags, limits, &incomplete);
}

}  // namespace wfc::syntax
