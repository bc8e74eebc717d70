// The checker's walk over the task tree: kinds (WF201), refs (WF207) and chains (WF3xx), with
// options and conditions typed by options.cpp and conditions.cpp.
//
// Chains are typed by what each task may receive, a set of file kinds: the top level receives
// the run's input, a media file (video, audio or image); a task's `next` receives what the task
// produces, and a passthrough kind (probe, export, conditions) forwards what it received
// (conditions narrowed by their `kind` tests). A task whose received set shares nothing with what
// it accepts cannot work (WF301). Where the checker cannot know what flows (after an unknown
// kind, or after a task already reported), it assumes any file, so one mistake is reported once.
//
// First of all, the caps (compiler/util/caps.h): a workflow with too many tasks (WF116) or chains
// too deep (WF117) gets that one error and no further checks, so its cost stays bounded.
#include "compiler/check/checker.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/check/conditions.h"
#include "compiler/check/frame_select.h"
#include "compiler/check/options.h"
#include "compiler/diag/wording.h"
#include "compiler/util/caps.h"
#include "compiler/util/json_pointer.h"

namespace wfc::check {
using diag::join;
using diag::quote;
using diag::report;
using diag::suggestion;
namespace {

using catalog::FileKinds;
using diag::Code;

/// What flows into a list of tasks.
struct Incoming {
  FileKinds kinds = catalog::kMedia;
  const ast::Task* from = nullptr;  // the task whose output it is; nullptr for the run's input
  const catalog::KindSpec* from_spec = nullptr;
  FileKinds from_received = 0;  // what `from` itself received (for the "move it" hint)
  // The task that made what flows, which differs from `from` when `from` only passes it on
  // (probe, conditions, export); nullptr for the run's input.
  const ast::Task* producer = nullptr;
};

/// "video", "an image", "structured data": a file kind as a noun.
std::string_view noun(catalog::FileKind k) {
  switch (k) {
    case catalog::kVideo:
      return "video";
    case catalog::kAudio:
      return "audio";
    case catalog::kImage:
      return "an image";
    case catalog::kData:
      return "data";
    case catalog::kTrack:
      return "a track";
    case catalog::kPlaylist:
      return "a playlist";
  }
  return "a file";
}

/// "video, audio or an image".
std::string nouns(FileKinds kinds) {
  std::vector<std::string_view> words;
  for (auto k : {catalog::kVideo, catalog::kAudio, catalog::kImage, catalog::kData, catalog::kTrack,
                 catalog::kPlaylist}) {
    if (kinds & k) words.push_back(noun(k));
  }
  if (words.empty()) return "nothing";
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

std::string needs(FileKinds accepts) {
  return accepts == catalog::kVideo ? "a file with a video stream" : nouns(accepts);
}

bool within(Span inner, Span outer) {
  auto le = [](uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
    return l1 < l2 || (l1 == l2 && c1 <= c2);
  };
  return le(outer.line, outer.column, inner.line, inner.column) &&
         le(inner.end_line, inner.end_column, outer.end_line, outer.end_column);
}

std::string position(Span s) { return std::to_string(s.line) + ":" + std::to_string(s.column); }

class Checker {
 public:
  Checker(const ast::Document& doc, const catalog::Catalog& catalog, diag::Diagnostics& diags)
      : doc_(doc), catalog_(catalog), diags_(diags) {}

  void run() {
    if (doc_.workflow.empty()) {
      empty_workflow();
      return;
    }
    Incoming top;
    top.kinds = catalog::kMedia;
    // A single task sent with a probed File as input says what the input is.
    if (doc_.kind == ast::DocumentKind::Task && doc_.input) {
      if (const auto* k = doc_.input->find("kind"); k && k->value.is_string()) {
        if (auto fk = catalog::parse_file_kind(k->value.string)) top.kinds = *fk;
      }
    }
    if (over_caps()) return;
    walk(doc_.workflow, top, /*top=*/true);
  }

 private:
  /// The first task past a cap, in document order, and what it is past.
  struct CapBreach {
    const ast::Task* too_many = nullptr;  // the task numbered kMaxTasksPerWorkflow + 1
    const ast::Task* too_deep = nullptr;  // the first task at depth kMaxNextDepth + 1
    size_t tasks = 0;
    size_t deepest = 0;
  };

  static void measure(const std::vector<ast::Task>& tasks, size_t depth, CapBreach& b) {
    for (const auto& t : tasks) {
      if (++b.tasks == caps::kMaxTasksPerWorkflow + 1) b.too_many = &t;
      if (depth > b.deepest) b.deepest = depth;
      if (depth == caps::kMaxNextDepth + 1 && !b.too_deep) b.too_deep = &t;
      measure(t.next, depth + 1, b);  // the readers bound the depth (syntax::Limits::max_depth)
    }
  }

  /// Reports the caps a workflow breaks (WF116, WF117); true when it breaks one.
  bool over_caps() {
    CapBreach b;
    measure(doc_.workflow, 1, b);
    if (b.too_many) {
      report(diags_, Code::TooManyTasks, task_span(*b.too_many),
             "the workflow holds " + std::to_string(b.tasks) + " tasks, more than the limit of " +
                 std::to_string(caps::kMaxTasksPerWorkflow) + "; this is task " +
                 std::to_string(caps::kMaxTasksPerWorkflow + 1),
             "split the work into several automations or runs of at most " +
                 std::to_string(caps::kMaxTasksPerWorkflow) + " tasks each",
             task_pointer(*b.too_many));
    }
    if (b.too_deep) {
      report(diags_, Code::NextTooDeep, task_span(*b.too_deep),
             "tasks are chained " + std::to_string(b.deepest) +
                 " deep through 'next', more than the limit of " +
                 std::to_string(caps::kMaxNextDepth) + "; this task is number " +
                 std::to_string(caps::kMaxNextDepth + 1) + " of its chain",
             "make steps that work on the same file siblings instead of chaining them",
             task_pointer(*b.too_deep));
    }
    return b.too_many || b.too_deep;
  }

  /// Where a diagnostic about a whole task points: its kind, else the task.
  static Span task_span(const ast::Task& t) { return t.kind.span.valid() ? t.kind.span : t.span; }
  static std::string task_pointer(const ast::Task& t) {
    return t.kind.span.valid() ? pointer_join(t.pointer, "kind") : t.pointer;
  }

  /// Whether the document builder already reported a problem with the list at `pointer` (not a
  /// list) or within `span` (entries that are not tasks): then an empty list is not news.
  bool list_reported(const std::string& pointer, Span span) const {
    for (const auto& d : diags_.items()) {
      if (!pointer.empty() && d.pointer == pointer) return true;
      if (span.valid() && d.span.valid() && within(d.span, span)) return true;
    }
    return false;
  }

  void empty_workflow() {
    if (!doc_.workflow_span.valid()) return;  // not a list at all: already reported
    if (list_reported(doc_.workflow_pointer, doc_.workflow_span)) return;
    report(diags_, Code::EmptyWorkflow, doc_.workflow_span, "workflow has no tasks",
           "a run of an empty workflow does nothing; add a task such as {\"kind\": \"video\"}",
           doc_.workflow_pointer);
  }

  void walk(const std::vector<ast::Task>& tasks, const Incoming& in, bool top) {
    for (const auto& t : tasks) task(t, in, top);
  }

  void task(const ast::Task& t, const Incoming& in, bool top) {
    if (t.ref) ref(t);
    Incoming out;
    out.kinds = catalog::kAnyFile;
    out.from = &t;
    out.producer = &t;
    out.from_received = in.kinds;
    if (t.kind.value.empty()) {  // missing or not a string: the builder reported it
      walk(t.next, out, false);
      return;
    }
    const catalog::KindSpec* spec = catalog_.kind(t.kind.value);
    if (!spec) {
      unknown_kind(t);
      walk(t.next, out, false);
      return;
    }
    out.from_spec = spec;
    if (spec->passthrough) out.producer = in.producer;
    bool chain_ok = true;
    if (spec->top_level_only || spec->accepts == 0) {
      if (!top) {
        report(diags_, Code::NotAtTop, t.kind.span,
               "kind " + quote(spec->name) + " may only start a workflow",
               "tasks in 'next' work on their parent's output; move " + quote(spec->name) +
                   " to the top level",
               pointer_join(t.pointer, "kind"));
      }
    } else if ((in.kinds & spec->accepts) == 0) {
      chain_mismatch(t, *spec, in);
      chain_ok = false;
    }

    FileKinds passing = catalog::kAnyFile;
    if (spec->is_conditions) {
      // What reaches the conditions, for the dead-branch warning (unknown after a mistake).
      expr::ChainContext chain;
      if (chain_ok) {
        chain.kinds = spec->accepts ? FileKinds(in.kinds & spec->accepts) : in.kinds;
        if (in.from) chain.from = in.from->kind.value;
        chain.from_passthrough = in.from_spec && in.from_spec->passthrough;
      }
      passing =
          check_conditions(t, catalog_, chain, diags_,
                           doc_.infix_conditions ? expr::Notation::Dsl : expr::Notation::Json);
      if (t.next.empty() && !list_reported(pointer_join(t.pointer, "next"), t.next_span)) {
        report(diags_, Code::NothingGated, t.kind.span, "conditions task has no 'next' to gate",
               "add the tasks to run when the conditions hold: \"next\": [...]", t.pointer);
      }
    } else {
      check_options(t, *spec, catalog_, diags_);
      check_frame_predicates(t, *spec, catalog_, diags_);
    }

    if (!spec->passthrough) {
      out.kinds = spec->produces;
    } else if (chain_ok) {
      out.kinds = spec->accepts ? FileKinds(in.kinds & spec->accepts) : in.kinds;
      if (spec->is_conditions) {
        // A condition that cannot hold for what arrives was warned about (WF501); the tasks it
        // gates are typed by what the condition asserts.
        out.kinds = (out.kinds & passing) ? FileKinds(out.kinds & passing) : passing;
      }
    }
    walk(t.next, out, false);
  }

  void unknown_kind(const ast::Task& t) {
    auto names = catalog_.kind_names();
    std::string hint = suggestion(t.kind.value, names);
    report(diags_, Code::UnknownKind, t.kind.span, "unknown kind " + quote(t.kind.value),
           hint.empty() ? "kinds: " + join(names) : hint, pointer_join(t.pointer, "kind"));
  }

  void chain_mismatch(const ast::Task& t, const catalog::KindSpec& spec, const Incoming& in) {
    std::string message = "kind " + quote(spec.name) + " needs " + needs(spec.accepts) + ", but ";
    std::string hint;
    if (!in.from) {
      message += "the run's input is " + nouns(in.kinds);
    } else {
      const std::string& parent = in.from->kind.value;
      bool passes = in.from_spec && in.from_spec->passthrough;
      message += quote(parent) + (passes ? " passes on " : " produces ") + nouns(in.kinds);
      if (passes && in.producer) message += " from " + quote(in.producer->kind.value);
      // Moving a task out of a conditions' `next` would lose the gate; no hint there.
      if ((in.from_received & spec.accepts) && !(in.from_spec && in.from_spec->passthrough)) {
        hint = "to work on the same file as " + quote(parent) + ", make " + quote(spec.name) +
               " its sibling instead of its 'next'";
      }
    }
    report(diags_, Code::ChainMismatch, t.kind.span, std::move(message), std::move(hint),
           pointer_join(t.pointer, "kind"));
  }

  void ref(const ast::Task& t) {
    auto [it, inserted] = refs_.emplace(t.ref->value, &*t.ref);
    if (inserted) return;
    report(diags_, Code::DuplicateRef, t.ref->span, "duplicate ref " + quote(t.ref->value),
           "first defined at " + position(it->second->span), pointer_join(t.pointer, "ref"));
  }

  const ast::Document& doc_;
  const catalog::Catalog& catalog_;
  diag::Diagnostics& diags_;
  std::unordered_map<std::string_view, const ast::Text*> refs_;
};

}  // namespace

void check_document(const ast::Document& doc, const catalog::Catalog& catalog,
                    diag::Diagnostics& diags) {
  Checker(doc, catalog, diags).run();
}

}  // namespace wfc::check
