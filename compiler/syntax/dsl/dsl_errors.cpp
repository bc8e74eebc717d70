// The DSL's syntax errors (dsl_errors.h): the error strategy's wording for each construct of the
// grammar, the lexer's stray characters, the repairs' notes, and where a tree was damaged.
#include "compiler/syntax/dsl/dsl_errors.h"

#include <optional>
#include <string>
#include <vector>

#include "WorkflowParser.h"
#include "compiler/diag/wording.h"

namespace wfc::syntax {
namespace {

using antlr4::Token;
using diag::Code;
using diag::quote;
using P = wfcdsl::WorkflowParser;

constexpr size_t kErrorChannel = 2;  // ERROR_CHAR in the grammar

std::string describe_token(const Token* t) {
  if (t->getType() == Token::EOF) return "the end of the file";
  std::string text = t->getText();
  if (t->getType() == P::STRING) return "a string";
  if (text.size() > 24) text = text.substr(0, 21) + "...";
  return quote(text);
}

/// The name of the task whose call holds this context ("'video'"), or "".
std::string call_name(antlr4::RuleContext* c) {
  for (; c; c = dynamic_cast<antlr4::RuleContext*>(c->parent)) {
    if (auto* call = dynamic_cast<P::CallContext*>(c)) return quote(call->kind->getText());
  }
  return "";
}

/// What the innermost open construct is and where it was opened, for "expected ')' to close
/// the options of 'video' opened at 3:8".
struct OpenConstruct {
  std::string closer;  // ")" "]" "}"
  std::string what;    // "the options of 'video'"
  Position opened;
};

std::optional<OpenConstruct> innermost_open(const Reporter& r, antlr4::RuleContext* c) {
  for (; c; c = dynamic_cast<antlr4::RuleContext*>(c->parent)) {
    if (auto* a = dynamic_cast<P::ArgsContext*>(c)) {
      return OpenConstruct{")", "the options of " + call_name(a), r.begin(a->start)};
    }
    if (auto* l = dynamic_cast<P::ListValueContext*>(c)) {
      return OpenConstruct{"]", "the list", r.begin(l->start)};
    }
    if (auto* o = dynamic_cast<P::ObjectContext*>(c)) {
      return OpenConstruct{"}", "the object", r.begin(o->start)};
    }
    if (auto* b = dynamic_cast<P::BlockContext*>(c)) {
      std::string owner = "the block";
      if (auto* w = dynamic_cast<P::WhenStepContext*>(b->parent)) {
        owner = "the 'when' block";
        (void)w;
      } else if (auto* s = dynamic_cast<P::TaskStepContext*>(b->parent)) {
        owner = "the block of " + quote(s->call()->kind->getText());
      }
      return OpenConstruct{"}", owner, r.begin(b->start)};
    }
    if (auto* a = dynamic_cast<P::AutomationContext*>(c)) {
      if (a->LBRACE()) {
        return OpenConstruct{"}", "the automation", r.begin(a->LBRACE()->getSymbol())};
      }
      return std::nullopt;
    }
    if (auto* run = dynamic_cast<P::RunContext*>(c)) {
      if (run->LBRACE()) return OpenConstruct{"}", "the run", r.begin(run->LBRACE()->getSymbol())};
      return std::nullopt;
    }
    if (auto* t = dynamic_cast<P::TaskDocumentContext*>(c)) {
      if (t->LBRACE()) return OpenConstruct{"}", "the task", r.begin(t->LBRACE()->getSymbol())};
      return std::nullopt;
    }
  }
  return std::nullopt;
}

class ErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit ErrorStrategy(Reporter& r) : r_(r) {}

  /// ANTLR stays quiet until a token matches after an error; a new line is a fresh start, so
  /// that a mistake on each of several lines is reported.
  bool inErrorRecoveryMode(antlr4::Parser* p) override {
    if (errorRecoveryMode && p->getCurrentToken()->getLine() > last_line_) endErrorCondition(p);
    return DefaultErrorStrategy::inErrorRecoveryMode(p);
  }

