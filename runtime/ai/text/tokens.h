// The words of a text as the text analysis counts them: tokenizing, case-folding, English
// stopwords and Snowball's English stemmer (libstemmer). Every function is deterministic and safe
// to call from several threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wfc::ai::text {

/// One word of a text: as written (without the punctuation around it), folded to lower case,
/// and its stem. `content` is false for stopwords, numbers and one-letter words, which the
/// rankings ignore.
struct Token {
  std::string surface;
  std::string folded;
  std::string stem;
  bool content = false;
};

/// The words of `text` in order. A word is a run of letters, digits and inner apostrophes or
/// hyphens ("don't", "state-of-the-art"); bytes of multi-byte UTF-8 characters count as letters.
std::vector<Token> tokenize(std::string_view text);

/// `word` in ASCII lower case (other bytes unchanged).
std::string fold(std::string_view word);

/// Whether the folded `word` is an English stopword ("the", "and", "you're", …).
bool is_stopword(std::string_view word);

/// The Snowball English stem of the folded `word` ("running" → "run").
std::string stem(std::string_view word);

}  // namespace wfc::ai::text
