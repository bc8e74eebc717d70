// Compiling the IR to bytecode, and running it.
//
// compile(node, T, F) emits code that continues at label T when the node holds and at F when
// it does not: `and` chains its children through fresh labels on success and sends every
// failure to F, `or` the reverse, and `not` swaps T and F. Labels become instruction indices
// once all code is emitted; the two returns sit at the end.
#include "compiler/expr/vm.h"

#include <re2/re2.h>

#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "compiler/expr/numeric.h"

namespace wfc::expr {

class ProgramBuilder {
 public:
  ProgramBuilder(Program& p, const VmLimits& limits) : p_(p), limits_(limits) {}

  bool build(const Node& root) {
    int t = label(), f = label();
    emit(root, t, f);
    bind(t);
    push(Insn{}).op = Opc::RetTrue;
    bind(f);
    push(Insn{}).op = Opc::RetFalse;
    if (overflow_) return false;
    for (auto& in : p_.code_) {
      in.t = static_cast<uint32_t>(labels_[in.t]);
      in.f = static_cast<uint32_t>(labels_[in.f]);
    }
    return true;
  }

 private:
  int label() {
    labels_.push_back(-1);
    return static_cast<int>(labels_.size() - 1);
  }
  void bind(int l) { labels_[l] = static_cast<int64_t>(p_.code_.size()); }

  Insn& push(Insn in) {
    if (p_.code_.size() >= limits_.max_instructions) {
      overflow_ = true;
      scratch_ = in;
      return scratch_;
    }
    p_.code_.push_back(in);
    return p_.code_.back();
  }

  void jump(int target) {
    Insn in;
    in.op = Opc::Jump;
    in.t = in.f = static_cast<uint32_t>(target);
    push(in);
  }

  void emit(const Node& n, int t, int f) {
    if (overflow_) return;
    switch (n.kind) {
      case Node::Kind::True:
        return jump(t);
      case Node::Kind::False:
        return jump(f);
      case Node::Kind::Not:
        return emit(n.kids[0], f, t);
      case Node::Kind::And:
      case Node::Kind::Or: {
        bool is_and = n.kind == Node::Kind::And;
        for (size_t i = 0; i + 1 < n.kids.size(); ++i) {
          int next = label();
          if (is_and) {
            emit(n.kids[i], next, f);
          } else {
            emit(n.kids[i], t, next);
          }
          bind(next);
        }
        if (n.kids.empty()) return jump(is_and ? t : f);
        return emit(n.kids.back(), t, f);
      }
      case Node::Kind::Test:
        return test(n, t, f);
    }
  }

  uint16_t key(const std::string& k) {
    auto [it, inserted] = keys_.emplace(k, p_.keys_.size());
    if (inserted) p_.keys_.push_back(k);
    return static_cast<uint16_t>(it->second);
  }

  uint32_t string(const std::string& s) {
    auto [it, inserted] = strings_.emplace(s, p_.strings_.size());
    if (inserted) p_.strings_.push_back(s);
    return static_cast<uint32_t>(it->second);
  }

