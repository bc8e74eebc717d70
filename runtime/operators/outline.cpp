// The outline operator: the input's structure as `{kind: "outline", timeline: [{title, start,
// end}]}` over the same sections the chapters operator finds (chapter_sections.h), titled by the
// text analyser.
#include "runtime/operators/chapter_sections.h"
#include "runtime/operators/intelligence.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

using nlohmann::json;

void build_outline(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set) {
  auto sections = chapter_sections(in, work, set);
  if (!sections) return;
  work.after_pass = 0.8;
  work.collect = [sections](media::OutputWork& w, std::string* error) mutable {
    auto chapters = sections->titled(w);
    if (!chapters) return std::vector<json>{};
    json timeline = json::array();
    for (const ai::Section& s : *chapters)
      timeline.push_back({{"title", s.title}, {"start", s.start}, {"end", s.end}});
    return std::vector<json>{write_data(w, {{"kind", "outline"}, {"timeline", timeline}}, error)};
  };
}

}  // namespace wfc::operators
