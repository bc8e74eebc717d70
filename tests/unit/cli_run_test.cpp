// `wfc run` end to end, as a user runs it: a workflow file, an input generated with lavfi, an
// output directory. The outputs are probed, run.json is read back, and failures (bad media, an
// input the policy refuses, a task this runtime cannot run) end the run without ending wfc.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "runtime/media/probe.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_media.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::Run;
using wfc::test::TempDir;

json task_of(const json& run, const std::string& node) {
  for (const json& t : run["tasks"]) {
    if (t["node"] == node) return t;
  }
  FAIL("no task " << node);
  return {};
}

json read_run(const TempDir& dir, const std::string& out = "out") {
  return json::parse(wfc::test::slurp(dir.path() / out / "run.json"));
}

constexpr const char* kWorkflow = R"({
  "name": "renditions",
  "workflow": [
    {"kind": "video", "options": {"width": 160, "format": "mp4"},
     "next": [{"kind": "image", "options": {"format": "png", "start": 0.5}}]},
    {"kind": "audio", "options": {"format": "mp3"}},
    {"kind": "image", "options": {"width": 100, "format": "jpeg"}},
    {"kind": "conditions", "options": {"width": {"gte": 1920}},
     "next": [{"kind": "animation", "options": {"format": "gif"}}]}
  ]
})";

}  // namespace

