// The DSL reader (dsl_reader.h): pre-scan, ANTLR parse (SLL with bail-out, then LL with our
// error strategy), then lowering of the parse tree to the Value tree of the equivalent JSON.
// This is the only file that sees the generated parser.
#include "compiler/syntax/dsl_reader.h"

#include <antlr4-runtime.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "WorkflowLexer.h"
#include "WorkflowParser.h"
#include "compiler/diag/wording.h"
#include "compiler/expr/parser.h"
#include "compiler/syntax/dsl_conditions.h"
#include "compiler/syntax/dsl_lexer.h"
#include "compiler/syntax/dsl_parse.h"
#include "compiler/syntax/dsl_prescan.h"
#include "compiler/syntax/dsl_repair.h"

namespace wfc::syntax {
namespace {

using antlr4::Token;
using diag::Code;
using diag::quote;
using P = wfcdsl::WorkflowParser;
using L = wfcdsl::WorkflowLexer;

constexpr size_t kErrorChannel = 2;  // ERROR_CHAR in the grammar

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string at(Position p) { return std::to_string(p.line) + ":" + std::to_string(p.column); }

bool before(Position a, Position b) {
  return a.line < b.line || (a.line == b.line && a.column < b.column);
}

/// Where tokens are, and the syntax diagnostics: one per line at most, since a second complaint
/// on a line where the parser already lost its way is almost always a follow-on.
class Reporter {
 public:
  Reporter(const SourceFile& file, diag::Diagnostics& diags) : file_(file), diags_(diags) {}

  Position begin(const Token* t) const {
    return {static_cast<uint32_t>(t->getLine()),
            static_cast<uint32_t>(t->getCharPositionInLine() + 1)};
  }
  Position end(const Token* t) const {
    Position p = begin(t);
    // A token read from the text spans stop - start + 1 code points (its indexes count them),
    // which spares copying its text; EOF and tokens the error strategy made up have only text.
    bool read = t->getType() != Token::EOF && t->getStartIndex() != INVALID_INDEX &&
                t->getStopIndex() != INVALID_INDEX && t->getStopIndex() >= t->getStartIndex();
    p.column += static_cast<uint32_t>(read ? t->getStopIndex() - t->getStartIndex() + 1
                                           : code_points(t->getText()));
    return p;
  }
  Span span(const Token* t) const { return Span::between(begin(t), end(t)); }
  Span span(const Token* a, const Token* b) const { return Span::between(begin(a), end(b)); }
  Span span(const antlr4::ParserRuleContext* c) const {
    return c->stop && c->stop->getTokenIndex() >= c->start->getTokenIndex()
               ? span(c->start, c->stop)
               : Span::point(begin(c->start));
  }
  /// A syntax error at this token; at the end of the file, the point after the last token.
  void syntax(const Token* t, const Token* last, std::string message, std::string hint) {
    Span s =
        t->getType() == Token::EOF ? (last ? Span::point(end(last)) : Span{1, 1, 1, 1}) : span(t);
    error(Code::InvalidSyntax, s, std::move(message), std::move(hint));
  }
  void error(Code code, Span s, std::string message, std::string hint) {
    fail();
    if (!lines_.insert(s.line).second) return;
    diags_.add(code, s, std::move(message), std::move(hint));
  }
  /// A mistake the lexer found (a stray character, an unterminated string): the parser reads
  /// on past it, so what holds it is damaged although the parse tree does not show it.
  void lex_error(Code code, Span s, std::string message, std::string hint) {
    lex_errors_.push_back(s);
    error(code, s, std::move(message), std::move(hint));
  }
  /// Lex errors come in file order, so the first at or after `outer` decides (a hostile file
  /// may hold millions of them).
  bool lex_error_within(Span outer) const {
    auto it = std::lower_bound(lex_errors_.begin(), lex_errors_.end(), outer.begin(),
                               [](const Span& s, Position p) { return before(s.begin(), p); });
    return it != lex_errors_.end() && !before(outer.end(), it->end());
  }
  /// A problem in a value that leaves the rest of the document sound (a bad escape, a duplicate
  /// key): reported, and the document is still built without that part.
  void value_error(Code code, Span s, std::string message, std::string hint) {
    if (code != Code::DuplicateKey) fail();
    diags_.add(code, s, std::move(message), std::move(hint));
  }
  bool failed() const { return failures_ > 0; }
  /// How many failures so far, so that lowering can tell which part a failure was in.
  size_t failures() const { return failures_; }
  void fail() { ++failures_; }
  /// A failure after which not even a partial document is built (nesting past the limit).
  void fatal() {
    fail();
    fatal_ = true;
  }
  bool fatal_failure() const { return fatal_; }
  const SourceFile& file() const { return file_; }
  diag::Diagnostics& diags() { return diags_; }

