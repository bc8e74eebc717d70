// The plan's versioned JSON form (plan.h) and the lookups on Plan. Reading checks every field's
// type, types each node's options against its kind's catalog entry (plan/options.h) and each
// predicate against the catalog's properties (expr/ir_json.h), checks that ids are unique and
// every reference names a node or gate, and that inputs and gates form no cycle, so the runtime
// and the store can trust a plan they read back; a plan that fails is an error value naming the
// field, never an exception or a crash.
#include <set>
#include <string>
#include <unordered_map>

#include "compiler/catalog/catalog.h"
#include "compiler/expr/ir_json.h"
#include "compiler/expr/schema.h"
#include "compiler/plan/plan.h"

namespace wfc::plan {
namespace {

using Json = nlohmann::json;

Json span_json(const Span& s) {
  if (!s.valid()) return nullptr;
  return Json::array({s.line, s.column, s.end_line, s.end_column});
}

Json cost_json(const Cost& c) { return {{"units", c.units}, {"path", c.path}, {"basis", c.basis}}; }

Json tier_json(const Tier& t) {
  return {{"engine", t.engine},
          {"expected", t.expected},
          {"break_even", t.break_even},
          {"instructions", t.instructions},
          {"why", t.why}};
}

Json strings(const std::vector<std::string>& v) { return Json(v); }

/// Reads fields of one object, recording the first problem with its path.
class Reader {
 public:
  Reader(const Json& j, std::string path, std::string* error)
      : j_(j), path_(std::move(path)), error_(error) {
    if (!j_.is_object()) fail("", "must be an object");
  }
  bool ok() const { return error_->empty(); }

  void fail(const std::string& field, const std::string& what) {
    if (!error_->empty()) return;
    std::string where = path_;
    if (!field.empty()) where += (where.empty() ? "" : "/") + field;
    *error_ = (where.empty() ? "plan" : where) + ": " + what;
  }

  const Json* get(const std::string& field, bool required) {
    if (!ok() || !j_.is_object()) return nullptr;
    auto it = j_.find(field);
    if (it == j_.end() || it->is_null()) {
      if (required) fail(field, "missing");
      return nullptr;
    }
    return &*it;
  }

  void str(const std::string& field, std::string& out, bool required = false) {
    if (const Json* v = get(field, required)) {
      if (!v->is_string()) return fail(field, "must be a string");
      out = v->get<std::string>();
    }
  }
  void number(const std::string& field, double& out) {
    if (const Json* v = get(field, false)) {
      if (!v->is_number()) return fail(field, "must be a number");
      out = v->get<double>();
    }
  }
  void count(const std::string& field, uint64_t& out) {
    if (const Json* v = get(field, false)) {
      if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0))
        return fail(field, "must be a non-negative integer");
      out = v->get<uint64_t>();
    }
  }
  void list(const std::string& field, std::vector<std::string>& out) {
    if (const Json* v = get(field, false)) {
      if (!v->is_array()) return fail(field, "must be an array of strings");
      for (const auto& e : *v) {
        if (!e.is_string()) return fail(field, "must be an array of strings");
        out.push_back(e.get<std::string>());
      }
    }
  }
  void span(const std::string& field, Span& out) {
    if (const Json* v = get(field, false)) {
      bool good = v->is_array() && v->size() == 4;
      for (size_t i = 0; good && i < 4; ++i) good = (*v)[i].is_number_unsigned();
      if (!good) return fail(field, "must be [line, column, end_line, end_column]");
      out = {(*v)[0].get<uint32_t>(), (*v)[1].get<uint32_t>(), (*v)[2].get<uint32_t>(),
             (*v)[3].get<uint32_t>()};
    }
  }
  /// A nested object read by `fn`, with a path that names it.
  template <typename Fn>
  void object(const std::string& field, Fn fn) {
    if (const Json* v = get(field, false)) {
      Reader sub(*v, path_.empty() ? field : path_ + "/" + field, error_);
      if (sub.ok()) fn(sub);
    }
  }
  /// Each element of an array of objects.
  template <typename Fn>
  void each(const std::string& field, Fn fn) {
    const Json* v = get(field, false);
    if (!v) return;
    if (!v->is_array()) return fail(field, "must be an array");
    for (size_t i = 0; i < v->size() && ok(); ++i) {
      Reader sub((*v)[i], (path_.empty() ? "" : path_ + "/") + field + "/" + std::to_string(i),
                 error_);
      if (sub.ok()) fn(sub);
    }
  }
  const Json& json() const { return j_; }

