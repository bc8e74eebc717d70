// Chapter boundaries (chapters.h).
#include "runtime/ai/text/chapters.h"

#include <algorithm>
#include <cmath>

#include "runtime/ai/text/rank.h"
#include "runtime/ai/text/sentences.h"
#include "runtime/ai/text/tokens.h"
#include "runtime/ai/text/words.h"

namespace wfc::ai::text {
namespace {

/// A content word's stem and the index of the timed word it came from.
struct Term {
  std::string stem;
  size_t word = 0;
};

TermVector counts(const std::vector<Term>& terms, size_t from, size_t to) {
  TermVector v;
  for (size_t i = from; i < to && i < terms.size(); ++i) v[terms[i].stem] += 1;
  return v;
}

/// Cohesion across the position `at` of `terms`: the cosine of the `width` terms before it and
/// the `width` after.
double cohesion_at(const std::vector<Term>& terms, size_t at, size_t width) {
  size_t from = at > width ? at - width : 0;
  return cosine(counts(terms, from, at), counts(terms, at, at + width));
}

/// A boundary time just before `words[i]` starts: into the silence before it, by at most 0.5 s.
double before_word(const std::vector<TimedWord>& words, size_t i) {
  double gap = i > 0 ? words[i].start - words[i - 1].end : words[i].start;
  return words[i].start - std::min(0.5, gap / 2);
}

struct Candidate {
  double time = 0;
  double strength = 0;
  int source = 0;  // 0 valley, 1 pause, 2 cut: a merged candidate keeps the strongest's time
};

}  // namespace

std::vector<std::pair<double, double>> cohesion_valleys(const Transcript& transcript) {
  std::vector<TimedWord> words = timed_words(transcript);
  std::vector<Term> terms;
  for (size_t i = 0; i < words.size(); ++i) {
    for (Token& t : tokenize(words[i].text)) {
      if (t.content) terms.push_back({std::move(t.stem), i});
    }
  }
  const size_t w = kTilingSequence, width = kTilingSequence * kTilingBlock;
  if (terms.size() < 4 * w) return {};
  const size_t sequences = (terms.size() + w - 1) / w;
  // score[g]: cohesion across the gap before pseudo-sentence g (1 ≤ g < sequences), smoothed.
  std::vector<double> raw(sequences, 0), score(sequences, 0);
  for (size_t g = 1; g < sequences; ++g) raw[g] = cohesion_at(terms, g * w, width);
  for (size_t g = 1; g < sequences; ++g) {
    double sum = raw[g];
    int n = 1;
    if (g > 1) sum += raw[g - 1], ++n;
    if (g + 1 < sequences) sum += raw[g + 1], ++n;
    score[g] = sum / n;
  }
  std::vector<double> depth(sequences, 0);
  for (size_t g = 1; g < sequences; ++g) {
    bool minimum =
        (g == 1 || score[g] <= score[g - 1]) && (g + 1 == sequences || score[g] < score[g + 1]);
    if (!minimum) continue;
    double left = score[g], right = score[g];
    for (size_t k = g; k > 1 && score[k - 1] >= left; --k) left = score[k - 1];
    for (size_t k = g + 1; k < sequences && score[k] >= right; ++k) right = score[k];
    depth[g] = (left - score[g]) + (right - score[g]);
  }
  double mean = 0, var = 0;
  for (size_t g = 1; g < sequences; ++g) mean += depth[g];
  mean /= static_cast<double>(sequences - 1);
  for (size_t g = 1; g < sequences; ++g) var += (depth[g] - mean) * (depth[g] - mean);
  // Deep valleys only: past the mean by a standard deviation, and at least kValleyShare of the
  // deepest (noise in the cohesion of a long talk makes many shallow ones).
  double deepest = *std::max_element(depth.begin(), depth.end());
  double cutoff =
      std::max({kMinValleyDepth, mean + std::sqrt(var / static_cast<double>(sequences - 1)),
                kValleyShare * deepest});

  // Each deep valley moves to the sentence start within two pseudo-sentences of it where the
  // cohesion across is lowest.
  std::vector<Sentence> sentences = split_sentences(words);
  std::vector<std::pair<double, double>> out;
  for (size_t g = 1; g < sequences; ++g) {
    if (depth[g] < cutoff) continue;
    size_t at = g * w;
    size_t lo = at > 2 * w ? at - 2 * w : 0, hi = std::min(terms.size(), at + 2 * w);
    size_t best_word = terms[at].word;
    double best = 2;
    for (const Sentence& s : sentences) {
      // The first content term of the sentence.
      auto it = std::lower_bound(terms.begin(), terms.end(), s.first_word,
                                 [](const Term& t, size_t word) { return t.word < word; });
      size_t p = static_cast<size_t>(it - terms.begin());
      if (p < lo || p > hi || p == 0 || p >= terms.size()) continue;
      double c = cohesion_at(terms, p, width);
      if (c < best) {
        best = c;
        best_word = s.first_word;
      }
    }
    out.push_back({before_word(words, best_word), depth[g]});
  }
  return out;
}

std::vector<Section> find_chapters(const ChapterCues& cues) {
  double duration = cues.duration;
  if (duration <= 0 && cues.transcript) {
    for (const Segment& s : cues.transcript->segments) {
      duration = std::max(duration, s.end);
      for (const Word& w : s.words) duration = std::max(duration, w.end);
    }
  }
  if (duration <= 0) return {};
  const double min_length = std::max(cues.min_length, kMinChapterFloor);

  std::vector<Candidate> candidates;
  for (double t : cues.scene_cuts) candidates.push_back({t, kCutStrength, 2});
  for (auto [a, b] : cues.pauses) {
    double len = b - a;
    if (len < kChapterPause) continue;
    double bonus = std::min(kPauseStrengthBonus, (len - kChapterPause) / 4);
    // Inside the pause, just before speech resumes.
    candidates.push_back({std::max(a + len / 2, b - 0.5), kPauseStrength + bonus, 1});
  }
  if (cues.transcript) {
    for (auto [t, depth] : cohesion_valleys(*cues.transcript)) {
      candidates.push_back({t, kValleyStrength + std::min(depth, 1.0), 0});
    }
  }
  // Candidates that agree become one, at the time of the strongest source, stronger for it.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.time < b.time; });
  std::vector<Candidate> merged;
  for (const Candidate& c : candidates) {
    if (!merged.empty() && c.time - merged.back().time < kAgreeSeconds &&
        c.source != merged.back().source) {
      Candidate& m = merged.back();
      if (c.source > m.source) {
        m.time = c.time;
        m.source = c.source;
      }
      m.strength = std::max(m.strength, c.strength) + 0.5 * std::min(m.strength, c.strength);
      continue;
    }
    merged.push_back(c);
  }
  // The strongest first; each kept only if every chapter stays at least min_length long.
  std::stable_sort(merged.begin(), merged.end(),
                   [](const Candidate& a, const Candidate& b) { return a.strength > b.strength; });
  std::vector<double> bounds;
  for (const Candidate& c : merged) {
    if (c.time < min_length || duration - c.time < min_length) continue;
    bool fits = std::all_of(bounds.begin(), bounds.end(),
                            [&](double b) { return std::fabs(b - c.time) >= min_length; });
    if (fits) bounds.push_back(c.time);
  }
  std::sort(bounds.begin(), bounds.end());
  std::vector<Section> out;
  double start = 0;
  for (double b : bounds) {
    out.push_back({start, b, ""});
    start = b;
  }
  out.push_back({start, duration, ""});
  return out;
}

}  // namespace wfc::ai::text
