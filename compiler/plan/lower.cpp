// Lowering (lower.h). Option values come from the AST as written, typed against the catalog
// with every default filled in (plan/options.h), so two tasks that mean the same
// (`{"format": "mp4"}` and `{}`) lower to the same node options; conditions come from the
// checker's own predicate (check/conditions.h) and `select` from the same expression compiler,
// kept as typed IR with their canonical infix text for people.
#include "compiler/plan/lower.h"

#include <regex>
#include <set>

#include "compiler/check/conditions.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/ranges.h"
#include "compiler/expr/schema.h"
#include "compiler/util/json_pointer.h"

namespace wfc::plan {
namespace {

using Json = nlohmann::json;

/// A value as JSON; a number JSON cannot hold (YAML's .nan) becomes null.
Json value_json(const Value& v) {
  Json j = Json::parse(json_text(v), nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? Json(nullptr) : j;
}

bool is_position_id(const std::string& s) {
  static const std::regex kPosition("t[0-9]+(\\.[0-9]+)*");
  return std::regex_match(s, kPosition);
}

class Lowerer {
 public:
  Lowerer(const ast::Document& doc, const catalog::Catalog& catalog, const Json& facts)
      : doc_(doc),
        catalog_(catalog),
        schema_(expr::Schema::of(catalog, expr::Domain::File, local_file_)),
        frame_schema_(expr::Schema::of(catalog, expr::Domain::Frame, local_frame_)) {
    plan_.input_facts = facts;
    input_kinds_ = catalog::kMedia;
    if (auto it = facts.find("kind"); it != facts.end() && it->is_string()) {
      if (auto k = catalog::parse_file_kind(it->get<std::string>())) input_kinds_ = *k;
    }
  }

  Plan run() {
    // The seed form: exactly one top-level ingest/import without `next` feeds its siblings.
    const ast::Task* feeder = nullptr;
    size_t feeders = 0;
    for (const auto& t : doc_.workflow) {
      const auto* spec = catalog_.kind(t.kind.value);
      if (spec && spec->accepts == 0 && t.next.empty()) {
        feeder = &t;
        ++feeders;
      }
    }
    if (feeders != 1) feeder = nullptr;
    std::string feeder_id;
    if (feeder) {
      for (size_t i = 0; i < doc_.workflow.size(); ++i) {
        if (&doc_.workflow[i] == feeder) feeder_id = lower_task(*feeder, {i}, "", "", 0);
      }
    }
    for (size_t i = 0; i < doc_.workflow.size(); ++i) {
      const ast::Task& t = doc_.workflow[i];
      if (&t == feeder) continue;
      lower_task(t, {i}, feeder ? feeder_id : std::string(kRunInput), "",
                 feeder ? plan_.node(feeder_id)->produces : input_kinds_);
    }
    // Nodes were appended parents first, except the run's input, created when first read.
    return std::move(plan_);
  }

 private:
  std::string id_for(const ast::Task& t, const std::vector<size_t>& path) {
    if (t.ref && !t.ref->value.empty() && t.ref->value[0] != '$' && !is_position_id(t.ref->value)) {
      return t.ref->value;
    }
    std::string id = "t";
    for (size_t i = 0; i < path.size(); ++i) id += (i ? "." : "") + std::to_string(path[i]);
    return id;
  }

  void ensure_run_input() {
    if (plan_.node(kRunInput)) return;
    Node n;
    n.id = kRunInput;
    n.op = "input";
    if (doc_.url) n.options.set_text("url", doc_.url->value);
    if (doc_.input) {
      if (const auto* u = doc_.input->find("url"); u && u->value.is_string())
        n.options.set_text("url", u->value.string);
    }
    n.produces = input_kinds_;
    plan_.nodes.insert(plan_.nodes.begin(), std::move(n));
    plan_.reindex();  // every position moved
  }

  /// The task's options, typed and defaulted. The checker accepted them, so they fit; an option
  /// that somehow does not is left to its default rather than stop the plan.
  Options typed_options(const ast::Task& t, const catalog::KindSpec& spec) {
    Json written = Json::object();
    for (const auto& o : spec.options) {
      if (const ast::Option* given = t.option(o.name)) written[o.name] = value_json(given->value);
    }
    ResolvedOptions typed = resolve_options(spec, written, Resolve::Apply);
    while (!typed.options && written.erase(typed.error.substr(0, typed.error.find_first_of(":.[")))) {
      typed = resolve_options(spec, written, Resolve::Apply);
    }
    return typed.options ? std::move(*typed.options) : Options();
  }

  /// A frame predicate compiled against the frame properties; nullopt when it does not check.
  std::optional<Select> frame_select(const expr::ExpressionSource& src, bool representative) {
    diag::Diagnostics ignored;
    auto p = expr::compile_expression(src, frame_schema_, ignored);
    if (!p) return std::nullopt;
    Select s;
    s.text = expr::to_string(p->root);
    s.predicate = std::make_shared<const expr::Predicate>(std::move(*p));
    s.representative = representative;
    return s;
  }

  /// Lowers one task reading `file` under `gate`; returns its id.
  std::string lower_task(const ast::Task& t, const std::vector<size_t>& path,
                         const std::string& file, const std::string& gate,
                         catalog::FileKinds kinds) {
    std::string id = id_for(t, path);
    const catalog::KindSpec* spec = catalog_.kind(t.kind.value);
    if (!spec) return id;  // the checker reported it; a plan is only made without errors
    if (file == kRunInput && spec->accepts != 0) ensure_run_input();
    auto child_path = [&](size_t i) {
      auto p = path;
      p.push_back(i);
      return p;
    };
    if (spec->is_conditions) {
      Gate g;
      g.id = id;
      g.file = file;
      g.parent = gate;
      g.tasks = {id};
      g.pointer = t.pointer;
      g.span = t.span;
      g.when_span = t.options_span.valid() ? t.options_span : t.kind.span;
      diag::Diagnostics ignored;
      auto pred = check::conditions_predicate(t, catalog_, ignored);
      if (!pred) pred = expr::Predicate{expr::Node::constant(true), expr::Domain::File};
      g.when = expr::to_string(pred->root);
      catalog::FileKinds passing = expr::Ranges(schema_, {kinds}).kinds_passing(pred->root);
      g.predicate = std::make_shared<const expr::Predicate>(std::move(*pred));
      catalog::FileKinds next_kinds = (kinds & passing) ? FileKindsAnd(kinds, passing) : passing;
      // Each gate probes its file; the probe pass keeps one probe per file.
      Node probe;
      probe.id = "$probe." + id;
      probe.op = "probe";
      probe.input = file;
      probe.gate = gate;
      probe.produces = kinds;
      g.probe = probe.id;
      plan_.nodes.push_back(std::move(probe));
      plan_.gates.push_back(std::move(g));
      plan_.tasks[id] = id;
      for (size_t i = 0; i < t.next.size(); ++i)
        lower_task(t.next[i], child_path(i), file, id, next_kinds);
      return id;
    }
    Node n;
    n.id = id;
    n.op = spec->name;
    n.options = typed_options(t, *spec);
    if (spec->accepts != 0) n.input = file;  // ingest and import fetch their own
    n.gate = gate;
    n.tasks = {id};
    if (t.ref) n.ref = t.ref->value;
    if (t.label) n.label = t.label->value;
    if (t.folder) n.folder = t.folder->value;
    if (t.filename) n.filename = t.filename->value;
    n.pointer = t.pointer;
    n.span = t.span;
    if (const ast::Option* sel = t.option("select"); sel && sel->value.is_string()) {
      n.select = frame_select({sel->value.string, sel->value.span.begin(), sel->pointer}, false);
    } else if (const auto* rule = spec->constant("representative_select");
               rule && rule->is_string() && !n.options.has("start") && (kinds & catalog::kVideo)) {
      // A frame of a video taken without `start` or `select` is the catalog's representative
      // one (an image input has one frame to take).
      n.select = frame_select({rule->get_ref<const std::string&>(), {1, 1}, ""}, true);
    }
    n.produces = spec->passthrough ? FileKindsAnd(kinds, spec->accepts) : spec->produces;
    if (spec->accepts == 0) n.produces = spec->produces;
    catalog::FileKinds out = n.produces;
    plan_.tasks[id] = id;
    plan_.nodes.push_back(std::move(n));
    for (size_t i = 0; i < t.next.size(); ++i) lower_task(t.next[i], child_path(i), id, gate, out);
    return id;
  }

  static catalog::FileKinds FileKindsAnd(catalog::FileKinds a, catalog::FileKinds b) {
    return catalog::FileKinds(a & b);
  }

  const ast::Document& doc_;
  const catalog::Catalog& catalog_;
  std::optional<expr::Schema> local_file_, local_frame_;
  const expr::Schema& schema_;
  const expr::Schema& frame_schema_;
  catalog::FileKinds input_kinds_;
  Plan plan_;
};

}  // namespace

Plan lower(const ast::Document& doc, const catalog::Catalog& catalog, const Json& input_facts) {
  return Lowerer(doc, catalog, input_facts).run();
}

std::string file_of(const Plan& plan, std::string_view id) {
  const Node* n = plan.node(id);
  for (size_t steps = 0; n && steps <= plan.nodes.size(); ++steps) {
    const catalog::KindSpec* spec = catalog::Catalog::builtin().kind(n->op);
    bool passes = n->op == "probe" || (spec && spec->passthrough);
    if (!passes || n->input.empty()) return n->id;
    n = plan.node(n->input);
  }
  return "";
}

}  // namespace wfc::plan
