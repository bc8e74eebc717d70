// Scaling cascades (see ScaleTap in branch.h). An HLS ladder, or a 720p and a 480p rendition of
// the same upload, each scaled the full-size decoded frames on their own: bicubic downscaling
// from 1080p was about a sixth of such a pass's CPU (docs/benchmarks.md). Here each size is scaled
// from the next larger one instead, once per frame, and the frames fan out from there.
#include <algorithm>
#include <map>
#include <optional>

#include "runtime/media/branch.h"

namespace wfc::media {
namespace {

/// An encode branch whose filters end in a plain scale: PREFIX +
/// "scale=W:H:flags=bicubic,setsar=1".
struct Rung {
  EncodeBranch* branch;
  std::string prefix;
  int width = 0, height = 0;
};

// A rung is scaled from the one above only when that one has at least this many pixels: below
// it scaling costs little, and scaling twice costs visible detail (a 160 px rendition made from a
// 240 px one came out at 39 dB PSNR against one made from the input; 480p from 720p at 44 dB).
constexpr int64_t kMinCascadePixels = 640 * 360;

constexpr std::string_view kScaleSuffix = ":flags=bicubic,setsar=1";

std::optional<Rung> as_rung(EncodeBranch* b) {
  const std::string& f = b->filters;
  size_t at = f.rfind("scale=");
  if (at == std::string::npos || (at > 0 && f[at - 1] != ',')) return std::nullopt;
  if (f.size() < kScaleSuffix.size() ||
      f.compare(f.size() - kScaleSuffix.size(), kScaleSuffix.size(), kScaleSuffix) != 0)
    return std::nullopt;
  std::string box = f.substr(at + 6, f.size() - kScaleSuffix.size() - at - 6);
  size_t colon = box.find(':');
  if (colon == std::string::npos) return std::nullopt;
  Rung r{b, f.substr(0, at)};
  try {
    size_t used = 0;
    r.width = std::stoi(box.substr(0, colon), &used);
    if (used != colon) return std::nullopt;
    r.height = std::stoi(box.substr(colon + 1), &used);
    if (used != box.size() - colon - 1) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return r;
}

std::string scale_to(int w, int h) {
  return "scale=" + std::to_string(w) + ":" + std::to_string(h) + std::string(kScaleSuffix);
}

}  // namespace

void ScaleTap::add_child(Branch* child) {
  children_.push_back(child);
  outputs.insert(outputs.end(), child->outputs.begin(), child->outputs.end());
}

void ScaleTap::consume(AVFrame* frame) {
  if (finished_ || error_) return;
  if (seconds(frame) > stop_after_) return finish();
  int err = chain_->push(frame);
  if (err < 0) return fail("encode_failed", "scaling failed: " + av_error_text(err));
  forward();
}

void ScaleTap::forward() {
  while (!error_) {
    int err = chain_->pull(filtered_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
    if (err < 0) return fail("encode_failed", "scaling failed: " + av_error_text(err));
    double t = filtered_->pts == AV_NOPTS_VALUE ? 0 : filtered_->pts * av_q2d(chain_->time_base());
    bool wanted = false;
    for (Branch* c : children_) {
      if (c->done()) continue;
      wanted = true;
      if (t >= c->needs_from) c->queue.push(FramePtr(av_frame_clone(filtered_.get())));
    }
    av_frame_unref(filtered_.get());
    if (!wanted) done_ = true;  // every child has what it needs: the decoder may stop early
  }
}

void ScaleTap::finish() {
  if (finished_) return;
  finished_ = true;
  if (!error_) {
    chain_->push(nullptr);
    forward();
  }
  done_ = true;
  for (Branch* c : children_) c->queue.push(nullptr);  // each child ends after its last frame
}

size_t cascade_scaling(const SourceParams& video, std::vector<std::unique_ptr<Branch>>& branches,
                       const std::function<bool(const Branch&)>& wanted) {
  // Candidates grouped by everything before the scale, and by the pixel format they encode.
  std::map<std::pair<std::string, int>, std::vector<Rung>> groups;
  for (auto& b : branches) {
    auto* e = dynamic_cast<EncodeBranch*>(b.get());
    if (!e || e->media() != AVMEDIA_TYPE_VIDEO || e->fed_by_tap || !e->takes_every_frame() ||
        !wanted(*e))
      continue;
    if (auto r = as_rung(e)) groups[{r->prefix, e->encoder().ctx()->pix_fmt}].push_back(*r);
  }
  std::vector<std::unique_ptr<Branch>> taps;
  for (auto& [key, all] : groups) {
    std::stable_sort(all.begin(), all.end(), [](const Rung& a, const Rung& b) {
      return int64_t{a.width} * a.height > int64_t{b.width} * b.height;
    });
    // Only downscaling steps from large enough frames: any other rung scales on its own.
    std::vector<Rung> rungs;
    for (const Rung& r : all) {
      if (rungs.empty() || (r.width <= rungs.back().width && r.height <= rungs.back().height &&
                            int64_t{rungs.back().width} * rungs.back().height >= kMinCascadePixels))
        rungs.push_back(r);
    }
    if (rungs.size() < 2) continue;
    SinkParams sink;
    sink.pix_fmt = key.second;
    // Build every chain first; the group is rewired only when all of them build.
    std::vector<std::unique_ptr<ScaleTap>> group_taps;
    std::vector<std::unique_ptr<FilterChain>> chains;  // each rung's new chain
    std::string problem;
    auto top = FilterChain::create(video, rungs[0].branch->filters, sink, &problem);
    if (!top) continue;
    group_taps.push_back(std::make_unique<ScaleTap>(video.time_base, std::move(top)));
    bool ok = true;
    for (size_t i = 0; i < rungs.size() && ok; ++i) {
      SourceParams from = group_taps.back()->chain().output();
      bool last = i + 1 == rungs.size();
      // Rung 0 takes the top tap's frames as they are; a middle rung gets a tap of its own (its
      // frames feed the next rung too); the last rung scales for itself.
      if (i > 0 && !last) {
        auto chain =
            FilterChain::create(from, scale_to(rungs[i].width, rungs[i].height), sink, &problem);
        if (!chain) {
          ok = false;
          break;
        }
        group_taps.push_back(std::make_unique<ScaleTap>(from.time_base, std::move(chain)));
        from = group_taps.back()->chain().output();
      }
      auto own = FilterChain::create(
          from, i > 0 && last ? scale_to(rungs[i].width, rungs[i].height) : "null", sink, &problem);
      if (!own) ok = false;
      chains.push_back(std::move(own));
    }
    if (!ok) continue;
    // Rewire: tap k feeds rung k and tap k+1; the last tap also feeds the last rung.
    for (size_t i = 0; i < rungs.size(); ++i) {
      ScaleTap& tap = *group_taps[std::min(i, group_taps.size() - 1)];
      rungs[i].branch->refeed(std::move(chains[i]), tap.chain().time_base());
      tap.add_child(rungs[i].branch);
    }
    for (size_t k = 0; k + 1 < group_taps.size(); ++k) {
      group_taps[k + 1]->fed_by_tap = true;
      group_taps[k]->add_child(group_taps[k + 1].get());
    }
    group_taps[0]->needs_from = rungs[0].branch->needs_from;
    for (auto& t : group_taps) taps.push_back(std::move(t));
  }
  size_t made = taps.size();
  for (auto& t : taps) branches.push_back(std::move(t));
  return made;
}

}  // namespace wfc::media
