// The IR's JSON form (ir_json.h).
#include "compiler/expr/ir_json.h"

#include <re2/re2.h>

#include <cmath>

namespace wfc::expr {
namespace {

using Json = nlohmann::json;

constexpr int kMaxDepth = 256;  // deeper than anything the parser (64) or lowering builds

Json constant_json(const Constant& c) {
  switch (c.type) {
    case Type::Bool:
      return c.b;
    case Type::Int:
      return c.i;
    case Type::Num:
      return c.d;  // a float: dumps with a fraction or an exponent ("1280.0")
    case Type::Str:
    case Type::Enum:
      return c.s;
  }
  return nullptr;
}

/// Operators whose operands are values of the property (an enum's are its values); the others
/// take text (contains, starts_with, ends_with, matches) or nothing (exists).
bool takes_values(Op op) {
  return op == Op::Eq || op == Op::Ne || op == Op::In || op == Op::Nin || is_ordering(op);
}

class Reader {
 public:
  Reader(const Schema& schema, std::string* error) : schema_(schema), error_(error) {}

  std::optional<Node> node(const Json& j, const std::string& at, int depth) {
    if (depth > kMaxDepth) return fail(at, "nested too deeply");
    if (j.is_boolean()) return Node::constant(j.get<bool>());
    if (!j.is_object()) return fail(at, "must be true, false or an object");
    for (const char* combinator : {"and", "or", "not"}) {
      auto it = j.find(combinator);
      if (it == j.end()) continue;
      if (j.size() != 1) return fail(at, std::string("'") + combinator + "' stands alone");
      Node n;
      std::string where = join(at, combinator);
      if (std::string_view(combinator) == "not") {
        auto kid = node(*it, where, depth + 1);
        if (!kid) return std::nullopt;
        n.kind = Node::Kind::Not;
        n.kids.push_back(std::move(*kid));
        return n;
      }
      n.kind = std::string_view(combinator) == "and" ? Node::Kind::And : Node::Kind::Or;
      if (!it->is_array() || it->size() < 2) return fail(where, "must list two or more nodes");
      for (size_t i = 0; i < it->size(); ++i) {
        auto kid = node((*it)[i], where + "/" + std::to_string(i), depth + 1);
        if (!kid) return std::nullopt;
        n.kids.push_back(std::move(*kid));
      }
      return n;
    }
    return test(j, at);
  }

 private:
  static std::string join(const std::string& at, std::string_view field) {
    return at.empty() ? std::string(field) : at + "/" + std::string(field);
  }

  std::nullopt_t fail(const std::string& at, const std::string& what) {
    if (error_->empty()) *error_ = (at.empty() ? "predicate" : at) + ": " + what;
    return std::nullopt;
  }