 private:
  const SourceFile& file_;
  diag::Diagnostics& diags_;
  std::set<uint32_t> lines_;
  std::vector<Span> lex_errors_;
  size_t failures_ = 0;
  bool fatal_ = false;
};

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

/// Replaces ANTLR's messages ("mismatched input ... expecting {...}") with ones that name the
/// construct; recovery is ANTLR's (single-token insertion and deletion, then resynchronising
/// on the follow set), and Reporter keeps to one complaint per line.
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
                verb + open->closer + "' to close " + open->what + " opened at " + at(open->opened),
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

  static size_t closer_type(const std::string& c) {
    return c == ")" ? P::RPAREN : c == "]" ? P::RBRACK : P::RBRACE;
  }

  Reporter& r_;
  size_t last_line_ = 0;
};

// ---- lowering ---------------------------------------------------------------------------------

Value make(ValueType type, Span span) {
  Value v;
  v.type = type;
  v.span = span;
  return v;
}

class Lowerer {
 public:
  /// With `incomplete`, a tree the parser recovered is lowered too: what parsed cleanly is
  /// kept, and the spans of the tasks and task lists that lost a part go to `incomplete`.
  Lowerer(Reporter& r, const Limits& limits, std::vector<Span>* incomplete = nullptr)
      : r_(r), limits_(limits), incomplete_(incomplete), recovered_(incomplete && r.failed()) {}

  std::optional<Value> file(P::FileContext* f) {
    if (auto* a = f->automation()) {
      if (!a->LBRACE()) return std::nullopt;  // a header the parser lost: nothing to place
      return automation(a);
    }
    if (auto* run = f->run()) {
      if (!run->LBRACE()) return std::nullopt;
      return run_document(run);
    }
    if (auto* t = f->taskDocument()) {
      if (!t->call() || !t->call()->kind || t->call()->kind->getTokenIndex() == INVALID_INDEX) {
        return std::nullopt;  // no kind: no task to check
      }
      return task_document(t);
    }
    Value root = make(ValueType::Array, r_.span(f));
    body(f->body(), nullptr, Where::Workflow, root, 1);
    return root;
  }

 private:
  enum class Where { Automation, Run, Task, Workflow, Block };

  // ---- recovery ----

  /// Whether the parser recovered inside this context (it holds a token the parser skipped or
  /// conjured, or a rule that failed), or the lexer reported something in it.
  bool damaged(antlr4::ParserRuleContext* c) const {
    return recovered_ && c && (has_error(c) || r_.lex_error_within(r_.span(c)));
  }
  static bool has_error(antlr4::tree::ParseTree* t) {
    if (dynamic_cast<antlr4::tree::ErrorNode*>(t)) return true;
    auto* c = dynamic_cast<antlr4::ParserRuleContext*>(t);
    if (!c) return false;
    if (c->exception) return true;
    for (auto* k : c->children) {
      if (has_error(k)) return true;
    }
    return false;
  }
  /// A recovery inside this context itself, not within one of its rules.
  bool damaged_here(antlr4::ParserRuleContext* c) const {
    if (!recovered_ || !c) return false;
    if (c->exception) return true;
    for (auto* k : c->children) {
      if (dynamic_cast<antlr4::tree::ErrorNode*>(k)) return true;
    }
    return false;
  }
  /// A task or task list that lost a part: the checker must not judge what it lacks.
  void mark(Span s) {
    if (incomplete_) incomplete_->push_back(s);
  }

