// Issue 19, point 4: a task cannot take the server down. Each run `wfc serve` claims executes in a
// worker process with limits (runtime/exec/run_process.h); a worker that crashes or reaches a
// limit fails its run with `worker_crashed` or `limit_exceeded`, a message naming the task, and a
// single attempt (a poison input is not retried), while the server and its other runs go on. The
// crashes are real: WFC_TEST_WORKER_FAULT (tools/wfc/runtime/cmd_exec_run.cpp) makes the worker
// raise SIGSEGV, allocate until its RLIMIT_AS refuses, compute until its RLIMIT_CPU stops it, or
// open files until its RLIMIT_NOFILE refuses one, inside the task; an output really grows past
// RLIMIT_FSIZE; and the issue's own hostile file, a Matroska file claiming 1e10 s, sent to
// `thumbnails`.
#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "runtime/store/sqlite_store.h"
#include "tests/unit/test_api.h"
#include "tests/unit/test_cli.h"
#include "tests/unit/test_media.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using wfc::test::ApiServer;
using wfc::test::TempDir;

// WFC_TEST_WORKER_FAULT for the servers started while it lives (they pass it to their workers).
class Fault {
 public:
  explicit Fault(const std::string& spec) { ::setenv("WFC_TEST_WORKER_FAULT", spec.c_str(), 1); }
  ~Fault() { ::unsetenv("WFC_TEST_WORKER_FAULT"); }
};

std::vector<std::string> serve_args(const std::vector<std::string>& more) {
  std::vector<std::string> args = {"--allow-files",
                                   wfc::test::sample("av.mp4").parent_path().string()};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string queue_task(const ApiServer& api, const std::string& kind, const json& options) {
  auto made = api.post("/tasks", {{"url", "file://" + wfc::test::sample("av.mp4").string()},
                                  {"kind", kind},
                                  {"options", options}});
  INFO(made.text);
  REQUIRE(made.status == 201);
  return made.body["run_id"];
}

json task_of_kind(const json& run, const std::string& kind) {
  for (const json& t : run["tasks"]) {
    if (t["kind"] == kind) return t;
  }
  FAIL("no " << kind << " task in " << run.dump(2));
  return {};
}

int attempts(const TempDir& dir, const std::string& run_id) {
  wfc::store::SqliteStore::Options options;
  options.path = dir.path() / "data" / "wfc.db";
  wfc::store::SqliteStore store(options);
  auto run = store.get_run(run_id);
  REQUIRE(run);
  return run->attempts;
}

// The run failed once and for all with `kind`, its task's message naming the task and `limit`.
void check_failed(const ApiServer& api, const TempDir& dir, const json& run,
                  const std::string& task_kind, const std::string& kind,
                  const std::string& mentions) {
  INFO(run.dump(2) << "\n" << api.log());
  CHECK(run["status"] == "failed");
  CHECK(run["error"]["kind"] == kind);
  json task = task_of_kind(run, task_kind);
  CHECK(task["status"] == "failed");
  CHECK(task["error"]["kind"] == kind);
  std::string message = task["error"]["message"];
  CHECK(message.find(task_kind + " (") != std::string::npos);  // "task video (t1): …"
  CHECK(message.find(mentions) != std::string::npos);
  CHECK(message.find("not retried") != std::string::npos);
  CHECK(attempts(dir, run["id"]) == 1);
}

}  // namespace

TEST_CASE("workers: a task that crashes its worker fails its run alone; the server goes on",
          "[security][workers]") {
  Fault fault("segv:thumbnails");
  TempDir dir;
  ApiServer api(dir, serve_args({"--workers", "2"}));
  // Both queued at once: the second executes beside the one that crashes.
  std::string bad = queue_task(api, "thumbnails", {{"count", 2}, {"width", 80}});
  std::string good = queue_task(api, "image", {{"width", 80}, {"format", "png"}});
  json crashed = api.wait_run(bad);
  check_failed(api, dir, crashed, "thumbnails", "worker_crashed", "SIGSEGV");
  json other = api.wait_run(good);
  INFO(other.dump(2) << "\n" << api.log());
  CHECK(other["status"] == "succeeded");
  // The server answers, and runs more work (the same crash, again on the first attempt only).
  auto health = api.get("/healthz", nullptr);
  CHECK(health.status == 200);
  std::string again = queue_task(api, "image", {{"width", 40}, {"format", "png"}});
  CHECK(api.wait_run(again)["status"] == "succeeded");
  CHECK(api.stop() == 0);  // a clean shutdown: it never died
}