  std::optional<Node> test(const Json& j, const std::string& at) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() != "op" && it.key() != "property" && it.key() != "type" && it.key() != "args")
        return fail(join(at, it.key()), "unknown field");
    }
    auto str = [&](const char* field) -> const std::string* {
      auto it = j.find(field);
      return it != j.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
    };
    const std::string* op_text = str("op");
    const std::string* name = str("property");
    const std::string* type = str("type");
    if (!op_text || !name || !type) return fail(at, "a test needs op, property and type strings");
    auto op = parse_op(*op_text);
    if (!op) return fail(join(at, "op"), "unknown operator '" + *op_text + "'");
    Node n;
    n.kind = Node::Kind::Test;
    n.op = *op;
    if (!property(*name, *type, join(at, "property"), &n.prop)) return std::nullopt;
    auto args = j.find("args");
    if (args == j.end() || !args->is_array()) return fail(join(at, "args"), "must be an array");
    size_t want_min = *op == Op::Exists ? 0 : 1;
    size_t want_max = *op == Op::Exists ? 0 : (*op == Op::In || *op == Op::Nin) ? SIZE_MAX : 1;
    if (args->size() < want_min || args->size() > want_max)
      return fail(join(at, "args"), "wrong number of operands for '" + *op_text + "'");
    for (size_t i = 0; i < args->size(); ++i) {
      auto c = constant((*args)[i], n.prop, *op, join(at, "args/" + std::to_string(i)));
      if (!c) return std::nullopt;
      n.args.push_back(std::move(*c));
    }
    if (*op == Op::Matches) {
      RE2::Options options;
      options.set_log_errors(false);
      auto re = std::make_shared<const RE2>(n.args[0].s, options);
      if (!re->ok()) return fail(join(at, "args/0"), "invalid regular expression: " + re->error());
      n.regex = std::move(re);
    }
    return n;
  }

  bool property(const std::string& name, const std::string& type, const std::string& at,
                PropertyRef* out) {
    out->name = name;
    const std::string& map = schema_.map_name();
    if (!map.empty() && name.size() > map.size() + 1 && name.compare(0, map.size(), map) == 0 &&
        name[map.size()] == '.') {
      out->is_map = true;
      out->key = name.substr(map.size() + 1);
      out->type = Type::Str;  // a map's entries are compared as text (typecheck.cpp)
    } else {
      int slot = schema_.slot(name);
      if (slot < 0) return fail(at, "unknown property '" + name + "'"), false;
      const SlotInfo& info = schema_.slots()[size_t(slot)];
      out->slot = uint16_t(slot);
      out->type = info.type;
      if (info.type == Type::Enum && info.spec) out->enum_values = &info.spec->type.values;
    }
    if (type_name(out->type) != type)
      return fail(at, "'" + name + "' is " + std::string(type_name(out->type)) + ", not " + type),
             false;
    return true;
  }

  std::optional<Constant> constant(const Json& v, const PropertyRef& p, Op op,
                                   const std::string& at) {
    bool text_operand = !takes_values(op);
    if (text_operand || p.type == Type::Str) {
      if (!v.is_string()) return fail(at, "must be a string");
      return Constant::string(v.get<std::string>());
    }
    switch (p.type) {
      case Type::Bool:
        if (!v.is_boolean()) return fail(at, "must be true or false");
        return Constant::boolean(v.get<bool>());
      case Type::Int:
      case Type::Num:
        if (v.is_number_integer()) return Constant::integer(v.get<int64_t>());
        if (v.is_number_float() && std::isfinite(v.get<double>()))
          return Constant::number(v.get<double>());
        return fail(at, "must be a number");
      case Type::Enum: {
        if (!v.is_string()) return fail(at, "must be a string");
        int32_t index = schema_.enum_index(p.slot, v.get_ref<const std::string&>());
        if (index < 0)
          return fail(at, "'" + v.get<std::string>() + "' is not a value of '" + p.name + "'");
        return Constant::enumerator(v.get<std::string>(), index);
      }
      case Type::Str:
        break;
    }
    return fail(at, "unreadable operand");
  }

  const Schema& schema_;
  std::string* error_;
};

}  // namespace

Json to_json(const Node& n) {
  switch (n.kind) {
    case Node::Kind::True:
      return true;
    case Node::Kind::False:
      return false;
    case Node::Kind::Not:
      return {{"not", to_json(n.kids.at(0))}};
    case Node::Kind::And:
    case Node::Kind::Or: {
      Json kids = Json::array();
      for (const Node& k : n.kids) kids.push_back(to_json(k));
      return {{n.kind == Node::Kind::And ? "and" : "or", std::move(kids)}};
    }
    case Node::Kind::Test: {
      Json args = Json::array();
      for (const Constant& c : n.args) args.push_back(constant_json(c));
      return {{"op", op_name(n.op)},
              {"property", n.prop.name},
              {"type", type_name(n.prop.type)},
              {"args", std::move(args)}};
    }
  }
  return nullptr;
}

std::optional<Predicate> predicate_from_json(const Json& j, const Schema& schema,
                                             std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  error->clear();
  Reader reader(schema, error);
  auto root = reader.node(j, "", 0);
  if (!root) return std::nullopt;
  return Predicate{std::move(*root), schema.domain()};
}

}  // namespace wfc::expr