  Value automation(P::AutomationContext* a) {
    Value root = make(ValueType::Object, r_.span(a));
    if (a->id) {
      root.members.push_back(Member{"id", r_.span(a->id), word(a->id)});
    } else if (a->idText) {
      root.members.push_back(Member{"id", r_.span(a->idText), string(a->idText)});
    }
    if (a->title) {
      root.members.push_back(Member{"name", r_.span(a->title), string(a->title)});
    }
    Value tasks = make(ValueType::Array, r_.span(a->LBRACE()->getSymbol(), a->stop));
    body(a->body(), &root, Where::Automation, tasks, 2);
    root.members.push_back(
        Member{"workflow", r_.span(a->AUTOMATION()->getSymbol()), std::move(tasks)});
    return root;
  }

  Value run_document(P::RunContext* run) {
    Value root = make(ValueType::Object, r_.span(run));
    Value tasks = make(ValueType::Array, r_.span(run->LBRACE()->getSymbol(), run->stop));
    body(run->body(), &root, Where::Run, tasks, 2);
    root.members.push_back(Member{"tasks", r_.span(run->RUN()->getSymbol()), std::move(tasks)});
    return root;
  }

  Value task_document(P::TaskDocumentContext* t) {
    Value task = make(ValueType::Object, r_.span(t));
    call(t->call(), task);
    attributes(t->attribute(), task);
    if (t->body()) {
      Value none = make(ValueType::Array, r_.span(t));
      body(t->body(), &task, Where::Task, none, 1);
      if (!none.items.empty()) {
        r_.value_error(Code::UnknownField, none.items.front().span,
                       "a 'task' document holds one task; its block takes only url, input and "
                       "metadata",
                       "for several tasks write 'run { ... }'");
        r_.fatal();
      }
    }
    return task;
  }

  /// Tasks of a body into `tasks`; fields into `fields` where the document allows them.
  void body(P::BodyContext* b, Value* fields, Where where, Value& tasks, uint32_t depth) {
    if (!b) return;
    if (damaged_here(b)) mark(tasks.span);
    for (auto* child : b->children) {
      if (auto* f = dynamic_cast<P::FieldContext*>(child)) {
        if (!damaged(f)) field(f, fields, where);
      } else if (auto* c = dynamic_cast<P::ChainContext*>(child)) {
        if (auto v = chain(c, depth)) {
          tasks.items.push_back(std::move(*v));
        } else {
          mark(tasks.span);
        }
      }
    }
  }

  void field(P::FieldContext* f, Value* fields, Where where) {
    std::string key = f->key->getText();
    if (key == "webhook_url") key = "webhook_url";
    bool allowed = false;
    switch (where) {
      case Where::Automation:
        allowed =
            key == "description" || key == "status" || key == "metadata" || key == "webhook_url";
        break;
      case Where::Run:
        allowed = key == "metadata" || key == "webhook_url";
        break;
      case Where::Task:
        allowed = key == "url" || key == "input" || key == "metadata";
        break;
      default:
        break;
    }
    Span key_span = r_.span(f->key);
    if (!allowed || !fields) {
      std::string hint;
      if (key == "description" || key == "status") {
        hint = "it belongs in an automation: automation my_id \"My name\" { " + key + " ... }";
      } else if (key == "url" || key == "input") {
        hint = "it belongs in a task document: task video(width: 1280) { " + key + " ... }";
      } else {
        hint = "it belongs at the top of an automation or run";
      }
      r_.value_error(Code::UnknownField, key_span, quote(key) + " is not allowed " + place(where),
                     hint);
      return;
    }
    if (auto* prior = fields->find(key)) {
      r_.value_error(Code::DuplicateKey, key_span, "duplicate field " + quote(key),
                     "first defined at " + at(prior->key_span.begin()));
      return;
    }
    size_t failures = r_.failures();
    Value v = value(f->value());
    if (incomplete_ && r_.failures() != failures) return;  // a bad escape: leave the field out
    fields->members.push_back(Member{key, key_span, std::move(v)});
  }

