// What a document means, for tests that compare documents read from different syntaxes: the
// canonical JSON text (spans left out) with each `conditions` task's options replaced by the
// canonical infix text of its checked predicate, since the DSL spells conditions as infix and
// `{"kind": "video"}` and `{"kind": {"eq": "video"}}` mean the same.
#pragma once

#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "compiler/catalog/catalog.h"
#include "compiler/check/conditions.h"
#include "compiler/emit/emit.h"
#include "compiler/expr/ir.h"
#include "compiler/frontend.h"

namespace wfc::test {

inline std::string meaning(const ast::Document& doc) {
  ast::Document copy = doc;
  std::function<void(std::vector<ast::Task>&)> normalize = [&](std::vector<ast::Task>& tasks) {
    for (auto& t : tasks) {
      if (t.kind.value == "conditions") {
        diag::Diagnostics diags("");
        auto p = check::conditions_predicate(t, catalog::Catalog::builtin(), diags);
        REQUIRE(p.has_value());
        ast::Option o;
        o.name = "when";
        o.value = Value::make_string(expr::to_string(p->root), {});
        t.options = {o};
      }
      normalize(t.next);
    }
  };
  normalize(copy.workflow);
  return emit::emit_json(copy);
}

/// Whether this build reads the DSL (.wf) yet: the reader comes from grammar/ (issue 4).
inline bool dsl_supported() {
  SourceFile probe("probe.wf", "summary\n");
  auto r = compile_source(probe, syntax::Syntax::Dsl);
  for (const auto& d : r.diagnostics.items()) {
    if (d.message.find("not supported by this build") != std::string::npos) return false;
  }
  return true;
}

}  // namespace wfc::test