  void test(const Node& n, int t, int f) {
    Insn in;
    in.t = static_cast<uint32_t>(t);
    in.f = static_cast<uint32_t>(f);
    if (n.prop.is_map) {
      in.map = true;
      in.slot = key(n.prop.key);
    } else {
      in.slot = n.prop.slot;
      if (p_.slot_names_.size() <= in.slot) p_.slot_names_.resize(in.slot + 1);
      p_.slot_names_[in.slot] = n.prop.name;
    }
    if (n.op == Op::Exists) {
      in.op = Opc::Exists;
      push(in);
      return;
    }
    const Constant* c = n.args.empty() ? nullptr : &n.args[0];
    switch (n.prop.type) {
      case Type::Bool:
        if (n.op == Op::Eq || n.op == Op::Ne) {
          in.op = n.op == Op::Eq ? Opc::BoolEq : Opc::BoolNe;
          in.imm.i = c->b ? 1 : 0;
          push(in);
          return;
        }
        break;
      case Type::Int:
        if (is_ordering(n.op) || n.op == Op::Eq || n.op == Op::Ne) return int_compare(n.op, *c, in);
        break;
      case Type::Num:
        if (is_ordering(n.op) || n.op == Op::Eq || n.op == Op::Ne) return num_compare(n.op, *c, in);
        break;
      case Type::Enum:
        if (n.op == Op::Eq || n.op == Op::Ne) {
          in.op = n.op == Op::Eq ? Opc::EnumEq : Opc::EnumNe;
          in.imm.i = c->enum_index;
          push(in);
          return;
        }
        if (n.op == Op::In || n.op == Op::Nin) {
          uint64_t mask = 0;
          bool fits = true;
          for (const auto& a : n.args) {
            if (a.enum_index < 0 || a.enum_index >= 64) fits = false;
            if (fits) mask |= uint64_t{1} << a.enum_index;
          }
          if (fits) {
            in.op = n.op == Op::In ? Opc::EnumIn : Opc::EnumNin;
            in.imm.mask = mask;
            push(in);
            return;
          }
        }
        break;
      case Type::Str:
        break;
    }
    switch (n.op) {
      case Op::In:
      case Op::Nin:
        in.op = n.op == Op::In ? Opc::In : Opc::Nin;
        in.aux = list(n.args);
        break;
      case Op::Eq:
        in.op = Opc::StrEq;
        in.aux = string(c->s);
        break;
      case Op::Ne:
        in.op = Opc::StrNe;
        in.aux = string(c->s);
        break;
      case Op::Contains:
        in.op = Opc::Contains;
        in.aux = string(c->s);
        break;
      case Op::StartsWith:
        in.op = Opc::StartsWith;
        in.aux = string(c->s);
        break;
      case Op::EndsWith:
        in.op = Opc::EndsWith;
        in.aux = string(c->s);
        break;
      case Op::Matches:
        in.op = Opc::Matches;
        in.aux = static_cast<uint32_t>(p_.regexes_.size());
        p_.regexes_.push_back(n.regex);
        break;
      default:  // an ordering on a string: the type checker never produces it
        return jump(f);
    }
    push(in);
  }

  uint32_t list(const std::vector<Constant>& args) {
    std::vector<Program::ListItem> items;
    for (const auto& a : args) {
      Program::ListItem item;
      switch (a.type) {
        case Type::Bool:
          item.tag = FieldTag::Bool;
          item.b = a.b;
          break;
        case Type::Int:
          item.tag = FieldTag::Int;
          item.i = a.i;
          break;
        case Type::Num:
          item.tag = FieldTag::Num;
          item.d = a.d;
          break;
        case Type::Str:
        case Type::Enum:
          item.tag = FieldTag::Str;
          item.str = string(a.s);
          break;
      }
      items.push_back(item);
    }
    p_.lists_.push_back(std::move(items));
    return static_cast<uint32_t>(p_.lists_.size() - 1);
  }

  static Opc int_op(Op op) {
    switch (op) {
      case Op::Eq:
        return Opc::IntEq;
      case Op::Ne:
        return Opc::IntNe;
      case Op::Lt:
        return Opc::IntLt;
      case Op::Lte:
        return Opc::IntLe;
      case Op::Gt:
        return Opc::IntGt;
      default:
        return Opc::IntGe;
    }
  }

  static Opc num_op(Op op) {
    switch (op) {
      case Op::Eq:
        return Opc::NumEq;
      case Op::Ne:
        return Opc::NumNe;
      case Op::Lt:
        return Opc::NumLt;
      case Op::Lte:
        return Opc::NumLe;
      case Op::Gt:
        return Opc::NumGt;
      default:
        return Opc::NumGe;
    }
  }

