// make_engines (engines.h): each role's engine by its configured provider — the local engines
// (pocketsphinx, the text analysis of runtime/ai/text, nsfwjs's model on OpenCV DNN) or an HTTP
// provider (runtime/ai/http/providers.h). An engine that cannot be built is left null with the
// reason, so a runtime without the nsfw model still runs everything else.
#include "runtime/ai/engines/engines.h"

#include "runtime/ai/http/providers.h"
#include "runtime/ai/local/nsfw_classifier.h"
#include "runtime/ai/local/sphinx_transcriber.h"
#include "runtime/ai/local/text_analyser.h"

namespace wfc::ai {

namespace {

template <class T, class Built>
void take(Built built, std::shared_ptr<T>* engine, Failure* why) {
  if (auto* f = std::get_if<Failure>(&built)) {
    *why = *f;
  } else {
    *engine = std::move(std::get<0>(built));
  }
}

}  // namespace

Engines make_engines(const Config& config) {
  Engines e;
  if (config.transcribe.provider == "local") {
    take(SphinxTranscriber::open(kSphinxModelDir), &e.transcriber, &e.why_transcriber);
  } else {
    e.transcriber = http::make_http_transcriber(config.transcribe);
  }
  if (config.text.provider == "local") {
    e.text = std::make_shared<LocalTextAnalyser>();
  } else {
    e.text = http::make_http_text_analyser(config.text);
  }
  if (config.classify.provider == "local") {
    take(NsfwClassifier::open(config.model_dir), &e.classifier, &e.why_classifier);
  } else {
    e.classifier = http::make_http_classifier(config.classify);
  }
  return e;
}

}  // namespace wfc::ai
