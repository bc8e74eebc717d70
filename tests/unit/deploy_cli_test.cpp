// `wfc deploy` against a fake API server that keeps /automations in memory: the printed diff,
// --dry-run changing nothing, creates with the stable id, updates, deletes of file-deployed
// automations only, invalid files, auth and an unreachable server.
#include <mutex>
#include <nlohmann/json.hpp>

#include "runtime/automation/workflow_dir.h"
#include "test_cli.h"
#include "test_http_server.h"

namespace {

using nlohmann::json;
using wfc::automation::automation_id_for;

/// GET (pages of 2, to make the client paginate), POST, PATCH and DELETE on /automations.
class FakeApi {
 public:
  explicit FakeApi(std::string key = "k1") : key_(std::move(key)) {
    auto& s = http_.server();
    s.Get("/automations", [this](const httplib::Request& req, httplib::Response& res) {
      if (!authorized(req, res)) return;
      std::lock_guard<std::mutex> lock(mu_);
      log_.push_back("GET");
      size_t start = 0;
      if (req.has_param("after")) {
        std::string after = req.get_param_value("after");
        while (start < order_.size() && order_[start] != after) ++start;
        ++start;
      }
      json page = json::array();
      for (size_t i = start; i < order_.size() && page.size() < 2; ++i)
        page.push_back(objects_[order_[i]]);
      bool more = start + page.size() < order_.size();
      res.set_content(json{{"object", "list"}, {"data", page}, {"has_more", more}}.dump(),
                      "application/json");
    });
    s.Post("/automations", [this](const httplib::Request& req, httplib::Response& res) {
      if (!authorized(req, res)) return;
      std::lock_guard<std::mutex> lock(mu_);
      json body = json::parse(req.body);
      std::string id = body.value("id", "auto_fake" + std::to_string(order_.size()));
      log_.push_back("POST " + id);
      body["id"] = id;
      body["object"] = "automation";
      if (!body.contains("source")) body["source"] = nullptr;
      if (!body.contains("webhook_url")) body["webhook_url"] = nullptr;
      objects_[id] = body;
      order_.push_back(id);
      res.status = 201;
      res.set_content(body.dump(), "application/json");
    });
    s.Patch(R"(/automations/([a-z0-9_]+))",
            [this](const httplib::Request& req, httplib::Response& res) {
              if (!authorized(req, res)) return;
              std::lock_guard<std::mutex> lock(mu_);
              std::string id = req.matches[1];
              log_.push_back("PATCH " + id);
              if (!objects_.count(id)) {
                res.status = 404;
                return;
              }
              objects_[id].merge_patch(json::parse(req.body));
              res.set_content(objects_[id].dump(), "application/json");
            });
    s.Delete(R"(/automations/([a-z0-9_]+))",
             [this](const httplib::Request& req, httplib::Response& res) {
               if (!authorized(req, res)) return;
               std::lock_guard<std::mutex> lock(mu_);
               std::string id = req.matches[1];
               log_.push_back("DELETE " + id);
               objects_.erase(id);
               order_.erase(std::remove(order_.begin(), order_.end(), id), order_.end());
               res.status = 204;
             });
    http_.start();
  }

  std::string url() const { return http_.url(""); }
  /// Adds an automation as if created earlier (by a deploy, or over the API when source is "").
  void seed(const std::string& id, const std::string& name, const std::string& source) {
    std::lock_guard<std::mutex> lock(mu_);
    objects_[id] = {{"id", id},
                    {"object", "automation"},
                    {"name", name},
                    {"description", ""},
                    {"workflow", json::array({{{"kind", "speech"}}})},
                    {"status", "active"},
                    {"webhook_url", nullptr},
                    {"source", source.empty() ? json(nullptr) : json(source)}};
    order_.push_back(id);
  }
  std::optional<json> get(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(id);
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return objects_.size();
  }
  /// The writes it was asked for ("POST id", "PATCH id", "DELETE id"), in order.
  std::vector<std::string> writes() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& l : log_)
      if (l != "GET") out.push_back(l);
    return out;
  }

 private:
  bool authorized(const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") == "Bearer " + key_) return true;
    res.status = 401;
    res.set_content(R"({"kind": "token_invalid", "message": "the API key is not valid"})",
                    "application/json");
    return false;
  }

  wfc::test::HttpServer http_;
  std::string key_;
  std::mutex mu_;
  std::map<std::string, json> objects_;
  std::vector<std::string> order_;
  std::vector<std::string> log_;
};

constexpr const char* kPodcast = R"(automation "Podcast" {
  audio(format: mp3) as mp3
}
)";
constexpr const char* kThumbs = R"([{ "kind": "image", "options": { "width": 320 } }])";
constexpr const char* kClips = "- kind: video\n  options:\n    width: 1280\n";

}  // namespace