  static std::string place(Where w) {
    switch (w) {
      case Where::Automation:
        return "in an automation";
      case Where::Run:
        return "in a run";
      case Where::Task:
        return "in a task document";
      case Where::Workflow:
        return "in a bare workflow";
      case Where::Block:
        return "inside a task's block";
    }
    return "here";
  }

  /// a -> b -> c: each step's `next` is the rest of the chain.
  std::optional<Value> chain(P::ChainContext* c, uint32_t depth) {
    auto steps = c->step();
    std::optional<Value> next;
    std::optional<Value> lost;  // recovered: an empty `next` that stands for the steps lost
    if (incomplete_) {
      size_t kept = 0;
      while (kept < steps.size() && usable(steps[kept])) ++kept;
      if (kept == 0) return std::nullopt;
      if (kept < steps.size() || damaged_here(c)) {
        lost = make(ValueType::Array, kept < steps.size() ? r_.span(steps[kept]) : r_.span(c));
        auto* last = dynamic_cast<P::TaskStepContext*>(steps[kept - 1]);
        if (last && last->block()) lost.reset();  // its block is its `next`
        if (lost) mark(lost->span);
        steps.resize(kept);
      }
    }
    for (size_t i = steps.size(); i-- > 0;) {
      uint32_t d = depth + 2 * static_cast<uint32_t>(i);
      if (d > limits_.max_depth) {
        if (i == 0 || depth + 2 * static_cast<uint32_t>(i - 1) <= limits_.max_depth) {
          r_.value_error(
              Code::TooDeep, r_.span(steps[i]->start),
              "tasks nest more than " + std::to_string(limits_.max_depth) + " levels deep",
              "workflows need far fewer levels; check for a runaway generator");
        }
        r_.fatal();
        next.reset();
        continue;
      }
      Span whole = r_.span(steps[i]->start, c->stop);
      std::optional<Value> tail;
      if (next) {
        Value list = make(ValueType::Array, r_.span(steps[i + 1]->start, c->stop));
        list.items.push_back(std::move(*next));
        tail = std::move(list);
      } else if (i + 1 == steps.size()) {
        tail = std::move(lost);
      }
      next = step(steps[i], whole, std::move(tail), d);
    }
    return next;
  }

  /// Whether the parser gave this step a kind (a task) or a `when`.
  bool usable(P::StepContext* s) const {
    if (auto* t = dynamic_cast<P::TaskStepContext*>(s)) {
      return t->call() && t->call()->kind && t->call()->kind->getTokenIndex() != INVALID_INDEX;
    }
    return dynamic_cast<P::WhenStepContext*>(s) != nullptr;
  }

