// Subtitle cues from a transcript: the words grouped into timed cues of at most two short lines,
// cut where a viewer expects (pauses, then punctuation, then word boundaries), never overlapping.
// The writers of the files are in formats.h.
#pragma once

#include <string>
#include <vector>

#include "runtime/ai/ai.h"

namespace wfc::ai::tracks {

/// The most characters (UTF-8 code points) of a line…
inline constexpr size_t kMaxLineChars = 42;
/// …and the most lines of a cue.
inline constexpr size_t kMaxLines = 2;
/// A cue lasts at least this long (seconds) when silence after it allows (it is extended into the
/// silence up to this; it never runs into the next cue)…
inline constexpr double kMinCueSeconds = 1.0;
/// …and at most this long (a single word lasting longer is cut short).
inline constexpr double kMaxCueSeconds = 7.0;
/// A pause between words at least this long always ends the cue.
inline constexpr double kCueBreakPause = 1.0;

/// The rules a caller may set (the subtitles kind's constants in stdlib/kinds.json); the defaults
/// are the constants above. A cue has at most kMaxLines lines whatever the rules.
struct CueRules {
  size_t max_line_chars = kMaxLineChars;
  double min_seconds = kMinCueSeconds;
  double max_seconds = kMaxCueSeconds;
};

/// One cue: its time in seconds and its 1–kMaxLines lines.
struct Cue {
  double start = 0, end = 0;
  std::vector<std::string> lines;
};

/// The cues of `transcript`, in order; each word appears once, in order, in one cue (a word longer
/// than kMaxLineChars is split hard into pieces of that many characters, on consecutive lines).
/// Word times are used when the transcript has them; a segment without words has its time spread
/// over its words in proportion to their length. Rules: ≤ kMaxLineChars per line and ≤ kMaxLines
/// lines; kMinCueSeconds ≤ end − start ≤ kMaxCueSeconds, except that a cue whose speech is shorter
/// than kMinCueSeconds is only extended into the silence that follows it (so it may stay shorter
/// when the next cue starts at once); cue i ends at or before cue i + 1 starts. A cue ends at a
/// pause of kCueBreakPause; after a sentence's end once it lasts kMinCueSeconds; and when the next
/// word would not fit, at the best earlier break (punctuation, then the longest pause) that keeps
/// the cue at least 40% full, else before that word.
std::vector<Cue> build_cues(const Transcript& transcript, const CueRules& rules = {});

/// The lines of a cue holding `words`: one line when they fit in kMaxLineChars, else the split
/// into two lines that fit, balanced, preferring a split after punctuation. Empty when they do not
/// fit in kMaxLines lines.
std::vector<std::string> layout_lines(const std::vector<std::string>& words,
                                      size_t max_line_chars = kMaxLineChars);

/// The number of UTF-8 code points of `s`.
size_t display_length(std::string_view s);

}  // namespace wfc::ai::tracks
