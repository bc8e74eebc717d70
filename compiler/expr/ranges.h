// Value-set reasoning over predicates: whether a condition can never hold, or always holds, and
// which file kinds can pass it. A predicate is put in disjunctive normal form (bounded: past
// kMaxTerms alternatives the analysis gives up and says nothing); each conjunction is
// satisfiable when every property it tests keeps a value: numbers as sets of intervals
// (integers exactly, doubles by their order, NaN apart), enums and booleans as sets of values,
// strings as finite or co-finite sets (with contains/starts_with/ends_with/matches applied to
// finite ones), and null as a value of its own. Each property's universe is its catalog range
// (`scene` is 0–1) narrowed by what the chain fixes (`Known`). Sound: it may miss a
// contradiction, never invent one. External interface: Ranges.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/catalog/catalog.h"
#include "compiler/expr/fold.h"
#include "compiler/expr/ir.h"
#include "compiler/expr/schema.h"

namespace wfc::expr {

/// Why a conjunction cannot hold: `culprit` is the first test (in source order) after which
/// `property` has no value left; `others` are the earlier tests on it that it contradicts.
/// With no `others`, the culprit alone is impossible for the property's range or for what the
/// chain lets through (`by_known`).
struct Conflict {
  struct Clause {
    const Node* test = nullptr;
    bool positive = true;  // false: the test appears negated (`!(width > 5)`)
  };
  Clause culprit;
  std::vector<Clause> others;
  std::string property;
  bool by_known = false;
};

class Ranges {
 public:
  static constexpr size_t kMaxTerms = 2048;
  static constexpr size_t kPruneAbove = 64;

  explicit Ranges(const Schema& schema, Known known = {});

  /// True when `n` holds for no record (that `known` admits); nullopt when the analysis gave
  /// up. `why` is filled when the condition is one conjunction.
  std::optional<bool> never(const Node& n, Conflict* why = nullptr) const;
  /// never() and kinds_passing() from one normal form (the checker wants both).
  struct Summary {
    std::optional<bool> never;                     // nullopt: the analysis gave up
    catalog::FileKinds kinds = catalog::kAnyFile;  // as kinds_passing()
  };
  Summary summarize(const Node& n, Conflict* why = nullptr) const;

  /// True when `n` holds for every record (that `known` admits).
  std::optional<bool> always(const Node& n) const;

  /// The file kinds that can pass `n`, judged by its `kind` tests. kAnyFile when `n` says
  /// nothing about kind, can never hold, or the analysis gave up.
  catalog::FileKinds kinds_passing(const Node& n) const;

  /// Whether `n` tests the file's `kind` (the only property the chain narrows).
  bool tests_kind(const Node& n) const;

 private:
  struct Literal {
    const Node* test;
    bool positive;
  };
  using Term = std::vector<Literal>;

  std::optional<std::vector<Term>> dnf(const Node& n, bool positive) const;
  /// The literals of `n` when it is a single conjunction, unpruned; nullopt otherwise.
  std::optional<Term> conjunction(const Node& n, bool positive) const;
  bool satisfiable(const Term& t, Conflict* why, catalog::FileKinds* kinds) const;
  void explain(const Literal& culprit, const std::vector<Literal>& earlier, Conflict* why) const;

  const Schema& schema_;
  Known known_;
};

}  // namespace wfc::expr
