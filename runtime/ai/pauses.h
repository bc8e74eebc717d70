// Pauses in speech: where an Audio is quiet, from its energy per 10 ms frame, and the cuts that
// split a long recording into pieces a recognizer decodes one at a time (at most ~30 s each,
// every cut inside a pause). The local transcriber decodes those pieces; chapters take long
// pauses as boundary candidates. Pure C++: no engine here.
#pragma once

#include <cstddef>
#include <vector>

#include "runtime/ai/ai.h"

namespace wfc::ai {

/// A quiet stretch, in seconds from the start of the audio.
struct Pause {
  double start = 0, end = 0;
};

/// A piece of the audio: samples [begin, end).
struct Chunk {
  size_t begin = 0, end = 0;
};

/// The quiet stretches at least `min_seconds` long, in order. Quiet is relative to the
/// recording (a frame well below its loud parts and near its noise floor), so a quiet and a loud
/// recording of the same speech pause in the same places; frames below -70 dBFS (digital
/// silence, dither) are always quiet. An audio with no sound at all is one pause.
std::vector<Pause> find_pauses(const Audio& audio, double min_seconds);

/// The audio cut into chunks of at most `max_seconds`, in order. Each cut is in the middle of the
/// longest pause in the last half of the window (anywhere in the window when the last half has
/// none; a hard cut at `max_seconds` only when the window has no pause at all). Chunks with no
/// sound are dropped and the others lose their leading and trailing silence beyond 0.25 s, so
/// chunks need not touch each other.
std::vector<Chunk> split_at_pauses(const Audio& audio, double max_seconds = 30);

}  // namespace wfc::ai
