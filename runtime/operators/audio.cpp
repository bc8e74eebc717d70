// The audio operator: the input's audio, trimmed to `start`…`end`, encoded in `format` (the
// codec follows from it) through the pass's shared audio encode, at `bitrate` or the rate the
// quality table gives `quality`; lossless formats ignore both.
#include "compiler/plan/encoder_settings.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {
namespace {

/// The muxer and file extension of each audio format.
struct AudioContainer {
  const char* format;
  const char* muxer;
  const char* extension;
};
constexpr AudioContainer kContainers[] = {{"mp3", "mp3", "mp3"}, {"aac", "ipod", "m4a"},
                                          {"ogg", "ogg", "ogg"}, {"opus", "opus", "opus"},
                                          {"wav", "wav", "wav"}, {"flac", "flac", "flac"}};

}  // namespace

using namespace media;

void build_audio(const InputInfo& in, OutputWork& w, BranchSet& set) {
  const plan::Options& o = *w.options;
  const std::string& format = o.text("format");
  const AudioContainer* c = nullptr;
  for (const AudioContainer& f : kContainers)
    if (format == f.format) c = &f;
  auto settings = plan::audio_encoder_settings(format, o.text("quality"));
  if (!c || !settings) return w.fail("encode_failed", "no audio encoder for '" + format + "'");
  std::string error;
  auto container = Container::create(w.path(std::string(".") + c->extension), c->muxer, &error);
  if (!container) return w.fail("encode_failed", error);
  Container* out = w.add_container(std::move(container));
  int64_t bitrate = settings->bitrate ? o.integer("bitrate").value_or(settings->bitrate) : 0;
  double start = o.number("start").value_or(0);
  std::optional<double> end = o.number("end");
  w.start = start;
  w.end = end ? std::min(*end, in.duration) : in.duration;
  if (!shared_audio(in, set, std::string(settings->encoder), bitrate, start, end, out, w.index,
                    &error))
    w.fail("encode_failed", error);
}

}  // namespace wfc::operators