TEST_CASE("workers: a task that allocates past --worker-memory fails limit_exceeded",
          "[security][workers]") {
  Fault fault("alloc:thumbnails");
  TempDir dir;
  ApiServer api(dir, serve_args({"--worker-memory", "1GiB"}));
  std::string bad = queue_task(api, "thumbnails", {{"count", 2}, {"width", 80}});
  json run = api.wait_run(bad);
  check_failed(api, dir, run, "thumbnails", "limit_exceeded",
               "address-space limit of 1 GiB (RLIMIT_AS; `wfc serve --worker-memory`)");
  // The limit left room for real work.
  std::string good = queue_task(api, "image", {{"width", 80}, {"format", "png"}});
  CHECK(api.wait_run(good)["status"] == "succeeded");
  CHECK(api.get("/healthz", nullptr).status == 200);
}

TEST_CASE("workers: a task that computes past --worker-cpu fails limit_exceeded",
          "[security][workers]") {
  Fault fault("spin:video");
  TempDir dir;
  ApiServer api(dir, serve_args({"--worker-cpu", "1"}));
  std::string bad = queue_task(api, "video", {{"width", 160}, {"format", "mp4"}});
  json run = api.wait_run(bad);
  check_failed(api, dir, run, "video", "limit_exceeded",
               "CPU time limit of 1 s (RLIMIT_CPU; `wfc serve --worker-cpu`)");
  CHECK(api.get("/healthz", nullptr).status == 200);
}

TEST_CASE("workers: the other tasks of a crashed run fail too, and the run is final",
          "[security][workers]") {
  Fault fault("abort:video");
  TempDir dir;
  ApiServer api(dir, serve_args({}));
  // The audio reads the video's output, so it waits for the video, which crashes.
  json body = json::parse(R"({"tasks": [{"kind": "ingest", "options": {"url": ""}, "next": [
      {"kind": "video", "options": {"width": 160, "format": "mp4"},
       "next": [{"kind": "audio", "options": {"format": "mp3"}}]}]}]})");
  body["tasks"][0]["options"]["url"] = "file://" + wfc::test::sample("av.mp4").string();
  auto made = api.post("/runs", body);
  INFO(made.text);
  REQUIRE(made.status == 201);
  json run = api.wait_run(made.body["id"]);
  check_failed(api, dir, run, "video", "worker_crashed", "SIGABRT");
  // Nothing is left unfinished: what had not started failed with the same kind, "not run: …".
  for (const json& t : run["tasks"]) {
    INFO(t.dump(2));
    CHECK((t["status"] == "succeeded" || t["status"] == "failed"));
  }
  json later = task_of_kind(run, "audio");
  CHECK(later["error"]["kind"] == "worker_crashed");
  CHECK(later["error"]["message"].get<std::string>().rfind("not run: task video (", 0) == 0);
}

