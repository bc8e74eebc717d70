// A condition as written, before type checking: what both front ends produce (lower_json.cpp
// from a JSON/YAML operator object, parser.cpp from infix text) and what the type checker
// (typecheck.h) turns into the typed IR. It keeps every name, operand and span as written, so
// the checker's diagnostics read the same whatever the syntax.
#pragma once

#include <string>
#include <vector>

#include "compiler/source/source.h"
#include "compiler/value/value.h"

namespace wfc::expr {

/// How a condition was written, so that messages and hints show the user's own syntax
/// (`{"exists": false}` or `!exists(width)`, 'gte' or '>='). Dsl is infix text that the .wf
/// reader lowered to operator objects: worded as infix, located and pointed as JSON.
enum class Notation { Json, Infix, Dsl };

/// One operator applied to a property: `"gte": 1280` or `>= 1280`.
struct WrittenOp {
  std::string name;     // the catalog operator name ("gte"), or what was written when unknown
  std::string spelled;  // as the user wrote it, for messages: "gte" in JSON, ">=" in infix
  Span span;            // the operator key (JSON) or token (infix)
  std::string pointer;  // JSON pointer of the operand
  /// Literals as located values (a list is an Array; a unit literal, which only the DSL's
  /// `when` allows, a Quantity as written, for the checker to convert).
  Value operand;
  bool negated = false;  // infix `not in`, `!contains`... negate the whole test
};

struct WrittenNode {
  enum class Kind { And, Or, Not, Test, Const };
  Kind kind = Kind::Test;
  std::vector<WrittenNode> kids;
  Span span;            // the whole node as written
  std::string pointer;  // JSON pointer of the node's value (of the expression text in infix)
  bool value = false;   // Const: infix `true` / `false`

  // Test: `property` with `ops`, all of which must hold.
  std::string property;
  Span property_span;  // the key (JSON, with quotes) or the name (infix)
  /// JSON `{"kind": "video"}`: a bare value means eq; ops holds that one eq.
  bool bare = false;
  /// Infix `black`: a bare boolean property means `black == true`; ops is empty.
  bool truthy = false;
  std::vector<WrittenOp> ops;
  /// The operator object (JSON) when it has no operators, for "no operator for 'width'".
  Span empty_ops_span;
  bool has_empty_ops = false;
};

}  // namespace wfc::expr
