// The nsfw operator: frames sampled from the pass (about one every `sample_seconds`, at most
// `max_frames`, and one at each scene cut; an image's one picture) classified by the frame
// classifier (nsfwjs's model on OpenCV DNN locally, or a provider), reported in ittybit's shape
// by runtime/ai/nsfw_report.h and written to `<id>.json`.
#include "runtime/ai/nsfw_report.h"
#include "runtime/operators/intelligence.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

using nlohmann::json;

void build_nsfw(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set) {
  const ai::Engines* e = engines(work);
  if (!e) return;
  if (!e->classifier) return work.fail(e->why_classifier.kind, e->why_classifier.message);
  auto every = media::kind_number(work, "sample_seconds");
  auto most = media::kind_number(work, "max_frames");
  auto threshold = media::kind_number(work, "scene_threshold");
  if (!every || !most || !threshold) return;
  double interval = std::max(*every, in.duration / std::max(1.0, *most));
  auto sample = sample_frames(in, work, set, *e->classifier, interval, *threshold);
  if (!sample) return;
  work.after_pass = 0.7;
  double duration = in.duration;
  work.collect = [sample, e, duration](media::OutputWork& w, std::string* error) mutable {
    std::vector<ai::Frame>& frames = sample->frames();
    if (frames.empty()) {
      w.fail("input_unsupported", "the input has no frame to classify");
      return std::vector<json>{};
    }
    auto scores = e->classifier->classify(frames, engine_call(w));
    if (auto* f = std::get_if<ai::Failure>(&scores)) {
      w.fail(f->kind, f->message);
      return std::vector<json>{};
    }
    std::vector<double> times;
    for (const ai::Frame& f : frames) times.push_back(f.time);
    ai::NsfwEvidence evidence;
    evidence.frames = std::get<std::vector<ai::Scores>>(scores);
    evidence.times = times;
    evidence.duration = duration;
    evidence.engine = e->classifier->name();
    evidence.judges_violence = e->classifier->judges_violence();
    json report = ai::nsfw_report(evidence);
    return std::vector<json>{write_data(w, report, error)};
  };
}

}  // namespace wfc::operators
