// The summary operator: `{kind: "summary", title, summary, keywords, language}` of the input's
// speech, from the text analyser (extractive TextRank locally, or a provider), written to
// `<id>.json`. An input without speech gives an empty summary and a `description` saying so; an
// image has no speech for these engines to summarize, and fails saying so.
#include "runtime/operators/intelligence.h"
#include "runtime/operators/registry.h"

namespace wfc::operators {

using nlohmann::json;

void build_summary(const media::InputInfo& in, media::OutputWork& work, media::BranchSet& set) {
  if (in.image)
    return work.fail("input_unsupported",
                     "summary describes speech, and an image has none; the engines of this "
                     "runtime do not caption pictures");
  auto t = transcription(in, work, set, "");
  if (!t) return;
  work.after_pass = 0.85;
  work.collect = [t](media::OutputWork& w, std::string* error) mutable {
    const ai::Transcript* transcript = t->transcript(w);
    if (!transcript) return std::vector<json>{};
    json out = {
        {"kind", "summary"},
        {"title", ""},
        {"summary", ""},
        {"keywords", json::array()},
        {"language", transcript->language.empty() ? json(nullptr) : json(transcript->language)}};
    if (transcript->segments.empty()) {
      out["description"] = "no speech was found in the input";
      return std::vector<json>{write_data(w, out, error)};
    }
    const ai::Engines* e = engines(w);
    if (!e) return std::vector<json>{};
    if (!e->text) {
      w.fail(e->why_text.kind, e->why_text.message);
      return std::vector<json>{};
    }
    auto summary = e->text->summarize(*transcript, engine_call(w));
    if (auto* f = std::get_if<ai::Failure>(&summary)) {
      w.fail(f->kind, f->message);
      return std::vector<json>{};
    }
    const ai::Summary& s = std::get<ai::Summary>(summary);
    out["title"] = s.title;
    out["summary"] = s.summary;
    out["keywords"] = s.keywords;
    if (!s.language.empty()) out["language"] = s.language;
    out["engine"] = e->text->name();
    return std::vector<json>{write_data(w, out, error)};
  };
}

}  // namespace wfc::operators