 private:
  const Json& j_;
  std::string path_;
  std::string* error_;
};

void read_cost(Reader& r, Cost& c) {
  r.number("units", c.units);
  r.number("path", c.path);
  r.str("basis", c.basis);
}

Json select_json(const Select& s) {
  Json j = {{"text", s.text},
            {"predicate", s.predicate ? expr::to_json(s.predicate->root) : Json(nullptr)},
            {"tier", tier_json(s.tier)}};
  if (s.representative) j["representative"] = true;
  return j;
}

void read_tier(Reader& r, Tier& t) {
  r.str("engine", t.engine);
  if (t.engine != "vm" && t.engine != "jit" && t.engine != "reference")
    r.fail("engine", "must be vm, jit or reference");
  r.count("expected", t.expected);
  r.count("break_even", t.break_even);
  uint64_t insns = 0;
  r.count("instructions", insns);
  t.instructions = size_t(insns);
  r.str("why", t.why);
}

/// Checks references between nodes and gates, and that following inputs or parents never
/// loops. Returns "" or the problem.
std::string check_graph(const Plan& p) {
  std::set<std::string> ids;
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    if (p.nodes[i].id.empty()) return "nodes/" + std::to_string(i) + "/id: empty";
    if (!ids.insert(p.nodes[i].id).second)
      return "nodes/" + std::to_string(i) + "/id: duplicate id '" + p.nodes[i].id + "'";
  }
  for (size_t i = 0; i < p.gates.size(); ++i) {
    if (!ids.insert(p.gates[i].id).second)
      return "gates/" + std::to_string(i) + "/id: duplicate id '" + p.gates[i].id + "'";
  }
  auto unknown = [&](const std::string& where, const std::string& id) {
    return where + ": unknown id '" + id + "'";
  };
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    const Node& n = p.nodes[i];
    std::string at = "nodes/" + std::to_string(i);
    if (!n.input.empty() && !p.node(n.input)) return unknown(at + "/input", n.input);
    if (!n.gate.empty() && !p.gate(n.gate)) return unknown(at + "/gate", n.gate);
  }
  for (size_t i = 0; i < p.gates.size(); ++i) {
    const Gate& g = p.gates[i];
    std::string at = "gates/" + std::to_string(i);
    if (!p.node(g.file)) return unknown(at + "/file", g.file);
    if (!g.parent.empty() && !p.gate(g.parent)) return unknown(at + "/parent", g.parent);
    if (!g.probe.empty() && !p.node(g.probe)) return unknown(at + "/probe", g.probe);
  }
  for (size_t i = 0; i < p.groups.size(); ++i) {
    const FusedGroup& g = p.groups[i];
    if (!p.node(g.file)) return unknown("groups/" + std::to_string(i) + "/file", g.file);
    for (size_t m = 0; m < g.members.size(); ++m) {
      if (!p.node(g.members[m].node))
        return unknown("groups/" + std::to_string(i) + "/members/" + std::to_string(m),
                       g.members[m].node);
    }
  }
  for (const auto& [task, target] : p.tasks) {
    if (!target.empty() && !p.node(target) && !p.gate(target))
      return unknown("tasks/" + task, target);
  }
  for (const auto& id : p.order) {
    if (!p.node(id)) return unknown("order", id);
  }
  // Following inputs (or parents) from anything must end; each id is settled once.
  auto acyclic = [](const auto& items, auto next, const char* what) -> std::string {
    std::unordered_map<std::string, int> state;  // 1 on the current walk, 2 known to end
    for (const auto& start : items) {
      std::vector<std::string> walk;
      std::string at = start.id;
      while (!at.empty() && state[at] == 0) {
        state[at] = 1;
        walk.push_back(at);
        at = next(at);
      }
      if (!at.empty() && state[at] == 1)
        return std::string(what) + ": the chain from '" + start.id + "' forms a cycle";
      for (const auto& id : walk) state[id] = 2;
    }
    return "";
  };
  std::string cycle = acyclic(
      p.nodes, [&](const std::string& id) { return p.node(id)->input; }, "nodes");
  if (cycle.empty())
    cycle = acyclic(
        p.gates, [&](const std::string& id) { return p.gate(id)->parent; }, "gates");
  if (!cycle.empty()) return cycle;
  return "";
}

}  // namespace

