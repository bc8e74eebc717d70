// ast::Document is the workflow model every reader produces (JSON, YAML and, later, the DSL):
// the same tree whatever the syntax, every node located. The checker (check/) types it against
// the kind catalog; the planner lowers it. Semantics are DESIGN.md's: siblings run in parallel,
// a task's `next` runs after it succeeds and consumes its output, the top level consumes the
// run's input, `conditions` gate their `next` on the file they receive.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/source/source.h"
#include "compiler/value/value.h"

namespace wfc::ast {

/// A string with the span of its value in the source.
struct Text {
  std::string value;
  Span span;
};

/// One entry of a task's `options`: the option (or, for `conditions`, the property or
/// combinator) name and its value as written.
struct Option {
  std::string name;
  Span name_span;
  Value value;
  std::string pointer;  // JSON pointer of the value, e.g. "/workflow/0/options/width"
};

struct Task {
  Text kind;
  Span span;            // the whole task
  std::string pointer;  // JSON pointer of the task object, e.g. "/workflow/0/next/1"
  std::vector<Option> options;
  Span options_span;  // the `options` value; invalid when absent
  std::vector<Task> next;
  Span next_span;  // the `next` value; invalid when absent
  std::optional<Text> ref;
  std::optional<Text> label;
  std::optional<Text> folder;
  std::optional<Text> filename;

  const Option* option(std::string_view name) const;
};

enum class DocumentKind {
  Automation,  // {name, description, workflow, status}
  RunRequest,  // {tasks, metadata}
  Task,        // {kind, url | input, options}: one task, a run is created behind it
  Workflow,    // [task, ...]
};

std::string_view document_kind_name(DocumentKind k);  // "automation", "run", "task", "workflow"

struct Document {
  DocumentKind kind = DocumentKind::Workflow;
  Span span;
  std::optional<Text> id;           // automation: a stable id declared in the file
  std::optional<Text> name;         // automation
  std::optional<Text> description;  // automation
  std::optional<Text> status;       // automation: active | paused
  std::optional<Text> url;          // task shape: the input URL
  std::optional<Value> input;       // task shape: `input` object ({url} or a File)
  std::optional<Value> metadata;    // run request / automation metadata
  std::optional<Text> webhook_url;  // automation / run request
  std::vector<Task> workflow;       // the top-level tasks (one for the task shape)
  Span workflow_span;               // the `workflow` / `tasks` array (or the task object)
  std::string workflow_pointer;     // "/workflow", "/tasks", "" (bare array or task shape)
  /// Conditions were written as infix expressions (the DSL's `when`), so diagnostics name
  /// operators as written there (`>=`, `not in`) rather than by their JSON names.
  bool infix_conditions = false;
};

}  // namespace wfc::ast
