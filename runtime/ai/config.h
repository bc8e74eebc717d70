// Which engine runs each role of the intelligence kinds, read the same way by `wfc run`,
// `wfc serve` and `wfc worker`: a JSON file (`--ai-config FILE` / WFC_AI_CONFIG) and environment
// variables, the variables winning. Three roles:
//
//   transcribe  speech, subtitles, chapters, summary, outline (one transcription serves them all)
//   text        summary, outline, chapter titles
//   classify    nsfw
//
// For each role: provider, base URL, key, model and timeout, as
//   { "transcribe": {"provider": "openai", "base_url": "http://127.0.0.1:8080",
//                    "api_key": "…", "model": "whisper-1", "timeout": 120}, … }
// or WFC_AI_<ROLE>_PROVIDER, _URL, _KEY, _MODEL, _TIMEOUT (ROLE: TRANSCRIBE, TEXT, CLASSIFY).
// Providers: `local` (the default of every role), and
//   transcribe  `openai` (POST {base}/v1/audio/transcriptions, verbose_json with word and
//               segment times), `whisper.cpp` (the whisper.cpp server's POST {base}/inference)
//   text        `openai` (POST {base}/v1/chat/completions with a JSON-schema response format)
//   classify    `openai-moderation` (POST {base}/v1/moderations with image input),
//               `openai-vision` (POST {base}/v1/chat/completions with an image and a JSON schema)
// docs/ai.md documents each with a worked example. The engines they name are built by
// make_engines (runtime/ai/engines/engines.h).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "runtime/ai/ai.h"

namespace wfc::ai {

struct ProviderConfig {
  std::string provider = "local";
  std::string base_url;  // no trailing '/'
  std::string api_key;   // sent as `Authorization: Bearer …` when set
  std::string model;     // "" for the provider's default
  std::chrono::milliseconds timeout{120000};
};

struct Config {
  ProviderConfig transcribe, text, classify;
  /// Where the local models are (the nsfw ONNX model); "" for the default
  /// (WFC_MODEL_DIR, else the directory tools/install-deps converts into).
  std::string model_dir;
};

/// The configuration from `file` (none when empty) and the environment `env` (a variable's name to
/// its value; the process environment when null). nullopt with *error naming the file, the key or
/// the variable and what is wrong with it.
std::optional<Config> load_config(const std::string& file,
                                  const std::map<std::string, std::string>* env,
                                  std::string* error);

}  // namespace wfc::ai
