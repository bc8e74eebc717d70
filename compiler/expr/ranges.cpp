// The value sets behind Ranges. Every test is the set of values for which it holds; its
// negation is the complement in the type's whole universe, null included (a test is false on
// null, so its negation is true there); a conjunction is the intersection, per property, with
// the property's universe. Doubles are mapped to int64 keys in the same order (-0.0 as 0.0, NaN
// kept apart), so integers and doubles share one closed-interval set.
#include "compiler/expr/ranges.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

#include "compiler/expr/numeric.h"

namespace wfc::expr {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

/// Sorted, disjoint, closed intervals of int64.
struct Intervals {
  std::vector<std::pair<int64_t, int64_t>> v;

  static Intervals range(int64_t lo, int64_t hi) {
    Intervals out;
    if (lo <= hi) out.v.emplace_back(lo, hi);
    return out;
  }
  bool empty() const { return v.empty(); }

  Intervals intersect(const Intervals& o) const {
    Intervals out;
    size_t i = 0, j = 0;
    while (i < v.size() && j < o.v.size()) {
      int64_t lo = std::max(v[i].first, o.v[j].first);
      int64_t hi = std::min(v[i].second, o.v[j].second);
      if (lo <= hi) out.v.emplace_back(lo, hi);
      if (v[i].second < o.v[j].second) {
        ++i;
      } else {
        ++j;
      }
    }
    return out;
  }

  /// The complement within [lo, hi].
  Intervals complement(int64_t lo, int64_t hi) const {
    Intervals out;
    int64_t next = lo;
    bool open = true;  // `next` is still a candidate
    for (const auto& [a, b] : v) {
      if (b < lo || a > hi) continue;
      if (open && a > next) out.v.emplace_back(next, a - 1);
      if (b >= hi) {
        open = false;
        break;
      }
      next = std::max(next, b + 1);
    }
    if (open && next <= hi) out.v.emplace_back(next, hi);
    return out;
  }

  Intervals unite(const Intervals& o) const {
    std::vector<std::pair<int64_t, int64_t>> all = v;
    all.insert(all.end(), o.v.begin(), o.v.end());
    std::sort(all.begin(), all.end());
    Intervals out;
    for (const auto& iv : all) {
      if (!out.v.empty() && (out.v.back().second == kMax || iv.first <= out.v.back().second + 1)) {
        out.v.back().second = std::max(out.v.back().second, iv.second);
      } else {
        out.v.push_back(iv);
      }
    }
    return out;
  }
};

/// Order-preserving key of a double (not NaN): -inf < … < -0.0 = 0.0 < … < +inf.
int64_t key(double d) {
  if (d == 0) d = 0;  // -0.0 and 0.0 are equal to every test
  int64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits >= 0 ? bits : bits ^ kMax;
}
const int64_t kKeyMin = key(-std::numeric_limits<double>::infinity());
const int64_t kKeyMax = key(std::numeric_limits<double>::infinity());

double up(double d) { return std::nextafter(d, std::numeric_limits<double>::infinity()); }
double down(double d) { return std::nextafter(d, -std::numeric_limits<double>::infinity()); }

/// The set of values of one property, of one type.
struct ValueSet {
  Type type = Type::Str;
  bool null = false;
  uint8_t bools = 0;  // bit 0 false, bit 1 true
  Intervals nums;     // Int: values; Num: keys
  bool nan = false;
  uint64_t enums = 0;  // bit per catalog value
  bool other = false;  // an enum value outside the catalog's (a non-media file's kind)
  bool cofinite = false;
  std::vector<std::string> strs;  // sorted; cofinite: the excluded ones

