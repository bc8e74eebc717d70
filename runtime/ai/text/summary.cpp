// The extractive summary (summary.h).
#include "runtime/ai/text/summary.h"

#include <algorithm>
#include <numeric>

#include "runtime/ai/text/phrases.h"
#include "runtime/ai/text/rank.h"
#include "runtime/ai/text/sentences.h"
#include "runtime/ai/text/tokens.h"
#include "runtime/ai/text/words.h"

namespace wfc::ai::text {
namespace {

/// Indices of `scores` from the highest score down; ties keep index order.
std::vector<size_t> by_score(const std::vector<double>& scores) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  return order;
}

/// How a stem is spelled: folded spelling → count, and how often each spelling was capitalized
/// where a capital is not owed to the sentence's start.
struct Spellings {
  std::map<std::string, int> count;
  std::map<std::string, std::pair<int, int>> capital;  // spelling → (capitalized, not)
};

std::string shown(const Spellings& s) {
  const std::pair<const std::string, int>* best = nullptr;
  for (const auto& entry : s.count) {
    if (!best || entry.second > best->second) best = &entry;
  }
  if (!best) return "";
  auto it = s.capital.find(best->first);
  if (it != s.capital.end() && it->second.first > 0 && it->second.second == 0) {
    return title_case(best->first);
  }
  return best->first;
}

}  // namespace

Summary summarize_transcript(const Transcript& transcript) {
  Summary out;
  out.language = transcript.language;
  std::vector<TimedWord> words = timed_words(transcript);
  std::vector<Sentence> sentences = split_sentences(words);
  if (sentences.empty()) return out;

  // Sentences as stemmed term counts; spellings of each stem.
  std::vector<TermVector> terms(sentences.size());
  std::map<std::string, Spellings> spellings;
  for (size_t s = 0; s < sentences.size(); ++s) {
    bool first = true;
    for (size_t w = sentences[s].first_word; w < sentences[s].first_word + sentences[s].word_count;
         ++w) {
      for (const Token& t : tokenize(words[w].text)) {
        if (t.content) {
          terms[s][t.stem] += 1;
          Spellings& sp = spellings[t.stem];
          ++sp.count[t.folded];
          if (!first) {
            auto& [cap, low] = sp.capital[t.folded];
            (t.surface[0] >= 'A' && t.surface[0] <= 'Z' ? cap : low) += 1;
          }
        }
        first = false;
      }
    }
  }

  // The summary: the most central sentences, in their order.
  std::vector<double> central = lex_rank(terms);
  bool any_long = std::any_of(sentences.begin(), sentences.end(), [](const Sentence& s) {
    return s.word_count >= kSummaryMinSentenceWords;
  });
  std::vector<size_t> picked;
  size_t picked_words = 0;
  for (size_t s : by_score(central)) {
    if (picked.size() == kSummarySentences) break;
    if (any_long && sentences[s].word_count < kSummaryMinSentenceWords) continue;
    if (!picked.empty() && picked_words + sentences[s].word_count > kSummaryWords) continue;
    bool repeats = std::any_of(picked.begin(), picked.end(), [&](size_t p) {
      return cosine(terms[p], terms[s]) > kSummaryMaxOverlap;
    });
    if (repeats) continue;
    picked.push_back(s);
    picked_words += sentences[s].word_count;
  }
  std::sort(picked.begin(), picked.end());
  for (size_t s : picked) {
    if (!out.summary.empty()) out.summary += ' ';
    out.summary += sentences[s].text;
  }

  // Keywords: terms weighted by the centrality of the sentences that use them, so a term counts
  // more for each use and more for a use in a central sentence.
  std::vector<std::vector<Token>> runs = content_runs(words, -1e300, 1e300);
  TermVector score;
  std::vector<std::string> stems;  // by first sentence of use (then stem), which breaks ties
  for (size_t s = 0; s < sentences.size(); ++s) {
    for (const auto& [stem, count] : terms[s]) {
      if (!score.count(stem)) stems.push_back(stem);
      score[stem] += count * central[s] * static_cast<double>(sentences.size());
    }
  }
  std::vector<double> word_rank;
  for (const std::string& stem : stems) word_rank.push_back(score[stem]);
  for (size_t i : by_score(word_rank)) {
    if (out.keywords.size() == kKeywords) break;
    std::string k = shown(spellings[stems[i]]);
    if (std::find(out.keywords.begin(), out.keywords.end(), k) == out.keywords.end()) {
      out.keywords.push_back(k);
    }
  }
  out.title = best_phrase(runs, score);
  return out;
}

}  // namespace wfc::ai::text