 protected:
  void reportNoViableAlternative(antlr4::Parser* p,
                                 const antlr4::NoViableAltException& e) override {
    describe(p, e.getOffendingToken(), p->getExpectedTokens(), false);
  }
  void reportInputMismatch(antlr4::Parser* p, const antlr4::InputMismatchException& e) override {
    describe(p, e.getOffendingToken(), e.getExpectedTokens(), false);
  }
  void reportFailedPredicate(antlr4::Parser* p,
                             const antlr4::FailedPredicateException& e) override {
    describe(p, e.getOffendingToken(), p->getExpectedTokens(), false);
  }
  void reportUnwantedToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    describe(p, p->getCurrentToken(), getExpectedTokens(p), true);
  }
  void reportMissingToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    describe(p, p->getCurrentToken(), getExpectedTokens(p), false);
  }

 private:
  const Token* previous(antlr4::Parser* p, const Token* t) {
    auto* stream = p->getTokenStream();
    for (ssize_t i = static_cast<ssize_t>(t->getTokenIndex()) - 1; i >= 0; --i) {
      Token* prev = stream->get(static_cast<size_t>(i));
      if (prev->getChannel() == Token::DEFAULT_CHANNEL) return prev;
    }
    return nullptr;
  }

  void describe(antlr4::Parser* p, Token* t, const antlr4::misc::IntervalSet& expected,
                bool unwanted) {
    const Token* prev = previous(p, t);
    last_line_ = t->getLine();
    auto* ctx = p->getContext();
    auto open = innermost_open(r_, ctx);
    int rule = ctx ? static_cast<int>(ctx->getRuleIndex()) : -1;
    std::string got = describe_token(t);
    auto expects = [&](size_t type) { return expected.contains(static_cast<ssize_t>(type)); };
    bool same_line = prev && prev->getLine() == t->getLine();

    // A closer with nothing open, at the top level.
    if (t->getType() == P::RBRACE && (!open || open->closer != "}") &&
        (rule == P::RuleFile || rule == P::RuleBody)) {
      r_.syntax(t, prev, "unexpected '}': no block is open here",
                "remove it, or look for a '{' missing earlier");
      return;
    }
    // A ')' or ']' that closes nothing: `video(width: 1280))`. Said at the token, not as a '}'
    // missing for the construct around it.
    if ((t->getType() == P::RPAREN || t->getType() == P::RBRACK) &&
        !encloses(ctx, static_cast<size_t>(t->getType()))) {
      std::string c = t->getText();
      r_.syntax(t, prev,
                "unexpected " + quote(c) + ": no " + quote(c == ")" ? "(" : "[") + " is open here",
                "remove it");
      return;
    }
    // The string before this point ran to the end of its line (reported) and took the closer
    // with it: the closer is not missing a second time.
    if (open && t->getLine() != open->opened.line && expects(closer_type(open->closer)) &&
        r_.lex_error_within(Span::between(open->opened, r_.begin(t)))) {
      r_.fail();
      return;
    }
    if (t->getType() == P::COMMA && prev && prev->getType() == P::COMMA) {
      r_.syntax(t, prev, "unexpected ',': an item is missing between the commas",
                "remove the extra ','");
      return;
    }
    // `as` takes a name, or a string for a ref that is no name (JSON allows 'hd-720').
    if ((rule == P::RuleName || rule == P::RuleAttribute) && prev && prev->getType() == P::AS) {
      r_.syntax(t, prev, "expected a name after 'as', got " + got,
                "e.g. video(...) as hd, or as \"hd-720\" for a ref with '-'");
      return;
    }
    if (rule == P::RuleValue && ctx->parent && dynamic_cast<P::OptionContext*>(ctx->parent)) {
      ctx = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent);
      rule = P::RuleOption;
    }
    if (rule == P::RuleOption) {
      auto* o = dynamic_cast<P::OptionContext*>(ctx);
      std::string key = o && o->key ? quote(o->key->getText()) : "the option";
      if (expects(P::COLON)) {
        r_.syntax(t, prev, "expected ':' after option " + key + ", got " + got,
                  "options are written 'name: value', e.g. width: 1280");
      } else {
        r_.syntax(t, prev, "expected a value for option " + key + ", got " + got,
                  "e.g. a number, a \"string\", a word, a list [..] or an object {..}");
      }
      return;
    }
    if (rule == P::RuleValue || rule == P::RuleMember || rule == P::RuleField) {
      if (!(open && expects(P::COMMA) && rule == P::RuleValue)) {
        std::string what = "a value";
        if (auto* f = dynamic_cast<P::FieldContext*>(ctx)) {
          what += " after " + quote(f->key->getText());
        } else if (rule == P::RuleMember && expects(P::COLON)) {
          r_.syntax(t, prev, "expected ':' after the key, got " + got,
                    "object members are written 'key: value'");
          return;
        }
        r_.syntax(t, prev, "expected " + what + ", got " + got, "");
        return;
      }
    }
    if (rule == P::RuleAttribute) {
      r_.syntax(t, prev,
                expects(P::STRING)
                    ? "expected a \"string\" after " + describe_token(prev) + ", got " + got
                    : "expected a name after 'as', got " + got,
                "");
      return;
    }
    if (rule == P::RuleCondition ||
        (rule == P::RuleStep && expects(P::LBRACE) && dynamic_cast<P::WhenStepContext*>(ctx))) {
      if (expects(P::LBRACE) && !expects(P::IDENT)) {
        r_.syntax(t, prev, "expected '{' after the condition of 'when', got " + got,
                  "write: when kind == \"video\" { ... }");
      } else {
        r_.syntax(t, prev, "expected a condition after 'when', got " + got,
                  "e.g. when kind == \"video\" && width >= 1280 { ... }");
      }
      return;
    }
    if (rule == P::RuleArgs && expects(P::IDENT) && !expects(P::RPAREN)) {
      r_.syntax(t, prev, "expected an option name after ',', got " + got, "");
      return;
    }
    if (open && expects(P::COMMA) && same_line && t->getType() != Token::EOF &&
        open->closer != "}") {
      // `video(width: 1280 format: "mp4")`: the separator is missing, not the closer.
      r_.syntax(t, prev, "expected ',' or '" + open->closer + "' in " + open->what + ", got " + got,
                "separate the items with ','");
      return;
    }
    if (open && expects(closer_type(open->closer))) {
      std::string verb = t->getType() == Token::EOF ? "missing '" : "expected '";
      r_.syntax(t, prev,
                verb + open->closer + "' to close " + open->what + " opened at " +
                    position_text(open->opened),
                t->getType() == Token::EOF ? "" : "got " + got);
      return;
    }
    if (rule == P::RuleChain || rule == P::RuleStep || rule == P::RuleCall) {
      bool after_arrow = prev && prev->getType() == P::ARROW;
      r_.syntax(t, prev,
                std::string(after_arrow ? "expected a task after '->'" : "expected a task") +
                    ", got " + got,
                "a task is a kind with optional options, e.g. video(width: 1280)");
      return;
    }
    if (rule == P::RuleAutomation || rule == P::RuleRun || rule == P::RuleTaskDocument) {
      if (expects(P::LBRACE)) {
        r_.syntax(t, prev, "expected '{' after the document header, got " + got,
                  "e.g. automation process_uploads \"Process uploads\" { ... }");
        return;
      }
    }
    if (unwanted || rule == P::RuleBody || rule == P::RuleFile) {
      std::string hint;
      if (t->getType() == P::COLON) hint = "options go in parentheses: video(width: 1280)";
      if (t->getType() == P::NUMBER || t->getType() == P::STRING)
        hint = "values go in a task's options: video(width: 1280)";
      r_.syntax(t, prev, "unexpected " + got + ", expected a task", hint);
      return;
    }
    r_.syntax(t, prev, "unexpected " + got, "");
  }

  /// Whether a construct closed by `closer` (RPAREN, RBRACK) holds this context.
  static bool encloses(antlr4::RuleContext* c, size_t closer) {
    for (; c; c = dynamic_cast<antlr4::RuleContext*>(c->parent)) {
      if (closer == P::RPAREN && dynamic_cast<P::ArgsContext*>(c)) return true;
      if (closer == P::RBRACK && dynamic_cast<P::ListValueContext*>(c)) return true;
    }
    return false;
  }

  static size_t closer_type(const std::string& c) {
    return c == ")" ? P::RPAREN : c == "]" ? P::RBRACK : P::RBRACE;
  }

  Reporter& r_;
  size_t last_line_ = 0;
};

}  // namespace

