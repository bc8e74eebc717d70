// Chapter sections (chapter_sections.h).
#include "runtime/operators/chapter_sections.h"

#include <fmt/format.h>

#include <mutex>

#include "runtime/ai/pauses.h"
#include "runtime/ai/text/chapters.h"
#include "runtime/operators/intelligence.h"

namespace wfc::operators {

struct ChapterSections::State {
  Transcription transcription;
  SceneCuts scenes;
  double duration = 0;
  double min_seconds = 0, max_chapters = 1, pause_seconds = 0;
  std::mutex mutex;
  bool done = false;
  std::optional<std::vector<ai::Section>> sections;
  ai::Failure failure;
};

std::optional<std::vector<ai::Section>> ChapterSections::titled(media::OutputWork& work) {
  State& s = *state;
  std::lock_guard lock(s.mutex);
  if (!s.done) {
    s.done = true;
    const ai::Transcript* transcript = s.transcription.transcript(work);
    if (!transcript) {
      s.failure = {work.error->kind, work.error->message};
      return std::nullopt;
    }
    ai::text::ChapterCues cues;
    cues.transcript = transcript;
    cues.scene_cuts = s.scenes.cuts();
    for (const ai::Pause& p : ai::find_pauses(s.transcription.audio(), s.pause_seconds))
      cues.pauses.emplace_back(p.start, p.end);
    cues.duration = s.duration;
    cues.min_length = std::max(s.min_seconds, s.duration / std::max(1.0, s.max_chapters));
    std::vector<ai::Section> sections = ai::text::find_chapters(cues);
    const ai::Engines* e = engines(work);
    if (!e) {
      s.failure = {work.error->kind, work.error->message};  // for the other output too
      return std::nullopt;
    }
    if (!e->text) {
      s.failure = e->why_text;
    } else {
      auto titles = e->text->titles(*transcript, sections, engine_call(work));
      if (auto* f = std::get_if<ai::Failure>(&titles)) {
        s.failure = *f;
      } else {
        const auto& names = std::get<std::vector<std::string>>(titles);
        for (size_t i = 0; i < sections.size(); ++i) {
          sections[i].title = i < names.size() ? names[i] : "";
          if (sections[i].title.empty()) sections[i].title = fmt::format("Chapter {}", i + 1);
        }
        s.sections = std::move(sections);
      }
    }
  }
  if (!s.sections) {
    if (!work.error) work.fail(s.failure.kind, s.failure.message);
    return std::nullopt;
  }
  return s.sections;
}

std::optional<ChapterSections> chapter_sections(const media::InputInfo& in, media::OutputWork& work,
                                                media::BranchSet& set) {
  auto& slot = set.shared["sections"];
  ChapterSections c;
  if (slot) {
    c.state = std::static_pointer_cast<ChapterSections::State>(slot);
    // This output reads the same branches.
    c.state->transcription.serve(work);
    c.state->scenes.serve(work);
    return c;
  }
  // The constants are the chapters kind's, for the outline too: it is over the same sections.
  constexpr std::string_view kSections = "chapters";
  auto min_seconds = media::kind_number(work, "min_seconds", kSections);
  auto max_chapters = media::kind_number(work, "max_chapters", kSections);
  auto pause_seconds = media::kind_number(work, "pause_seconds", kSections);
  auto threshold = media::kind_number(work, "scene_threshold", kSections);
  auto width = media::kind_number(work, "scene_width", kSections);
  if (!min_seconds || !max_chapters || !pause_seconds || !threshold || !width) return std::nullopt;
  auto t = transcription(in, work, set, "");
  if (!t) return std::nullopt;
  c.state = std::make_shared<ChapterSections::State>();
  c.state->transcription = *t;
  c.state->scenes = scene_cuts(in, work, set, static_cast<int>(*width), *threshold);
  if (work.error) return std::nullopt;
  c.state->duration = in.duration;
  c.state->min_seconds = *min_seconds;
  c.state->max_chapters = *max_chapters;
  c.state->pause_seconds = *pause_seconds;
  slot = c.state;
  return c;
}

}  // namespace wfc::operators