  std::optional<Value> step(P::StepContext* s, Span whole, std::optional<Value> tail,
                            uint32_t depth) {
    Value task = make(ValueType::Object, whole);
    P::BlockContext* block = nullptr;
    if (damaged_here(s)) mark(whole);
    if (auto* t = dynamic_cast<P::TaskStepContext*>(s)) {
      call(t->call(), task);
      attributes(t->attribute(), task);
      block = t->block();
    } else if (auto* w = dynamic_cast<P::WhenStepContext*>(s)) {
      Span when = r_.span(w->WHEN()->getSymbol());
      task.members.push_back(Member{"kind", when, Value::make_string("conditions", when)});
      // A condition the parser recovered in was already reported; parsing its text again
      // would only repeat that.
      std::optional<Value> options;
      if (w->condition() && !damaged(w->condition())) options = condition(w->condition());
      if (options) {
        task.members.push_back(Member{"options", when, std::move(*options)});
      } else {
        mark(whole);
      }
      attributes(w->attribute(), task);
      block = w->block();
    }
    if (block && tail) {
      r_.value_error(Code::InvalidSyntax, r_.span(block->start),
                     "only the last task of a chain can have a block",
                     "put the tasks after '->' inside the block");
      mark(whole);
      return task;
    }
    if (block) {
      Value list = make(ValueType::Array, r_.span(block));
      if (damaged_here(block)) mark(list.span);
      body(block->body(), nullptr, Where::Block, list, depth + 2);
      task.members.push_back(Member{"next", r_.span(block->start), std::move(list)});
    } else if (tail) {
      Span arrow = tail->span;
      task.members.push_back(Member{"next", arrow, std::move(*tail)});
    }
    return task;
  }

  void call(P::CallContext* c, Value& task) {
    Span kind_span = r_.span(c->kind);
    std::string kind = c->kind->getText();
    task.members.push_back(Member{"kind", kind_span, Value::make_string(kind, kind_span)});
    auto* args = c->args();
    if (!args) return;
    Value options = make(ValueType::Object, r_.span(args));
    if (damaged_here(args)) mark(task.span);
    for (auto* o : args->option()) {
      if (!o->key || !o->value() || damaged(o)) {
        mark(task.span);
        continue;
      }
      std::string key = o->key->getText();
      Span key_span = r_.span(o->key);
      if (auto* prior = options.find(key)) {
        r_.value_error(Code::DuplicateKey, key_span,
                       "duplicate option " + quote(key) + " of " + quote(kind),
                       "first defined at " + at(prior->key_span.begin()));
        continue;
      }
      size_t failures = r_.failures();
      Value v = value(o->value());
      if (incomplete_ && r_.failures() != failures) {
        mark(task.span);  // a bad escape: the option is left out, and not missed
        continue;
      }
      options.members.push_back(Member{key, key_span, std::move(v)});
    }
    task.members.push_back(Member{"options", r_.span(args->start), std::move(options)});
  }

  void attributes(const std::vector<P::AttributeContext*>& attrs, Value& task) {
    for (auto* a : attrs) {
      if (damaged(a)) continue;
      std::string key;
      Span key_span;
      Value v;
      if (auto* ref = dynamic_cast<P::RefAttributeContext*>(a)) {
        if (!ref->name() && !ref->STRING()) continue;
        key = "ref";
        key_span = r_.span(ref->AS()->getSymbol());
        // `as "a-b"`: the JSON form allows refs that are no name; the checker judges the text.
        v = ref->name() ? word(ref->name()->start) : string(ref->STRING()->getSymbol());
      } else if (auto* t = dynamic_cast<P::TextAttributeContext*>(a)) {
        if (!t->STRING()) continue;
        key = t->key->getText();
        key_span = r_.span(t->key);
        v = string(t->STRING()->getSymbol());
      } else {
        continue;
      }
      if (auto* prior = task.find(key)) {
        r_.value_error(Code::DuplicateKey, key_span,
                       "duplicate " + quote(key == "ref" ? "as" : key),
                       "first given at " + at(prior->key_span.begin()));
        continue;
      }
      task.members.push_back(Member{key, key_span, std::move(v)});
    }
  }

