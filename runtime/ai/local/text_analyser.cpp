// The local text analyser (text_analyser.h).
#include "runtime/ai/local/text_analyser.h"

#include <fmt/format.h>

#include "runtime/ai/text/phrases.h"
#include "runtime/ai/text/summary.h"

namespace wfc::ai {
namespace {

bool cancelled(const Call& call) { return call.cancel && call.cancel->load(); }

Failure cancel_failure() { return {"cancelled", "the text analysis was cancelled"}; }

}  // namespace

Outcome<Summary> LocalTextAnalyser::summarize(const Transcript& transcript, const Call& call) {
  if (cancelled(call)) return cancel_failure();
  Summary out = text::summarize_transcript(transcript);
  if (call.progress) call.progress(1.0);
  return out;
}

Outcome<std::vector<std::string>> LocalTextAnalyser::titles(const Transcript& transcript,
                                                            std::span<const Section> spans,
                                                            const Call& call) {
  std::vector<std::string> out;
  for (size_t i = 0; i < spans.size(); ++i) {
    if (cancelled(call)) return cancel_failure();
    std::string title = text::key_phrase(transcript, spans[i].start, spans[i].end);
    out.push_back(title.empty() ? fmt::format("Chapter {}", i + 1) : title);
    if (call.progress)
      call.progress(static_cast<double>(i + 1) / static_cast<double>(spans.size()));
  }
  return out;
}

}  // namespace wfc::ai
