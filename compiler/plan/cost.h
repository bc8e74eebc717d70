// The cost model: an estimate of each node's work from its output's pixel rate (width × height ×
// fps), the duration of what it reads (from --input, else kDefaultDuration), and the encoder and
// preset that `quality` chooses (encoder_settings.h, the table the runtime uses too). Units: the
// work of encoding one megapixel with libx264 at `fast`. Which estimate a kind gets is its
// catalog entry's `execution.cost` (kinds.json), never its name. The fuse pass uses it to decide
// what joins a shared decode; the plan orders work longest path first by it; --explain shows it.
// Constants and their reasons are in docs/plan.md ("Cost model").
#pragma once

#include <string>

#include "compiler/plan/plan.h"

namespace wfc::plan {

/// What the planner assumes of a file it knows nothing about.
inline constexpr double kDefaultDuration = 60;  // seconds
inline constexpr double kDefaultFps = 30;
inline constexpr int kDefaultWidth = 1920, kDefaultHeight = 1080;
/// Seconds of video a seek decodes before the frame it wants (one GOP of a typical upload).
inline constexpr double kSeekSeconds = 2;
/// Decoding one megapixel, and copying one into another branch of a filter graph, relative to
/// encoding one with libx264 `fast`.
inline constexpr double kDecodePerMpx = 0.12;
inline constexpr double kCopyPerMpx = 0.01;

/// The shape of a file: what a node reads or writes. duration 0 for a still image.
struct Shape {
  double width = kDefaultWidth, height = kDefaultHeight, fps = kDefaultFps;
  double duration = kDefaultDuration;
  bool known_duration = false;  // from --input, not the default
  bool has_video = true;
};

/// The shape of the file node `id` outputs (the run's input from plan.input_facts).
Shape output_shape(const Plan& plan, std::string_view id);

/// The stretch of its input a node reads, [start, end) in seconds of an input of this shape,
/// by its kind's `execution.reads`: all of it; its `start`…`end` window; or one frame at
/// `start`, the frames a `select` scans from there, or the catalog's representative frames.
std::pair<double, double> read_window(const Node& node, const Shape& in);

/// Work of decoding `seconds` of a file of this shape, in cost units.
double decode_cost(const Shape& s, double seconds);

/// Estimates one node (units and basis; `path` is left to order_by_cost).
Cost estimate(const Plan& plan, const Node& node);

/// Sets every node's cost and path and the plan's order: longest path first.
void cost_and_order(Plan& plan);

}  // namespace wfc::plan
