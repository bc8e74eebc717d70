// api::sign_urls and the signature check on their own (issue 20, point 3): which URLs are
// signed, what a signature's scope opens, and how a URL reads back. The server-level behaviour
// (no key, Range, CORS, ffmpeg) is api_files_test.cpp's.
#include <catch2/catch.hpp>

#include "runtime/api/sign_urls.h"
#include "runtime/store/store.h"

namespace {

using nlohmann::json;
using wfc::api::SignatureCheck;

const wfc::api::UrlSigning kSigning{"wfc_testsecret000000000000000000000000000001", 3600};
constexpr int64_t kNow = 1'800'000'000;
const std::string kRun = "run_abcdefgh12345678";

json file(const std::string& path, const std::string& format = "mp4") {
  return {{"object", "file"},
          {"id", wfc::store::file_id(kRun, path)},
          {"format", format},
          {"url", "https://media.example.com/files/" + kRun + "/" + path}};
}

std::string token_of(const std::string& url) { return wfc::api::parse_file_url(url)->token; }

}  // namespace

TEST_CASE("sign_urls signs this server's output files at any depth, and nothing else",
          "[api][signed]") {
  json run = {{"id", kRun},
              {"input", "https://media.example.com/files/" + kRun + "/in.mp4"},
              {"tasks",
               {{{"outputs", {file("video.mp4")}}, {"inputs", json::array()}},
                {{"inputs", {file("video.mp4")}}, {"outputs", {file("hls/master.m3u8", "hls")}}}}}};
  // A user's own URL of the same shape, with a made-up id: left alone.
  json foreign = file("other.mp4");
  foreign["id"] = "file_0000000000000000";
  run["tasks"][0]["outputs"].push_back(foreign);
  json before = run;
  wfc::api::sign_urls(run, kSigning, kNow);

  CHECK(run["input"] == before["input"]);  // a string, not a File object
  CHECK(run["tasks"][0]["outputs"][1] == foreign);
  std::string video = run["tasks"][0]["outputs"][0]["url"];
  CHECK(video.starts_with("https://media.example.com/files/signed/1800003600."));
  CHECK(video.ends_with("/" + kRun + "/video.mp4"));
  CHECK(run["tasks"][1]["inputs"][0]["url"] == video);  // same file, same instant, same URL
  // Signing again leaves signed URLs as they are.
  json twice = run;
  wfc::api::sign_urls(twice, kSigning, kNow + 10);
  CHECK(twice == run);

  auto f = wfc::api::parse_file_url(video);
  REQUIRE(f);
  CHECK(f->base == "https://media.example.com");
  CHECK(f->run_id == kRun);
  CHECK(f->path == "video.mp4");
  // A --public-url that itself holds "/files/".
  auto g = wfc::api::parse_file_url("https://cdn.example.com/files/api/files/" + kRun + "/a/b.png");
  REQUIRE(g);
  CHECK(g->base == "https://cdn.example.com/files/api");
  CHECK(g->path == "a/b.png");
  CHECK_FALSE(wfc::api::parse_file_url("https://example.com/files/notarun/a.mp4"));
  CHECK_FALSE(wfc::api::parse_file_url("https://example.com/videos/a.mp4"));
}

TEST_CASE("a signature opens its file, or a playlist's folder, until it expires", "[api][signed]") {
  auto check = [](const std::string& token, const std::string& run, const std::string& path,
                  int64_t now = kNow) {
    return wfc::api::check_signature(kSigning, token, run, path, now);
  };
  std::string mp4 =
      token_of(wfc::api::signed_file_url(kSigning, "", kRun, "out/video.mp4", false, kNow));
  CHECK(check(mp4, kRun, "out/video.mp4") == SignatureCheck::Valid);
  CHECK(check(mp4, kRun, "out/poster.jpg") == SignatureCheck::Invalid);  // the file only
  CHECK(check(mp4, "run_zzzzzzzzzzzzzzzz", "out/video.mp4") == SignatureCheck::Invalid);
  CHECK(check(mp4, kRun, "out/video.mp4", kNow + 3600) == SignatureCheck::Valid);
  CHECK(check(mp4, kRun, "out/video.mp4", kNow + 3601) == SignatureCheck::Expired);

  std::string hls =
      token_of(wfc::api::signed_file_url(kSigning, "", kRun, "t2/master.m3u8", true, kNow));
  CHECK(check(hls, kRun, "t2/master.m3u8") == SignatureCheck::Valid);
  CHECK(check(hls, kRun, "t2/v0/index.m3u8") == SignatureCheck::Valid);
  CHECK(check(hls, kRun, "t2/v0/seg_000.ts") == SignatureCheck::Valid);
  CHECK(check(hls, kRun, "video.mp4") == SignatureCheck::Invalid);  // outside its folder
  CHECK(check(hls, kRun, "t3/master.m3u8") == SignatureCheck::Invalid);

  // Malformed and altered tokens.
  for (std::string bad : {std::string(""), std::string("."), std::string("abc"), "x" + mp4,
                          mp4.substr(0, mp4.size() - 1), "1" + mp4}) {
    INFO(bad);
    CHECK(check(bad, kRun, "out/video.mp4") == SignatureCheck::Invalid);
  }
  // Another secret's signature.
  wfc::api::UrlSigning other{"wfc_othersecret00000000000000000000000000001", 3600};
  std::string foreign =
      token_of(wfc::api::signed_file_url(other, "", kRun, "out/video.mp4", false, kNow));
  CHECK(check(foreign, kRun, "out/video.mp4") == SignatureCheck::Invalid);
}
