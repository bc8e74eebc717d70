// Key phrases (phrases.h).
#include "runtime/ai/text/phrases.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "runtime/ai/text/sentences.h"

namespace wfc::ai::text {

std::vector<std::vector<Token>> content_runs(const std::vector<TimedWord>& words, double start,
                                             double end) {
  std::vector<std::vector<Token>> runs(1);
  auto cut = [&] {
    if (!runs.back().empty()) runs.emplace_back();
  };
  for (size_t i = 0; i < words.size(); ++i) {
    const TimedWord& w = words[i];
    double mid = (w.start + w.end) / 2;
    if (mid < start || mid >= end) {
      cut();
      continue;
    }
    if (i > 0 && w.start - words[i - 1].end >= kSentencePause) cut();
    for (Token& t : tokenize(w.text)) {
      if (t.content) {
        runs.back().push_back(std::move(t));
      } else {
        cut();
      }
    }
    if (ends_clause(w.text) || w.segment_end) cut();
  }
  if (runs.back().empty()) runs.pop_back();
  return runs;
}

std::string title_case(std::string phrase) {
  bool at_start = true;
  for (char& c : phrase) {
    if (at_start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    at_start = c == ' ' || c == '-';
  }
  return phrase;
}

std::string best_phrase(const std::vector<std::vector<Token>>& runs, const TermVector& score) {
  auto score_of = [&](const std::string& stem) {
    auto it = score.find(stem);
    return it == score.end() ? 0.0 : it->second;
  };
  // The phrase's words must all be among the kPhraseVocabulary best terms of the runs.
  std::vector<double> best_scores;
  {
    TermVector seen;
    for (const auto& run : runs) {
      for (const Token& t : run) seen[t.stem] = score_of(t.stem);
    }
    for (const auto& [stem, s] : seen) best_scores.push_back(s);
    std::sort(best_scores.rbegin(), best_scores.rend());
  }
  if (best_scores.empty()) return "";
  const double floor = std::max(best_scores[std::min(best_scores.size(), kPhraseVocabulary) - 1],
                                std::numeric_limits<double>::min());
  struct Candidate {
    double sum = 0;
    int count = 0;
    std::string shown;  // the first occurrence's spelling, folded
  };
  std::map<std::string, Candidate> phrases, words;  // stems joined by ' ' → candidate
  for (const auto& run : runs) {
    for (size_t a = 0; a < run.size(); ++a) {
      std::set<std::string> seen;
      std::string key, shown;
      double sum = 0;
      for (size_t b = a; b < run.size() && b - a < kMaxPhraseWords; ++b) {
        double s = score_of(run[b].stem);
        if (s < floor || !seen.insert(run[b].stem).second) break;
        key += (b > a ? " " : "") + run[b].stem;
        shown += (b > a ? " " : "") + run[b].folded;
        sum += s;
        Candidate& c = (b == a ? words : phrases)[key];
        if (c.count++ == 0) {
          c.sum = sum;
          c.shown = shown;
        }
      }
    }
  }
  const auto& pool = phrases.empty() ? words : phrases;
  const Candidate* best = nullptr;
  double best_value = -1;
  for (const auto& [key, c] : pool) {  // key order: ties go to the first in that order
    double value = c.sum * (1 + std::log(static_cast<double>(c.count)));
    if (value > best_value) {
      best_value = value;
      best = &c;
    }
  }
  if (!best) return "";
  return title_case(best->shown);
}

std::string key_phrase(const Transcript& transcript, double start, double end) {
  std::vector<TimedWord> words = timed_words(transcript);
  auto all_runs = content_runs(words, -1e300, 1e300);
  auto span_runs = content_runs(words, start, end);
  TermVector all, span;
  double n_all = 0, n_span = 0;
  for (const auto& run : all_runs) {
    for (const Token& t : run) all[t.stem] += 1, n_all += 1;
  }
  for (const auto& run : span_runs) {
    for (const Token& t : run) span[t.stem] += 1, n_span += 1;
  }
  if (span.empty()) {
    // Words but no content words: the most frequent word; no words at all: "".
    std::map<std::string, int> counts;
    for (const TimedWord& w : words) {
      double mid = (w.start + w.end) / 2;
      if (mid < start || mid >= end) continue;
      for (const Token& t : tokenize(w.text)) ++counts[t.folded];
    }
    const std::pair<const std::string, int>* best = nullptr;
    for (const auto& entry : counts) {
      if (!best || entry.second > best->second) best = &entry;
    }
    return best ? title_case(best->first) : "";
  }
  TermVector score;
  for (const auto& [term, count] : span) {
    double lift = (count / n_span) / (all[term] / n_all);
    score[term] = count * std::log(1 + lift);
  }
  return best_phrase(span_runs, score);
}

}  // namespace wfc::ai::text
