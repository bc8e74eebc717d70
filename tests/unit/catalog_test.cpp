// The kind catalog: stdlib/kinds.json as the checker, `wfc schema` and docs/kinds.md see it,
// and the catalog's own validation of broken catalogs.
#include "compiler/catalog/catalog.h"

#include <catch2/catch.hpp>
#include <string>

using namespace wfc::catalog;

TEST_CASE("the built-in catalog defines every kind of the seeds", "[catalog]") {
  const Catalog& c = Catalog::builtin();
  for (const char* name : {"ingest", "import", "probe", "video", "audio", "image", "animation",
                           "adaptive_video", "thumbnails", "subtitles", "chapters", "speech",
                           "nsfw", "summary", "outline", "export", "conditions"}) {
    INFO(name);
    const KindSpec* k = c.kind(name);
    REQUIRE(k != nullptr);
    CHECK(k->name == name);
    CHECK_FALSE(k->doc.empty());
  }
  CHECK(c.kind("vidoe") == nullptr);
  CHECK(c.kind("") == nullptr);
  CHECK(c.kinds().size() == 17);
}
