// The parse tree lowered to Values (dsl_lowering.h). Mistakes found here (a block in the middle
// of a chain, a field where the document takes none, a duplicate, nesting too deep) are
// reported, and the rest of the document is still built.
#include "compiler/syntax/dsl/dsl_lowering.h"

#include <algorithm>
#include <array>
#include <string>

#include "compiler/diag/wording.h"
#include "compiler/expr/parser.h"
#include "compiler/syntax/dsl/dsl_conditions.h"
#include "compiler/syntax/dsl/dsl_literals.h"

namespace wfc::syntax {
namespace {

using antlr4::Token;
using diag::Code;
using diag::quote;
using P = wfcdsl::WorkflowParser;

class Lowerer {
 public:
  Lowerer(Reporter& r, const Limits& limits, std::vector<Span>* incomplete)
      : r_(r),
        limits_(limits),
        incomplete_(incomplete),
        damage_(r, incomplete && r.failed()),
        literals_(r) {}

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
    Value root = make_value(ValueType::Array, r_.span(f));
    body(f->body(), nullptr, Where::Workflow, root, 1);
    return root;
  }

 private:
  enum class Where { Automation, Run, Task, Workflow, Block };

  /// A task or task list that lost a part: the checker must not judge what it lacks.
  void mark(Span s) {
    if (incomplete_) incomplete_->push_back(s);
  }

  Value automation(P::AutomationContext* a) {
    Value root = make_value(ValueType::Object, r_.span(a));
    if (a->id) {
      root.members.push_back(Member{"id", r_.span(a->id), word(a->id)});
    } else if (a->idText) {
      root.members.push_back(Member{"id", r_.span(a->idText), string(a->idText)});
    }
    if (a->title) {
      root.members.push_back(Member{"name", r_.span(a->title), string(a->title)});
    }
    Value tasks = make_value(ValueType::Array, r_.span(a->LBRACE()->getSymbol(), a->stop));
    body(a->body(), &root, Where::Automation, tasks, 2);
    root.members.push_back(
        Member{"workflow", r_.span(a->AUTOMATION()->getSymbol()), std::move(tasks)});
    return root;
  }

  Value run_document(P::RunContext* run) {
    Value root = make_value(ValueType::Object, r_.span(run));
    Value tasks = make_value(ValueType::Array, r_.span(run->LBRACE()->getSymbol(), run->stop));
    body(run->body(), &root, Where::Run, tasks, 2);
    root.members.push_back(Member{"tasks", r_.span(run->RUN()->getSymbol()), std::move(tasks)});
    return root;
  }

