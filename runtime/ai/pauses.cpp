// Pauses from frame energies (pauses.h). Each 10 ms frame's energy in dBFS is compared with a
// threshold set between the recording's noise floor (a low percentile of its frames) and its
// loud level (the loudest 0.2 s), so the gain of the recording does not matter.
#include "runtime/ai/pauses.h"

#include <algorithm>
#include <cmath>

namespace wfc::ai {
namespace {

constexpr size_t kFrame = Audio::kRate / 100;  // 10 ms
constexpr double kFrameSeconds = 0.01;
constexpr double kSilentDb = -70;   // below this a frame is quiet whatever the recording
constexpr size_t kLoudWindow = 20;  // frames over which the loud level is averaged
constexpr double kBetween = 0.35;   // where the threshold sits from noise floor to loud level
constexpr double kBelowLoud = 20;   // and at least this many dB below the loud level
constexpr size_t kMinSound = 5;     // frames of sound a chunk needs to be kept
constexpr size_t kMinCut = 2;       // frames a quiet run needs to hold a cut
constexpr size_t kGoodCut = 15;     // a quiet run this long in the last half is good enough
constexpr size_t kKeep = 25;        // frames of silence kept around a chunk's sound

struct Frames {
  std::vector<double> db;   // energy per frame, dBFS
  std::vector<bool> quiet;  // below the threshold
};

Frames analyse(const Audio& audio) {
  Frames f;
  const std::vector<int16_t>& s = audio.samples;
  size_t n = (s.size() + kFrame - 1) / kFrame;
  std::vector<double> power(n);  // mean square, full scale = 1
  for (size_t i = 0; i < n; ++i) {
    size_t b = i * kFrame, e = std::min(s.size(), b + kFrame);
    double sum = 0;
    for (size_t k = b; k < e; ++k) {
      double x = s[k] / 32768.0;
      sum += x * x;
    }
    power[i] = sum / static_cast<double>(e - b);
  }
  f.db.resize(n);
  for (size_t i = 0; i < n; ++i) f.db[i] = 10 * std::log10(std::max(power[i], 1e-20));
  f.quiet.assign(n, true);
  if (n == 0) return f;

  // Loud level: the loudest window's mean power, so a lone click does not set it.
  size_t w = std::min<size_t>(n, kLoudWindow);
  double sum = 0, best = 0;
  for (size_t i = 0; i < n; ++i) {
    sum += power[i];
    if (i >= w) sum -= power[i - w];
    if (i + 1 >= w) best = std::max(best, sum / static_cast<double>(w));
  }
  double loud = 10 * std::log10(std::max(best, 1e-20));
  if (loud < kSilentDb) return f;

  std::vector<double> sounding;
  for (double d : f.db) {
    if (d >= kSilentDb) sounding.push_back(d);
  }
  double threshold = kSilentDb;
  if (!sounding.empty()) {
    auto p10 = sounding.begin() + static_cast<std::ptrdiff_t>(sounding.size() / 10);
    std::nth_element(sounding.begin(), p10, sounding.end());
    double noise = *p10;
    threshold = std::min(noise + kBetween * (loud - noise), loud - kBelowLoud);
    threshold = std::max(threshold, kSilentDb);
  }
  for (size_t i = 0; i < n; ++i) f.quiet[i] = f.db[i] < threshold;
  return f;
}

/// Runs of quiet frames [first, second).
std::vector<std::pair<size_t, size_t>> quiet_runs(const Frames& f) {
  std::vector<std::pair<size_t, size_t>> runs;
  size_t n = f.quiet.size();
  for (size_t i = 0; i < n;) {
    if (!f.quiet[i]) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && f.quiet[j]) ++j;
    runs.emplace_back(i, j);
    i = j;
  }
  return runs;
}

/// The frame to cut at in the window (pos, limit]: the middle of the longest quiet run starting
/// after `from` (its part inside the window), the deeper one on a tie; 0 when there is none.
size_t best_cut(const Frames& f, const std::vector<std::pair<size_t, size_t>>& runs, size_t pos,
                size_t from, size_t limit, size_t* length) {
  size_t cut = 0, best = 0;
  double best_depth = 0;
  for (auto [b, e] : runs) {
    b = std::max(b, pos + 1);
    e = std::min(e, limit);
    if (e <= b || e <= from || e - b < kMinCut) continue;
    b = std::max(b, from);
    if (e - b < kMinCut) continue;
    double depth = 0;
    for (size_t i = b; i < e; ++i) depth += f.db[i];
    depth /= static_cast<double>(e - b);
    if (e - b > best || (e - b == best && depth < best_depth)) {
      best = e - b;
      best_depth = depth;
      cut = b + (e - b) / 2;
    }
  }
  *length = best;
  return cut;
}

}  // namespace

std::vector<Pause> find_pauses(const Audio& audio, double min_seconds) {
  Frames f = analyse(audio);
  std::vector<Pause> out;
  double total = audio.seconds();
  for (auto [b, e] : quiet_runs(f)) {
    Pause p{static_cast<double>(b) * kFrameSeconds,
            std::min(total, static_cast<double>(e) * kFrameSeconds)};
    if (p.end - p.start >= min_seconds) out.push_back(p);
  }
  return out;
}

std::vector<Chunk> split_at_pauses(const Audio& audio, double max_seconds) {
  Frames f = analyse(audio);
  auto runs = quiet_runs(f);
  size_t n = f.quiet.size();
  size_t max_frames = std::max<size_t>(1, static_cast<size_t>(max_seconds / kFrameSeconds));

  // Cuts at frame boundaries, then each piece trimmed to its sound.
  std::vector<std::pair<size_t, size_t>> pieces;
  for (size_t pos = 0; pos < n;) {
    if (n - pos <= max_frames) {
      pieces.emplace_back(pos, n);
      break;
    }
    size_t limit = pos + max_frames, length = 0;
    size_t cut = best_cut(f, runs, pos, pos + max_frames / 2, limit, &length);
    if (length < kGoodCut) {
      size_t anywhere_length = 0;
      size_t anywhere = best_cut(f, runs, pos, pos + 1, limit, &anywhere_length);
      if (anywhere_length > length) cut = anywhere;
    }
    if (cut == 0) cut = limit;  // no pause at all: a hard cut
    pieces.emplace_back(pos, cut);
    pos = cut;
  }

  std::vector<Chunk> out;
  for (auto [b, e] : pieces) {
    size_t first = e, last = b, sound = 0;
    for (size_t i = b; i < e; ++i) {
      if (f.quiet[i]) continue;
      ++sound;
      first = std::min(first, i);
      last = i;
    }
    if (sound < kMinSound) continue;
    size_t from = std::max(b, first >= kKeep ? first - kKeep : 0);
    size_t to = std::min(e, last + 1 + kKeep);
    out.push_back(Chunk{from * kFrame, std::min(audio.samples.size(), to * kFrame)});
  }
  return out;
}

}  // namespace wfc::ai
