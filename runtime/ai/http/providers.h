// The HTTP providers of the intelligence engines (runtime/ai/config.h lists them): each factory
// builds the engine its ProviderConfig names, or null when the provider is not one of its role's
// HTTP providers (`local`, or a name of another role). docs/ai.md shows each request.
//
//   transcribe  openai        POST {base}/v1/audio/transcriptions   (multipart, verbose_json)
//               whisper.cpp   POST {base}/inference                 (multipart, verbose_json)
//   text        openai        POST {base}/v1/chat/completions       (JSON-schema response format)
//   classify    openai-moderation  POST {base}/v1/moderations       (one image per request)
//               openai-vision      POST {base}/v1/chat/completions  (one image per request)
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "runtime/ai/ai.h"
#include "runtime/ai/config.h"

namespace wfc::ai::http {

std::shared_ptr<Transcriber> make_http_transcriber(const ProviderConfig& config);
std::shared_ptr<TextAnalyser> make_http_text_analyser(const ProviderConfig& config);
std::shared_ptr<FrameClassifier> make_http_classifier(const ProviderConfig& config);

/// `audio` as a WAV file: RIFF, 16-bit PCM, mono, 16 kHz.
std::string wav_file(const Audio& audio);

/// A BCP 47 code for a language as Whisper names it ("english" → "en", "Portuguese" → "pt");
/// a code given already, or an unknown name, comes back lowercased as it is.
std::string language_code(std::string_view name);

}  // namespace wfc::ai::http
