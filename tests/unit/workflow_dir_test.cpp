// Automations from a directory: stable ids, create / unchanged / update / delete, invalid files
// skipped with their diagnostics, and the repository's own workflows/.
#include "runtime/automation/workflow_dir.h"

#include <filesystem>

#include "runtime/model/ids.h"
#include "test_store.h"

namespace {

namespace fs = std::filesystem;
using wfc::automation::load_workflow_dir;
using wfc::automation::read_workflow_dir;

constexpr const char* kPodcastWf = R"(automation "Podcast" {
  description "MP3 of every episode"
  status active
  audio(format: mp3, bitrate: 128000) as mp3
}
)";

constexpr const char* kDeclaredJson = R"({
  "id": "auto_0123456789abcdef",
  "name": "Thumbnails",
  "workflow": [{ "kind": "image", "options": { "width": 320, "format": "jpeg" } }]
}
)";

constexpr const char* kBareYaml = R"(- kind: video
  options:
    width: 1280
    format: mp4
)";

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("workflow dir: ids are declared, or derived from the path", "[workflow_dir]") {
  CHECK(wfc::automation::automation_id_for("auto_0123456789abcdef", "a.json") ==
        "auto_0123456789abcdef");
  std::string from_path = wfc::automation::automation_id_for("", "media/podcast.wf");
  CHECK(wfc::model::is_id(from_path, "auto"));
  CHECK(from_path == wfc::automation::automation_id_for("", "media/podcast.wf"));
  CHECK(from_path != wfc::automation::automation_id_for("", "media/podcast.json"));
  // A declared id that is not an automation id keeps its automation when the file moves.
  std::string declared = wfc::automation::automation_id_for("podcast", "media/podcast.wf");
  CHECK(wfc::model::is_id(declared, "auto"));
  CHECK(declared == wfc::automation::automation_id_for("podcast", "elsewhere/renamed.yaml"));
  CHECK(declared != from_path);
}

TEST_CASE("workflow dir: create, reload unchanged, modify, delete, invalid skipped",
          "[workflow_dir]") {
  wfc::test::StoreFixture fx;
  auto store = fx.open();
  wfc::test::TempDir tree;
  tree.write("podcast.wf", kPodcastWf);
  tree.write("thumbs.json", kDeclaredJson);
  tree.write("nested/video.yaml", kBareYaml);
  tree.write(".git/ignored.json", "not even json");
  tree.write("README.md", "not a workflow");
  // An automation made over the API is not the directory's to delete.
  wfc::store::Automation by_hand;
  by_hand.name = "made by hand";
  std::string by_hand_id = store->create_automation(by_hand).id;

  std::string podcast = wfc::automation::automation_id_for("", "podcast.wf");
  std::string video = wfc::automation::automation_id_for("", "nested/video.yaml");
  std::string thumbs = "auto_0123456789abcdef";

  auto first = load_workflow_dir(*store, tree.path());
  CHECK(first.error.empty());
  CHECK(sorted(first.created) == sorted({podcast, thumbs, video}));
  CHECK(first.updated.empty());
  CHECK(first.deleted.empty());
  CHECK(first.invalid.empty());

  auto a = store->get_automation(podcast);
  REQUIRE(a);
  CHECK(a->name == "Podcast");
  CHECK(a->description == "MP3 of every episode");
  CHECK(a->status == "active");
  CHECK(a->source_path == "podcast.wf");
  CHECK(a->workflow == nlohmann::json::parse(R"([{"kind": "audio", "ref": "mp3",
        "options": {"format": "mp3", "bitrate": 128000}}])"));
  CHECK(a->plan.is_object());
  auto v = store->get_automation(video);
  REQUIRE(v);
  CHECK(v->name == "video");  // a bare workflow is named after its file
  CHECK(v->source_path == "nested/video.yaml");

  SECTION("a second load with nothing changed changes nothing") {
    int64_t updated_at = a->updated_at;
    fx.clock.advance_seconds(10);
    auto again = load_workflow_dir(*store, tree.path());
    CHECK(again.created.empty());
    CHECK(again.updated.empty());
    CHECK(again.deleted.empty());
    CHECK(sorted(again.unchanged) == sorted({podcast, thumbs, video}));
    CHECK(store->get_automation(podcast)->updated_at == updated_at);
  }

  SECTION("a modified file updates its automation, keeping its id and created_at") {
    tree.write("thumbs.json", R"({
      "id": "auto_0123456789abcdef",
      "name": "Thumbnails",
      "workflow": [{ "kind": "image", "options": { "width": 640, "format": "webp" } }]
    })");
    auto again = load_workflow_dir(*store, tree.path());
    CHECK(again.updated == std::vector<std::string>{thumbs});
    CHECK(sorted(again.unchanged) == sorted({podcast, video}));
    auto t = store->get_automation(thumbs);
    REQUIRE(t);
    CHECK(t->workflow[0]["options"]["width"] == 640);
  }

  SECTION("a deleted file deletes its automation") {
    fs::remove(tree.path() / "nested/video.yaml");
    auto again = load_workflow_dir(*store, tree.path());
    CHECK(again.deleted == std::vector<std::string>{video});
    CHECK_FALSE(store->get_automation(video));
    CHECK(store->get_automation(by_hand_id));
  }

  SECTION("an invalid file is reported with its diagnostic and skipped") {
    tree.write("broken.json", R"([{ "kind": "vidoe" }])");
    // A file that breaks keeps its last good automation rather than losing it.
    tree.write("podcast.wf", "automation \"Podcast\" {\n  audio(format: mp9)\n}\n");
    auto again = load_workflow_dir(*store, tree.path());
    REQUIRE(again.invalid.size() == 2);
    CHECK(again.invalid[0].path == "broken.json");
    CHECK_THAT(again.invalid[0].diagnostics,
               Catch::Contains("broken.json:1:") && Catch::Contains("vidoe"));
    CHECK(again.invalid[1].path == "podcast.wf");
    CHECK_THAT(again.invalid[1].diagnostics, Catch::Contains("mp9"));
    CHECK(again.created.empty());
    CHECK(again.deleted.empty());
    CHECK(again.updated.empty());
    CHECK(store->get_automation(podcast));
    CHECK_FALSE(store->get_automation(wfc::automation::automation_id_for("", "broken.json")));
    CHECK_THAT(wfc::automation::describe(again),
               Catch::Contains("vidoe") &&
                   Catch::EndsWith("workflows: 0 created, 0 updated, 0 deleted, 2 unchanged, 2 "
                                   "invalid (skipped: broken.json, podcast.wf)\n"));
  }

  SECTION("two files declaring one id: the second is invalid") {
    tree.write("thumbs-copy.json", kDeclaredJson);
    auto desired = read_workflow_dir(tree.path());
    REQUIRE(desired.invalid.size() == 1);
    CHECK(desired.invalid[0].path == "thumbs.json");  // thumbs-copy.json sorts first
    CHECK_THAT(desired.invalid[0].diagnostics, Catch::Contains("already declared"));
  }
}