TEST_CASE("workers: the issue's MKV claiming 1e10 s, sent to thumbnails, fails its run alone",
          "[security][workers]") {
  // A one-second clip whose Segment Info claims 1e13 ms (TimecodeScale 1 ms): the file that
  // made the server allocate until std::bad_alloc ended it, three times.
  TempDir dir;
  fs::path in = dir.path() / "in", clip = in / "clip.mkv";
  fs::create_directories(in);
  std::string cmd =
      "ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=64x48:rate=5 -t 1 "
      "-c:v mpeg4 '" +
      clip.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string bytes = wfc::test::slurp_file(clip);
  const std::string duration_id = "\x44\x89\x88";  // Duration, an 8-byte float
  size_t at = bytes.find(duration_id);
  REQUIRE(at != std::string::npos);
  double claimed = 1e13;
  uint64_t bits;
  std::memcpy(&bits, &claimed, sizeof bits);
  for (int i = 0; i < 8; ++i) bytes[at + 3 + i] = static_cast<char>(bits >> (56 - 8 * i));
  std::ofstream(in / "long.mkv", std::ios::binary) << bytes;

  ApiServer api(dir, {"--allow-files", in.string(), "--worker-memory", "1GiB", "--workers", "2"});
  auto made = api.post("/tasks", {{"url", "file://" + (in / "long.mkv").string()},
                                  {"kind", "thumbnails"},
                                  {"options", json::object()}});
  REQUIRE(made.status == 201);
  auto beside = api.post("/tasks", {{"url", "file://" + clip.string()},
                                    {"kind", "image"},
                                    {"options", {{"width", 32}, {"format", "png"}}}});
  REQUIRE(beside.status == 201);
  json run = api.wait_run(made.body["run_id"]);
  INFO(run.dump(2) << "\n" << api.log());
  CHECK(run["status"] == "failed");
  // The thumbnails operator refuses the claim before allocating anything (runtime/media/
  // limits.h, max_claimed_duration): the task fails input_invalid, naming the limit, once.
  REQUIRE(run["tasks"].size() == 1);
  const json& task = run["tasks"][0];
  CHECK(task["error"]["kind"] == "input_invalid");
  CHECK(task["error"]["message"].get<std::string>().find("max_claimed_duration") !=
        std::string::npos);
  CHECK(attempts(dir, run["id"]) == 1);
  CHECK(api.wait_run(beside.body["run_id"])["status"] == "succeeded");
  CHECK(api.get("/healthz", nullptr).status == 200);
  CHECK(api.stop() == 0);
}

TEST_CASE("workers: a cancel reaches a worker stuck in a task; it is killed and the run cancelled",
          "[security][workers]") {
  Fault fault("spin:video");  // computes, deaf to the stop flag, under the default CPU limit
  TempDir dir;
  ApiServer api(dir, serve_args({}));
  std::string id = queue_task(api, "video", {{"width", 160}, {"format", "mp4"}});
  api.wait_run(id, [](const json& r) {
    return !r["tasks"].empty() && r["tasks"][0]["status"] == "processing";
  });
  REQUIRE(api.post("/runs/" + id + "/cancel", json::object()).status == 200);
  // SIGTERM cancels its scheduler, which cannot stop the task; SIGKILL follows the grace period.
  json run = api.wait_run(id);
  INFO(run.dump(2) << "\n" << api.log());
  CHECK(run["status"] == "cancelled");
  CHECK(run["error"]["kind"] == "run_cancelled");
  CHECK(attempts(dir, id) == 1);
  std::string next = queue_task(api, "image", {{"width", 40}, {"format", "png"}});
  CHECK(api.wait_run(next)["status"] == "succeeded");
}