  bool empty() const {
    if (null) return false;
    switch (type) {
      case Type::Bool:
        return bools == 0;
      case Type::Int:
        return nums.empty();
      case Type::Num:
        return nums.empty() && !nan;
      case Type::Enum:
        return enums == 0 && !other;
      case Type::Str:
        return !cofinite && strs.empty();
    }
    return true;
  }
};

uint64_t all_enum_bits(size_t n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

/// Every value of the type, null included.
ValueSet everything(Type type, size_t enum_values) {
  ValueSet s;
  s.type = type;
  s.null = true;
  s.bools = 3;
  // Only the parts of the type's own kind are filled: the others are never read, and each
  // costs an allocation on a path the checker takes for every condition.
  if (type == Type::Num) s.nums = Intervals::range(kKeyMin, kKeyMax);
  if (type == Type::Int) s.nums = Intervals::range(kMin, kMax);
  s.nan = type == Type::Num;
  s.enums = all_enum_bits(enum_values);
  s.other = true;
  s.cofinite = true;
  return s;
}

ValueSet nothing(Type type) {
  ValueSet s;
  s.type = type;
  return s;
}

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

ValueSet intersect(const ValueSet& a, const ValueSet& b) {
  ValueSet s;
  s.type = a.type;
  s.null = a.null && b.null;
  s.bools = a.bools & b.bools;
  if (a.type == Type::Int || a.type == Type::Num) s.nums = a.nums.intersect(b.nums);
  s.nan = a.nan && b.nan;
  s.enums = a.enums & b.enums;
  s.other = a.other && b.other;
  if (a.type != Type::Str) {
    s.cofinite = a.cofinite && b.cofinite;
  } else if (a.cofinite && b.cofinite) {
    s.cofinite = true;
    std::set_union(a.strs.begin(), a.strs.end(), b.strs.begin(), b.strs.end(),
                   std::back_inserter(s.strs));
  } else if (a.cofinite || b.cofinite) {
    const ValueSet& fin = a.cofinite ? b : a;
    const ValueSet& co = a.cofinite ? a : b;
    std::set_difference(fin.strs.begin(), fin.strs.end(), co.strs.begin(), co.strs.end(),
                        std::back_inserter(s.strs));
  } else {
    std::set_intersection(a.strs.begin(), a.strs.end(), b.strs.begin(), b.strs.end(),
                          std::back_inserter(s.strs));
  }
  return s;
}

ValueSet complement(const ValueSet& a, size_t enum_values) {
  ValueSet s;
  s.type = a.type;
  s.null = !a.null;
  s.bools = static_cast<uint8_t>(~a.bools & 3);
  if (a.type == Type::Num) s.nums = a.nums.complement(kKeyMin, kKeyMax);
  if (a.type == Type::Int) s.nums = a.nums.complement(kMin, kMax);
  s.nan = a.type == Type::Num && !a.nan;
  s.enums = ~a.enums & all_enum_bits(enum_values);
  s.other = !a.other;
  s.cofinite = !a.cofinite;
  if (a.type == Type::Str) s.strs = a.strs;
  return s;
}

/// The integers x for which `x op c` holds (c an Int constant, or a Num one beyond int64).
Intervals int_range(Op op, const Constant& c) {
  if (c.type == Type::Num) {
    double d = c.d;
    if (std::isnan(d)) return op == Op::Ne ? Intervals::range(kMin, kMax) : Intervals{};
    if (d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
      bool above = d > 0;
      bool holds = op == Op::Ne ||
                   (above ? (op == Op::Lt || op == Op::Lte) : (op == Op::Gt || op == Op::Gte));
      return holds ? Intervals::range(kMin, kMax) : Intervals{};
    }
    double fl = std::floor(d);
    auto k = static_cast<int64_t>(fl);
    if (fl != d) {  // strictly between k and k + 1
      switch (op) {
        case Op::Eq:
          return {};
        case Op::Ne:
          return Intervals::range(kMin, kMax);
        case Op::Gt:
        case Op::Gte:
          return k == kMax ? Intervals{} : Intervals::range(k + 1, kMax);
        default:
          return Intervals::range(kMin, k);
      }
    }
    return int_range(op, Constant::integer(k));
  }
  int64_t k = c.i;
  switch (op) {
    case Op::Eq:
      return Intervals::range(k, k);
    case Op::Ne:
      return Intervals::range(k, k).complement(kMin, kMax);
    case Op::Gt:
      return k == kMax ? Intervals{} : Intervals::range(k + 1, kMax);
    case Op::Gte:
      return Intervals::range(k, kMax);
    case Op::Lt:
      return k == kMin ? Intervals{} : Intervals::range(kMin, k - 1);
    case Op::Lte:
      return Intervals::range(kMin, k);
    default:
      return {};
  }
}

/// The double keys x for which `x op c` holds (NaN apart: it satisfies only `ne`).
Intervals num_range(Op op, const Constant& c) {
  const double inf = std::numeric_limits<double>::infinity();
  double lo_gt, lo_ge, hi_lt, hi_le;  // the first double > c, ≥ c; the last < c, ≤ c
  bool equal_exists;
  double eq;
  if (c.type == Type::Int) {
    auto d = static_cast<double>(c.i);
    int cmp = compare_exact(d, c.i);
    equal_exists = cmp == 0;
    eq = d;
    lo_gt = cmp > 0 ? d : up(d);
    lo_ge = cmp >= 0 ? d : up(d);
    hi_lt = cmp < 0 ? d : down(d);
    hi_le = cmp <= 0 ? d : down(d);
  } else {
    double d = c.d;
    if (std::isnan(d)) return op == Op::Ne ? Intervals::range(kKeyMin, kKeyMax) : Intervals{};
    equal_exists = true;
    eq = d;
    lo_gt = up(d);
    lo_ge = d;
    hi_lt = down(d);
    hi_le = d;
  }
  switch (op) {
    case Op::Eq:
      return equal_exists ? Intervals::range(key(eq), key(eq)) : Intervals{};
    case Op::Ne:
      return equal_exists ? Intervals::range(key(eq), key(eq)).complement(kKeyMin, kKeyMax)
                          : Intervals::range(kKeyMin, kKeyMax);
    case Op::Gt:
      return lo_gt > inf || std::isnan(lo_gt) ? Intervals{} : Intervals::range(key(lo_gt), kKeyMax);
    case Op::Gte:
      return Intervals::range(key(lo_ge), kKeyMax);
    case Op::Lt:
      return hi_lt < -inf || std::isnan(hi_lt) ? Intervals{}
                                               : Intervals::range(kKeyMin, key(hi_lt));
    case Op::Lte:
      return Intervals::range(kKeyMin, key(hi_le));
    default:
      return {};
  }
}

bool opaque(Op op) {
  return op == Op::Contains || op == Op::StartsWith || op == Op::EndsWith || op == Op::Matches;
}

bool opaque_holds(const Node& t, std::string_view s) {
  const std::string& c = t.args[0].s;
  switch (t.op) {
    case Op::Contains:
      return s.find(c) != std::string_view::npos;
    case Op::StartsWith:
      return s.substr(0, c.size()) == c;
    case Op::EndsWith:
      return s.size() >= c.size() && s.substr(s.size() - c.size()) == c;
    case Op::Matches:
      return t.regex && RE2::PartialMatch(s, *t.regex);
    default:
      return false;
  }
}

/// The values for which test `t` holds (not for the opaque string tests).
ValueSet holds(Type type, Op op, const std::vector<Constant>& args, size_t enum_values) {
  if (op == Op::Exists) {
    ValueSet s = everything(type, enum_values);
    s.null = false;
    return s;
  }
  if (op == Op::Ne || op == Op::Nin) {
    // Not equal (to any): the complement of eq/in, minus null.
    ValueSet s =
        complement(holds(type, op == Op::Ne ? Op::Eq : Op::In, args, enum_values), enum_values);
    s.null = false;
    return s;
  }
  ValueSet s = nothing(type);
  if (op == Op::In || op == Op::Eq) {
    for (const auto& c : args) {
      switch (type) {
        case Type::Bool:
          s.bools |= c.b ? 2 : 1;
          break;
        case Type::Int:
          s.nums = s.nums.unite(int_range(Op::Eq, c));
          break;
        case Type::Num:
          s.nums = s.nums.unite(num_range(Op::Eq, c));
          break;
        case Type::Enum:
          if (c.enum_index >= 0 && c.enum_index < 64) s.enums |= uint64_t{1} << c.enum_index;
          break;
        case Type::Str:
          s.strs.push_back(c.s);
          break;
      }
    }
    s.strs = sorted_unique(std::move(s.strs));
    return s;
  }
  if (is_ordering(op)) {
    if (type == Type::Int) s.nums = int_range(op, args[0]);
    if (type == Type::Num) s.nums = num_range(op, args[0]);
  }
  return s;
}

/// A property as the analysis names it: a slot, or a map key (viewing the test's own string).
struct Var {
  bool map;
  uint16_t slot;
  std::string_view key;
  bool operator==(const Var& o) const { return map == o.map && slot == o.slot && key == o.key; }
};

Var var_of(const Node& t) {
  return Var{t.prop.is_map, t.prop.is_map ? uint16_t(0) : t.prop.slot,
             t.prop.is_map ? std::string_view(t.prop.key) : std::string_view()};
}

bool same_opaque(const Node& a, const Node& b) {
  return a.op == b.op && a.args[0].s == b.args[0].s;
}

/// Narrows a property's values to its catalog range and to what `known` admits.
void restrict_to_universe(const Schema& schema, const Known& known, uint16_t slot, ValueSet& s) {
  const SlotInfo& info = schema.slots()[slot];
  if (info.spec) {
    const auto& t = info.spec->type;
    if (info.type == Type::Int && (t.min || t.max)) {
      auto clamp = [](double v) {
        if (v <= -9223372036854775808.0) return kMin;
        if (v >= 9223372036854775807.0) return kMax;
        return static_cast<int64_t>(v);
      };
      int64_t lo = t.min ? clamp(std::ceil(*t.min)) : kMin;
      int64_t hi = t.max ? clamp(std::floor(*t.max)) : kMax;
      s.nums = s.nums.intersect(Intervals::range(lo, hi));
    }
    if (info.type == Type::Num && (t.min || t.max)) {
      int64_t lo = t.min ? key(*t.min) : kKeyMin;
      int64_t hi = t.max ? key(*t.max) : kKeyMax;
      s.nums = s.nums.intersect(Intervals::range(lo, hi));
    }
  }
  if (static_cast<int>(slot) == schema.kind_slot() && known.kinds != catalog::kAnyFile) {
    // What the chain lets through: a media kind is the `kind` value of its name, the others a
    // value outside the catalog's; either way the file has a kind.
    s.null = false;
    s.enums = 0;
    s.other = false;
    for (catalog::FileKind k : {catalog::kVideo, catalog::kAudio, catalog::kImage, catalog::kData,
                                catalog::kTrack, catalog::kPlaylist}) {
      if (!(known.kinds & k)) continue;
      int32_t index = schema.enum_index(slot, catalog::file_kind_name(k));
      if (index >= 0 && index < 64) {
        s.enums |= uint64_t{1} << index;
      } else {
        s.other = true;
      }
    }
  }
}

}  // namespace

namespace {

bool tests_slot(const Node& n, int slot) {
  if (n.kind == Node::Kind::Test) return !n.prop.is_map && static_cast<int>(n.prop.slot) == slot;
  for (const auto& k : n.kids) {
    if (tests_slot(k, slot)) return true;
  }
  return false;
}

/// Whether `n` has a `not` or a `true`: without either, a record with every property null
/// fails it (every test is false on null), so it cannot always hold.
bool can_always_hold(const Node& n) {
  if (n.kind == Node::Kind::Not || n.kind == Node::Kind::True) return true;
  for (const auto& k : n.kids) {
    if (can_always_hold(k)) return true;
  }
  return false;
}

}  // namespace

Ranges::Ranges(const Schema& schema, Known known) : schema_(schema), known_(known) {}

std::optional<std::vector<Ranges::Term>> Ranges::dnf(const Node& n, bool positive) const {
  using Terms = std::vector<Term>;
  switch (n.kind) {
    case Node::Kind::True:
    case Node::Kind::False:
      // true is one empty conjunction; false is none.
      return (n.kind == Node::Kind::True) == positive ? Terms{Term{}} : Terms{};
    case Node::Kind::Test:
      return Terms{Term{Literal{&n, positive}}};
    case Node::Kind::Not:
      return dnf(n.kids[0], !positive);
    case Node::Kind::And:
    case Node::Kind::Or: {
      bool conjunction = (n.kind == Node::Kind::And) == positive;
      Terms acc = conjunction ? Terms{Term{}} : Terms{};
      for (const auto& k : n.kids) {
        auto kid = dnf(k, positive);
        if (!kid) return std::nullopt;
        if (!conjunction) {
          acc.insert(acc.end(), kid->begin(), kid->end());
          if (acc.size() > kMaxTerms) return std::nullopt;
          continue;
        }
        if (kid->size() == 1 && acc.size() <= 1) {
          // A plain conjunction grows one term: no product, and nothing to prune yet (pruning
          // each step would make a long conjunction quadratic).
          if (acc.size() == 1) acc[0].insert(acc[0].end(), (*kid)[0].begin(), (*kid)[0].end());
          continue;
        }
        Terms product;
        // Dropping impossible conjunctions keeps a large product small; a small one is left for
        // the caller, which checks each term anyway.
        bool prune = acc.size() * kid->size() > kPruneAbove;
        for (const auto& a : acc) {
          for (const auto& b : *kid) {
            Term t = a;
            t.insert(t.end(), b.begin(), b.end());
            if (prune && !satisfiable(t, nullptr, nullptr)) continue;
            product.push_back(std::move(t));
            if (product.size() > kMaxTerms) return std::nullopt;
          }
        }
        acc = std::move(product);
      }
      return acc;
    }
  }
  return std::nullopt;
}

bool Ranges::satisfiable(const Term& term, Conflict* why, catalog::FileKinds* kinds) const {
  struct State {
    ValueSet set;
    std::vector<Literal> seen;  // the non-opaque tests so far, in order
    std::vector<Literal> opaques;
    size_t enum_values = 0;
  };
  // Conditions test a handful of properties: a vector searched in order beats a map.
  std::vector<std::pair<Var, State>> vars;
  vars.reserve(term.size());
  auto state = [&](const Node& t) -> State& {
    Var v = var_of(t);
    for (auto& [var, st] : vars) {
      if (var == v) return st;
    }
    State s;
    s.enum_values = t.prop.enum_values ? t.prop.enum_values->size() : 0;
    s.set = everything(t.prop.type, s.enum_values);
    if (!t.prop.is_map) restrict_to_universe(schema_, known_, t.prop.slot, s.set);
    vars.emplace_back(v, std::move(s));
    return vars.back().second;
  };
  for (const Literal& lit : term) {
    const Node& t = *lit.test;
    // The kinds that pass are judged by the tests that assert a kind (eq, ne, in, nin), not by
    // negated ones, as the checker always has: `not {"kind": "video"}` narrows nothing.
    if (kinds && !lit.positive && !t.prop.is_map &&
        static_cast<int>(t.prop.slot) == schema_.kind_slot()) {
      continue;
    }
    State& s = state(t);
    if (t.op != Op::Exists && opaque(t.op)) {
      s.opaques.push_back(lit);
      continue;
    }
    ValueSet h = holds(t.prop.type, t.op, t.args, s.enum_values);
    if (!lit.positive) h = complement(h, s.enum_values);
    s.set = intersect(s.set, h);
    if (s.set.empty()) {
      if (why) explain(lit, s.seen, why);
      return false;
    }
    s.seen.push_back(lit);
  }
  for (auto& [v, s] : vars) {
    for (size_t i = 0; i < s.opaques.size(); ++i) {
      const Literal& a = s.opaques[i];
      if (a.positive) s.set.null = false;
      for (size_t j = 0; j < i; ++j) {
        if (s.opaques[j].positive != a.positive && same_opaque(*s.opaques[j].test, *a.test)) {
          if (why) explain(a, {s.opaques[j]}, why);
          return false;
        }
      }
      if (!s.set.cofinite) {
        std::vector<std::string> kept;
        for (const auto& str : s.set.strs) {
          if (opaque_holds(*a.test, str) == a.positive) kept.push_back(str);
        }
        s.set.strs = std::move(kept);
      }
      if (s.set.empty()) {
        if (why) explain(a, s.seen, why);
        return false;
      }
    }
  }
  if (kinds) {
    // The kinds that can pass this conjunction: every kind, unless it tests `kind`.
    const State* kind = nullptr;
    for (const auto& [var, st] : vars) {
      if (!var.map && static_cast<int>(var.slot) == schema_.kind_slot()) kind = &st;
    }
    if (!kind) {
      *kinds |= catalog::kAnyFile;
    } else {
      const ValueSet& s = kind->set;
      const auto& values = schema_.slots()[schema_.kind_slot()].values;
      for (size_t i = 0; i < values.size() && i < 64; ++i) {
        if (!(s.enums >> i & 1)) continue;
        if (auto k = catalog::parse_file_kind(values[i])) *kinds |= *k;
      }
      if (s.other) *kinds |= catalog::kAnyFile & ~catalog::kMedia;
    }
  }
  return true;
}

void Ranges::explain(const Literal& culprit, const std::vector<Literal>& earlier,
                     Conflict* why) const {
  why->culprit = {culprit.test, culprit.positive};
  why->property = culprit.test->prop.name;
  why->others.clear();
  const Node& t = *culprit.test;
  if (!satisfiable(Term{culprit}, nullptr, nullptr)) {
    // Impossible on its own: against the property's range, or what the chain lets through.
    why->by_known = !t.prop.is_map && static_cast<int>(t.prop.slot) == schema_.kind_slot() &&
                    known_.kinds != catalog::kAnyFile;
    return;
  }
  // Name the one earlier test the culprit contradicts, when one alone does (the nearest).
  for (size_t i = earlier.size(); i-- > 0;) {
    if (!satisfiable(Term{earlier[i], culprit}, nullptr, nullptr)) {
      why->others = {{earlier[i].test, earlier[i].positive}};
      return;
    }
  }
  for (const auto& e : earlier) why->others.push_back({e.test, e.positive});
}

std::optional<Ranges::Term> Ranges::conjunction(const Node& n, bool positive) const {
  switch (n.kind) {
    case Node::Kind::True:
    case Node::Kind::False:
      if ((n.kind == Node::Kind::True) == positive) return Term{};
      return std::nullopt;
    case Node::Kind::Test:
      return Term{Literal{&n, positive}};
    case Node::Kind::Not:
      return conjunction(n.kids[0], !positive);
    case Node::Kind::And:
    case Node::Kind::Or: {
      if ((n.kind == Node::Kind::And) != positive) return std::nullopt;
      Term all;
      for (const auto& k : n.kids) {
        auto t = conjunction(k, positive);
        if (!t) return std::nullopt;
        all.insert(all.end(), t->begin(), t->end());
      }
      return all;
    }
  }
  return std::nullopt;
}

Ranges::Summary Ranges::summarize(const Node& n, Conflict* why) const {
  Summary out;
  auto terms = dnf(n, true);
  if (!terms) return out;
  bool tests = tests_kind(n);
  catalog::FileKinds kinds = 0;
  bool any = false;
  for (const auto& t : *terms) {
    if (!satisfiable(t, nullptr, nullptr)) continue;
    any = true;
    if (!tests) break;  // the kinds need every term; never() needs one
    satisfiable(t, nullptr, &kinds);
  }
  out.never = !any;
  if (any && tests && kinds) out.kinds = kinds;
  if (!any && why) {
    // Say why when the condition is one conjunction: re-run it with the explanation on.
    if (auto all = conjunction(n, true)) satisfiable(*all, why, nullptr);
  }
  return out;
}

std::optional<bool> Ranges::never(const Node& n, Conflict* why) const {
  auto terms = dnf(n, true);
  if (!terms) return std::nullopt;
  for (const auto& t : *terms) {
    if (satisfiable(t, nullptr, nullptr)) return false;
  }
  if (why) {
    // Say why when the condition is one conjunction: re-run it with the explanation on.
    if (auto all = conjunction(n, true)) satisfiable(*all, why, nullptr);
  }
  return true;
}

std::optional<bool> Ranges::always(const Node& n) const {
  // With nothing known, the all-null record is a counterexample; with the chain's kinds known,
  // `kind` is never null, so only the general check will do.
  if (!can_always_hold(n) && (known_.kinds == catalog::kAnyFile || !tests_kind(n))) return false;
  auto terms = dnf(n, false);
  if (!terms) return std::nullopt;
  for (const auto& t : *terms) {
    if (satisfiable(t, nullptr, nullptr)) return false;
  }
  return true;
}

bool Ranges::tests_kind(const Node& n) const {
  return schema_.kind_slot() >= 0 && tests_slot(n, schema_.kind_slot());
}

catalog::FileKinds Ranges::kinds_passing(const Node& n) const {
  if (!tests_kind(n)) return catalog::kAnyFile;
  auto terms = dnf(n, true);
  if (!terms || terms->empty()) return catalog::kAnyFile;
  catalog::FileKinds kinds = 0;
  for (const auto& t : *terms) {
    if (satisfiable(t, nullptr, nullptr)) satisfiable(t, nullptr, &kinds);
  }
  return kinds ? kinds : catalog::kAnyFile;
}

}  // namespace wfc::expr
