// The files the track kinds write: subtitles (WebVTT, SRT) from cues, and chapter tracks
// (WebVTT chapters, SRT, ittybit's chapters JSON) from sections.
#pragma once

#include <string>
#include <vector>

#include "runtime/ai/ai.h"
#include "runtime/ai/tracks/cues.h"

namespace wfc::ai::tracks {

/// A WebVTT file: the `WEBVTT` header, then each cue as `HH:MM:SS.mmm --> HH:MM:SS.mmm` and its
/// lines ('&', '<' and '>' escaped), cues separated by a blank line.
std::string to_vtt(const std::vector<Cue>& cues);

/// An SRT file: each cue as its 1-based index, `HH:MM:SS,mmm --> HH:MM:SS,mmm` and its lines,
/// cues separated by a blank line.
std::string to_srt(const std::vector<Cue>& cues);

/// A WebVTT chapters track: one cue per chapter, identified by its 1-based index, its text the
/// chapter's title ("Chapter N" for an empty one).
std::string chapters_vtt(const std::vector<Section>& chapters);

/// The same chapters as SRT.
std::string chapters_srt(const std::vector<Section>& chapters);

/// ittybit's chapters JSON, `{"chapters":[{"index":1,"start":0.0,"end":12.5,"title":"…"}]}`:
/// index from 1, times in seconds rounded to milliseconds; indented by two spaces.
std::string chapters_json(const std::vector<Section>& chapters);

/// `seconds` as `HH:MM:SS.mmm` (`separator` '.') or `HH:MM:SS,mmm` (','); negative times as 0.
std::string timestamp(double seconds, char separator);

}  // namespace wfc::ai::tracks
