// Key phrases: the short run of content words that best stands for a text or a span of it, for
// the summary's title and for chapter and outline titles.
#pragma once

#include <string>
#include <vector>

#include "runtime/ai/ai.h"
#include "runtime/ai/text/rank.h"
#include "runtime/ai/text/tokens.h"
#include "runtime/ai/text/words.h"

namespace wfc::ai::text {

/// The longest key phrase, in words.
inline constexpr size_t kMaxPhraseWords = 4;

/// The runs of consecutive content words among the words of `words` whose middle lies in
/// [start, end): a run ends at a stopword, at clause or sentence punctuation, at a segment end
/// and at a pause of kSentencePause or more.
std::vector<std::vector<Token>> content_runs(const std::vector<TimedWord>& words, double start,
                                             double end);

/// A phrase's words are all among this many best-scored terms.
inline constexpr size_t kPhraseVocabulary = 12;

/// The best phrase of 2–kMaxPhraseWords consecutive words of `runs` whose stems are all among the
/// kPhraseVocabulary best by `score` (no stem twice), title-cased: the highest sum of its stems'
/// scores times 1 + ln(occurrences). The best single word when no such phrase exists; "" when
/// `runs` has no word.
std::string best_phrase(const std::vector<std::vector<Token>>& runs, const TermVector& score);

/// `phrase` with each word's first letter in upper case.
std::string title_case(std::string phrase);

/// A title for the span [start, end) of `transcript`: its most distinctive terms against the
/// whole transcript (a term's count in the span times the log of how much more often it occurs
/// there than overall), as best_phrase() of the span. "" when the span has no words (the caller
/// names it "Chapter N"); a span of stopwords alone gives its most frequent word.
std::string key_phrase(const Transcript& transcript, double start, double end);

}  // namespace wfc::ai::text
