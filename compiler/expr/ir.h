// The condition IR: one small typed expression tree that every front end lowers to (JSON/YAML
// operator objects in lower_json.cpp, the infix language in parser.cpp, both through
// typecheck.cpp) and every engine runs (eval_ref.cpp, vm.cpp, jit.cpp). A node is a constant, a
// test of one property against constants, or and/or/not of nodes. Properties are resolved to a
// slot of a Schema (schema.h) and typed from the catalog, so the engines never look names up.
//
// Semantics (docs/conditions.md): a property the record lacks is null and every test but
// `exists` is false on null; `not` is plain boolean negation, so `!(width == 100)` holds for a
// file without a width while `width != 100` does not. Numbers follow IEEE 754 (a NaN compares
// false, so `eq` is false and `ne` true); integers are compared exactly, never through double.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/source.h"

namespace re2 {
class RE2;
}

namespace wfc::expr {

/// The type of a property (and of a constant compared with it).
enum class Type : uint8_t {
  Bool,
  Int,   // int64
  Num,   // double
  Str,   // UTF-8 bytes
  Enum,  // one of the catalog's values (kind, orientation)
};

std::string_view type_name(Type t);  // "boolean", "integer", "number", "string", "enum"

enum class Op : uint8_t {
  Eq,
  Ne,
  Gt,
  Gte,
  Lt,
  Lte,
  In,
  Nin,
  Contains,
  StartsWith,
  EndsWith,
  Matches,
  Exists,
};

std::string_view op_name(Op op);   // the JSON operator name: "gte"
std::string_view op_infix(Op op);  // the infix spelling: ">=", "not in", "starts_with"
bool is_ordering(Op op);           // gt gte lt lte
std::optional<Op> parse_op(std::string_view name);  // by JSON name

/// A constant operand. For an Int property a constant is Int, or Num when it was written as a
/// number beyond int64 (1e300); for a Num property Int or Num (compared exactly either way).
/// Enum constants carry their name and their index in the catalog's values.
struct Constant {
  Type type = Type::Bool;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
  int32_t enum_index = -1;
  Span span;

  static Constant boolean(bool v);
  static Constant integer(int64_t v);
  static Constant number(double v);
  static Constant string(std::string v);
  static Constant enumerator(std::string v, int32_t index);

  bool operator==(const Constant& o) const;  // by value, not by span
};

/// A resolved property: a slot of the record, or a key of its string map (`metadata.title`).
struct PropertyRef {
  std::string name;  // as the user names it: "width", "metadata.title", "scene"
  Type type = Type::Str;
  uint16_t slot = 0;    // the record's field for a plain property
  bool is_map = false;  // true for `metadata.<key>`; `key` names the entry
  std::string key;
  const std::vector<std::string>* enum_values = nullptr;  // Enum: the catalog's values
};

struct Node {
  enum class Kind : uint8_t { True, False, Test, And, Or, Not };
  Kind kind = Kind::True;

  // Test
  Op op = Op::Eq;
  PropertyRef prop;
  std::vector<Constant> args;  // one for scalar operators, one or more for in/nin, none for exists
  std::shared_ptr<const re2::RE2> regex;  // Matches: compiled once, shared by every engine

  // And, Or (two or more), Not (one)
  std::vector<Node> kids;

  Span span;            // where it was written: the test, the list, the whole condition
  std::string pointer;  // JSON pointer, when written in JSON/YAML

  static Node constant(bool v, Span span = {});
  static Node negate(Node n);
  bool is_const() const { return kind == Kind::True || kind == Kind::False; }
};

/// Which record a predicate reads.
enum class Domain : uint8_t { File, Frame };

/// A checked condition, ready for analysis and the engines.
struct Predicate {
  Node root;
  Domain domain = Domain::File;
};

/// The canonical infix text of a node: `kind == "video" && width >= 1280`. Parsing it gives the
/// same IR back (the front-end round trip test relies on it); it also names clauses in
/// messages and is the key of the compiled-code cache.
std::string to_string(const Node& n);

/// A structural hash of the canonical form and the domain (the compiled-code cache key).
uint64_t structural_hash(const Predicate& p);

/// Number of nodes (tests, constants and combinators), for budgets.
size_t node_count(const Node& n);

}  // namespace wfc::expr
