// The nsfw kind's result: per-frame class scores from any frame classifier (nsfwjs's classes,
// OpenAI moderation's categories, a vision provider's) turned into ittybit's shape:
//
//   {"kind": "nsfw", "nudity": true, "sexual": true, "violence": null, "gore": null,
//    "categories": ["nudity", "sexual"],
//    "severity": {"nudity": "high", "sexual": "high", "violence": null, "gore": null},
//    "description": "…",
//    "timeline": [{"start": 2.0, "end": 4.0, "category": "nudity", "severity": "high"}, …],
//    "scores": {"nudity": 0.97, "sexual": 0.99, "violence": null, "gore": null,
//               "classes": {"Porn": 0.95, …}, "frames": 12}}
//
// A category the classifier cannot judge (violence and gore for the local model) is null
// everywhere and the description says so. `scores` holds each category's and each class's peak
// over the frames.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string_view>

#include "runtime/ai/ai.h"

namespace wfc::ai {

/// The four categories, in the order `categories` and the timeline list them.
inline constexpr std::array<std::string_view, 4> kNsfwCategories = {"nudity", "sexual", "violence",
                                                                    "gore"};

/// A frame's score for each category, from its classes (the highest where several map to one):
///   nudity    nsfwjs Porn + Hentai; a vision provider's "nudity"; moderation's "sexual" (its
///             nearest: moderation has no nudity category)
///   sexual    nsfwjs Porn + Hentai + Sexy; "sexual", "sexual/minors"
///   violence  "violence", "violence/graphic"
///   gore      a vision provider's "gore"; moderation's "violence/graphic"
/// A frame is flagged for a category when its score reaches the category's threshold; the
/// category is true when any frame is flagged.
inline constexpr float kNudityThreshold = 0.6f;    // nsfwjs: Porn + Hentai
inline constexpr float kSexualThreshold = 0.7f;    // nsfwjs: also Sexy (suggestive, clothed)
inline constexpr float kViolenceThreshold = 0.5f;  // moderation scores: probabilities
inline constexpr float kGoreThreshold = 0.5f;

/// Severity from a score that reached its category's threshold: "low" below kSeverityMedium,
/// "medium" below kSeverityHigh, "high" from it; "none" for a category no frame reached.
inline constexpr float kSeverityMedium = 0.8f;
inline constexpr float kSeverityHigh = 0.95f;

/// What the report is made from.
struct NsfwEvidence {
  std::span<const Scores> frames;  // one per frame, in time order
  std::span<const double> times;   // each frame's time in seconds (same count as frames)
  double duration = 0;             // the input's duration in seconds; 0 for an image
  /// Whether the classifier judges violence and gore (an HTTP provider); when false they are
  /// null in the result even if some class happens to map to them.
  bool judges_violence = false;
  std::string engine;  // the classifier's name, for the description ("nsfwjs")
};

/// The category's score in one frame, or nullopt when none of the frame's classes map to it.
std::optional<float> nsfw_category_score(const Scores& frame, std::string_view category);

/// The result. A frame's span runs from its time to the next frame's (the last one's to
/// `duration`); consecutive flagged frames of one category merge into one timeline entry,
/// whose severity is its peak's. The timeline is ordered by start, then category.
nlohmann::json nsfw_report(const NsfwEvidence& evidence);

}  // namespace wfc::ai
