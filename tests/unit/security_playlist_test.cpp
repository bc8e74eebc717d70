// Issue 19, point 1: every byte an input reads goes through the access policy. An input that is
// an HLS playlist, a DASH manifest or an ffconcat script names other resources, and libavformat's
// nested opens would read them without asking the policy. Each such input names a secret file
// outside --allow-files in every form an attacker would try (absolute path, `../`, `file:`,
// other protocols, loopback http); the input gate (runtime/media/input_gate.h) refuses it as
// `input_unsupported` in probe, in the pass and through `wfc run`, and the secret's content never
// appears in anything wfc writes.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/media/input_gate.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_media.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::media::MediaError;

constexpr const char* kMarker = "WFC-SECRET-4b1d";

/// A secret outside what may be read: a real MPEG-TS and MP4 (so a playlist that reached them
/// would make a working input) whose bytes carry kMarker in their metadata.
struct Secret {
  wfc::test::TempDir dir;  // dir/secret/secret.{ts,mp4}, dir/in/ for the playlists
  fs::path ts, mp4;
  Secret() {
    fs::create_directories(dir.path() / "secret");
    fs::create_directories(dir.path() / "in");
    mp4 = dir.path() / "secret" / "secret.mp4";
    ts = dir.path() / "secret" / "secret.ts";
    std::string av = wfc::test::sample("av.mp4").string();
    std::string cmd =
        "ffmpeg -nostdin -v error -y -i '" + av + "' -c copy -metadata title=" + kMarker + " '" +
        mp4.string() + "' && ffmpeg -nostdin -v error -y -i '" + av +
        "' -c copy -metadata service_name=" + kMarker + " -f mpegts '" + ts.string() + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    REQUIRE(wfc::test::slurp(ts).find(kMarker) != std::string::npos);
  }
};

/// One way of naming the secret from a playlist in dir/in/.
struct Reference {
  std::string name, url;
};

std::vector<Reference> references(const Secret& s) {
  std::string abs = s.ts.string();
  return {
      {"absolute path", abs},
      {"relative ../ path", "../secret/secret.ts"},
      {"file: URL", "file:" + abs},
      {"file:// URL", "file://" + abs},
      {"data: URL", std::string("data:video/mp2t;base64,") + "V0ZDLVNFQ1JFVC00YjFk"},
      {"concat: URL", "concat:" + abs + "|" + abs},
      {"subfile: URL", "subfile,,start,0,end,0,,:" + abs},
      {"crypto: URL", "crypto:" + abs},
      {"http to 127.0.0.1", "http://127.0.0.1:9/secret.ts"},
      {"http to [::1]", "http://[::1]:9/secret.ts"},
  };
}

/// The three container kinds that name other resources, each naming `url`.
struct Container {
  std::string kind, filename, text;
};

std::vector<Container> containers(const std::string& url) {
  return {
      {"HLS", "list.m3u8",
       "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n" + url +
           "\n#EXT-X-ENDLIST\n"},
      {"DASH", "manifest.mpd",
       "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
       "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" type=\"static\" "
       "mediaPresentationDuration=\"PT2S\" minBufferTime=\"PT1S\" "
       "profiles=\"urn:mpeg:dash:profile:isoff-on-demand:2011\">\n"
       " <Period>\n  <AdaptationSet mimeType=\"video/mp4\">\n"
       "   <Representation id=\"1\" bandwidth=\"100000\" width=\"320\" height=\"240\">\n"
       "    <BaseURL>" +
           url + "</BaseURL>\n   </Representation>\n  </AdaptationSet>\n </Period>\n</MPD>\n"},
      {"ffconcat", "list.ffconcat", "ffconcat version 1.0\nfile '" + url + "'\n"},
  };
}

void check_refused(const MediaError& e, const std::string& filename) {
  INFO(e.message);
  CHECK(e.kind == "input_unsupported");
  CHECK(e.message.find("'" + filename + "' is ") != std::string::npos);
  CHECK(e.message.find("does not read input formats that open other files or URLs") !=
        std::string::npos);
  CHECK(e.message.find(kMarker) == std::string::npos);
}

/// Every file below `dir` (run.json, outputs, anything left behind), concatenated.
std::string everything_under(const fs::path& dir) {
  std::string all;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file()) all += wfc::test::slurp(it->path());
  }
  return all;
}

}  // namespace

TEST_CASE("the fixtures are real attacks: the ffmpeg CLI reads the secret through them",
          "[security][playlist]") {
  // Without the gate, libavformat with nothing but the `file` protocol follows these playlists to
  // the secret: this is what the tests below must see refused.
  Secret s;
  for (const Reference& ref : {references(s)[0], references(s)[1]}) {
    for (const Container& c : containers(ref.url)) {
      if (c.kind == "DASH") continue;  // dashdec wants MP4 segments; see the MP4 case below
      DYNAMIC_SECTION(c.kind << " naming the secret by " << ref.name) {
        fs::path list = s.dir.path() / "in" / c.filename;
        std::ofstream(list) << c.text;
        std::string cmd = "ffprobe -v error -protocol_whitelist file -safe 0 -show_streams '" +
                          list.string() + "' 2>&1 | grep -q codec_name=h264";
        CHECK(std::system(cmd.c_str()) == 0);
      }
    }
  }
  fs::path mpd = s.dir.path() / "in" / "manifest.mpd";
  std::ofstream(mpd) << containers(s.mp4.string())[1].text;
  std::string cmd = "ffprobe -v error -protocol_whitelist file -show_streams '" + mpd.string() +
                    "' 2>&1 | grep -q codec_name=h264";
  CHECK(std::system(cmd.c_str()) == 0);
}

