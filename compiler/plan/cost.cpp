// The cost model (cost.h). The figures are deliberately few and rough: they only have to rank
// work (which chain to start first) and compare a second decode with a filter-graph branch (the
// fuse pass). Video encoding is the dominant term and comes from the quality table the runtime
// uses, so a `very_high` AV1 rendition ranks far above a `low` H.264 one, as it does in practice.
// Each estimate reads the node's typed options (plan/options.h): nothing here parses a value or
// knows a default.
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

using catalog::Execution;
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

double number(const Json& facts, const char* name, double fallback) {
  auto it = facts.find(name);
  return it != facts.end() && it->is_number() ? it->get<double>() : fallback;
}

const catalog::KindSpec* spec_of(const Node& n) { return catalog::Catalog::builtin().kind(n.op); }

/// A dimension option in pixels against the input's size along its axis.
std::optional<double> size_option(const Options& o, const char* name, double input) {
  auto d = o.dimension(name);
  if (!d) return std::nullopt;
  return d->percent ? input * d->value / 100 : d->value;
}

/// Output size from width/height options, keeping the input's aspect when one is given.
void resize(const Options& options, Shape& s) {
  auto w = size_option(options, "width", s.width);
  auto h = size_option(options, "height", s.height);
  double aspect = s.height > 0 ? s.width / s.height : 16.0 / 9;
  if (w && h) {
    s.width = *w, s.height = *h;
  } else if (w) {
    s.width = *w, s.height = *w / aspect;
  } else if (h) {
    s.height = *h, s.width = *h * aspect;
  }
}

double mpx(const Shape& s) { return s.width * s.height / 1e6; }

std::string size_text(const Shape& s) {
  return fmt::format("{}×{}", std::lround(s.width), std::lround(s.height));
}

/// The representative frames an image without `start` or `select` chooses among (kinds.json).
double representative_frames(const catalog::KindSpec* spec) {
  const Json* n = spec ? spec->constant("representative_frames") : nullptr;
  return n && n->is_number() ? n->get<double>() : 1;
}

}  // namespace

std::pair<double, double> read_window(const Node& n, const Shape& in) {
  const catalog::KindSpec* spec = spec_of(n);
  double d = in.duration;
  Execution::Reads reads = spec ? spec->execution.reads : Execution::Reads::All;
  double start = std::min(n.options.number("start").value_or(0), d);
  switch (reads) {
    case Execution::Reads::Window:
      return {start, std::max(start, std::min(n.options.number("end").value_or(d), d))};
    case Execution::Reads::Frame: {
      double frame = 1 / std::max(in.fps, 1.0);
      if (n.select && n.select->representative)
        return {start, std::min(d, start + representative_frames(spec) * frame)};
      if (n.select) return {start, d};
      return {start, std::min(d, start + frame)};
    }
    case Execution::Reads::All:
      break;
  }
  return {0, d};
}

