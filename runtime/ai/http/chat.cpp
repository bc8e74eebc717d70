// OpenAI's chat completions with a JSON-schema response format (chat.h).
#include "runtime/ai/http/chat.h"

#include "runtime/ai/http/answer.h"

namespace wfc::ai::http {

Outcome<Json> chat_json(const Endpoint& e, const std::string& model, Json messages,
                        const std::string& schema_name, Json schema, const Call& call) {
  Json body = {{"model", model},
               {"messages", std::move(messages)},
               {"response_format",
                {{"type", "json_schema"},
                 {"json_schema",
                  {{"name", schema_name}, {"strict", true}, {"schema", std::move(schema)}}}}}};
  auto answer = post_json(e, body, call);
  if (failed(answer)) return std::get<Failure>(answer);
  const Json& json = std::get<Json>(answer);
  AnswerReader reader(e);
  const Json* choices = reader.array(json, "choices", "");
  if (choices != nullptr && choices->empty()) reader.missing("'choices[0]' (an object)");
  if (auto f = reader.failure()) return *f;
  const Json* message = reader.object((*choices)[0], "message", "choices[0]");
  if (auto f = reader.failure()) return *f;
  auto refusal = message->find("refusal");
  if (refusal != message->end() && refusal->is_string() && !refusal->get<std::string>().empty()) {
    return Failure{"provider_failed", who(e) + " refused: " + refusal->get<std::string>()};
  }
  std::string content = reader.string(*message, "content", "choices[0].message");
  if (auto f = reader.failure()) return *f;
  Json parsed = Json::parse(content, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    auto finish = (*choices)[0].find("finish_reason");
    bool cut = finish != (*choices)[0].end() && *finish == "length";
    return invalid(e, cut ? std::string("a whole JSON object in its message (it stopped at the "
                                        "length limit)")
                          : std::string("a JSON object in its message's content"));
  }
  return parsed;
}

}  // namespace wfc::ai::http