TEST_CASE("workers: an output past --worker-file-size fails limit_exceeded; the DB stays below it",
          "[security][workers][file-size]") {
  // RLIMIT_FSIZE is per file, and the worker writes the database's files too (docs/security.md):
  // the limit must stay above them. The WAL grows by about 300 KiB a run here, up to about 4 MiB
  // (SQLite's checkpoint at 1,000 pages) before it is reused, so the limit is 8 MiB, and the
  // output 90 s of 48 kHz stereo as WAV (16.5 MiB) from a 0.4 MB AAC input (the input is copied
  // into the workspace under the same limit: it must be small).
  constexpr uint64_t kLimit = uint64_t{8} << 20;
  TempDir dir;
  fs::path in = dir.path() / "in", tone = in / "tone.m4a";
  fs::create_directories(in);
  std::string cmd =
      "ffmpeg -nostdin -v error -y -f lavfi -i sine=frequency=440:sample_rate=48000:duration=90 "
      "-ac 2 -c:a aac -b:a 32k '" +
      tone.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  REQUIRE(fs::file_size(tone) < kLimit / 8);
  ApiServer api(
      dir, {"--allow-files", in.string() + "," + wfc::test::sample("av.mp4").parent_path().string(),
            "--worker-file-size", "8MiB", "--workers", "2"});
  auto made = api.post(
      "/tasks",
      {{"url", "file://" + tone.string()}, {"kind", "audio"}, {"options", {{"format", "wav"}}}});
  INFO(made.text);
  REQUIRE(made.status == 201);
  std::string beside = queue_task(api, "image", {{"width", 80}, {"format", "png"}});
  json run = api.wait_run(made.body["run_id"]);
  check_failed(api, dir, run, "audio", "limit_exceeded",
               "output-size limit of 8 MiB (RLIMIT_FSIZE, per file; `wfc serve "
               "--worker-file-size`)");
  // Stopped at the limit: no file it wrote is larger (the WAV it was writing stops at 8 MiB).
  uintmax_t largest = 0;
  for (const auto& f : fs::recursive_directory_iterator(dir.path() / "data" / "runs")) {
    if (f.is_regular_file()) largest = std::max(largest, f.file_size());
  }
  CHECK(largest <= kLimit);
  json other = api.wait_run(beside);
  INFO(other.dump(2) << "\n" << api.log());
  CHECK(other["status"] == "succeeded");
  std::string again = queue_task(api, "image", {{"width", 40}, {"format", "png"}});
  CHECK(api.wait_run(again)["status"] == "succeeded");
  CHECK(api.get("/healthz", nullptr).status == 200);
  CHECK(api.stop() == 0);
  for (const char* name : {"wfc.db", "wfc.db-wal"}) {
    fs::path p = dir.path() / "data" / name;
    INFO(p);
    if (fs::exists(p)) CHECK(fs::file_size(p) < kLimit);
  }
}

TEST_CASE("workers: a task that runs out of descriptors names --worker-files; the server goes on",
          "[security][workers][open-files]") {
  // The video task leaks descriptors until the worker's RLIMIT_NOFILE refuses one, then does
  // its real work, which cannot open its files: it fails limit_exceeded naming the limit and the
  // flag. The image run beside it works within the same small limit.
  Fault fault("fds:video");
  TempDir dir;
  ApiServer api(dir, serve_args({"--worker-files", "64", "--workers", "2"}));
  std::string bad = queue_task(api, "video", {{"width", 160}, {"format", "mp4"}});
  std::string good = queue_task(api, "image", {{"width", 80}, {"format", "png"}});
  json run = api.wait_run(bad);
  INFO(run.dump(2) << "\n" << api.log());
  CHECK(run["status"] == "failed");
  CHECK(run["error"]["kind"] == "limit_exceeded");
  json task = task_of_kind(run, "video");
  CHECK(task["status"] == "failed");
  CHECK(task["error"]["kind"] == "limit_exceeded");
  std::string message = task["error"]["message"];
  CHECK(message.find(std::strerror(EMFILE)) != std::string::npos);
  CHECK(message.find("open-file limit of 64 (RLIMIT_NOFILE; `wfc serve --worker-files`)") !=
        std::string::npos);
  CHECK(attempts(dir, run["id"]) == 1);
  json other = api.wait_run(good);
  INFO(other.dump(2));
  CHECK(other["status"] == "succeeded");
  CHECK(api.get("/healthz", nullptr).status == 200);
  CHECK(api.stop() == 0);
}

TEST_CASE("workers: a --worker-files too small to open the database is refused at start",
          "[security][workers][open-files]") {
  // Below 8 a worker cannot open the database, and every run would fail before its first task
  // with nothing but "exited with status 1": a usage error naming the flag instead.
  TempDir dir;
  auto r = wfc::test::run_wfc(
      dir, {"serve", "--listen", "127.0.0.1:0", "--data", "data", "--worker-files", "8"});
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(r.err.find("--worker-files") != std::string::npos);
  CHECK(r.err.find("at least 16") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "data"));  // refused before anything was made
}
