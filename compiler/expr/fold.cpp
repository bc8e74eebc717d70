// Folding rules, each one an identity of two-valued logic:
//   and(.., false, ..) = false     and(.., true, ..) = and(..)     and() = true    and(x) = x
//   or(.., true, ..) = true        or(.., false, ..) = or(..)      or() = false    or(x) = x
//   not(true) = false   not(not(x)) = x   and(and(x, y), z) = and(x, y, z) (likewise or)
// and, given the kinds that can arrive, `kind` tests whose answer is the same for all of them.
#include "compiler/expr/fold.h"

#include <optional>

namespace wfc::expr {
namespace {

/// The answer of a test on `kind` for every file `known` admits, when it is the same for all.
std::optional<bool> decide_kind(const Node& n, const Schema& schema, const Known& known) {
  if (n.prop.is_map || schema.kind_slot() < 0 || n.prop.slot != schema.kind_slot() ||
      known.kinds == catalog::kAnyFile) {
    return std::nullopt;
  }
  // Which `kind` values can arrive: an index per media kind, plus "other" for the rest.
  const auto& values = schema.slots()[n.prop.slot].values;
  std::vector<int32_t> possible;
  bool other = false;
  for (catalog::FileKind k : {catalog::kVideo, catalog::kAudio, catalog::kImage, catalog::kData,
                              catalog::kTrack, catalog::kPlaylist}) {
    if (!(known.kinds & k)) continue;
    int32_t index = -1;
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i] == catalog::file_kind_name(k)) index = static_cast<int32_t>(i);
    }
    if (index < 0) {
      other = true;
    } else {
      possible.push_back(index);
    }
  }
  if (possible.empty() && !other) return std::nullopt;  // nothing arrives: nothing to decide
  auto listed = [&](int32_t index) {
    for (const auto& a : n.args) {
      if (a.enum_index == index) return true;
    }
    return false;
  };
  // A test is decided when it gives the same answer for each possible value; "other" (a
  // non-media file) is never listed.
  std::optional<bool> answer;
  auto agree = [&](bool v) {
    if (answer && *answer != v) return false;
    answer = v;
    return true;
  };
  for (int32_t index : possible) {
    bool v;
    switch (n.op) {
      case Op::Exists:
        v = true;
        break;
      case Op::Eq:
      case Op::In:
        v = listed(index);
        break;
      case Op::Ne:
      case Op::Nin:
        v = !listed(index);
        break;
      default:
        return std::nullopt;
    }
    if (!agree(v)) return std::nullopt;
  }
  if (other) {
    bool v;
    switch (n.op) {
      case Op::Exists:
      case Op::Ne:
      case Op::Nin:
        v = true;
        break;
      case Op::Eq:
      case Op::In:
        v = false;
        break;
      default:
        return std::nullopt;
    }
    if (!agree(v)) return std::nullopt;
  }
  return answer;
}

Node fold_node(Node n, const Schema& schema, const Known& known) {
  switch (n.kind) {
    case Node::Kind::True:
    case Node::Kind::False:
      return n;
    case Node::Kind::Test:
      if (auto v = decide_kind(n, schema, known)) return Node::constant(*v, n.span);
      return n;
    case Node::Kind::Not: {
      Node kid = fold_node(std::move(n.kids[0]), schema, known);
      if (kid.is_const()) return Node::constant(kid.kind == Node::Kind::False, n.span);
      if (kid.kind == Node::Kind::Not) return std::move(kid.kids[0]);
      n.kids[0] = std::move(kid);
      return n;
    }
    case Node::Kind::And:
    case Node::Kind::Or: {
      bool is_and = n.kind == Node::Kind::And;
      Node::Kind absorbing = is_and ? Node::Kind::False : Node::Kind::True;
      std::vector<Node> kids;
      for (auto& k : n.kids) {
        Node f = fold_node(std::move(k), schema, known);
        if (f.kind == absorbing) return Node::constant(!is_and, n.span);
        if (f.is_const()) continue;  // the identity element
        if (f.kind == n.kind) {
          for (auto& g : f.kids) kids.push_back(std::move(g));
        } else {
          kids.push_back(std::move(f));
        }
      }
      if (kids.empty()) return Node::constant(is_and, n.span);
      if (kids.size() == 1) return std::move(kids[0]);
      n.kids = std::move(kids);
      return n;
    }
  }
  return n;
}

}  // namespace

Node fold(Node n, const Schema& schema, const Known& known) {
  return fold_node(std::move(n), schema, known);
}

}  // namespace wfc::expr