  /// The `when` condition: its text goes to the shared expression parser, and the written form
  /// comes back as the conditions task's operator-object options.
  std::optional<Value> condition(P::ConditionContext* c) {
    if (c->conditionToken().empty()) {
      r_.error(Code::InvalidSyntax, r_.span(c->start), "expected a condition after 'when'",
               "e.g. when kind == \"video\" && width >= 1280 { ... }");
      return std::nullopt;
    }
    const std::string& text = r_.file().text();
    size_t b = r_.file().offset(r_.begin(c->start));
    size_t e = r_.file().offset(r_.end(c->stop));
    if (e < b || e > text.size()) return std::nullopt;
    expr::ExpressionSource src{std::string_view(text).substr(b, e - b), r_.begin(c->start), "",
                               /*units=*/true};
    auto written = expr::parse_expression(src, r_.diags());
    if (!written) {
      r_.fail();
      return std::nullopt;
    }
    if (auto* k = constant(*written)) {
      r_.value_error(Code::ExpressionSyntax, k->span,
                     std::string("a 'when' condition must test a file property, not '") +
                         (k->value ? "true" : "false") + "'",
                     "for tasks that always run, drop the 'when' and its braces");
      return std::nullopt;
    }
    return lower_condition(*written, r_.span(c));
  }

  static const expr::WrittenNode* constant(const expr::WrittenNode& n) {
    if (n.kind == expr::WrittenNode::Kind::Const) return &n;
    for (const auto& k : n.kids) {
      if (auto* c = constant(k)) return c;
    }
    return nullptr;
  }

  // ---- values ----

  Value value(P::ValueContext* v) {
    Span s = r_.span(v);
    if (auto* str = dynamic_cast<P::StringValueContext*>(v))
      return string(str->STRING()->getSymbol());
    if (auto* w = dynamic_cast<P::WordValueContext*>(v)) return word(w->name()->start);
    if (auto* n = dynamic_cast<P::NumberValueContext*>(v)) return number(n->NUMBER()->getSymbol());
    if (auto* p = dynamic_cast<P::PercentValueContext*>(v)) {
      return Value::make_string(p->PERCENT()->getText(), s);
    }
    if (auto* b = dynamic_cast<P::BoolValueContext*>(v)) {
      Value out = make(ValueType::Bool, s);
      out.boolean = b->TRUE() != nullptr;
      return out;
    }
    if (dynamic_cast<P::NullValueContext*>(v)) return make(ValueType::Null, s);
    if (auto* q = dynamic_cast<P::QuantityValueContext*>(v)) return quantity(q);
    if (auto* l = dynamic_cast<P::ListValueContext*>(v)) {
      Value out = make(ValueType::Array, s);
      for (auto* item : l->value()) out.items.push_back(value(item));
      return out;
    }
    if (auto* o = dynamic_cast<P::ObjectValueContext*>(v)) {
      Value out = make(ValueType::Object, s);
      for (auto* m : o->object()->member()) {
        if (!m->value() || (!m->name() && !m->STRING()) || damaged(m)) continue;
        Token* k = m->name() ? m->name()->start : m->STRING()->getSymbol();
        std::string name = m->name() ? k->getText() : string(k).string;
        Span key_span = r_.span(k);
        if (auto* prior = out.find(name)) {
          r_.value_error(Code::DuplicateKey, key_span, "duplicate key " + quote(name),
                         "first defined at " + at(prior->key_span.begin()));
          continue;
        }
        out.members.push_back(Member{name, key_span, value(m->value())});
      }
      return out;
    }
    return make(ValueType::Null, s);
  }

  /// A unit literal (`2s`, `10MB`) as written: what it measures and whether the option or
  /// property takes that is the checker's to say (compiler/check/quantities.h).
  Value quantity(P::QuantityValueContext* q) {
    Token* t = q->QUANTITY()->getSymbol();
    Value out = make(ValueType::Quantity, r_.span(t));
    out.string = t->getText();
    return out;
  }