TEST_CASE("workflow dir: a missing directory is an error, the store is left alone",
          "[workflow_dir]") {
  wfc::test::StoreFixture fx;
  auto store = fx.open();
  wfc::store::Automation kept;
  kept.name = "kept";
  kept.source_path = "gone.wf";
  store->create_automation(kept);
  auto report = load_workflow_dir(*store, "/nonexistent/wfc-workflows");
  CHECK_THAT(report.error, Catch::Contains("not a directory"));
  CHECK(report.deleted.empty());
  auto page = store->list_automations({});
  REQUIRE(page);
  CHECK(page->items.size() == 1);
}

TEST_CASE("workflow dir: the repository's workflows/ all load, with stable ids", "[workflow_dir]") {
  fs::path dir = fs::path(WFC_SOURCE_DIR) / "workflows";
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    auto ext = entry.path().extension();
    if (ext == ".json" || ext == ".yaml" || ext == ".yml" || ext == ".wf") ++files;
  }
  auto first = read_workflow_dir(dir);
  for (const auto& bad : first.invalid) FAIL_CHECK(bad.path << ":\n" << bad.diagnostics);
  CHECK(first.automations.size() == files);
  auto second = read_workflow_dir(dir);
  REQUIRE(second.automations.size() == first.automations.size());
  for (size_t i = 0; i < first.automations.size(); ++i) {
    CHECK(wfc::model::is_id(first.automations[i].id, "auto"));
    CHECK(first.automations[i].id == second.automations[i].id);
    CHECK(first.automations[i].id ==
          wfc::automation::automation_id_for("", first.automations[i].source_path));
  }

  wfc::test::StoreFixture fx;
  auto store = fx.open();
  auto loaded = load_workflow_dir(*store, dir);
  CHECK(loaded.created.size() == files);
  auto reloaded = load_workflow_dir(*store, dir);
  CHECK(reloaded.unchanged.size() == files);
  CHECK(reloaded.created.empty());
  CHECK(reloaded.updated.empty());
  CHECK(reloaded.deleted.empty());
}
