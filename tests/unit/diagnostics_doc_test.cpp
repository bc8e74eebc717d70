// docs/diagnostics.md is generated from the code registry and the renderers; this fails when
// the committed file no longer matches what `wfc docs diagnostics` prints.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "compiler/diag/diagnostic.h"
#include "compiler/diag/reference.h"

TEST_CASE("docs/diagnostics.md is up to date", "[docs]") {
  std::ifstream in(std::string(WFC_SOURCE_DIR) + "/docs/diagnostics.md", std::ios::binary);
  REQUIRE(in);
  std::stringstream committed;
  committed << in.rdbuf();
  if (committed.str() != wfc::diag::diagnostics_markdown()) {
    FAIL("docs/diagnostics.md is stale: run `make docs` and commit it");
  }
}

TEST_CASE("docs/diagnostics.md documents every code", "[docs]") {
  std::string md = wfc::diag::diagnostics_markdown();
  for (const auto& c : wfc::diag::all_codes()) {
    INFO(c.id);
    CHECK(md.find("\n### " + std::string(c.id) + "\n") != std::string::npos);
    CHECK(md.find(std::string(c.explain)) != std::string::npos);
  }
}
