// Tokenizing, stopwords and stemming (tokens.h).
#include "runtime/ai/text/tokens.h"

#include <libstemmer.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <string_view>

namespace wfc::ai::text {
namespace {

// English function words, contractions and fillers (a recognizer's "uh", "um"): words that carry
// no topic. Sorted, for binary search.
constexpr std::string_view kStopwords[] = {
    "a",       "about",   "above",      "actually",  "after",     "again",   "against", "ah",
    "ain't",   "all",     "almost",     "also",      "am",        "an",      "and",     "any",
    "anyway",  "are",     "aren't",     "as",        "at",        "be",      "because", "been",
    "before",  "being",   "below",      "between",   "both",      "but",     "by",      "can",
    "can't",   "cannot",  "could",      "couldn't",  "did",       "didn't",  "do",      "does",
    "doesn't", "doing",   "don't",      "down",      "during",    "each",    "eh",      "either",
    "else",    "even",    "ever",       "every",     "few",       "for",     "from",    "further",
    "get",     "gets",    "getting",    "go",        "goes",      "going",   "gonna",   "got",
    "had",     "hadn't",  "has",        "hasn't",    "have",      "haven't", "having",  "he",
    "he'd",    "he'll",   "he's",       "her",       "here",      "here's",  "hers",    "herself",
    "him",     "himself", "his",        "hmm",       "how",       "how's",   "however", "i",
    "i'd",     "i'll",    "i'm",        "i've",      "if",        "in",      "into",    "is",
    "isn't",   "it",      "it's",       "its",       "itself",    "just",    "know",    "let",
    "let's",   "lets",    "like",       "lot",       "made",      "make",    "many",    "may",
    "maybe",   "me",      "might",      "mm",        "more",      "most",    "much",    "must",
    "mustn't", "my",      "myself",     "need",      "never",     "no",      "nor",     "not",
    "now",     "of",      "off",        "oh",        "ok",        "okay",    "on",      "once",
    "one",     "only",    "or",         "other",     "ought",     "our",     "ours",    "ourselves",
    "out",     "over",    "own",        "put",       "quite",     "rather",  "really",  "right",
    "said",    "same",    "say",        "says",      "see",       "shall",   "shan't",  "she",
    "she'd",   "she'll",  "she's",      "should",    "shouldn't", "so",      "some",    "something",
    "still",   "such",    "take",       "than",      "that",      "that's",  "the",     "their",
    "theirs",  "them",    "themselves", "then",      "there",     "there's", "these",   "they",
    "they'd",  "they'll", "they're",    "they've",   "thing",     "things",  "think",   "this",
    "those",   "though",  "through",    "to",        "too",       "uh",      "um",      "under",
    "until",   "up",      "upon",       "us",        "use",       "used",    "very",    "want",
    "was",     "wasn't",  "way",        "we",        "we'd",      "we'll",   "we're",   "we've",
    "well",    "went",    "were",       "weren't",   "what",      "what's",  "when",    "when's",
    "where",   "where's", "whether",    "which",     "while",     "who",     "who's",   "whom",
    "whose",   "why",     "why's",      "will",      "with",      "won't",   "would",   "wouldn't",
    "yeah",    "yes",     "yet",        "you",       "you'd",     "you'll",  "you're",  "you've",
    "your",    "yours",   "yourself",   "yourselves"};
static_assert(std::is_sorted(std::begin(kStopwords), std::end(kStopwords)));

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/// The length of the non-ASCII punctuation or space at text[i] (Latin-1's U+0080–U+00BF such as
/// « » ¡ ¿ and no-break space, General Punctuation U+2000–U+206F such as — “ ” …, CJK's
/// U+3000–U+303F), or 0 when there is none.
size_t punctuation(std::string_view text, size_t i) {
  auto at = [&](size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0; };
  if (at(i) == 0xC2 && at(i + 1) >= 0x80 && at(i + 1) <= 0xBF) return 2;
  if (at(i) == 0xE2 && (at(i + 1) == 0x80 || at(i + 1) == 0x81) && at(i + 2) >= 0x80) return 3;
  if (at(i) == 0xE3 && at(i + 1) == 0x80 && at(i + 2) >= 0x80) return 3;
  return 0;
}

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

}  // namespace

std::string fold(std::string_view word) {
  std::string out(word);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_stopword(std::string_view word) {
  return std::binary_search(std::begin(kStopwords), std::end(kStopwords), word);
}

std::string stem(std::string_view word) {
  // A Snowball stemmer is not safe to share between threads: one per thread.
  thread_local std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer(
      sb_stemmer_new("english", "UTF_8"));
  if (!stemmer || word.empty()) return std::string(word);
  std::string folded = fold(word);
  // Curly apostrophes are folded to straight ones by tokenize(); Snowball wants none at the end.
  const sb_symbol* out =
      sb_stemmer_stem(stemmer.get(), reinterpret_cast<const sb_symbol*>(folded.data()),
                      static_cast<int>(folded.size()));
  if (!out) return folded;
  return std::string(reinterpret_cast<const char*>(out),
                     static_cast<size_t>(sb_stemmer_length(stemmer.get())));
}

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  size_t i = 0;
  const size_t n = text.size();
  auto at = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  while (i < n) {
    // U+2019 (’, E2 80 99) is an apostrophe, not a letter.
    auto curly = [&](size_t k) {
      return k + 2 < n && at(k) == 0xE2 && at(k + 1) == 0x80 && at(k + 2) == 0x99;
    };
    if (size_t p = punctuation(text, i)) {
      i += p;
      continue;
    }
    if (!is_word_byte(at(i))) {
      ++i;
      continue;
    }
    std::string word;
    while (i < n) {
      if (curly(i)) {
        if (i + 3 < n && is_word_byte(at(i + 3)) && !curly(i + 3)) {
          word += '\'';
          i += 3;
          continue;
        }
        break;
      }
      unsigned char c = at(i);
      if (punctuation(text, i)) break;
      if (is_word_byte(c)) {
        word += static_cast<char>(c);
        ++i;
      } else if ((c == '\'' || c == '-') && i + 1 < n && is_word_byte(at(i + 1)) && !word.empty()) {
        word += static_cast<char>(c);
        ++i;
      } else {
        break;
      }
    }
    Token t;
    t.surface = word;
    t.folded = fold(word);
    bool has_letter = std::any_of(t.folded.begin(), t.folded.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
    });
    t.content = has_letter && t.folded.size() > 1 && !is_stopword(t.folded);
    std::string base = t.folded;
    // "teacher's" counts as "teacher".
    if (base.size() > 2 && base.ends_with("'s")) base.resize(base.size() - 2);
    t.stem = t.content ? stem(base) : base;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace wfc::ai::text