Shape output_shape(const Plan& plan, std::string_view id) {
  Shape s;
  const Node* n = plan.node(id);
  for (size_t guard = 0; n && guard <= plan.nodes.size(); ++guard) {
    const catalog::KindSpec* spec = spec_of(*n);
    if (n->op == "input" || (spec && spec->accepts == 0)) break;  // a source: the input
    if ((spec && spec->passthrough) || n->op == "probe") {
      n = plan.node(n->input);
      continue;
    }
    Shape in = output_shape(plan, n->input);
    s = in;
    auto [from, to] = read_window(*n, in);
    switch (spec ? spec->execution.cost : Execution::Cost::None) {
      case Execution::Cost::Encode:
      case Execution::Cost::Animation:
        resize(n->options, s);
        s.fps = n->options.number("fps").value_or(in.fps);
        s.duration = to - from;
        break;
      case Execution::Cost::Still:
        resize(n->options, s);
        s.duration = 0;
        break;
      case Execution::Cost::Audio:
        s.has_video = false;
        s.duration = to - from;
        break;
      default:
        break;
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
  std::string kind = f.value("kind", "video");
  s.has_video = kind != "audio";
  if (kind == "image") s.duration = 0;
  return s;
}

double decode_cost(const Shape& s, double seconds) {
  if (!s.has_video) return seconds * kAudioPerSecond;
  double frames = s.duration > 0 ? seconds * s.fps : 1;
  return frames * mpx(s) * kDecodePerMpx;
}

namespace {

/// The heights of an adaptive_video node's renditions and their codecs. The default ladder
/// leaves out renditions taller than the input or than a top size given with width/height,
/// which then leads the ladder (as the runtime builds it).
std::vector<std::pair<double, std::string>> rungs(const Options& o, const Shape& in) {
  std::vector<std::pair<double, std::string>> out;
  const OptionValue* renditions = o.find("renditions");
  std::optional<double> top;
  if (renditions && renditions->defaulted) {
    Shape sized = in;
    if (o.has("width") || o.has("height")) {
      resize(o, sized);
      top = sized.height;
      out.push_back({*top, "h264"});
    }
  }
  for (const OptionValue& r : renditions ? renditions->items : std::vector<OptionValue>{}) {
    const OptionValue* h = r.field("height");
    const OptionValue* codec = r.field("codec");
    double height = h ? h->as_number() : in.height;
    if (renditions->defaulted && (height > in.height || (top && height >= *top))) continue;
    out.push_back({height, codec ? codec->text : "h264"});
  }
  if (out.empty()) out.push_back({in.height, "h264"});
  return out;
}

}  // namespace

Cost estimate(const Plan& plan, const Node& n) {
  Cost c;
  Shape in = output_shape(plan, n.input);
  const Options& o = n.options;
  const catalog::KindSpec* spec = spec_of(n);
  std::string dur = fmt::format("{:g} s{}", in.duration, in.known_duration ? "" : " (default)");
  auto [from, to] = read_window(n, in);
  switch (spec ? spec->execution.cost : Execution::Cost::None) {
    case Execution::Cost::Encode: {
      Shape out = output_shape(plan, n.id);
      auto enc = video_encoder_settings(o.text("codec"), o.text("quality"));
      double rel = enc ? enc->relative_cost : 1;
      double frames = out.fps * out.duration;
      double decode = decode_cost(in, out.duration);
      c.units = mpx(out) * frames * rel + decode;
      c.basis = fmt::format("{} @{:g} fps × {:g} s × {} {} ({:g}) + decode {:.1f}", size_text(out),
                            out.fps, out.duration, enc ? enc->encoder : "?",
                            enc ? enc->preset : "?", rel, decode);
      break;
    }
    case Execution::Cost::Ladder: {
      auto ladder = rungs(o, in);
      double aspect = in.height > 0 ? in.width / in.height : 16.0 / 9;
      double frames = in.fps * in.duration;
      for (const auto& [h, codec] : ladder) {
        auto enc = video_encoder_settings(codec, o.text("quality"));
        c.units += h * h * aspect / 1e6 * frames * (enc ? enc->relative_cost : 1);
      }
      double decode = decode_cost(in, in.duration);
      c.units += decode;
      c.basis = fmt::format("{} renditions @{:g} fps × {} + decode {:.1f}", ladder.size(), in.fps,
                            dur, decode);
      break;
    }
    case Execution::Cost::Still: {
      Shape out = output_shape(plan, n.id);
      bool scan = n.select && !n.select->representative;
      double seconds = scan || n.select ? to - from : std::min(kSeekSeconds, in.duration);
      double decode = decode_cost(in, seconds);
      c.units = mpx(out) * kImagePerMpx + decode;
      c.basis = fmt::format("{} still + decode {:.1f} ({})", size_text(out), decode,
                            scan       ? "scans for `select`"
                            : n.select ? "the representative frame"
                                       : "seek");
      break;
    }
    case Execution::Cost::Animation: {
      Shape out = output_shape(plan, n.id);
      double frames = out.fps * out.duration;
      double decode = decode_cost(in, out.duration);
      c.units = mpx(out) * frames * kGifPerMpx + decode;
      c.basis = fmt::format("{} @{:g} fps × {:g} s + decode {:.1f}", size_text(out), out.fps,
                            out.duration, decode);
      break;
    }
    case Execution::Cost::Sprites: {
      double count = double(o.integer("count").value_or(0));
      if (count <= 0) count = std::ceil(in.duration / o.number("interval").value_or(in.duration));
      Shape tile = in;
      resize(o, tile);
      double decode = decode_cost(in, in.duration);
      c.units = count * mpx(tile) * kImagePerMpx + decode;
      c.basis =
          fmt::format("{:g} thumbnails of {} + decode {:.1f}", count, size_text(tile), decode);
      break;
    }
    case Execution::Cost::Audio: {
      double seconds = to - from;
      c.units = seconds * kAudioPerSecond * 2;
      c.basis = fmt::format("{:g} s of audio ({})", seconds, o.text("format"));
      break;
    }
    case Execution::Cost::Transcribe:
      c.units = in.duration * kSpeechPerSecond;
      c.basis = fmt::format("transcribing {}", dur);
      break;
    case Execution::Cost::Classify:
      c.units = in.duration * kVisionPerSecond;
      c.basis = fmt::format("classifying frames of {}", dur);
      break;
    case Execution::Cost::Transfer:
      c.units = kTransfer;
      c.basis = "transfer (fixed estimate)";
      break;
    case Execution::Cost::Header:
    case Execution::Cost::None:
      c.basis = n.op == "input" ? "the run's input" : "reads the container header";
      break;
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
