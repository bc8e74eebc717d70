// Chapter boundaries of a video or audio: scene cuts (strong evidence), long pauses (medium) and
// the valleys of the transcript's lexical cohesion (TextTiling), merged where they agree and
// thinned so that every chapter lasts at least the minimum length. Titles are left to
// key_phrase() (phrases.h) or a text analyser.
#pragma once

#include <utility>
#include <vector>

#include "runtime/ai/ai.h"

namespace wfc::ai::text {

/// What the chapters of an input are found from. Times in seconds.
struct ChapterCues {
  const Transcript* transcript = nullptr;  // null or empty: cuts and pauses alone
  std::vector<double> scene_cuts;
  std::vector<std::pair<double, double>> pauses;  // (start, end) of each silence
  double duration = 0;                            // of the input
  double min_length = 0;                          // of a chapter; at least kMinChapterFloor
};

/// A chapter is never shorter than this, whatever min_length asks.
inline constexpr double kMinChapterFloor = 1.0;
/// Pauses shorter than this are not chapter candidates.
inline constexpr double kChapterPause = 2.0;
/// Candidates closer than this are one candidate (at the strongest one's time).
inline constexpr double kAgreeSeconds = 2.0;
/// Candidate strengths: a scene cut; a pause (plus up to kPauseStrengthBonus as it lengthens);
/// a cohesion valley (plus its depth, at most 1).
inline constexpr double kCutStrength = 3.0;
inline constexpr double kPauseStrength = 1.5;
inline constexpr double kPauseStrengthBonus = 1.0;
inline constexpr double kValleyStrength = 1.0;
/// TextTiling: content words per pseudo-sentence, pseudo-sentences per block compared, and the
/// least depth of a valley that is a candidate (it must also pass the mean depth by a standard
/// deviation).
inline constexpr size_t kTilingSequence = 10;
inline constexpr size_t kTilingBlock = 3;
inline constexpr double kMinValleyDepth = 0.15;
/// A valley shallower than this share of the deepest one is no candidate.
inline constexpr double kValleyShare = 0.5;

/// Chapters covering [0, duration] in order, without gaps or overlaps, each at least
/// max(min_length, kMinChapterFloor) long (but one chapter when the input is shorter than two).
/// A chapter boundary taken from a scene cut at t lies at t; one from a pause inside it; one from
/// a cohesion valley at the start of the nearest sentence (a pause or segment start when the
/// transcript is unpunctuated). Titles are empty. A duration of 0 is taken from the transcript's
/// last word; nothing at all gives no chapters.
std::vector<Section> find_chapters(const ChapterCues& cues);

/// The candidate boundaries of the transcript alone: TextTiling valleys as (time, depth).
std::vector<std::pair<double, double>> cohesion_valleys(const Transcript& transcript);

}  // namespace wfc::ai::text