std::string position_text(Position p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

std::shared_ptr<antlr4::ANTLRErrorStrategy> error_strategy(Reporter& r) {
  return std::make_shared<ErrorStrategy>(r);
}

void report_stray(Reporter& r, const std::vector<Token*>& tokens) {
  bool in_condition = false;  // between `when` and its '{' (as multiline_when delimits it)
  for (Token* t : tokens) {
    if (t->getChannel() == Token::DEFAULT_CHANNEL) {
      size_t type = t->getType();
      if (type == P::WHEN) {
        in_condition = true;
      } else if (type == P::LBRACE || type == P::RBRACE || type == P::SEMI || type == P::ARROW) {
        in_condition = false;
      }
    }
    if (t->getType() == P::STRING) {
      const std::string text = t->getText();
      size_t slashes = 0;
      for (size_t i = text.size() - 1; i > 0 && text[i - 1] == '\\'; --i) ++slashes;
      if (text.size() < 2 || text.back() != '"' || slashes % 2 == 1) {
        r.lex_error(Code::InvalidSyntax, r.span(t), "unterminated string",
                    "close the string with '\"' before the end of the line");
      }
      continue;
    }
    if (t->getChannel() != kErrorChannel) continue;
    std::string c = t->getText();
    if (c == "=" && in_condition) {
      // The expression language's own words for it, as in a `select` (compiler/expr/parser.cpp).
      r.lex_error(Code::ExpressionSyntax, r.span(t), "'=' is not a comparison",
                  "write '==' to compare");
      continue;
    }
    std::string hint;
    if (c == "'")
      hint = "strings use double quotes: \"...\"";
    else if (c == "=")
      hint = "options are written 'name: value'; compare with '=='";
    else if (c == "&")
      hint = "write '&&' for 'and'";
    else if (c == "|")
      hint = "write '||' for 'or'";
    else if (c == "@" || c == "$")
      hint = "names are letters, digits and '_'";
    else if (c == "\\")
      hint = "a backslash belongs inside a \"string\"";
    r.lex_error(Code::InvalidSyntax, r.span(t), "unexpected character " + quote(c), hint);
  }
}

void report_repairs(Reporter& r, const std::vector<RepairNote>& notes) {
  for (const auto& n : notes) {
    std::string got;
    if (n.what != RepairNote::What::UnclosedBlock) {
      got = n.got_type == P::STRING
                ? "a string"
                : quote(n.got_text.size() > 24 ? n.got_text.substr(0, 21) + "..." : n.got_text);
    }
    switch (n.what) {
      case RepairNote::What::MissingComma:
        r.error(Code::InvalidSyntax, n.span,
                "expected ',' or '" + std::string(n.owner == "the object" ? "}" : ")") + "' in " +
                    n.owner + ", got " + got,
                "separate the items with ','");
        break;
      case RepairNote::What::MissingBrace:
        r.error(Code::InvalidSyntax, n.span,
                "expected '{' after the condition of 'when', got " + got,
                "write: when kind == \"video\" { ... }");
        break;
      case RepairNote::What::UnclosedBlock:
        r.error(Code::InvalidSyntax, n.span,
                "missing '}' to close " + n.owner + " opened at " + position_text(n.opened),
                n.at_end ? ""
                         : "the lines after it are indented no further than the line that opened "
                           "it");
        break;
    }
  }
}

bool Damage::here(antlr4::ParserRuleContext* c) const {
  if (!recovered_ || !c) return false;
  if (c->exception) return true;
  for (auto* k : c->children) {
    if (dynamic_cast<antlr4::tree::ErrorNode*>(k)) return true;
  }
  return false;
}

bool Damage::has_error(antlr4::tree::ParseTree* t) {
  if (dynamic_cast<antlr4::tree::ErrorNode*>(t)) return true;
  auto* c = dynamic_cast<antlr4::ParserRuleContext*>(t);
  if (!c) return false;
  if (c->exception) return true;
  for (auto* k : c->children) {
    if (has_error(k)) return true;
  }
  return false;
}

}  // namespace wfc::syntax