TEST_CASE("probe and the pass refuse playlists, manifests and ffconcat whatever they name",
          "[security][playlist][media]") {
  Secret s;
  for (const Reference& ref : references(s)) {
    for (const Container& c : containers(ref.url)) {
      DYNAMIC_SECTION(c.kind << " naming the secret by " << ref.name) {
        fs::path list = s.dir.path() / "in" / c.filename;
        std::ofstream(list) << c.text;
        auto probed = wfc::media::probe(list);
        REQUIRE(std::holds_alternative<MediaError>(probed));
        check_refused(std::get<MediaError>(probed), c.filename);

        wfc::media::PassSpec spec;
        spec.input = list;
        fs::path out = wfc::test::out_dir("playlist");
        spec.outputs.push_back(wfc::test::output("v", "video", {{"width", 160}}, out));
        spec.outputs.push_back(wfc::test::output("i", "image", json::object(), out));
        wfc::media::PassResult r = wfc::media::run_pass(spec);
        CHECK_FALSE(r.input);
        for (const auto& o : r.outputs) {
          REQUIRE(o.error);
          check_refused(*o.error, c.filename);
          CHECK(o.files.empty());
        }
        CHECK(fs::is_empty(out));
      }
    }
  }
}

TEST_CASE("wfc run refuses a playlist naming a file outside --allow-files and never shows it",
          "[security][playlist][cli]") {
  Secret s;
  const std::string workflow = R"({"name": "p", "workflow": [
    {"kind": "video", "options": {"width": 160, "format": "mp4"}},
    {"kind": "image", "options": {"format": "png"}}]})";
  s.dir.write("w.json", workflow);
  for (const Reference& ref : references(s)) {
    for (const Container& c : containers(ref.url)) {
      DYNAMIC_SECTION(c.kind << " naming the secret by " << ref.name) {
        fs::path list = s.dir.path() / "in" / c.filename;
        std::ofstream(list) << c.text;
        fs::remove_all(s.dir.path() / "out");
        wfc::test::Run r =
            wfc::test::run_wfc(s.dir,
                               {"run", "w.json", "--input", list.string(), "--out", "out",
                                "--allow-files", (s.dir.path() / "in").string(), "--json"},
                               "NO_COLOR=1");
        INFO(r.err);
        CHECK(r.status == 1);
        json run = json::parse(wfc::test::slurp(s.dir.path() / "out" / "run.json"));
        CHECK(run["status"] == "failed");
        for (const json& t : run["tasks"]) {
          CHECK(t["status"] == "failed");
          CHECK(t["error"]["kind"] == "input_unsupported");
          CHECK(t["error"]["message"].get<std::string>().find(c.filename) != std::string::npos);
        }
        CHECK(r.out.find(kMarker) == std::string::npos);
        CHECK(r.err.find(kMarker) == std::string::npos);
        CHECK(everything_under(s.dir.path() / "out").find(kMarker) == std::string::npos);
      }
    }
  }
}

TEST_CASE("ordinary media still opens through the gate, and it refuses any nested open",
          "[security][playlist][media]") {
  for (const char* name : {"av.mp4", "tone.wav", "still.png"}) {
    INFO(name);
    json f = wfc::test::probe_ok(wfc::test::sample(name));
    CHECK(f["format"] == std::string(name).substr(std::string(name).find('.') + 1));
  }
  // The callback the gate installs refuses whatever a demuxer asks for, local or not.
  AVFormatContext* fmt = avformat_alloc_context();
  REQUIRE(fmt);
  REQUIRE(wfc::media::install_input_gate(fmt) == 0);
  CHECK(std::string(fmt->protocol_whitelist) == "file");
  long before = wfc::media::refused_nested_opens();
  for (const char* url :
       {"file:/etc/passwd", "/etc/passwd", "../x.ts", "data:,x", "http://127.0.0.1:9/"}) {
    INFO(url);
    AVIOContext* pb = reinterpret_cast<AVIOContext*>(1);
    CHECK(fmt->io_open(fmt, &pb, url, AVIO_FLAG_READ, nullptr) == AVERROR(EPERM));
    CHECK(pb == nullptr);
  }
  CHECK(wfc::media::refused_nested_opens() == before + 5);
  avformat_free_context(fmt);
  // Each format the gate refuses by name says what it is; ordinary demuxers pass.
  for (const char* name : {"hls", "dash", "concat", "imf", "mlv", "sdp", "rtsp"}) {
    CHECK(wfc::media::refused_demuxer(name) != nullptr);
  }
  for (const char* name :
       {"mov,mp4,m4a,3gp,3g2,mj2", "wav", "png_pipe", "image2", "matroska,webm"}) {
    CHECK(wfc::media::refused_demuxer(name) == nullptr);
  }
}
