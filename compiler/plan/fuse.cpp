// The fuse pass (passes.h; docs/plan.md "Fusion"). The runtime serves a fused group with one
// demux and one decode of the group's file feeding one filter graph that splits to every member's
// encoder, so a workflow that makes a 1080p and a 720p MP4, a thumbnail and a transcript from an
// upload decodes the upload once instead of four times.
//
// Which nodes join is decided by cost: the shared pass decodes one continuous stretch of the
// file, the hull of its members' windows (`start`..`end`; a still without `select` needs one
// frame). A member that extends the hull makes the pass decode that extension; it joins when
// that costs no more than decoding its own window alone after a seek (kSeekSeconds of lead-in).
// A still at 0:45 of a file whose other tasks read 0:00–0:10 decodes alone, after a seek.
//
// `video → image` (and animation, thumbnails) chains are tapped: the image takes its frame from
// the video node's filtered stream (after its trim, fps and scaling: exactly what the video's
// encoder receives), in the same pass, instead of decoding the video's output later. The result
// is the same picture without the video encoder's loss, so this is done only when that loss is
// small: the video's `quality` is medium or better and it sets no `bitrate`; the image must be
// the video's direct `next` (no gate between them) and, when the duration is known, its `start`
// must fall within the video's output.
//
// The intelligence kinds that use the speech (speech, subtitles, chapters, summary, outline:
// `execution.shares` "transcript") join as readers of the audio, and the members of a group that
// share the transcript are served by one transcription of the file: transcribing is the costly
// part of them, and it is the same work for each.
//
// Which kinds join and what they take come from the catalog (kinds.json `execution`: `fuses`,
// `decodes`, `taps`, `tap_source`, `shares`), never from their names.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "compiler/plan/cost.h"
#include "compiler/plan/lower.h"
#include "compiler/plan/passes.h"

