// The bytecode VM: a predicate compiled to a flat array of test-and-branch instructions. Each
// instruction tests one property and jumps to one of two targets, so `and`/`or` short-circuit
// and `not` costs nothing (its targets are swapped at compile time). Constants are resolved at
// compile time (enum values to indices, `in` lists of enum values to bit masks, strings
// interned, RE2 objects shared from the IR), so an evaluation allocates nothing. External
// interface: Program::compile and Program::run.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/expr/ir.h"
#include "compiler/expr/record.h"

namespace re2 {
class RE2;
}

namespace wfc::expr {

enum class Opc : uint8_t {
  RetFalse,
  RetTrue,
  Jump,    // to t
  Exists,  // the field (or map entry) is not null
  BoolEq,  // imm.i 0 or 1
  BoolNe,
  IntEq,  // int field against imm.i
  IntNe,
  IntLt,
  IntLe,
  IntGt,
  IntGe,
  NumEq,  // double field against imm.d (IEEE: NaN compares false, != true)
  NumNe,
  NumLt,
  NumLe,
  NumGt,
  NumGe,
  NumInt,  // double field against an int64 not exactly a double (imm.i), exactly; `cond`
  EnumEq,  // enum index against imm.i
  EnumNe,
  EnumIn,  // enum index in the bit mask imm.mask
  EnumNin,
  In,  // any field against the constant list `aux`
  Nin,
  StrEq,  // string (field or map entry) against the interned string `aux`
  StrNe,
  Contains,
  StartsWith,
  EndsWith,
  Matches,  // RE2 `aux`
};

/// Comparison for NumInt.
enum class Cond : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

struct Insn {
  Opc op = Opc::RetFalse;
  Cond cond = Cond::Eq;
  bool map = false;  // the value is the map entry named by key `slot`, not field `slot`
  uint8_t pad0 = 0;
  uint16_t slot = 0;  // field slot, or map key index when `map`
  uint16_t pad1 = 0;
  uint32_t aux = 0;  // string, list or regex index
  uint32_t t = 0;    // next instruction when the test holds
  uint32_t f = 0;    // next instruction when it does not
  union {
    int64_t i;
    double d;
    uint64_t mask;
  } imm{0};
};
static_assert(sizeof(Insn) == 32);

/// Budgets of a compiled program (explicit, as in RE2's max_mem).
struct VmLimits {
  size_t max_instructions = 1u << 16;
};

class Program {
 public:
  /// Compiles a checked predicate. Returns nullptr when it exceeds the limits (the caller keeps
  /// the reference evaluator).
  static std::unique_ptr<Program> compile(const Predicate& p, const VmLimits& limits = {});

  /// Evaluates on a record of the schema the predicate was typed with. Thread-safe.
  bool run(const Record& r) const;

  /// Evaluates one test instruction (not a jump or return): the out-of-line path for strings,
  /// lists, regexes and map entries, shared with the JIT.
  bool test(const Insn& in, const Record& r) const;

  const std::vector<Insn>& code() const { return code_; }
  size_t size() const { return code_.size(); }
  Domain domain() const { return domain_; }

  /// One instruction per line: "3: int_gt width 1280 → 4 | 7".
  std::string disassemble() const;

 private:
  friend class ProgramBuilder;
  struct ListItem {
    FieldTag tag;  // Bool, Int, Num or Str (Enum lists compare names as strings)
    bool b = false;
    int64_t i = 0;
    double d = 0;
    uint32_t str = 0;  // interned string
  };

  const std::string* value_text(const Insn& in, const Record& r, bool* present) const;

  Domain domain_ = Domain::File;
  std::vector<Insn> code_;
  std::vector<std::string> strings_;
  std::vector<std::string> keys_;  // map keys
  std::vector<std::vector<ListItem>> lists_;
  std::vector<std::shared_ptr<const re2::RE2>> regexes_;
  std::vector<std::string> slot_names_;  // for disassembly
};

}  // namespace wfc::expr
