// Text and DOT forms of a plan (render.h). The text walks the plan as a tree: under each file,
// the gates that test it and the nodes that read it, each gate's subtree indented beneath it, so
// the shape matches the workflow the user wrote. Nodes the walk cannot reach (none in a plan
// make_plan made) are still listed, so a hand-edited plan is never shown partially.
#include "compiler/plan/render.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace wfc::plan {
namespace {

std::string options_text(const Options& options) {
  std::string out;
  for (const auto& [name, value] : options.entries()) {
    nlohmann::json j = value.to_json();
    out += " " + name + "=" + (j.is_string() ? j.get<std::string>() : j.dump());
  }
  return out;
}

std::string node_line(const Node& n) {
  std::string line = n.id + "  " + n.op + options_text(n.options);
  if (n.select) {
    line += fmt::format(" {}='{}' [{}]", n.select->representative ? "representative" : "select",
                        n.select->text, n.select->tier.engine);
  }
  if (n.tasks.size() > 1) {
    line += "  serves";
    for (const auto& t : n.tasks) line += " " + t;
  }
  if (!n.group.empty()) line += "  in " + n.group;
  line += fmt::format("  cost {:.1f}", n.cost.units);
  return line;
}

class TextWriter {
 public:
  explicit TextWriter(const Plan& plan) : plan_(plan) {
    for (const Gate& g : plan.gates) gates_[{g.file, g.parent}].push_back(&g);
    for (const Node& n : plan.nodes) nodes_[{n.input, n.gate}].push_back(&n);
  }

  std::string run(bool explain) {
    out_ = fmt::format("plan of {} (plan_version {})\n",
                       plan_.source.empty() ? "<input>" : plan_.source, plan_.version);
    out_ += "passes: " + (plan_.passes.empty() ? std::string("none") : join(plan_.passes)) + "\n";
    if (!plan_.input_facts.empty()) out_ += "input: " + plan_.input_facts.dump() + "\n";
    for (const Node& n : plan_.nodes) {
      if (n.input.empty()) node(n, "", 0);
    }
    for (const Node& n : plan_.nodes) {
      if (!shown_.count(n.id)) {
        out_ += "unreached: ";
        node(n, n.gate, 0);
      }
    }
    for (const FusedGroup& g : plan_.groups) {
      out_ += fmt::format("group {} decodes {} once, saves {:.1f}:", g.id, g.file, g.saved);
      for (const Member& m : g.members)
        out_ += " " + m.node + " (" + m.takes + (m.shares.empty() ? "" : ", " + m.shares) + ")";
      out_ += "\n";
    }
    for (const Pruned& p : plan_.pruned) out_ += "pruned " + p.task + ": " + p.reason + "\n";
    out_ += "order: " + join(plan_.order) + "\n";
    if (explain) {
      out_ += "explain:\n";
      for (const auto& line : plan_.explain) out_ += "  " + line + "\n";
    }
    return out_;
  }

 private:
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }

  void node(const Node& n, const std::string& gate, int depth) {
    if (!shown_.insert(n.id).second || depth > 256) return;
    out_ += std::string(2 * depth, ' ') + node_line(n) + "\n";
    under(n.id, gate, depth + 1);
  }

  /// What reads `file` under exactly `gate`: the gates that test it, then the nodes.
  void under(const std::string& file, const std::string& gate, int depth) {
    for (const Gate* gp : gates_[{file, gate}]) {
      const Gate& g = *gp;
      if (!shown_.insert(g.id).second) continue;
      std::string serves;
      if (g.tasks.size() > 1) {
        serves = "  serves";
        for (const auto& t : g.tasks) serves += " " + t;
      }
      out_ += fmt::format("{}{}  when {}  [{}, probe {}]{}\n", std::string(2 * depth, ' '), g.id,
                          g.when, g.tier.engine, g.probe.empty() ? "none" : g.probe, serves);
      under(file, g.id, depth + 1);
    }
    for (const Node* n : nodes_[{file, gate}]) node(*n, gate, depth);
  }

  const Plan& plan_;
  // What reads a file under a gate: (file, gate) → gates, nodes.
  std::map<std::pair<std::string, std::string>, std::vector<const Gate*>> gates_;
  std::map<std::pair<std::string, std::string>, std::vector<const Node*>> nodes_;
  std::string out_;
  std::set<std::string> shown_;
};

std::string dot_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string dot_node(const Node& n) {
  std::string label = n.id + "\n" + n.op;
  for (const char* key : {"width", "height", "format", "codec", "quality"}) {
    if (const OptionValue* v = n.options.find(key)) {
      nlohmann::json j = v->to_json();
      label += "\n" + std::string(key) + "=" + (j.is_string() ? j.get<std::string>() : j.dump());
    }
  }
  label += fmt::format("\ncost {:.1f}", n.cost.units);
  std::string shape = n.op == "input" ? "ellipse" : n.op == "probe" ? "note" : "box";
  return fmt::format("  {} [shape={}, label={}];\n", dot_quote(n.id), shape, dot_quote(label));
}

}  // namespace

std::string render_text(const Plan& plan, bool explain) { return TextWriter(plan).run(explain); }

std::string render_dot(const Plan& plan) {
  std::string out = "digraph plan {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n";
  std::set<std::string> clustered;
  for (const FusedGroup& g : plan.groups) {
    out += fmt::format("  subgraph {} {{\n    label={};\n    style=dashed;\n",
                       dot_quote("cluster_" + g.id),
                       dot_quote(fmt::format("{}: one decode of {}", g.id, g.file)));
    for (const Member& m : g.members) {
      if (const Node* n = plan.node(m.node); n && clustered.insert(n->id).second)
        out += "  " + dot_node(*n);
    }
    out += "  }\n";
  }
  for (const Node& n : plan.nodes) {
    if (!clustered.count(n.id)) out += dot_node(n);
  }
  for (const Gate& g : plan.gates) {
    out += fmt::format("  {} [shape=diamond, label={}];\n", dot_quote(g.id),
                       dot_quote(g.id + "\nwhen " + g.when));
    out += fmt::format("  {} -> {} [style=dotted];\n",
                       dot_quote(g.parent.empty() ? g.file : g.parent), dot_quote(g.id));
  }
  for (const Node& n : plan.nodes) {
    if (!n.input.empty()) out += fmt::format("  {} -> {};\n", dot_quote(n.input), dot_quote(n.id));
    if (!n.gate.empty()) {
      out += fmt::format("  {} -> {} [style=dashed, arrowhead=odot];\n", dot_quote(n.gate),
                         dot_quote(n.id));
    }
  }
  return out + "}\n";
}

}  // namespace wfc::plan
