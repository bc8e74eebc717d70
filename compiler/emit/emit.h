// The emitters: an ast::Document written back out as text in any of the three syntaxes, in one
// canonical layout per syntax. `wfc convert` and `wfc fmt` use them; reading the text back gives
// the same document (the property test in tests/unit/convert_test.cpp holds them to that).
//
// Every emitter starts from canonical_value(): the document as a plain Value tree in the JSON
// form, with its fields in a fixed order (kind, ref, label, folder, filename, options, next for a
// task), so that the three syntaxes print the same facts in the same order.
#pragma once

#include <string>

#include "compiler/ast/ast.h"
#include "compiler/syntax/reader.h"
#include "compiler/value/value.h"

namespace wfc::emit {

/// The document in its JSON form, spans left out: an automation object, a run request, a single
/// task or a workflow array. Option values are kept as written, in their order.
Value canonical_value(const ast::Document& doc);

/// Canonical JSON: 2-space indentation; an object or array whose members are all scalars sits
/// on one line when it fits in 100 columns. Ends with a newline.
std::string emit_json(const ast::Document& doc);
std::string emit_json(const Value& value);

/// Canonical YAML: block style, strings quoted only where YAML would read them otherwise,
/// lists of scalars in flow style when they fit. Ends with a newline.
std::string emit_yaml(const ast::Document& doc);
std::string emit_yaml(const Value& value);

/// Canonical DSL text (grammar/README.md). Ends with a newline.
std::string emit_dsl(const ast::Document& doc);

/// The emitter of a syntax.
std::string emit(const ast::Document& doc, syntax::Syntax syntax);

/// Whether every number in the value can be written in JSON (JSON has no NaN or infinity; YAML
/// does; neither has an unconverted unit literal). When not, *where gets the JSON pointer of the
/// first that cannot.
bool json_representable(const Value& value, std::string* where = nullptr);

}  // namespace wfc::emit
