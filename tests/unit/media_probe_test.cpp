// Probe: the File object of generated media, as conditions and API users read it, and clear
// errors for files that are not media.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "compiler/diag/diagnostic.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/vm.h"
#include "test_media.h"

using namespace wfc::test;
using wfc::media::MediaError;

namespace {

bool condition_holds(const std::string& text, const json& file) {
  wfc::diag::Diagnostics diags("test");
  auto p = wfc::expr::compile_expression(
      {text, {1, 1}, ""}, wfc::expr::Schema::builtin(wfc::expr::Domain::File), diags);
  REQUIRE(p);
  auto vm = wfc::expr::Program::compile(*p);
  REQUIRE(vm);
  return vm->run(wfc::media::file_record(file));
}

}  // namespace

TEST_CASE("probe reads a video with audio as the seeds' File object", "[media][probe]") {
  fs::path p = sample("av.mp4");
  json f = probe_ok(p);
  CHECK(f["object"] == "file");
  CHECK(f["kind"] == "video");
  CHECK(f["type"] == "video/mp4");
  CHECK(f["format"] == "mp4");
  CHECK(f["width"] == 320);
  CHECK(f["height"] == 240);
  CHECK(f["orientation"] == "landscape");
  CHECK(f["rotation"] == 0);
  CHECK(f["duration"].get<double>() == Approx(2.0).margin(0.05));
  CHECK(f["fps"].get<double>() == Approx(25));
  CHECK(f["frames"] == 50);
  CHECK(f["codecs"]["video"] == "h264");
  CHECK(f["codecs"]["audio"] == "aac");
  CHECK(f["channels"] == 2);
  CHECK(f["sample_rate"] == 44100);
  CHECK(f["has_video"] == true);
  CHECK(f["has_audio"] == true);
  CHECK(f["transparency"] == false);
  CHECK(f["filesize"] == static_cast<int64_t>(fs::file_size(p)));
  CHECK(f["bitrate"].get<int64_t>() > 0);
}

TEST_CASE("probe reports the displayed size of a rotated video", "[media][probe]") {
  json f = probe_ok(sample("rotated.mp4"));
  CHECK((f["rotation"] == 90 || f["rotation"] == 270));
  CHECK(f["width"] == 240);
  CHECK(f["height"] == 320);
  CHECK(f["orientation"] == "portrait");
}

TEST_CASE("probe reads audio-only files and still images", "[media][probe]") {
  json a = probe_ok(sample("tone.wav"));
  CHECK(a["kind"] == "audio");
  CHECK(a["type"] == "audio/wav");
  CHECK(a["format"] == "wav");
  CHECK(a["has_video"] == false);
  CHECK(a["sample_rate"] == 48000);
  CHECK_FALSE(a.contains("width"));
  json i = probe_ok(sample("still.png"));
  CHECK(i["kind"] == "image");
  CHECK(i["type"] == "image/png");
  CHECK(i["width"] == 200);
  CHECK(i["height"] == 100);
  CHECK(i["animated"] == false);
  CHECK(i["frames"] == 1);
  CHECK_FALSE(i.contains("duration"));
}

TEST_CASE("conditions evaluate on the probed record", "[media][probe]") {
  json f = probe_ok(sample("av.mp4"));
  CHECK(condition_holds("kind == \"video\" && width >= 320 && codecs.audio == \"aac\"", f));
  CHECK(condition_holds("duration > 1.5 && has_audio && !transparency", f));
  CHECK_FALSE(condition_holds("orientation == \"portrait\" || exists(language)", f));
  CHECK_FALSE(condition_holds("width > 0", probe_ok(sample("tone.wav"))));
}

TEST_CASE("probe gives a clear error for files that are not media", "[media][probe]") {
  auto error_of = [](const fs::path& p) {
    auto r = wfc::media::probe(p);
    REQUIRE(std::holds_alternative<MediaError>(r));
    return std::get<MediaError>(r);
  };
  MediaError empty = error_of(write_sample("empty.mp4", ""));
  CHECK(empty.kind == "input_invalid");
  CHECK(empty.message == "'empty.mp4' is empty (0 bytes)");
  MediaError junk = error_of(write_sample("junk.mp4", std::string(4096, '\x5a')));
  CHECK(junk.kind == "input_invalid");
  CHECK(junk.message.find("'junk.mp4'") != std::string::npos);
  CHECK(error_of(media_dir() / "missing.mp4").kind == "input_invalid");
}

TEST_CASE("probe opens local files only: a playlist pointing at the network is refused",
          "[media][probe]") {
  // A loopback HTTP server holds a real segment: the ffmpeg CLI (no whitelist) reads the
  // playlist, wfc's probe (protocol whitelist `file`) must not.
  fs::path served = media_dir() / "served";
  fs::create_directories(served);
  std::string cmd = "ffmpeg -nostdin -v error -y -i '" + sample("av.mp4").string() +
                    "' -c copy -f mpegts '" + (served / "segment.ts").string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  int port = 20000 + getpid() % 20000;
  fs::path pid = served / "server.pid";
  cmd = "cd '" + served.string() + "' && (python3 -m http.server " + std::to_string(port) +
        " --bind 127.0.0.1 >/dev/null 2>&1 & echo $! > server.pid)";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/segment.ts";
  fs::path m3u8 = write_sample(
      "remote.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n" + url + "\n#EXT-X-ENDLIST\n");
  std::string reach =
      "for i in $(seq 50); do curl -sf -o /dev/null " + url + " && exit 0; sleep 0.1; done; exit 1";
  bool up = std::system(reach.c_str()) == 0;
  std::string cli =
      "ffprobe -v error -protocol_whitelist file,http,tcp '" + m3u8.string() + "' >/dev/null 2>&1";
  bool cli_reads = up && std::system(cli.c_str()) == 0;
  auto r = wfc::media::probe(m3u8);
  std::system(("kill $(cat '" + pid.string() + "')").c_str());
  REQUIRE(up);
  CHECK(cli_reads);
  REQUIRE(std::holds_alternative<MediaError>(r));
  // The input gate refuses HLS by name, before any segment is opened (security_playlist_test).
  CHECK(std::get<MediaError>(r).kind == "input_unsupported");
}