namespace {

/// Position of `id` in `items`. The index follows appends incrementally (lowering appends one
/// node at a time); anything else that changed the vector (erasing, moving) rebuilds it, and so
/// does a stale hit.
template <typename T, typename Index>
const T* find(const std::vector<T>& items, Index& index, std::string_view id) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool appended = index.data == items.data() && index.size <= items.size();
    if (!appended || attempt == 1) {
      index.at.clear();
      index.size = 0;
    }
    for (size_t i = index.size; i < items.size(); ++i) index.at.emplace(items[i].id, i);
    index.data = items.data();
    index.size = items.size();
    auto it = index.at.find(std::string(id));
    if (it == index.at.end()) return nullptr;
    if (it->second < items.size() && items[it->second].id == id) return &items[it->second];
  }
  return nullptr;
}

}  // namespace

const Node* Plan::node(std::string_view id) const { return find(nodes, node_index_, id); }
Node* Plan::node(std::string_view id) {
  return const_cast<Node*>(static_cast<const Plan*>(this)->node(id));
}
const Gate* Plan::gate(std::string_view id) const { return find(gates, gate_index_, id); }
Gate* Plan::gate(std::string_view id) {
  return const_cast<Gate*>(static_cast<const Plan*>(this)->gate(id));
}
void Plan::reindex() const {
  node_index_.data = nullptr;
  gate_index_.data = nullptr;
}

Json to_json(const Plan& p, JsonForm form) {
  Json nodes = Json::array();
  for (const Node& n : p.nodes) {
    Json j = {{"id", n.id}, {"op", n.op}, {"options", n.options.to_json()}};
    if (auto defaults = n.options.defaulted_names(); !defaults.empty()) j["defaults"] = defaults;
    j["input"] = n.input.empty() ? Json(nullptr) : Json(n.input);
    j["gate"] = n.gate.empty() ? Json(nullptr) : Json(n.gate);
    j["group"] = n.group.empty() ? Json(nullptr) : Json(n.group);
    j["tasks"] = strings(n.tasks);
    for (auto [name, value] :
         {std::pair{"ref", &n.ref}, std::pair{"label", &n.label}, std::pair{"folder", &n.folder},
          std::pair{"filename", &n.filename}}) {
      if (!value->empty()) j[name] = *value;
    }
    if (!n.pointer.empty()) j["pointer"] = n.pointer;
    j["span"] = span_json(n.span);
    if (n.select) j["select"] = select_json(*n.select);
    j["produces"] = n.produces;
    j["cost"] = cost_json(n.cost);
    nodes.push_back(std::move(j));
  }
  // What each gate guards directly (derived, for readers; from_json recomputes nothing).
  std::unordered_map<std::string, std::vector<std::string>> guards;
  for (const Gate& g : p.gates) {
    if (!g.parent.empty()) guards[g.parent].push_back(g.id);
  }
  for (const Node& n : p.nodes) {
    if (!n.gate.empty()) guards[n.gate].push_back(n.id);
  }
  Json gates = Json::array();
  for (const Gate& g : p.gates) {
    gates.push_back({{"id", g.id},
                     {"when", g.when},
                     {"predicate", g.predicate ? expr::to_json(g.predicate->root) : Json(nullptr)},
                     {"file", g.file},
                     {"parent", g.parent.empty() ? Json(nullptr) : Json(g.parent)},
                     {"probe", g.probe.empty() ? Json(nullptr) : Json(g.probe)},
                     {"tasks", strings(g.tasks)},
                     {"pointer", g.pointer},
                     {"span", span_json(g.span)},
                     {"when_span", span_json(g.when_span)},
                     {"tier", tier_json(g.tier)},
                     {"guards", strings(guards[g.id])}});
  }
  Json groups = Json::array();
  for (const FusedGroup& g : p.groups) {
    Json members = Json::array();
    for (const Member& m : g.members) {
      Json member = {{"node", m.node}, {"takes", m.takes}};
      if (!m.shares.empty()) member["shares"] = m.shares;
      members.push_back(std::move(member));
    }
    groups.push_back({{"id", g.id}, {"file", g.file}, {"members", members}, {"saved", g.saved}});
  }
  Json pruned = Json::array();
  for (const Pruned& x : p.pruned) pruned.push_back({{"task", x.task}, {"reason", x.reason}});
  Json tasks = Json::object();
  for (const auto& [task, target] : p.tasks) {
    tasks[task] = target.empty() ? Json(nullptr) : Json(target);
  }
  Json out = {{"plan_version", p.version},
              {"source", p.source},
              {"input_facts", p.input_facts},
              {"nodes", nodes},
              {"gates", gates},
              {"groups", groups},
              {"tasks", tasks},
              {"pruned", pruned},
              {"order", strings(p.order)},
              {"passes", strings(p.passes)}};
  if (form == JsonForm::Full) out["explain"] = strings(p.explain);
  return out;
}