  /// An int field against a constant. A double constant (only one beyond int64, or NaN, reaches
  /// here) is turned into an integer comparison or a presence test at compile time, so the
  /// running code never converts an int64 to a double.
  void int_compare(Op op, const Constant& c, Insn in) {
    if (c.type == Type::Int) {
      in.op = int_op(op);
      in.imm.i = c.i;
      push(in);
      return;
    }
    double d = c.d;
    auto exists = [&] {
      in.op = Opc::Exists;
      push(in);
    };
    auto never = [&] { jump(static_cast<int>(in.f)); };
    if (std::isnan(d)) return op == Op::Ne ? exists() : never();
    if (d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
      bool above = d > 0;  // the constant is above (or below) every int64
      bool holds = op == Op::Ne ||
                   (above ? (op == Op::Lt || op == Op::Lte) : (op == Op::Gt || op == Op::Gte));
      return holds ? exists() : never();
    }
    double fl = std::floor(d);
    auto k = static_cast<int64_t>(fl);
    if (fl == d) {
      in.op = int_op(op);
      in.imm.i = k;
      push(in);
      return;
    }
    // d is strictly between k and k + 1.
    switch (op) {
      case Op::Eq:
        return never();
      case Op::Ne:
        return exists();
      case Op::Gt:
      case Op::Gte:
        in.op = Opc::IntGt;
        break;
      default:
        in.op = Opc::IntLe;
        break;
    }
    in.imm.i = k;
    push(in);
  }

  /// A double field against a constant: an int64 constant that is exactly a double becomes a
  /// double comparison; one that is not (beyond 2^53, odd) keeps the exact NumInt.
  void num_compare(Op op, const Constant& c, Insn in) {
    if (c.type == Type::Num) {
      in.op = num_op(op);
      in.imm.d = c.d;
      push(in);
      return;
    }
    auto d = static_cast<double>(c.i);
    if (compare_exact(d, c.i) == 0) {
      in.op = num_op(op);
      in.imm.d = d;
      push(in);
      return;
    }
    in.op = Opc::NumInt;
    in.imm.i = c.i;
    switch (op) {
      case Op::Eq:
        in.cond = Cond::Eq;
        break;
      case Op::Ne:
        in.cond = Cond::Ne;
        break;
      case Op::Lt:
        in.cond = Cond::Lt;
        break;
      case Op::Lte:
        in.cond = Cond::Le;
        break;
      case Op::Gt:
        in.cond = Cond::Gt;
        break;
      default:
        in.cond = Cond::Ge;
        break;
    }
    push(in);
  }

