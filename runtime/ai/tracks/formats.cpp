// Subtitle and chapter files (formats.h).
#include "runtime/ai/tracks/formats.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace wfc::ai::tracks {
namespace {

std::string vtt_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

/// A cue's text never holds a blank line (it would end the cue) nor a line break inside a line.
std::string one_line(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '\n' || c == '\r' ? ' ' : c;
  return out;
}

std::string title_of(const Section& s, size_t index) {
  std::string t = one_line(s.title);
  if (t.find_first_not_of(' ') == std::string::npos) return fmt::format("Chapter {}", index);
  return t;
}

double milliseconds(double seconds) { return std::round(std::max(0.0, seconds) * 1000) / 1000; }

}  // namespace

std::string timestamp(double seconds, char separator) {
  long long ms = std::llround(std::max(0.0, seconds) * 1000);
  return fmt::format("{:02}:{:02}:{:02}{}{:03}", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                     separator, ms % 1000);
}

std::string to_vtt(const std::vector<Cue>& cues) {
  std::string out = "WEBVTT\n";
  for (const Cue& c : cues) {
    out += fmt::format("\n{} --> {}\n", timestamp(c.start, '.'), timestamp(c.end, '.'));
    for (const std::string& line : c.lines) out += vtt_escape(one_line(line)) + "\n";
  }
  return out;
}

std::string to_srt(const std::vector<Cue>& cues) {
  std::string out;
  for (size_t i = 0; i < cues.size(); ++i) {
    if (i > 0) out += "\n";
    out += fmt::format("{}\n{} --> {}\n", i + 1, timestamp(cues[i].start, ','),
                       timestamp(cues[i].end, ','));
    for (const std::string& line : cues[i].lines) out += one_line(line) + "\n";
  }
  return out;
}

std::string chapters_vtt(const std::vector<Section>& chapters) {
  std::string out = "WEBVTT\n";
  for (size_t i = 0; i < chapters.size(); ++i) {
    out += fmt::format("\n{}\n{} --> {}\n{}\n", i + 1, timestamp(chapters[i].start, '.'),
                       timestamp(chapters[i].end, '.'), vtt_escape(title_of(chapters[i], i + 1)));
  }
  return out;
}

std::string chapters_srt(const std::vector<Section>& chapters) {
  std::vector<Cue> cues;
  for (size_t i = 0; i < chapters.size(); ++i) {
    cues.push_back({chapters[i].start, chapters[i].end, {title_of(chapters[i], i + 1)}});
  }
  return to_srt(cues);
}

std::string chapters_json(const std::vector<Section>& chapters) {
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < chapters.size(); ++i) {
    list.push_back({{"index", i + 1},
                    {"start", milliseconds(chapters[i].start)},
                    {"end", milliseconds(chapters[i].end)},
                    {"title", title_of(chapters[i], i + 1)}});
  }
  return nlohmann::json{{"chapters", list}}.dump(2) + "\n";
}

}  // namespace wfc::ai::tracks