TEST_CASE("deploy: --dry-run prints the diff and changes nothing; a deploy applies it",
          "[deploy]") {
  FakeApi api;
  wfc::test::TempDir dir;
  dir.write("wf/podcast.wf", kPodcast);
  dir.write("wf/thumbs.json", kThumbs);
  dir.write("wf/media/clips.yaml", kClips);
  std::string podcast = automation_id_for("", "podcast.wf");
  std::string thumbs = automation_id_for("", "thumbs.json");
  std::string clips = automation_id_for("", "media/clips.yaml");

  auto dry = wfc::test::run_wfc(dir, {"deploy", "wf", "--server", api.url(), "--dry-run"},
                                "WFC_API_KEY=k1");
  INFO(dry.err);
  CHECK(dry.status == 0);
  CHECK(dry.out == "+ " + clips + "  media/clips.yaml  clips\n" +    //
                       "+ " + podcast + "  podcast.wf  Podcast\n" +  //
                       "+ " + thumbs + "  thumbs.json  thumbs\n" +
                       "3 created, 0 updated, 0 deleted, 0 unchanged, 0 invalid "
                       "(dry run: nothing applied)\n");
  CHECK(api.writes().empty());
  CHECK(api.size() == 0);

  auto real = wfc::test::run_wfc(dir, {"deploy", "wf", "--server", api.url(), "--key", "k1"});
  INFO(real.err);
  CHECK(real.status == 0);
  CHECK_THAT(real.out, Catch::Contains("3 created, 0 updated"));
  CHECK(api.size() == 3);
  auto p = api.get(podcast);
  REQUIRE(p);
  CHECK((*p)["name"] == "Podcast");
  CHECK((*p)["source"] == "podcast.wf");
  CHECK((*p)["workflow"] == json::parse(R"([{"kind": "audio", "ref": "mp3",
        "options": {"format": "mp3"}}])"));

  // Deploying the same tree again is a no-op.
  auto again = wfc::test::run_wfc(dir, {"deploy", "wf", "--server", api.url(), "--key", "k1"});
  CHECK(again.status == 0);
  CHECK(again.out == "= " + clips + "  media/clips.yaml  clips\n" +    //
                         "= " + podcast + "  podcast.wf  Podcast\n" +  //
                         "= " + thumbs + "  thumbs.json  thumbs\n" +
                         "0 created, 0 updated, 0 deleted, 3 unchanged, 0 invalid\n");
  CHECK(api.writes().size() == 3);  // the first deploy's three POSTs, nothing since
}

TEST_CASE("deploy: updates, deletes what a deploy made, keeps what the API made", "[deploy]") {
  FakeApi api;
  wfc::test::TempDir dir;
  dir.write("wf/podcast.wf", kPodcast);
  dir.write("wf/thumbs.json", kThumbs);
  std::string podcast = automation_id_for("", "podcast.wf");
  std::string thumbs = automation_id_for("", "thumbs.json");
  std::string old = automation_id_for("", "old.wf");
  REQUIRE(wfc::test::run_wfc(dir, {"deploy", "wf", "--server", api.url(), "--key", "k1"}).status ==
          0);
  api.seed(old, "Old", "old.wf");
  api.seed("auto_byhand0000000000", "By hand", "");

  dir.write("wf/thumbs.json", R"([{ "kind": "image", "options": { "width": 640 } }])");
  auto dry = wfc::test::run_wfc(dir, {"deploy", "wf", "--server", api.url(), "--dry-run"},
                                "WFC_API_KEY=k1");
  CHECK(dry.status == 0);
  CHECK(dry.out == "- " + old + "  old.wf  Old\n" +                  //
                       "= " + podcast + "  podcast.wf  Podcast\n" +  //
                       "~ " + thumbs + "  thumbs.json  thumbs\n" +
                       "0 created, 1 updated, 1 deleted, 1 unchanged, 0 invalid "
                       "(dry run: nothing applied)\n");
  size_t writes_before = api.writes().size();

  auto real = wfc::test::run_wfc(dir, {"deploy", "wf", "--server", api.url()}, "WFC_API_KEY=k1");
  INFO(real.err);
  CHECK(real.status == 0);
  auto writes = api.writes();
  CHECK(writes.size() == writes_before + 2);
  CHECK_FALSE(api.get(old));
  REQUIRE(api.get("auto_byhand0000000000"));
  CHECK((*api.get(thumbs))["workflow"][0]["options"]["width"] == 640);
}

TEST_CASE("deploy: invalid files are reported and skipped, exit 1", "[deploy]") {
  FakeApi api;
  wfc::test::TempDir dir;
  dir.write("wf/podcast.wf", kPodcast);
  dir.write("wf/broken.json", R"([{ "kind": "vidoe" }])");
  auto r = wfc::test::run_wfc(dir, {"deploy", "wf", "--server", api.url(), "--key", "k1"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("broken.json:1:") && Catch::Contains("vidoe") &&
                        Catch::Contains("skipped broken.json"));
  CHECK_THAT(r.out, Catch::Contains("1 created, 0 updated, 0 deleted, 0 unchanged, 1 invalid"));
  CHECK(api.get(automation_id_for("", "podcast.wf")));
  CHECK(api.size() == 1);
}

TEST_CASE("deploy: a wrong key, an unreachable server or a missing directory exit 2", "[deploy]") {
  wfc::test::TempDir dir;
  dir.write("wf/podcast.wf", kPodcast);
  {
    FakeApi api;
    auto r = wfc::test::run_wfc(dir, {"deploy", "wf", "--server", api.url(), "--key", "wrong"});
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("token_invalid"));
    CHECK(api.writes().empty());
  }
  std::string dead;
  {
    wfc::test::HttpServer gone;
    gone.start();
    dead = gone.url("");
  }
  auto r = wfc::test::run_wfc(dir, {"deploy", "wf", "--server", dead, "--key", "k1"});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("GET " + dead + "/automations"));
  CHECK(wfc::test::run_wfc(dir, {"deploy", "nowhere", "--server", dead}).status == 2);
  CHECK(wfc::test::run_wfc(dir, {"deploy", "wf"}).status == 2);  // --server is required
}
