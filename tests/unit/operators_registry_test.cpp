// The runtime's kind registry against the catalog: every kind of stdlib/kinds.json has an
// operator in runtime/operators/registry.cpp, runs where its catalog entry says (`execution`),
// or is declared not runnable with the reason its tasks fail with; and the table names no kind
// the catalog lacks. A kind added to the catalog without its operator fails here.
#include <catch2/catch.hpp>
#include <set>

#include "compiler/catalog/catalog.h"
#include "runtime/operators/registry.h"

using wfc::catalog::Catalog;
using wfc::catalog::Execution;
using wfc::operators::Operator;

TEST_CASE("every catalog kind has an operator, or is declared not runnable with a reason",
          "[operators]") {
  for (const auto& kind : Catalog::builtin().kinds()) {
    INFO(kind.name);
    const Operator* op = wfc::operators::find_operator(kind.name);
    REQUIRE(op);
    switch (op->runs) {
      case Operator::Runs::MediaPass:
        // The media kinds, and the intelligence kinds, which analyse what the pass decodes.
        CHECK((kind.execution.engine == Execution::Engine::Media ||
               kind.execution.engine == Execution::Engine::Intelligence));
        CHECK(!kind.execution.decodes.empty());
        CHECK(op->build != nullptr);
        break;
      case Operator::Runs::Alone:
        CHECK(op->run != nullptr);
        CHECK(kind.execution.engine != Execution::Engine::Media);
        break;
      case Operator::Runs::Scheduler:
        // The scheduler's own: a gate, or a probe that passes its probed file on.
        CHECK((kind.execution.engine == Execution::Engine::Gate ||
               kind.execution.engine == Execution::Engine::Probe));
        break;
      case Operator::Runs::NotRunnable:
        CHECK(op->reason.size() > 20);  // a sentence a user can act on
        break;
    }
    // A media kind the fused pass serves is one the pass can build.
    if (kind.execution.fuses) CHECK(op->runs == Operator::Runs::MediaPass);
  }
}

TEST_CASE("the operator table names only catalog kinds, each once", "[operators]") {
  std::set<std::string_view> seen;
  for (const Operator& op : wfc::operators::all_operators()) {
    INFO(op.kind);
    CHECK(Catalog::builtin().kind(op.kind) != nullptr);
    CHECK(seen.insert(op.kind).second);
  }
  CHECK(seen.size() == Catalog::builtin().kinds().size());
}