  Program& p_;
  const VmLimits& limits_;
  std::vector<int64_t> labels_;
  std::unordered_map<std::string, size_t> strings_, keys_;
  bool overflow_ = false;
  Insn scratch_;
};

std::unique_ptr<Program> Program::compile(const Predicate& p, const VmLimits& limits) {
  auto program = std::make_unique<Program>();
  program->domain_ = p.domain;
  ProgramBuilder builder(*program, limits);
  if (!builder.build(p.root)) return nullptr;
  return program;
}

namespace {

bool num_int(double d, int64_t i, Cond cond) {
  int c = compare_exact(d, i);
  switch (cond) {
    case Cond::Eq:
      return c == 0;
    case Cond::Ne:
      return c != 0;
    case Cond::Lt:
      return c == -1;
    case Cond::Le:
      return c == -1 || c == 0;
    case Cond::Gt:
      return c == 1;
    case Cond::Ge:
      return c == 1 || c == 0;
  }
  return false;
}

}  // namespace

bool Program::test(const Insn& in, const Record& r) const {
  std::string_view text;
  const Field* field = nullptr;
  if (in.map) {
    const std::string* v = r.map_value(keys_[in.slot]);
    if (!v) return false;  // null: false for every test but Exists
    if (in.op == Opc::Exists) return true;
    text = *v;
  } else {
    field = &r.field(in.slot);
    if (field->tag == FieldTag::Null) return false;
    if (field->tag == FieldTag::Str || field->tag == FieldTag::Enum) text = r.text(in.slot);
  }
  switch (in.op) {
    case Opc::Exists:
      return true;
    case Opc::NumInt:
      return field && field->tag == FieldTag::Num && num_int(field->d, in.imm.i, in.cond);
    case Opc::In:
    case Opc::Nin: {
      bool found = false;
      for (const ListItem& item : lists_[in.aux]) {
        if (field && field->tag == FieldTag::Int) {
          found = item.tag == FieldTag::Int   ? field->i == item.i
                  : item.tag == FieldTag::Num ? compare_exact(item.d, field->i) == 0
                                              : false;
        } else if (field && field->tag == FieldTag::Num) {
          found = item.tag == FieldTag::Num   ? field->d == item.d
                  : item.tag == FieldTag::Int ? compare_exact(field->d, item.i) == 0
                                              : false;
        } else if (field && field->tag == FieldTag::Bool) {
          found = item.tag == FieldTag::Bool && field->b == item.b;
        } else {
          found = item.tag == FieldTag::Str && text == strings_[item.str];
        }
        if (found) break;
      }
      return in.op == Opc::In ? found : !found;
    }
    case Opc::StrEq:
      return text == strings_[in.aux] && (!field || field->tag == FieldTag::Str);
    case Opc::StrNe:
      return text != strings_[in.aux] && (!field || field->tag == FieldTag::Str);
    case Opc::Contains:
      return text.find(strings_[in.aux]) != std::string_view::npos;
    case Opc::StartsWith:
      return text.substr(0, strings_[in.aux].size()) == strings_[in.aux];
    case Opc::EndsWith: {
      const std::string& s = strings_[in.aux];
      return text.size() >= s.size() && text.substr(text.size() - s.size()) == s;
    }
    case Opc::Matches:
      return RE2::PartialMatch(text, *regexes_[in.aux]);
    default:
      break;
  }
  return false;
}

bool Program::run(const Record& r) const {
  const Insn* code = code_.data();
  const Field* fields = r.fields();
  uint32_t pc = 0;
  for (;;) {
    const Insn& in = code[pc];
    bool holds;
    if (in.map) {
      holds = test(in, r);
    } else {
      const Field& f = fields[in.slot];
      switch (in.op) {
        case Opc::RetFalse:
          return false;
        case Opc::RetTrue:
          return true;
        case Opc::Jump:
          pc = in.t;
          continue;
        case Opc::Exists:
          holds = f.tag != FieldTag::Null;
          break;
        case Opc::BoolEq:
          holds = f.tag == FieldTag::Bool && f.b == (in.imm.i != 0);
          break;
        case Opc::BoolNe:
          holds = f.tag == FieldTag::Bool && f.b != (in.imm.i != 0);
          break;
        case Opc::IntEq:
          holds = f.tag == FieldTag::Int && f.i == in.imm.i;
          break;
        case Opc::IntNe:
          holds = f.tag == FieldTag::Int && f.i != in.imm.i;
          break;
        case Opc::IntLt:
          holds = f.tag == FieldTag::Int && f.i < in.imm.i;
          break;
        case Opc::IntLe:
          holds = f.tag == FieldTag::Int && f.i <= in.imm.i;
          break;
        case Opc::IntGt:
          holds = f.tag == FieldTag::Int && f.i > in.imm.i;
          break;
        case Opc::IntGe:
          holds = f.tag == FieldTag::Int && f.i >= in.imm.i;
          break;
        case Opc::NumEq:
          holds = f.tag == FieldTag::Num && f.d == in.imm.d;
          break;
        case Opc::NumNe:
          holds = f.tag == FieldTag::Num && !(f.d == in.imm.d);
          break;
        case Opc::NumLt:
          holds = f.tag == FieldTag::Num && f.d < in.imm.d;
          break;
        case Opc::NumLe:
          holds = f.tag == FieldTag::Num && f.d <= in.imm.d;
          break;
        case Opc::NumGt:
          holds = f.tag == FieldTag::Num && f.d > in.imm.d;
          break;
        case Opc::NumGe:
          holds = f.tag == FieldTag::Num && f.d >= in.imm.d;
          break;
        case Opc::EnumEq:
          holds = f.tag == FieldTag::Enum && f.i == in.imm.i;
          break;
        case Opc::EnumNe:
          holds = f.tag == FieldTag::Enum && f.i != in.imm.i;
          break;
        case Opc::EnumIn:
          holds = f.tag == FieldTag::Enum && static_cast<uint64_t>(f.i) < 64 &&
                  ((in.imm.mask >> f.i) & 1);
          break;
        case Opc::EnumNin:
          holds = f.tag == FieldTag::Enum &&
                  !(static_cast<uint64_t>(f.i) < 64 && ((in.imm.mask >> f.i) & 1));
          break;
        default:
          holds = test(in, r);
          break;
      }
    }
    pc = holds ? in.t : in.f;
  }
}

std::string Program::disassemble() const {
  static constexpr const char* kNames[] = {
      "ret_false",   "ret_true",  "jump",   "exists", "bool_eq", "bool_ne", "int_eq",
      "int_ne",      "int_lt",    "int_le", "int_gt", "int_ge",  "num_eq",  "num_ne",
      "num_lt",      "num_le",    "num_gt", "num_ge", "num_int", "enum_eq", "enum_ne",
      "enum_in",     "enum_nin",  "in",     "nin",    "str_eq",  "str_ne",  "contains",
      "starts_with", "ends_with", "matches"};
  std::string out;
  char buf[160];
  for (size_t pc = 0; pc < code_.size(); ++pc) {
    const Insn& in = code_[pc];
    std::string operand;
    if (in.op != Opc::RetFalse && in.op != Opc::RetTrue && in.op != Opc::Jump) {
      operand = in.map ? "map[" + keys_[in.slot] + "]"
                       : (in.slot < slot_names_.size() ? slot_names_[in.slot] : "?");
      switch (in.op) {
        case Opc::BoolEq:
        case Opc::BoolNe:
        case Opc::IntEq:
        case Opc::IntNe:
        case Opc::IntLt:
        case Opc::IntLe:
        case Opc::IntGt:
        case Opc::IntGe:
        case Opc::EnumEq:
        case Opc::EnumNe:
        case Opc::NumInt:
          operand += " " + std::to_string(in.imm.i);
          break;
        case Opc::NumEq:
        case Opc::NumNe:
        case Opc::NumLt:
        case Opc::NumLe:
        case Opc::NumGt:
        case Opc::NumGe:
          std::snprintf(buf, sizeof buf, " %.17g", in.imm.d);
          operand += buf;
          break;
        case Opc::EnumIn:
        case Opc::EnumNin:
          std::snprintf(buf, sizeof buf, " mask=%#llx",
                        static_cast<unsigned long long>(in.imm.mask));
          operand += buf;
          break;
        case Opc::In:
        case Opc::Nin:
          operand += " list#" + std::to_string(in.aux);
          break;
        case Opc::Matches:
          operand += " re#" + std::to_string(in.aux);
          break;
        case Opc::StrEq:
        case Opc::StrNe:
        case Opc::Contains:
        case Opc::StartsWith:
        case Opc::EndsWith:
          operand += " \"" + strings_[in.aux] + "\"";
          break;
        default:
          break;
      }
    }
    if (in.op == Opc::RetFalse || in.op == Opc::RetTrue) {
      std::snprintf(buf, sizeof buf, "%zu: %s\n", pc, kNames[static_cast<int>(in.op)]);
    } else if (in.op == Opc::Jump) {
      std::snprintf(buf, sizeof buf, "%zu: jump -> %u\n", pc, in.t);
    } else {
      std::snprintf(buf, sizeof buf, "%zu: %s %s -> %u | %u\n", pc, kNames[static_cast<int>(in.op)],
                    operand.c_str(), in.t, in.f);
    }
    out += buf;
  }
  return out;
}

}  // namespace wfc::expr
