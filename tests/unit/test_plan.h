// Helpers for plan tests: plan a workflow written inline (it must check without errors), and
// print what a plan says in the terms a test asserts.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "compiler/frontend.h"
#include "compiler/plan/planner.h"
#include "compiler/plan/render.h"
#include "test_diags.h"

namespace wfc::test {

struct Planned {
  plan::Plan plan;
  diag::Diagnostics diags;  // the front end's and the planner's
};

inline Planned plan_text(const std::string& text, const plan::PlanOptions& options = {},
                         syntax::Syntax syntax = syntax::Syntax::Json,
                         const std::string& name = "test.json") {
  SourceFile source(name, text);
  auto result = compile_source(source, syntax);
  std::string all;
  for (const auto& d : result.diagnostics.items()) all += describe(d) + "\n";
  INFO(text << "\n" << all);
  REQUIRE(result.document.has_value());
  REQUIRE_FALSE(result.diagnostics.has_errors());
  Planned out{{}, std::move(result.diagnostics)};
  out.plan = plan::make_plan(*result.document, options, out.diags);
  return out;
}

/// Options with `passes` switched off ("all" for --no-opt).
inline plan::PlanOptions without(std::initializer_list<std::string_view> passes) {
  plan::PlanOptions o;
  for (auto p : passes) {
    if (p == "all") {
      for (auto name : plan::kPassNames) o.disabled.insert(std::string(name));
    } else {
      o.disabled.insert(std::string(p));
    }
  }
  return o;
}

inline plan::PlanOptions with_input(const std::string& facts) {
  plan::PlanOptions o;
  std::string error;
  auto parsed = plan::parse_input_facts(facts, &error);
  INFO(error);
  REQUIRE(parsed.has_value());
  o.input_facts = *parsed;
  return o;
}

/// The ids of the plan's nodes of one operator, in plan order.
inline std::vector<std::string> ids_of(const plan::Plan& p, const std::string& op) {
  std::vector<std::string> ids;
  for (const auto& n : p.nodes) {
    if (n.op == op) ids.push_back(n.id);
  }
  return ids;
}

inline std::vector<std::string> codes(const diag::Diagnostics& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags.items()) out.emplace_back(diag::id(d.code));
  return out;
}

}  // namespace wfc::test