namespace wfc::plan {
namespace {

using Json = nlohmann::json;

const catalog::Execution* execution(const Node& n) {
  const catalog::KindSpec* spec = catalog::Catalog::builtin().kind(n.op);
  return spec ? &spec->execution : nullptr;
}

/// What a node takes from a shared decode; "" when one cannot serve it.
std::string takes(const Node& n) {
  const catalog::Execution* e = execution(n);
  return e && e->fuses ? e->decodes : "";
}

/// What decoding [s, e) of a file costs a member on its own: a seek's lead-in, then the window;
/// only the audio stream for a member that takes audio alone.
double alone_cost(const Shape& shape, double s, double e, const std::string& takes) {
  Shape decoded = shape;
  if (takes == "audio") decoded.has_video = false;
  return decode_cost(decoded, std::min(kSeekSeconds, s) + (e - s));
}

/// Whether `child` can take its frames from `video`'s filtered stream (see the file comment).
bool tappable(const Plan& plan, const Node& video, const Node& child) {
  const catalog::Execution* source = execution(video);
  const catalog::Execution* tap = execution(child);
  if (!source || !tap || !source->tap_source || !tap->taps || child.gate != video.gate)
    return false;
  const std::string& quality = video.options.text("quality");
  if (quality == "very_low" || quality == "low" || video.options.has("bitrate")) return false;
  Shape out = output_shape(plan, video.id);
  if (out.known_duration && child.options.number("start").value_or(0) >= out.duration) return false;
  return true;
}

}  // namespace

void fuse_pass(Plan& plan) {
  // Candidates by the file they decode, in plan order.
  std::map<std::string, std::vector<std::string>> by_file;
  std::vector<std::string> files;
  for (const Node& n : plan.nodes) {
    if (takes(n).empty() || n.input.empty()) continue;
    std::string f = file_of(plan, n.input);
    const Node* file = plan.node(f);
    if (!file || !(file->produces & (catalog::kVideo | catalog::kAudio | catalog::kImage)))
      continue;
    if (!by_file.count(f)) files.push_back(f);
    by_file[f].push_back(n.id);
  }
  // Taps: frame tasks straight after a video read the video's filtered stream.
  std::map<std::string, std::string> tapped;                // child → video
  std::map<std::string, std::vector<std::string>> taps_of;  // video → children
  for (const Node& n : plan.nodes) {
    const Node* parent = plan.node(n.input);
    if (parent && tappable(plan, *parent, n)) {
      tapped[n.id] = parent->id;
      taps_of[parent->id].push_back(n.id);
    }
  }
  for (const std::string& f : files) {
    Shape shape = output_shape(plan, f);
    std::vector<std::string> cands;
    for (const auto& id : by_file[f]) {
      if (!tapped.count(id)) cands.push_back(id);
    }
    // Full-length members first (they fix the hull), then by where their window starts.
    auto win = [&](const std::string& id) { return read_window(*plan.node(id), shape); };
    std::stable_sort(cands.begin(), cands.end(), [&](const auto& a, const auto& b) {
      auto wa = win(a), wb = win(b);
      double la = wa.second - wa.first, lb = wb.second - wb.first;
      if ((la >= shape.duration) != (lb >= shape.duration)) return la >= shape.duration;
      return wa.first < wb.first;
    });
    FusedGroup group;
    group.id = "$fuse." + f;
    group.file = f;
    double lo = 0, hi = -1;  // the hull; empty while hi < lo
    for (const auto& id : cands) {
      auto [s, e] = win(id);
      if (hi < lo) {
        lo = s, hi = e;
      } else {
        double grown = (std::max(hi, e) - std::min(lo, s)) - (hi - lo);
        double extra = decode_cost(shape, grown);
        double alone = decode_cost(shape, std::min(kSeekSeconds, s) + (e - s));
        if (extra > alone) {
          plan.explain.push_back(fmt::format(
              "fuse: {} decodes alone: joining would decode {:.1f} more of {} (cost {:.1f}) "
              "than a seek to {:g} s and its own {:g} s (cost {:.1f})",
              id, grown, f, extra, s, e - s, alone));
          continue;
        }
        lo = std::min(lo, s), hi = std::max(hi, e);
      }
      group.members.push_back({id, takes(*plan.node(id))});
      group.saved += alone_cost(shape, s, e, group.members.back().takes);
    }
    // Tapped children join their video's group.
    size_t direct = group.members.size();
    for (size_t i = 0; i < direct; ++i) {
      std::string video = group.members[i].node;
      auto taps = taps_of.find(video);
      if (taps == taps_of.end()) continue;
      for (const std::string& child : taps->second) {
        const Node* c = plan.node(child);
        group.members.push_back({child, "frames of " + video});
        Shape vout = output_shape(plan, video);
        auto [s, e] = read_window(*c, vout);
        group.saved += alone_cost(vout, s, e, "video");
        plan.explain.push_back(
            fmt::format("fuse: {} ({}) takes its frames from {}'s scaled "
                        "stream in the same pass instead of decoding {}'s "
                        "output",
                        child, c->op, video, video));
      }
    }
    if (group.members.size() < 2) continue;
    // One transcription serves every member that shares it, in the language they name: members
    // that name none join the one language named, or detect it when none or several are named.
    std::map<std::string, std::vector<Member*>> sharing;  // "transcript[:lang]" → members
    std::set<std::string> languages;
    for (Member& m : group.members) {
      const catalog::Execution* e = execution(*plan.node(m.node));
      if (e && !e->shares.empty()) languages.insert(plan.node(m.node)->options.text("language"));
    }
    languages.erase("");
    for (Member& m : group.members) {
      const Node& n = *plan.node(m.node);
      const catalog::Execution* e = execution(n);
      if (!e || e->shares.empty()) continue;
      std::string lang = n.options.text("language");
      if (lang.empty() && languages.size() == 1) lang = *languages.begin();
      m.shares = e->shares + (lang.empty() ? "" : ":" + lang);
      if (!sharing[m.shares].empty()) group.saved += estimate(plan, n).units;
      sharing[m.shares].push_back(&m);
    }
    for (const auto& [what, members] : sharing) {
      if (members.size() < 2) continue;
      std::string who;
      for (const Member* m : members) who += (who.empty() ? "" : ", ") + m->node;
      size_t colon = what.find(':');
      plan.explain.push_back(
          fmt::format("fuse: {} share one transcription of {}{}", who, f,
                      colon == std::string::npos ? "" : " in '" + what.substr(colon + 1) + "'"));
    }
    // One decode of the hull is paid (of the audio alone when no member takes video).
    bool video = std::any_of(group.members.begin(), group.members.end(),
                             [](const Member& m) { return m.takes != "audio"; });
    group.saved -= alone_cost(shape, lo, std::max(lo, hi), video ? "video" : "audio");
    group.saved = std::max(0.0, group.saved);
    std::string names;
    for (const Member& m : group.members) {
      plan.node(m.node)->group = group.id;
      names += (names.empty() ? "" : ", ") + m.node;
    }
    plan.explain.push_back(fmt::format("fuse: {} reads {} once for {} tasks ({}): saves {:.1f}",
                                       group.id, f, group.members.size(), names, group.saved));
    plan.groups.push_back(std::move(group));
  }
}

}  // namespace wfc::plan
