// The input gate (see input_gate.h).
#include "runtime/media/input_gate.h"

extern "C" {
#include <libavutil/mem.h>
}

#include <atomic>
#include <cerrno>
#include <cstring>

namespace wfc::media {
namespace {

std::atomic<long> g_refused{0};

/// io_open for every input context: the input itself is opened by wfc (open_local_input) and
/// handed to libavformat as its AVIOContext, so any call here is a demuxer reaching for another
/// resource. None is allowed, whatever the URL, protocol or path.
int refuse_nested_open(AVFormatContext*, AVIOContext** pb, const char*, int, AVDictionary**) {
  if (pb) *pb = nullptr;
  g_refused.fetch_add(1, std::memory_order_relaxed);
  return AVERROR(EPERM);
}

}  // namespace

const char* refused_demuxer(const char* name) {
  if (!name) return nullptr;
  struct Refused {
    const char* demuxer;
    const char* what;
  };
  // Every demuxer whose input is a list of other files or URLs, or whose reading opens them
  // outside io_open (concat and imf open nested AVFormatContexts of their own).
  static const Refused kRefused[] = {
      {"hls", "an HLS playlist"},
      {"dash", "a DASH manifest"},
      {"concat", "an ffconcat script"},
      {"imf", "an IMF composition playlist"},
      {"mlv", "a Magic Lantern video (it opens its sibling chunk files)"},
      {"sdp", "an SDP session description"},
      {"rtp", "an RTP session"},
      {"rtsp", "an RTSP session"},
      {"sap", "a SAP announcement"},
      {"avisynth", "an AviSynth script"},
      {"vapoursynth", "a VapourSynth script"},
      {"lavfi", "a libavfilter graph"},
  };
  for (const Refused& r : kRefused) {
    if (std::strcmp(name, r.demuxer) == 0) return r.what;
  }
  return nullptr;
}

int install_input_gate(AVFormatContext* fmt) {
  fmt->io_open = refuse_nested_open;
  av_freep(&fmt->protocol_whitelist);
  fmt->protocol_whitelist = av_strdup("file");
  if (!fmt->protocol_whitelist) return AVERROR(ENOMEM);
  return 0;
}

long refused_nested_opens() { return g_refused.load(std::memory_order_relaxed); }

}  // namespace wfc::media
