// A transcript cut into timed sentences: at its punctuation when it has some (a provider's
// transcript), else at pauses between words and at segment ends (a recognizer's lower-case,
// unpunctuated words), with a length cap either way.
#pragma once

#include <string>
#include <vector>

#include "runtime/ai/ai.h"
#include "runtime/ai/text/words.h"

namespace wfc::ai::text {

/// Silence between two words that ends an unpunctuated sentence, in seconds.
inline constexpr double kSentencePause = 0.6;
/// The most words a sentence holds before it is cut (at the longest pause inside it).
inline constexpr size_t kMaxSentenceWords = 40;

/// One sentence: its words' span of `timed_words(transcript)`, its times, and its text for
/// display (an unpunctuated sentence gets a capital and a full stop).
struct Sentence {
  double start = 0, end = 0;
  size_t first_word = 0, word_count = 0;
  std::string text;
};

/// Whether `words` carry sentence punctuation (any word ends a sentence but the last).
bool punctuated(const std::vector<TimedWord>& words);

/// The sentences of `words` (timed_words() of a transcript), in order, covering every word once.
std::vector<Sentence> split_sentences(const std::vector<TimedWord>& words);

/// The same, from a transcript.
std::vector<Sentence> split_sentences(const Transcript& transcript);

}  // namespace wfc::ai::text