namespace {

/// A node's options typed against its kind (every default already there); the run input's
/// only option is its `url`.
void read_options(Reader& n, Node& node, const catalog::Catalog& catalog) {
  Json written = Json::object();
  if (const Json* o = n.get("options", false)) {
    if (!o->is_object()) return n.fail("options", "must be an object");
    written = *o;
  }
  std::vector<std::string> defaults;
  n.list("defaults", defaults);
  if (!n.ok()) return;
  if (node.op == "input") {
    for (auto it = written.begin(); it != written.end(); ++it) {
      if (it.key() != "url" || !it->is_string())
        return n.fail("options/" + it.key(), "the run's input has only a `url` string");
      node.options.set_text("url", it->get<std::string>());
    }
    return;
  }
  const catalog::KindSpec* kind = catalog.kind(node.op);
  if (!kind) return n.fail("op", "unknown kind '" + node.op + "'");
  ResolvedOptions typed = resolve_options(*kind, written, Resolve::Require, defaults);
  if (!typed.options)
    return n.fail("options/" + typed.error.substr(0, typed.error.find(':')),
                  typed.error.substr(typed.error.find(':') + 2));
  node.options = std::move(*typed.options);
}

/// A predicate's typed IR, against the properties of its domain.
std::shared_ptr<const expr::Predicate> read_predicate(Reader& r, const std::string& field,
                                                      expr::Domain domain,
                                                      const catalog::Catalog& catalog) {
  const Json* v = r.get(field, true);
  if (!v) return nullptr;
  std::optional<expr::Schema> local;
  const expr::Schema& schema = expr::Schema::of(catalog, domain, local);
  std::string problem;
  auto predicate = expr::predicate_from_json(*v, schema, &problem);
  if (!predicate) {
    r.fail(field + "/" + problem.substr(0, problem.find(':')),
           problem.substr(std::min(problem.size(), problem.find(':') + 2)));
    return nullptr;
  }
  return std::make_shared<const expr::Predicate>(std::move(*predicate));
}

}  // namespace

ReadPlan from_json(const Json& json) { return from_json(json, catalog::Catalog::builtin()); }

