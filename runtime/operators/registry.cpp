// The table from kind to operator (registry.h). One row per catalog kind, in catalog order.
#include "runtime/operators/registry.h"

namespace wfc::operators {
namespace {

using Runs = Operator::Runs;

constexpr std::string_view kNoIntelligence =
    "the intelligence engines (speech, subtitles, chapters, summary, outline, nsfw) are not in "
    "this runtime yet; the workflow is valid, but this task cannot run here";

}  // namespace

const std::vector<Operator>& all_operators() {
  static const std::vector<Operator> table = {
      {"ingest", Runs::Alone, nullptr, run_ingest, {}},
      {"import", Runs::Alone, nullptr, run_import, {}},
      {"probe", Runs::Scheduler, nullptr, nullptr, {}},
      {"video", Runs::MediaPass, build_video, nullptr, {}},
      {"audio", Runs::MediaPass, build_audio, nullptr, {}},
      {"image", Runs::MediaPass, build_image, nullptr, {}},
      {"animation", Runs::MediaPass, build_animation, nullptr, {}},
      {"adaptive_video", Runs::MediaPass, build_adaptive_video, nullptr, {}},
      {"thumbnails", Runs::MediaPass, build_thumbnails, nullptr, {}},
      {"subtitles", Runs::NotRunnable, nullptr, nullptr, kNoIntelligence},
      {"chapters", Runs::NotRunnable, nullptr, nullptr, kNoIntelligence},
      {"speech", Runs::NotRunnable, nullptr, nullptr, kNoIntelligence},
      {"nsfw", Runs::NotRunnable, nullptr, nullptr, kNoIntelligence},
      {"summary", Runs::NotRunnable, nullptr, nullptr, kNoIntelligence},
      {"outline", Runs::NotRunnable, nullptr, nullptr, kNoIntelligence},
      {"export", Runs::Alone, nullptr, run_export, {}},
      {"conditions", Runs::Scheduler, nullptr, nullptr, {}},
  };
  return table;
}

const Operator* find_operator(std::string_view kind) {
  for (const Operator& op : all_operators()) {
    if (op.kind == kind) return &op;
  }
  return nullptr;
}

}  // namespace wfc::operators
