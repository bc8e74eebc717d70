// OpenAI's chat completions with a structured answer, shared by the text analyser and the vision
// classifier: POST {base}/v1/chat/completions with `response_format: {type: "json_schema",
// json_schema: {name, strict: true, schema}}`, answering choices[0].message.content parsed as
// JSON (provider_invalid when it is not) or the model's refusal (provider_failed).
#pragma once

#include <string>

#include "runtime/ai/http/client.h"

namespace wfc::ai::http {

/// `messages` (OpenAI's [{role, content}]) sent to `model`, the answer held to `schema` (an
/// object schema; strict mode wants every property required and no others allowed).
Outcome<Json> chat_json(const Endpoint& endpoint, const std::string& model, Json messages,
                        const std::string& schema_name, Json schema, const Call& call);

}  // namespace wfc::ai::http