ReadPlan from_json(const Json& json, const catalog::Catalog& catalog) {
  ReadPlan out;
  std::string error;
  Plan p;
  Reader r(json, "", &error);
  if (const Json* v = r.get("plan_version", true)) {
    if (!v->is_number_integer()) {
      r.fail("plan_version", "must be an integer");
    } else if (v->get<int64_t>() != kPlanVersion) {
      r.fail("plan_version", "version " + v->dump() + " is not supported (this wfc reads " +
                                 std::to_string(kPlanVersion) + ")");
    }
  }
  r.str("source", p.source);
  if (const Json* v = r.get("input_facts", false)) {
    if (!v->is_object())
      r.fail("input_facts", "must be an object");
    else
      p.input_facts = *v;
  }
  r.each("nodes", [&](Reader& n) {
    Node node;
    n.str("id", node.id, true);
    n.str("op", node.op, true);
    read_options(n, node, catalog);
    n.str("input", node.input);
    n.str("gate", node.gate);
    n.str("group", node.group);
    n.list("tasks", node.tasks);
    n.str("ref", node.ref);
    n.str("label", node.label);
    n.str("folder", node.folder);
    n.str("filename", node.filename);
    n.str("pointer", node.pointer);
    n.span("span", node.span);
    n.object("select", [&](Reader& sel) {
      Select& select = node.select.emplace();
      sel.str("text", select.text, true);
      select.predicate = read_predicate(sel, "predicate", expr::Domain::Frame, catalog);
      sel.object("tier", [&](Reader& t) { read_tier(t, select.tier); });
      if (const Json* rep = sel.get("representative", false)) {
        if (!rep->is_boolean()) return sel.fail("representative", "must be true or false");
        select.representative = rep->get<bool>();
      }
    });
    uint64_t produces = 0;
    n.count("produces", produces);
    if (produces > 0xff) n.fail("produces", "must be a set of file kinds (0–255)");
    node.produces = uint8_t(produces);
    n.object("cost", [&](Reader& c) { read_cost(c, node.cost); });
    p.nodes.push_back(std::move(node));
  });
  r.each("gates", [&](Reader& g) {
    Gate gate;
    g.str("id", gate.id, true);
    g.str("when", gate.when, true);
    gate.predicate = read_predicate(g, "predicate", expr::Domain::File, catalog);
    g.str("file", gate.file, true);
    g.str("parent", gate.parent);
    g.str("probe", gate.probe);
    g.list("tasks", gate.tasks);
    g.str("pointer", gate.pointer);
    g.span("span", gate.span);
    g.span("when_span", gate.when_span);
    g.object("tier", [&](Reader& t) { read_tier(t, gate.tier); });
    p.gates.push_back(std::move(gate));
  });
  r.each("groups", [&](Reader& g) {
    FusedGroup group;
    g.str("id", group.id, true);
    g.str("file", group.file, true);
    g.number("saved", group.saved);
    g.each("members", [&](Reader& m) {
      Member member;
      m.str("node", member.node, true);
      m.str("takes", member.takes, true);
      m.str("shares", member.shares);
      if (!member.shares.empty() && member.shares != "transcript" &&
          !member.shares.starts_with("transcript:"))
        m.fail("shares", "must be transcript or transcript:<language>");
      group.members.push_back(std::move(member));
    });
    p.groups.push_back(std::move(group));
  });
  if (const Json* t = r.get("tasks", false)) {
    if (!t->is_object()) r.fail("tasks", "must be an object of task id → node id");
    for (auto it = t->begin(); r.ok() && t->is_object() && it != t->end(); ++it) {
      if (it->is_string())
        p.tasks[it.key()] = it->get<std::string>();
      else if (it->is_null())
        p.tasks[it.key()] = "";
      else
        r.fail("tasks/" + it.key(), "must be a node id or null");
    }
  }
  r.each("pruned", [&](Reader& x) {
    Pruned pr;
    x.str("task", pr.task, true);
    x.str("reason", pr.reason);
    p.pruned.push_back(std::move(pr));
  });
  r.list("order", p.order);
  r.list("passes", p.passes);
  r.list("explain", p.explain);
  if (!error.empty()) {
    out.error = error;
    return out;
  }
  out.error = check_graph(p);
  if (out.error.empty()) out.plan = std::move(p);
  return out;
}

ReadPlan from_json_text(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    ReadPlan out;
    out.error = "plan: not valid JSON";
    return out;
  }
  return from_json(j);
}

}  // namespace wfc::plan