  Value task_document(P::TaskDocumentContext* t) {
    Value task = make_value(ValueType::Object, r_.span(t));
    call(t->call(), task);
    attributes(t->attribute(), task);
    if (t->body()) {
      Value none = make_value(ValueType::Array, r_.span(t));
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
    if (damage_.here(b)) mark(tasks.span);
    for (auto* child : b->children) {
      if (auto* f = dynamic_cast<P::FieldContext*>(child)) {
        if (!damage_.within(f)) field(f, fields, where);
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
                     "first defined at " + position_text(prior->key_span.begin()));
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
      if (kept < steps.size() || damage_.here(c)) {
        lost =
            make_value(ValueType::Array, kept < steps.size() ? r_.span(steps[kept]) : r_.span(c));
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
        Value list = make_value(ValueType::Array, r_.span(steps[i + 1]->start, c->stop));
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
    Value task = make_value(ValueType::Object, whole);
    P::BlockContext* block = nullptr;
    if (damage_.here(s)) mark(whole);
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
      if (w->condition() && !damage_.within(w->condition())) options = condition(w->condition());
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
      Value list = make_value(ValueType::Array, r_.span(block));
      if (damage_.here(block)) mark(list.span);
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
    Value options = make_value(ValueType::Object, r_.span(args));
    if (damage_.here(args)) mark(task.span);
    for (auto* o : args->option()) {
      if (!o->key || !o->value() || damage_.within(o)) {
        mark(task.span);
        continue;
      }
      std::string key = o->key->getText();
      Span key_span = r_.span(o->key);
      if (auto* prior = options.find(key)) {
        r_.value_error(Code::DuplicateKey, key_span,
                       "duplicate option " + quote(key) + " of " + quote(kind),
                       "first defined at " + position_text(prior->key_span.begin()));
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

  /// Attributes in the documented order (docs/language.md): `as`, then label, folder, filename.
  static constexpr std::array<std::string_view, 4> kAttributeOrder = {"ref", "label", "folder",
                                                                      "filename"};
  static size_t attribute_rank(std::string_view key) {
    return static_cast<size_t>(std::find(kAttributeOrder.begin(), kAttributeOrder.end(), key) -
                               kAttributeOrder.begin());
  }
  static std::string attribute_word(std::string_view key) {
    return quote(key == "ref" ? "as" : std::string(key));
  }

  void attributes(const std::vector<P::AttributeContext*>& attrs, Value& task) {
    std::string last_key;  // the attribute before, for the order
    for (auto* a : attrs) {
      if (damage_.within(a)) continue;
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
        r_.value_error(Code::DuplicateKey, key_span, "duplicate " + attribute_word(key),
                       "first given at " + position_text(prior->key_span.begin()));
        continue;
      }
      if (!last_key.empty() && attribute_rank(key) < attribute_rank(last_key)) {
        r_.value_error(Code::InvalidSyntax, key_span,
                       attribute_word(key) + " must come before " + attribute_word(last_key),
                       "attributes go in the order as, label, folder, filename");
        continue;
      }
      last_key = key;
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
    if (auto* str = dynamic_cast<P::StringValueContext*>(v)) {
      return string(str->STRING()->getSymbol());
    }
    if (auto* w = dynamic_cast<P::WordValueContext*>(v)) return word(w->name()->start);
    if (auto* n = dynamic_cast<P::NumberValueContext*>(v)) {
      return literals_.number(n->NUMBER()->getSymbol());
    }
    if (auto* p = dynamic_cast<P::PercentValueContext*>(v)) {
      return Value::make_string(p->PERCENT()->getText(), s);
    }
    if (auto* b = dynamic_cast<P::BoolValueContext*>(v)) {
      Value out = make_value(ValueType::Bool, s);
      out.boolean = b->TRUE() != nullptr;
      return out;
    }
    if (dynamic_cast<P::NullValueContext*>(v)) return make_value(ValueType::Null, s);
    if (auto* q = dynamic_cast<P::QuantityValueContext*>(v)) {
      return literals_.quantity(q->QUANTITY()->getSymbol());
    }
    if (auto* m = dynamic_cast<P::MalformedValueContext*>(v)) {
      return literals_.malformed_number(m->MALFORMED_NUMBER()->getSymbol());
    }
    if (auto* l = dynamic_cast<P::ListValueContext*>(v)) {
      Value out = make_value(ValueType::Array, s);
      for (auto* item : l->value()) out.items.push_back(value(item));
      return out;
    }
    if (auto* o = dynamic_cast<P::ObjectValueContext*>(v)) {
      Value out = make_value(ValueType::Object, s);
      for (auto* m : o->object()->member()) {
        if (!m->value() || (!m->name() && !m->STRING()) || damage_.within(m)) continue;
        Token* k = m->name() ? m->name()->start : m->STRING()->getSymbol();
        std::string name = m->name() ? k->getText() : string(k).string;
        Span key_span = r_.span(k);
        if (auto* prior = out.find(name)) {
          r_.value_error(Code::DuplicateKey, key_span, "duplicate key " + quote(name),
                         "first defined at " + position_text(prior->key_span.begin()));
          continue;
        }
        out.members.push_back(Member{name, key_span, value(m->value())});
      }
      return out;
    }
    return make_value(ValueType::Null, s);
  }

  // The literals (dsl_literals.h) this file reads most.
  Value word(Token* t) { return literals_.word(t); }
  Value word(P::NameContext* n) { return literals_.word(n->start); }
  Value string(Token* t) { return literals_.string(t); }

  Reporter& r_;
  const Limits& limits_;
  std::vector<Span>* incomplete_;
  Damage damage_;
  Literals literals_;
};

}  // namespace

std::optional<Value> lower_file(wfcdsl::WorkflowParser::FileContext* file, Reporter& r,
                                const Limits& limits, std::vector<Span>* incomplete) {
  return Lowerer(r, limits, incomplete).file(file);
}

}  // namespace wfc::syntax
