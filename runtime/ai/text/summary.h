// The local extractive summary of a transcript: LexRank picks its most central sentences; a
// term's uses, each weighted by its sentence's centrality, rank the keywords; the best key phrase
// of those keywords is its title. Deterministic: the same transcript gives the same summary.
#pragma once

#include "runtime/ai/ai.h"

namespace wfc::ai::text {

/// The most sentences a summary holds…
inline constexpr size_t kSummarySentences = 3;
/// …and the most words (a sentence that would pass it is skipped for a shorter one; the best
/// sentence is always kept).
inline constexpr size_t kSummaryWords = 60;
/// Sentences shorter than this many words are not picked while longer ones remain.
inline constexpr size_t kSummaryMinSentenceWords = 4;
/// A sentence whose terms' cosine with a picked one exceeds this repeats it and is not picked.
inline constexpr double kSummaryMaxOverlap = 0.5;
/// The most keywords.
inline constexpr size_t kKeywords = 8;

/// The summary of `transcript`: `summary` is its top sentences in their original order,
/// `keywords` the top stemmed terms (by their uses, each weighted by the LexRank score of its
/// sentence) in their most frequent spelling (lower case unless always
/// capitalized mid-sentence), `title` the best key phrase, title-cased; `language` is the
/// transcript's. A transcript without words gives an empty summary.
Summary summarize_transcript(const Transcript& transcript);

}  // namespace wfc::ai::text
