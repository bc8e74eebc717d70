// A transcript's words with their times, the way both the text analysis and the subtitle writer
// read them: the recognizer's word times when it gave them (with the punctuation of the segment's
// text, when the text and the words agree), else the segment's time spread over its words.
#pragma once

#include <string>
#include <vector>

#include "runtime/ai/ai.h"

namespace wfc::ai::text {

/// One word as it is shown (punctuation attached: "Hello,"), with its time in seconds.
struct TimedWord {
  double start = 0, end = 0;
  std::string text;
  bool segment_end = false;  // the last word of its segment
};

/// Every word of `transcript` in order. A segment with words keeps their times; when its text
/// splits into as many words, the text's spelling (with its punctuation and case) is used. A
/// segment without words has its time spread over the words of its text in proportion to their
/// length. Times are made non-decreasing: a word never starts before the previous one ends.
std::vector<TimedWord> timed_words(const Transcript& transcript);

/// Whether `word` ends a sentence: its last character (before closing quotes or brackets) is
/// '.', '!', '?' or '…'.
bool ends_sentence(const std::string& word);

/// Whether `word` ends a clause: ',', ';', ':' or '—' / '–' at its end, or ends_sentence().
bool ends_clause(const std::string& word);

}  // namespace wfc::ai::text
