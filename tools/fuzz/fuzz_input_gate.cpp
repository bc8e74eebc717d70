// libFuzzer target for the input gate (runtime/media/input_gate.h): any bytes, written to a file
// whose extension the first byte picks (.m3u8, .mpd, .ffconcat, .mp4, ...), are opened with
// open_local_input and demuxed for a few hundred packets. Besides crashes, leaks and undefined
// behaviour (ASan, UBSan), it checks what the gate promises:
// - an input that opens is never read by a demuxer the gate refuses by name;
// - a refusal is `input_unsupported`, anything else that fails is `input_invalid`;
// - no other file is opened: a canary file, /tmp/wfc-fuzz-gate/secret.ts, that the seeds and
//   the dictionary name in every form, is watched with inotify, and any open of it aborts.
#include <sys/inotify.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/media/av_util.h"
#include "runtime/media/input_gate.h"

namespace {

namespace fs = std::filesystem;

const char* const kExtensions[] = {"m3u8", "mpd", "ffconcat", "mp4", "ts",  "mkv",
                                   "png",  "jpg", "wav",      "gif", "txt", "sdp"};

struct Setup {
  fs::path dir = "/tmp/wfc-fuzz-gate";
  fs::path canary = dir / "secret.ts";
  int watch = -1;
  Setup() {
    fs::create_directories(dir);
    std::ofstream(canary, std::ios::binary) << "canary: the input gate let a nested open through";
    watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (watch < 0 || inotify_add_watch(watch, canary.c_str(), IN_OPEN | IN_ACCESS) < 0) {
      std::perror("fuzz_input_gate: inotify");
      std::abort();
    }
    av_log_set_level(AV_LOG_QUIET);
  }
  /// Whether the canary was opened since the last call (events are drained).
  bool canary_touched() const {
    alignas(inotify_event) char buf[4096];
    bool touched = false;
    while (read(watch, buf, sizeof buf) > 0) touched = true;
    return touched;
  }
};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_input_gate: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Setup setup;
  if (size == 0) return 0;
  const char* ext = kExtensions[data[0] % (sizeof kExtensions / sizeof *kExtensions)];
  fs::path input = setup.dir / (std::string("input-") + std::to_string(getpid()) + "." + ext);
  {
    std::ofstream out(input, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  std::string error, kind;
  wfc::media::InputPtr in = wfc::media::open_local_input(input, &error, &kind);
  if (in) {
    if (const char* what = wfc::media::refused_demuxer(in->iformat->name)) {
      fail(std::string("opened ") + what + " (" + in->iformat->name + ")");
    }
    AVPacket* pkt = av_packet_alloc();
    for (int i = 0; i < 300 && av_read_frame(in.get(), pkt) >= 0; ++i) av_packet_unref(pkt);
    av_packet_free(&pkt);
  } else if (kind != "input_unsupported" && kind != "input_invalid") {
    fail("a failure of kind '" + kind + "': " + error);
  } else if (error.empty()) {
    fail("a failure without a message");
  }
  in.reset();
  std::error_code ec;
  fs::remove(input, ec);
  if (setup.canary_touched()) fail("the canary was opened through the input");
  return 0;
}