TEST_CASE("wfc run makes every output, writes run.json and exits 0", "[cli][run][media]") {
  TempDir dir;
  dir.write("w.json", kWorkflow);
  auto input = wfc::test::sample("av.mp4");
  Run r = wfc::test::run_wfc(dir, {"run", "w.json", "--input", input.string(), "--out", "out"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  json run = read_run(dir);
  CHECK(run["object"] == "run");
  CHECK(run["status"] == "succeeded");
  CHECK(run["progress"] == 100);

  json video = task_of(run, "t0");
  CHECK(video["status"] == "succeeded");
  REQUIRE(video["outputs"].size() == 1);
  json mp4 =
      wfc::test::probe_ok(dir.path() / "out" / video["outputs"][0]["filename"].get<std::string>());
  CHECK(mp4["width"] == 160);
  CHECK(mp4["codecs"]["video"] == "h264");

  json frame = task_of(run, "t0.0");  // reads the video's output: 160 wide
  CHECK(frame["status"] == "succeeded");
  CHECK(frame["parent_id"] == video["id"]);
  CHECK(frame["inputs"][0]["width"] == 160);
  json png =
      wfc::test::probe_ok(dir.path() / "out" / frame["outputs"][0]["filename"].get<std::string>());
  CHECK(png["format"] == "png");
  CHECK(png["width"] == 160);

  CHECK(task_of(run, "t1")["outputs"][0]["type"] == "audio/mpeg");
  CHECK(task_of(run, "t2")["outputs"][0]["width"] == 100);

  // The input is 320 wide: the condition does not hold, its branch is recorded as skipped.
  CHECK(task_of(run, "t3")["status"] == "succeeded");
  json gif = task_of(run, "t3.0");
  CHECK(gif["status"] == "cancelled");
  CHECK(gif["skipped"] == true);
  CHECK(gif["error"].is_null());
  CHECK_FALSE(fs::exists(dir.path() / "out" / "t3.0.gif"));
}

TEST_CASE("wfc run --json prints the run; --no-opt makes the same outputs", "[cli][run][media]") {
  TempDir dir;
  dir.write("w.json", kWorkflow);
  auto input = wfc::test::sample("av.mp4").string();
  Run fused = wfc::test::run_wfc(dir, {"run", "w.json", "-i", input, "-o", "a", "--json"});
  Run naive = wfc::test::run_wfc(dir, {"run", "w.json", "-i", input, "-o", "b", "--no-opt"});
  REQUIRE(fused.status == 0);
  REQUIRE(naive.status == 0);
  json a = json::parse(fused.out);
  CHECK(a == read_run(dir, "a"));
  json b = read_run(dir, "b");
  for (const char* node : {"t0", "t0.0", "t1", "t2"}) {
    INFO(node);
    json fa = task_of(a, node)["outputs"][0], fb = task_of(b, node)["outputs"][0];
    for (const char* key : {"kind", "type", "width", "height", "format"}) {
      CHECK(fa.value(key, json()) == fb.value(key, json()));
    }
    if (fa.contains("duration")) {
      CHECK(fa["duration"].get<double>() == Approx(fb["duration"].get<double>()).margin(0.05));
    }
  }
  CHECK(wfc::test::psnr(
            dir.path() / "a" / task_of(a, "t0")["outputs"][0]["filename"].get<std::string>(),
            dir.path() / "b" / task_of(b, "t0")["outputs"][0]["filename"].get<std::string>()) >=
        40);
}

TEST_CASE("wfc run on bad media fails the tasks with a clear error and exits 1",
          "[cli][run][media]") {
  TempDir dir;
  dir.write("w.json", kWorkflow);
  std::string garbage = dir.write("garbage.mp4", std::string(4096, '\x42'));
  Run r = wfc::test::run_wfc(dir, {"run", "w.json", "--input", garbage, "--out", "out"});
  CHECK(r.status == 1);
  json run = read_run(dir);
  CHECK(run["status"] == "failed");
  CHECK(run["error"]["kind"] == "task_failed");
  json video = task_of(run, "t0");
  CHECK(video["status"] == "failed");
  CHECK(video["error"]["kind"] == "input_invalid");
  CHECK(task_of(run, "t0.0")["status"] == "cancelled");
  CHECK(task_of(run, "t0.0")["error"]["kind"] == "dependency_failed");
}

TEST_CASE("wfc run refuses an invalid workflow with diagnostics and runs nothing", "[cli][run]") {
  TempDir dir;
  dir.write("w.json", R"({"workflow": [{"kind": "vidoe"}]})");
  dir.write("in.mp4", "x");
  Run r =
      wfc::test::run_wfc(dir, {"run", "w.json", "--input", "in.mp4", "--out", "out"}, "NO_COLOR=1");
  CHECK(r.status == 1);
  CHECK(r.err.find("unknown kind 'vidoe'") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "out" / "run.json"));
}

TEST_CASE("wfc run fetches a URL input only where the access policy allows", "[cli][run]") {
  TempDir dir;
  dir.write("w.json", kWorkflow);
  Run r = wfc::test::run_wfc(
      dir, {"run", "w.json", "--input", "http://127.0.0.1:9/in.mp4", "--out", "out"});
  CHECK(r.status == 1);
  CHECK(r.err.find("input_refused") != std::string::npos);
  CHECK(r.err.find("--allow-hosts") != std::string::npos);
}

TEST_CASE("Ctrl-C cancels a run: run.json says cancelled and wfc exits 1", "[cli][run][media]") {
  TempDir dir;
  // Slow enough to interrupt: a long high-quality encode of a generated clip.
  std::string input = wfc::test::sample("slow.mp4").string();
  dir.write("w.json",
            R"({"name": "slow", "workflow": [{"kind": "video", "options": {"codec": "h265",
      "quality": "very_high"}, "next": [{"kind": "image"}]}]})");
  std::fflush(nullptr);  // the child must not repeat our buffered output
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    REQUIRE(chdir(dir.path().c_str()) == 0);
    freopen("/dev/null", "w", stderr);
    freopen("/dev/null", "w", stdout);
    execl(WFC_BINARY, "wfc", "run", "w.json", "--input", input.c_str(), "--out", "out",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until the encode is under way (the encoder has written something), then interrupt.
  auto encoding = [&] {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir.path() / "out", ec)) {
      if (e.is_regular_file() && e.file_size() > 0) return true;
    }
    return false;
  };
  for (int i = 0; i < 2000 && !encoding(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGINT);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  json run = read_run(dir);
  CHECK(run["status"] == "cancelled");
  CHECK(task_of(run, "t0")["status"] == "cancelled");
  CHECK(task_of(run, "t0.0")["status"] == "cancelled");
}

TEST_CASE("wfc hands run to wfc-runtime with every argument, --help included", "[cli][run]") {
  TempDir dir;
  Run help = wfc::test::run_wfc(dir, {"run", "--help"});
  CHECK(help.status == 0);
  CHECK(help.out.find("Usage: wfc run") != std::string::npos);
  CHECK(help.out.find("--input") != std::string::npos);
  // A usage error is the runtime's, with wfc's exit status for usage errors.
  Run bad = wfc::test::run_wfc(dir, {"run", "w.json", "--out", "out"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("--input is required") != std::string::npos);
}
