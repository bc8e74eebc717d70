// The cost model (cost.h). The figures are deliberately few and rough: they only have to rank
// work (which chain to start first) and compare a second decode with a filter-graph branch (the
// fuse pass). Video encoding is the dominant term and comes from the quality table the runtime
// uses, so a `very_high` AV1 rendition ranks far above a `low` H.264 one, as it does in practice.
#include "compiler/plan/cost.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>
#include <vector>

#include "compiler/catalog/catalog.h"
#include "compiler/plan/encoder_settings.h"

namespace wfc::plan {
namespace {

using Json = nlohmann::json;

/// Encoding work per megapixel of a still image / an animation frame, relative to x264 `fast`.
constexpr double kImagePerMpx = 2.0;
constexpr double kGifPerMpx = 0.4;
/// Work per second of audio: encoding, and the speech model (transcription dominates every
/// intelligence kind that needs a transcript), and sampling frames for nsfw.
constexpr double kAudioPerSecond = 0.01;
constexpr double kSpeechPerSecond = 1.5;
constexpr double kVisionPerSecond = 0.5;
constexpr double kTransfer = 0.5;  // ingest, import, export: network I/O, a fixed estimate
constexpr double kMinimum = 0.01;  // every node costs something, so parents rank above children

double number(const Json& options, const char* name, double fallback) {
  auto it = options.find(name);
  return it != options.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string text(const Json& options, const char* name, const char* fallback) {
  auto it = options.find(name);
  return it != options.end() && it->is_string() ? it->get<std::string>() : fallback;
}

/// A dimension option against the input's size: pixels or "NN%"; nullopt when absent.
std::optional<double> dimension(const Json& options, const char* name, double input) {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    std::string s = it->get<std::string>();
    if (!s.empty() && s.back() == '%') return input * std::atof(s.c_str()) / 100;
  }
  return std::nullopt;
}

/// Output size from width/height options, keeping the input's aspect when one is given.
void resize(const Json& options, Shape& s) {
  auto w = dimension(options, "width", s.width);
  auto h = dimension(options, "height", s.height);
  double aspect = s.height > 0 ? s.width / s.height : 16.0 / 9;
  if (w && h) {
    s.width = *w, s.height = *h;
  } else if (w) {
    s.width = *w, s.height = *w / aspect;
  } else if (h) {
    s.height = *h, s.width = *h * aspect;
  }
}

/// The seconds a node reads: its start/end window within `duration`.
double window(const Json& options, double duration) {
  double start = std::min(number(options, "start", 0), duration);
  double end = std::min(number(options, "end", duration), duration);
  return std::max(0.0, end - start);
}

double mpx(const Shape& s) { return s.width * s.height / 1e6; }

std::string size_text(const Shape& s) {
  return fmt::format("{}×{}", std::lround(s.width), std::lround(s.height));
}

}  // namespace

Shape output_shape(const Plan& plan, std::string_view id) {
  Shape s;
  const Node* n = plan.node(id);
  for (size_t guard = 0; n && guard <= plan.nodes.size(); ++guard) {
    const catalog::KindSpec* spec = catalog::Catalog::builtin().kind(n->op);
    bool source = n->op == "input" || (spec && spec->accepts == 0);
    if (source) break;
    if ((spec && spec->passthrough) || n->op == "probe") {
      n = plan.node(n->input);
      continue;
    }
    Shape in = output_shape(plan, n->input);
    s = in;
    if (n->op == "video" || n->op == "animation" || n->op == "image") resize(n->options, s);
    if (n->op == "video" || n->op == "animation") {
      s.fps = number(n->options, "fps", in.fps);
      s.duration = window(n->options, in.duration);
    } else if (n->op == "audio") {
      s.has_video = false;
      s.duration = window(n->options, in.duration);
    } else if (n->op == "image") {
      s.duration = 0;
    }
    return s;
  }
  // The run's input (or an ingested file): what --input declares.
  const Json& f = plan.input_facts;
  s.width = number(f, "width", kDefaultWidth);
  s.height = number(f, "height", kDefaultHeight);
  s.fps = number(f, "fps", kDefaultFps);
  s.known_duration = f.contains("duration") && f["duration"].is_number();
  s.duration = number(f, "duration", kDefaultDuration);
  std::string kind = text(f, "kind", "video");
  s.has_video = kind != "audio";
  if (kind == "image") s.duration = 0;
  return s;
}

double decode_cost(const Shape& s, double seconds) {
  if (!s.has_video) return seconds * kAudioPerSecond;
  double frames = s.duration > 0 ? seconds * s.fps : 1;
  return frames * mpx(s) * kDecodePerMpx;
}

Cost estimate(const Plan& plan, const Node& n) {
  Cost c;
  Shape in = output_shape(plan, n.input);
  const Json& o = n.options;
  std::string dur = fmt::format("{:g} s{}", in.duration, in.known_duration ? "" : " (default)");
  if (n.op == "video") {
    Shape out = output_shape(plan, n.id);
    auto enc = video_encoder_settings(text(o, "codec", "h264"), text(o, "quality", "medium"));
    double rel = enc ? enc->relative_cost : 1;
    double frames = out.fps * out.duration;
    double decode = decode_cost(in, out.duration);
    c.units = mpx(out) * frames * rel + decode;
    c.basis =
        fmt::format("{} @{:g} fps × {:g} s × {} {} ({:g}) + decode {:.1f}", size_text(out), out.fps,
                    out.duration, enc ? enc->encoder : "?", enc ? enc->preset : "?", rel, decode);
  } else if (n.op == "adaptive_video") {
    std::vector<std::pair<double, std::string>> rungs;  // height, codec
    if (auto r = o.find("renditions"); r != o.end() && r->is_array()) {
      for (const auto& e : *r) {
        if (e.is_object()) rungs.push_back({number(e, "height", 720), text(e, "codec", "h264")});
      }
    } else {
      auto top = dimension(o, "height", in.height);
      for (double h : {1080.0, 720.0, 480.0, 360.0}) {
        if (h <= (top ? *top : in.height)) rungs.push_back({h, "h264"});
      }
      if (rungs.empty()) rungs.push_back({top ? *top : in.height, "h264"});
    }
    double aspect = in.height > 0 ? in.width / in.height : 16.0 / 9;
    double frames = in.fps * in.duration;
    for (const auto& [h, codec] : rungs) {
      auto enc = video_encoder_settings(codec, text(o, "quality", "medium"));
      c.units += h * h * aspect / 1e6 * frames * (enc ? enc->relative_cost : 1);
    }
    double decode = decode_cost(in, in.duration);
    c.units += decode;
    c.basis = fmt::format("{} renditions @{:g} fps × {} + decode {:.1f}", rungs.size(), in.fps, dur,
                          decode);
  } else if (n.op == "image") {
    Shape out = output_shape(plan, n.id);
    bool scan = n.select.has_value();
    double seconds = scan ? in.duration : std::min(kSeekSeconds, in.duration);
    double decode = decode_cost(in, seconds);
    c.units = mpx(out) * kImagePerMpx + decode;
    c.basis = fmt::format("{} still + decode {:.1f} ({})", size_text(out), decode,
                          scan ? "scans for `select`" : "seek");
  } else if (n.op == "animation") {
    Shape out = output_shape(plan, n.id);
    double frames = out.fps * out.duration;
    double decode = decode_cost(in, out.duration);
    c.units = mpx(out) * frames * kGifPerMpx + decode;
    c.basis = fmt::format("{} @{:g} fps × {:g} s + decode {:.1f}", size_text(out), out.fps,
                          out.duration, decode);
  } else if (n.op == "thumbnails") {
    double count = number(o, "count", 0);
    if (count <= 0) count = std::ceil(in.duration / number(o, "interval", 10));
    Shape out = in;
    resize(o, out);
    double decode = decode_cost(in, in.duration);
    c.units = count * mpx(out) * kImagePerMpx + decode;
    c.basis = fmt::format("{:g} thumbnails of {} + decode {:.1f}", count, size_text(out), decode);
  } else if (n.op == "audio") {
    double seconds = window(o, in.duration);
    c.units = seconds * kAudioPerSecond * 2;
    c.basis = fmt::format("{:g} s of audio ({})", seconds, text(o, "format", "mp3"));
  } else if (n.op == "speech" || n.op == "subtitles" || n.op == "chapters" || n.op == "outline" ||
             n.op == "summary") {
    c.units = in.duration * kSpeechPerSecond;
    c.basis = fmt::format("transcribing {}", dur);
  } else if (n.op == "nsfw") {
    c.units = in.duration * kVisionPerSecond;
    c.basis = fmt::format("classifying frames of {}", dur);
  } else if (n.op == "ingest" || n.op == "import" || n.op == "export") {
    c.units = kTransfer;
    c.basis = "transfer (fixed estimate)";
  } else {
    c.basis = n.op == "input" ? "the run's input" : "reads the container header";
  }
  c.units = std::max(c.units, kMinimum);
  return c;
}

void cost_and_order(Plan& plan) {
  const size_t n = plan.nodes.size();
  std::unordered_map<std::string, size_t> pos;
  for (size_t i = 0; i < n; ++i) pos.emplace(plan.nodes[i].id, i);
  // A node waits for its input and for the probes of the gates over it.
  std::vector<std::vector<size_t>> dependents(n);
  for (size_t i = 0; i < n; ++i) {
    const Node& node = plan.nodes[i];
    if (auto it = pos.find(node.input); it != pos.end()) dependents[it->second].push_back(i);
    size_t steps = 0;
    for (const Gate* g = plan.gate(node.gate); g && steps++ <= plan.gates.size();
         g = plan.gate(g->parent)) {
      auto it = pos.find(g->probe);
      if (it != pos.end() && it->second != i) dependents[it->second].push_back(i);
    }
  }
  for (Node& node : plan.nodes) node.cost = estimate(plan, node);
  // Longest path from each node; chains are as deep as the workflow's nesting.
  std::vector<double> path(n, -1);
  std::vector<bool> open(n, false);
  std::function<double(size_t)> longest = [&](size_t i) -> double {
    if (path[i] >= 0) return path[i];
    if (open[i]) return 0;  // a cycle: from_json refuses those; do not loop here
    open[i] = true;
    double after = 0;
    for (size_t d : dependents[i]) after = std::max(after, longest(d));
    open[i] = false;
    return path[i] = plan.nodes[i].cost.units + after;
  };
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) {
    plan.nodes[i].cost.path = longest(i);
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return path[a] > path[b]; });
  plan.order.clear();
  for (size_t i : order) plan.order.push_back(plan.nodes[i].id);
}

}  // namespace wfc::plan
