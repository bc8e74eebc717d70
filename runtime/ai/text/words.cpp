// A transcript's timed words (words.h).
#include "runtime/ai/text/words.h"

#include <algorithm>
#include <sstream>

namespace wfc::ai::text {
namespace {

std::vector<std::string> split_spaces(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

/// `word` without the closing quotes and brackets at its end.
std::string_view strip_closers(const std::string& word) {
  std::string_view v = word;
  while (!v.empty()) {
    if (v.back() == '"' || v.back() == '\'' || v.back() == ')' || v.back() == ']') {
      v.remove_suffix(1);
    } else if (v.ends_with("\xE2\x80\x9D") || v.ends_with("\xE2\x80\x99")) {  // ” ’
      v.remove_suffix(3);
    } else {
      break;
    }
  }
  return v;
}

/// A recognizer's marker rather than a word: "<sil>", "</s>", "[NOISE]", "++GARBAGE++".
bool is_marker(const std::string& w) {
  if (w.size() < 2) return false;
  return (w.front() == '<' && w.back() == '>') || (w.front() == '[' && w.back() == ']') ||
         (w.starts_with("++") && w.ends_with("++"));
}

/// Pocketsphinx names a pronunciation variant "word(2)": the word is "word".
std::string without_variant(std::string w) {
  size_t open = w.rfind('(');
  if (open != std::string::npos && open > 0 && w.back() == ')' &&
      std::all_of(w.begin() + static_cast<long>(open) + 1, w.end() - 1,
                  [](char c) { return c >= '0' && c <= '9'; }) &&
      open + 2 < w.size()) {
    w.resize(open);
  }
  return w;
}

}  // namespace

bool ends_sentence(const std::string& word) {
  std::string_view v = strip_closers(word);
  if (v.empty()) return false;
  return v.back() == '.' || v.back() == '!' || v.back() == '?' || v.ends_with("\xE2\x80\xA6");
}

bool ends_clause(const std::string& word) {
  std::string_view v = strip_closers(word);
  if (v.empty()) return false;
  return v.back() == ',' || v.back() == ';' || v.back() == ':' || v.ends_with("\xE2\x80\x94") ||
         v.ends_with("\xE2\x80\x93") || ends_sentence(word);
}

std::vector<TimedWord> timed_words(const Transcript& transcript) {
  std::vector<TimedWord> out;
  for (const Segment& seg : transcript.segments) {
    size_t first = out.size();
    if (!seg.words.empty()) {
      std::vector<std::string> spelled = split_spaces(seg.text);
      size_t real = static_cast<size_t>(std::count_if(
          seg.words.begin(), seg.words.end(), [](const Word& w) { return !is_marker(w.word); }));
      bool use_text = spelled.size() == seg.words.size() && real == seg.words.size();
      for (size_t i = 0; i < seg.words.size(); ++i) {
        const Word& w = seg.words[i];
        if (is_marker(w.word)) continue;
        std::string shown = use_text ? spelled[i] : without_variant(w.word);
        // A provider's word may carry its leading space.
        auto parts = split_spaces(shown);
        if (parts.empty()) continue;
        std::string joined = parts[0];
        for (size_t k = 1; k < parts.size(); ++k) joined += ' ' + parts[k];
        out.push_back({w.start, std::max(w.start, w.end), joined, false});
      }
    } else {
      std::vector<std::string> spelled = split_spaces(seg.text);
      double total = 0;
      for (const std::string& w : spelled) total += static_cast<double>(w.size());
      double span = std::max(0.0, seg.end - seg.start);
      double at = seg.start;
      for (const std::string& w : spelled) {
        double len = total > 0 ? span * static_cast<double>(w.size()) / total : 0;
        out.push_back({at, at + len, w, false});
        at += len;
      }
    }
    if (out.size() > first) out.back().segment_end = true;
  }
  // Recognizers may report overlapping or unordered times: make them non-decreasing.
  double last_end = 0;
  for (TimedWord& w : out) {
    w.start = std::max(w.start, last_end);
    w.end = std::max(w.end, w.start);
    last_end = w.end;
  }
  return out;
}

}  // namespace wfc::ai::text
