// api::sign_urls and the signature check on their own (issue 20, point 3): which URLs are
// signed, what a signature's scope opens, and how a URL reads back. The server-level behaviour
// (no key, Range, CORS, ffmpeg) is api_files_test.cpp's.
#include <openssl/evp.h>
#include <openssl/hmac.h>

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

// The unpadded base64url of OpenSSL's one-shot HMAC-SHA256 of `message` under `key`.
std::string reference_hmac(const std::string& key, const std::string& message) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), md, &len);
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned bits = 0;
  int have = 0;
  for (unsigned i = 0; i < len; ++i) {
    bits = (bits << 8) | md[i];
    for (have += 8; have >= 6;) out += kAlphabet[(bits >> (have -= 6)) & 63];
  }
  if (have > 0) out += kAlphabet[(bits << (6 - have)) & 63];
  return out;
}

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
  // Folder scopes at the run's directory and up to 8 levels below it; a playlist deeper down is
  // signed for itself alone.
  std::string top =
      token_of(wfc::api::signed_file_url(kSigning, "", kRun, "master.m3u8", true, kNow));
  CHECK(check(top, kRun, "v0/seg_000.ts") == SignatureCheck::Valid);
  std::string eight = "1/2/3/4/5/6/7/8/", nine = eight + "9/";
  auto deep = [&](const std::string& folder) {
    return token_of(
        wfc::api::signed_file_url(kSigning, "", kRun, folder + "master.m3u8", true, kNow));
  };
  CHECK(check(deep(eight), kRun, eight + "v0/seg_000.ts") == SignatureCheck::Valid);
  CHECK(check(deep(nine), kRun, nine + "v0/seg_000.ts") == SignatureCheck::Invalid);
  CHECK(check(deep(nine), kRun, nine + "master.m3u8") == SignatureCheck::Valid);  // itself
  // A path of thousands of segments is refused like any other.
  std::string long_path;
  for (int i = 0; i < 5000; ++i) long_path += "a/";
  CHECK(check(hls, kRun, long_path + "x.ts") == SignatureCheck::Invalid);

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

TEST_CASE("the signature is HMAC-SHA256 of method, scope and expiry, as documented",
          "[api][signed]") {
  // Keys shorter and longer than SHA-256's 64-byte block (a long one is hashed first).
  for (const std::string& key : {std::string("k"), kSigning.secret, std::string(100, 'x')}) {
    INFO(key.size());
    wfc::api::UrlSigning s{key, 100};
    CHECK(token_of(wfc::api::signed_file_url(s, "", kRun, "out/video.mp4", false, kNow)) ==
          "1800000100." +
              reference_hmac(key, "GET\n/files/" + kRun + "/out/video.mp4\n1800000100"));
    CHECK(token_of(wfc::api::signed_file_url(s, "", kRun, "t2/master.m3u8", true, kNow)) ==
          "1800000100." + reference_hmac(key, "GET\n/files/" + kRun + "/t2/\n1800000100"));
  }
}