  Value number(Token* t) {
    std::string text = t->getText();
    Span s = r_.span(t);
    Value out = make(ValueType::Integer, s);
    if (text.find_first_of(".eE") == std::string::npos) {
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out.integer);
      if (ec == std::errc() && p == text.data() + text.size()) return out;
    }
    out.type = ValueType::Number;
    out.number = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(out.number)) {
      r_.value_error(Code::InvalidSyntax, s, "number " + quote(text) + " is too large", "");
      out.number = 0;
    }
    return out;
  }

  Value word(Token* t) { return Value::make_string(t->getText(), r_.span(t)); }
  Value word(P::NameContext* n) { return word(n->start); }

  /// A "..." literal with JSON's escapes; an unterminated one is reported and read to the end of
  /// its line.
  Value string(Token* t) {
    const std::string text = t->getText();
    Span s = r_.span(t);
    Position b = r_.begin(t);
    bool closed = text.size() >= 2 && text.back() == '"' && !ends_escaped(text);
    std::string out;
    size_t end = closed ? text.size() - 1 : text.size();
    size_t column_offset = 0;  // code points before i, for escape positions
    for (size_t i = 1; i < end; ++i) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      if ((c & 0xC0) != 0x80) ++column_offset;
      if (c != '\\') {
        out += text[i];
        continue;
      }
      Position at_escape{b.line, b.column + static_cast<uint32_t>(column_offset)};
      char e = i + 1 < end ? text[i + 1] : '\0';
      ++i;
      ++column_offset;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!hex4(text, i + 1, end, &cp)) {
            bad_escape(at_escape, 2, "invalid unicode escape",
                       "write \\u followed by 4 hex digits");
            break;
          }
          i += 4;
          column_offset += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < end + 0 && text[i + 1] == '\\' &&
              text[i + 2] == 'u') {
            uint32_t lo = 0;
            if (hex4(text, i + 3, end, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              i += 6;
              column_offset += 6;
            }
          }
          if (cp >= 0xD800 && cp <= 0xDFFF) {
            bad_escape(at_escape, 6, "unpaired surrogate in unicode escape", "");
            break;
          }
          append_utf8(out, cp);
          break;
        }
        default: {
          std::string shown(1, e);
          bad_escape(at_escape, 2, "invalid escape '\\" + shown + "' in string",
                     "write '\\\\' for a backslash");
        }
      }
    }
    return Value::make_string(std::move(out), s);
  }

  static bool ends_escaped(const std::string& text) {
    // "abc\" is unterminated: count the backslashes before the final quote.
    size_t n = 0;
    for (size_t i = text.size() - 1; i-- > 1 && text[i] == '\\';) ++n;
    return n % 2 == 1;
  }

  static bool hex4(const std::string& s, size_t from, size_t end, uint32_t* out) {
    if (from + 4 > end) return false;
    uint32_t v = 0;
    for (size_t i = from; i < from + 4; ++i) {
      char c = s[i];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= uint32_t(c - 'A' + 10);
      else
        return false;
    }
    *out = v;
    return true;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  void bad_escape(Position p, uint32_t width, std::string message, std::string hint) {
    r_.value_error(Code::InvalidSyntax, Span{p.line, p.column, p.line, p.column + width},
                   std::move(message), std::move(hint));
  }

  Reporter& r_;
  const Limits& limits_;
  std::vector<Span>* incomplete_;
  bool recovered_;  // the parser or the lexer reported a mistake: look for damage
};

/// Characters the lexer could not place (its error channel), reported with a hint for the
/// likely intent.
void report_stray(Reporter& r, const std::vector<Token*>& tokens) {
  for (Token* t : tokens) {
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

/// The repairs' diagnostics, worded like the parser's own (ErrorStrategy).
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
                "missing '}' to close " + n.owner + " opened at " + at(n.opened),
                n.at_end ? ""
                         : "the lines after it are indented no further than the line that opened "
                           "it");
        break;
    }
  }
}

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
    parser.setErrorHandler(std::make_shared<ErrorStrategy>(reporter));
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
  Lowerer lowerer(reporter, limits, incomplete);
  auto root = lowerer.file(tree);
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
