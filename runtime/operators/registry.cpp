// The table from kind to operator (registry.h). One row per catalog kind, in catalog order.
#include "runtime/operators/registry.h"

namespace wfc::operators {
namespace {

using Runs = Operator::Runs;

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
      {"subtitles", Runs::MediaPass, build_subtitles, nullptr, {}},
      {"chapters", Runs::MediaPass, build_chapters, nullptr, {}},
      {"speech", Runs::MediaPass, build_speech, nullptr, {}},
      {"nsfw", Runs::MediaPass, build_nsfw, nullptr, {}},
      {"summary", Runs::MediaPass, build_summary, nullptr, {}},
      {"outline", Runs::MediaPass, build_outline, nullptr, {}},
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
