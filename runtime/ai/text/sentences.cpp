// Sentences with times (sentences.h).
#include "runtime/ai/text/sentences.h"

#include <algorithm>

namespace wfc::ai::text {
namespace {

/// `text` with its first letter in upper case and "i", "i'm", "i'll"… as "I", "I'm", "I'll".
std::string display(const std::vector<TimedWord>& words, size_t first, size_t count,
                    bool add_punctuation) {
  std::string out;
  for (size_t i = first; i < first + count; ++i) {
    std::string w = words[i].text;
    if (add_punctuation && (w == "i" || w.starts_with("i'"))) w[0] = 'I';
    if (!out.empty()) out += ' ';
    out += w;
  }
  if (!add_punctuation) return out;
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
      break;
    }
    if (c >= 'A' && c <= 'Z') break;
  }
  while (!out.empty() && (out.back() == ',' || out.back() == ';' || out.back() == ':')) {
    out.pop_back();
  }
  if (!out.empty() && !ends_sentence(out)) out += '.';
  return out;
}

/// Cuts [first, last) into pieces of at most kMaxSentenceWords words, each cut at the longest
/// pause (or clause punctuation) of the window that ends it.
void cap_length(const std::vector<TimedWord>& words, size_t first, size_t last,
                std::vector<std::pair<size_t, size_t>>& spans) {
  while (last - first > kMaxSentenceWords) {
    size_t best = first + kMaxSentenceWords;  // the first word of the next piece
    double best_score = -1;
    for (size_t k = first + kMaxSentenceWords / 2; k <= first + kMaxSentenceWords; ++k) {
      double gap = words[k].start - words[k - 1].end;
      double score = gap + (ends_clause(words[k - 1].text) ? 0.5 : 0);
      if (score > best_score) {
        best_score = score;
        best = k;
      }
    }
    spans.push_back({first, best});
    first = best;
  }
  if (last > first) spans.push_back({first, last});
}

}  // namespace

bool punctuated(const std::vector<TimedWord>& words) {
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (ends_sentence(words[i].text)) return true;
  }
  return false;
}

std::vector<Sentence> split_sentences(const std::vector<TimedWord>& words) {
  const bool marks = punctuated(words);
  std::vector<std::pair<size_t, size_t>> spans;
  size_t first = 0;
  for (size_t i = 0; i < words.size(); ++i) {
    bool last = i + 1 == words.size();
    bool cut = last;
    if (!last) {
      if (marks) {
        cut = ends_sentence(words[i].text);
      } else {
        cut = words[i].segment_end || words[i + 1].start - words[i].end >= kSentencePause;
      }
    }
    if (cut) {
      cap_length(words, first, i + 1, spans);
      first = i + 1;
    }
  }
  std::vector<Sentence> out;
  for (auto [a, b] : spans) {
    Sentence s;
    s.first_word = a;
    s.word_count = b - a;
    s.start = words[a].start;
    s.end = words[b - 1].end;
    s.text = display(words, a, b - a, !marks);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Sentence> split_sentences(const Transcript& transcript) {
  return split_sentences(timed_words(transcript));
}

}  // namespace wfc::ai::text
