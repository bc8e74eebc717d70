// Never-holds, always-holds and dead-branch warnings, from Ranges.
#include "compiler/expr/analyze.h"

#include "compiler/diag/wording.h"
#include "compiler/expr/ranges.h"

namespace wfc::expr {
namespace {

using diag::Code;
using diag::quote;

/// Below this many nodes each part is analyzed too; above, only the whole (each part costs a
/// normal form of its own).
constexpr size_t kMaxNodesForParts = 256;

std::string position(Span s) { return std::to_string(s.line) + ":" + std::to_string(s.column); }

class Analyzer {
 public:
  Analyzer(const Schema& schema, const ChainContext& chain, diag::Diagnostics& diags)
      : schema_(schema),
        plain_(schema),
        chain_(chain),
        known_(schema, Known{chain.kinds}),
        diags_(diags),
        frame_(schema.domain() == Domain::Frame) {}

  catalog::FileKinds run(const Node& root) {
    if (root.is_const()) return catalog::kAnyFile;  // written `true` / `false`: meant as such
    Conflict why;
    Ranges::Summary summary = plain_.summarize(root, &why);
    if (summary.never.value_or(false)) {
      never(root, why, /*alternative=*/false);
      return catalog::kAnyFile;
    }
    check(root);
    return summary.kinds;
  }

 private:
  void check(const Node& root) {
    if (plain_.always(root).value_or(false)) {
      warn(Code::AlwaysHolds, root, "condition always holds: " + quote(shorten(to_string(root))),
           frame_ ? "every frame is selected; leave 'select' out, or fix the test that was meant"
                  : "it gates nothing; remove it, or fix the test that was meant");
      return;
    }
    if (chain_.kinds != catalog::kAnyFile && !frame_ && known_.tests_kind(root)) {
      Conflict chain_why;
      if (known_.never(root, &chain_why).value_or(false)) {
        dead(root, chain_why);
        return;
      }
    }
    if (node_count(root) <= kMaxNodesForParts) parts(root);
  }

  void parts(const Node& n) {
    for (const auto& k : n.kids) {
      if (n.kind == Node::Kind::And && !k.is_const() && plain_.always(k).value_or(false)) {
        warn(Code::AlwaysHolds, k,
             quote(shorten(to_string(k))) + " always holds, so it tests nothing",
             "remove it, or fix the test that was meant");
        continue;
      }
      Conflict why;
      if (n.kind == Node::Kind::Or && !k.is_const() && plain_.never(k, &why).value_or(false)) {
        never(k, why, /*alternative=*/true);
        continue;
      }
      parts(k);
    }
  }

  void never(const Node& n, const Conflict& why, bool alternative) {
    std::string what = alternative ? "alternative can never hold" : "condition can never hold";
    std::string consequence = alternative ? "remove it, or fix the test that was meant"
                              : frame_    ? "no frame is ever selected"
                                          : "the tasks it gates never run";
    if (!why.culprit.test) {
      warn(Code::NeverHolds, n, what, consequence);
      return;
    }
    const Node& culprit = *why.culprit.test;
    std::string text = clause_text(culprit, why.culprit.positive);
    if (why.others.empty()) {
      std::string range = range_of(culprit);
      warn(Code::NeverHolds, culprit,
           what + ": " + quote(text) + " is false for every value of " + quote(why.property) +
               (range.empty() ? "" : " (" + range + ")"),
           consequence);
      return;
    }
    std::string against;
    for (size_t i = 0; i < why.others.size(); ++i) {
      if (i > 0) against += i + 1 == why.others.size() ? " and " : ", ";
      against += quote(clause_text(*why.others[i].test, why.others[i].positive));
    }
    const Node& first = *why.others.front().test;
    std::string where = first.span.valid() && first.span != culprit.span
                            ? quote(clause_text(first, why.others.front().positive)) + " is at " +
                                  position(first.span) + "; "
                            : "";
    warn(Code::NeverHolds, culprit, what + ": " + quote(text) + " contradicts " + against,
         where + consequence);
  }

  void dead(const Node& root, const Conflict& why) {
    std::string arrives = catalog::describe_file_kinds(chain_.kinds);
    std::string source = chain_.from.empty() ? "the run's input"
                         : chain_.from_passthrough
                             ? "what " + quote(chain_.from) + " passes on (" + arrives + ")"
                             : "the " + arrives + " that " + quote(chain_.from) + " produces";
    if (chain_.from.empty()) source += " (" + arrives + ")";
    const Node& at = why.culprit.test ? *why.culprit.test : root;
    std::string text =
        why.culprit.test ? clause_text(at, why.culprit.positive) : shorten(to_string(root));
    warn(Code::DeadBranch, at, "branch never runs: " + quote(text) + " is false for " + source,
         "the tasks in its 'next' never run; remove the branch, or move it where the files it "
         "tests for arrive");
  }

  std::string range_of(const Node& test) const {
    if (test.prop.is_map) return "";
    const SlotInfo& info = schema_.slots()[test.prop.slot];
    if (!info.spec) return "";
    const auto& t = info.spec->type;
    if (!t.min && !t.max && t.values.empty()) return "";
    return t.describe();
  }

  static std::string shorten(std::string s) {
    constexpr size_t kMax = 60;
    if (s.size() <= kMax) return s;
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return s.substr(0, cut) + "…";
  }

  void warn(Code code, const Node& at, std::string message, std::string hint) {
    auto& d = diags_.add(code, at.span, std::move(message), std::move(hint));
    d.pointer = at.pointer;
  }

  const Schema& schema_;
  Ranges plain_;
  const ChainContext& chain_;
  Ranges known_;
  diag::Diagnostics& diags_;
  bool frame_;
};

}  // namespace

std::string clause_text(const Node& test, bool positive) {
  std::string text = to_string(test);
  if (!positive) {
    text = test.kind == Node::Kind::Test && test.op == Op::Exists ? "!" + text : "!(" + text + ")";
  }
  constexpr size_t kMax = 60;
  if (text.size() > kMax) {
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "…";
  }
  return text;
}

catalog::FileKinds analyze(const Node& root, const Schema& schema, const ChainContext& chain,
                           diag::Diagnostics& diags) {
  return Analyzer(schema, chain, diags).run(root);
}

}  // namespace wfc::expr
