// The typed IR as JSON: how a plan carries the checked predicate of each gate and each `select`
// to the runtime, which builds its engines from it without parsing or type-checking text again
// (docs/plan.md, "JSON form"). A test names its property and the property's type, so a plan
// written against one catalog and read against another that types the property differently is
// refused rather than run differently:
//
//   true | false
//   {"and": [N, N, ...]} | {"or": [N, N, ...]} | {"not": N}
//   {"op": "gte", "property": "width", "type": "integer", "args": [1280]}
//
// Arguments are JSON values of the constant's type: an integer for an int constant, a number
// with a fraction or exponent for a double (1280.0), a string for a string or enum value, a
// boolean. External interface: to_json() and predicate_from_json().
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "compiler/expr/ir.h"
#include "compiler/expr/schema.h"

namespace wfc::expr {

nlohmann::json to_json(const Node& n);

/// Reads a predicate of `schema`'s domain back, resolving property slots and enum indexes in
/// `schema` and compiling regexes. nullopt with *error ("and/1/args/0: ...") when it does not
/// fit the schema. Never throws; nesting is bounded as the parser bounds it.
std::optional<Predicate> predicate_from_json(const nlohmann::json& j, const Schema& schema,
                                             std::string* error);

}  // namespace wfc::expr
