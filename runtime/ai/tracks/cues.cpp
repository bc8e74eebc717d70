// Subtitle cues (cues.h).
#include "runtime/ai/tracks/cues.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "runtime/ai/text/words.h"

namespace wfc::ai::tracks {
namespace {

using text::ends_clause;
using text::ends_sentence;
using text::TimedWord;

/// The words, with each one longer than `max_chars` cut into pieces of that many code
/// points, each piece given a share of the word's time in proportion to its length.
std::vector<TimedWord> pieces(const std::vector<TimedWord>& words, size_t max_chars) {
  std::vector<TimedWord> out;
  for (const TimedWord& w : words) {
    size_t chars = display_length(w.text);
    if (chars <= max_chars) {
      out.push_back(w);
      continue;
    }
    double per_char = (w.end - w.start) / static_cast<double>(chars);
    size_t at = 0, done = 0;
    while (at < w.text.size()) {
      size_t end = at, n = 0;
      while (end < w.text.size() && n < max_chars) {
        ++end;
        while (end < w.text.size() && (static_cast<unsigned char>(w.text[end]) & 0xC0) == 0x80) {
          ++end;
        }
        ++n;
      }
      TimedWord p;
      p.start = w.start + per_char * static_cast<double>(done);
      p.end = end == w.text.size() ? w.end : w.start + per_char * static_cast<double>(done + n);
      p.text = w.text.substr(at, end - at);
      p.segment_end = end == w.text.size() && w.segment_end;
      out.push_back(std::move(p));
      at = end;
      done += n;
    }
  }
  return out;
}

std::vector<std::string> texts(const std::vector<TimedWord>& words, size_t from, size_t to) {
  std::vector<std::string> out;
  for (size_t i = from; i < to; ++i) out.push_back(words[i].text);
  return out;
}

}  // namespace

size_t display_length(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::vector<std::string> layout_lines(const std::vector<std::string>& words,
                                      size_t max_line_chars) {
  if (words.empty()) return {};
  std::vector<size_t> len;
  size_t total = 0;
  for (const std::string& w : words) {
    len.push_back(display_length(w));
    total += len.back();
  }
  total += words.size() - 1;
  auto join = [&](size_t from, size_t to) {
    std::string s;
    for (size_t i = from; i < to; ++i) s += (i > from ? " " : "") + words[i];
    return s;
  };
  if (total <= max_line_chars) return {join(0, words.size())};
  static_assert(kMaxLines == 2, "layout_lines() splits in two");
  size_t best = 0;
  long best_cost = std::numeric_limits<long>::max();
  size_t first = 0;  // characters of the first line
  for (size_t k = 1; k < words.size(); ++k) {
    first += len[k - 1] + (k > 1 ? 1 : 0);
    size_t second = total - first - 1;
    if (first > max_line_chars || second > max_line_chars) continue;
    long cost = std::labs(static_cast<long>(first) - static_cast<long>(second));
    if (ends_clause(words[k - 1])) cost -= 12;
    if (cost < best_cost) {
      best_cost = cost;
      best = k;
    }
  }
  if (best == 0) return {};
  return {join(0, best), join(best, words.size())};
}

std::vector<Cue> build_cues(const Transcript& transcript, const CueRules& rules) {
  std::vector<TimedWord> words = pieces(text::timed_words(transcript), rules.max_line_chars);
  std::vector<std::pair<size_t, size_t>> spans;  // [from, to) of `words` per cue
  size_t from = 0;
  auto fits = [&](size_t a, size_t b) {
    return !layout_lines(texts(words, a, b), rules.max_line_chars).empty() &&
           (b - a == 1 || words[b - 1].end - words[a].start <= rules.max_seconds);
  };
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > from) {
      const TimedWord& prev = words[i - 1];
      double gap = words[i].start - prev.end;
      if (gap >= kCueBreakPause ||
          (ends_sentence(prev.text) && prev.end - words[from].start >= rules.min_seconds)) {
        spans.push_back({from, i});
        from = i;
      }
    }
    // Adding word i overflows: end the cue at its best break, as often as needed.
    while (i > from && !fits(from, i + 1)) {
      size_t total = 0;
      for (size_t k = from; k < i; ++k) total += display_length(words[k].text) + 1;
      size_t head = 0, cut = i;
      double best = -1;
      for (size_t k = from; k < i; ++k) {  // a break after word k
        head += display_length(words[k].text) + 1;
        if (head * 10 < total * 4) continue;
        double gap = (k + 1 < words.size() ? words[k + 1].start : words[k].end) - words[k].end;
        double score = std::min(gap, 1.0) * 3 + (ends_sentence(words[k].text) ? 3
                                                 : ends_clause(words[k].text) ? 2
                                                                              : 0);
        if (score >= best) {
          best = score;
          cut = k + 1;
        }
      }
      spans.push_back({from, cut});
      from = cut;
    }
  }
  if (from < words.size()) spans.push_back({from, words.size()});

  std::vector<Cue> cues;
  for (auto [a, b] : spans) {
    Cue c;
    c.start = words[a].start;
    c.end = std::min(words[b - 1].end, c.start + rules.max_seconds);
    c.lines = layout_lines(texts(words, a, b), rules.max_line_chars);
    cues.push_back(std::move(c));
  }
  for (size_t i = 0; i < cues.size(); ++i) {
    if (cues[i].end - cues[i].start >= rules.min_seconds) continue;
    double limit = i + 1 < cues.size() ? cues[i + 1].start : cues[i].start + rules.min_seconds;
    cues[i].end = std::max(cues[i].end, std::min(cues[i].start + rules.min_seconds, limit));
  }
  return cues;
}

}  // namespace wfc::ai::tracks
