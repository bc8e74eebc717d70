// Per-frame class scores to the nsfw result (nsfw_report.h).
#include "runtime/ai/nsfw_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace wfc::ai {

namespace {

float threshold(std::string_view category) {
  if (category == "nudity") return kNudityThreshold;
  if (category == "sexual") return kSexualThreshold;
  if (category == "violence") return kViolenceThreshold;
  return kGoreThreshold;
}

bool is_violence(std::string_view category) { return category == "violence" || category == "gore"; }

const char* severity(float peak, std::string_view category) {
  if (peak < threshold(category)) return "none";
  if (peak < kSeverityMedium) return "low";
  if (peak < kSeverityHigh) return "medium";
  return "high";
}

/// What the description calls a category.
std::string_view noun(std::string_view category) {
  return category == "sexual" ? "sexual content" : category;
}

/// Scores as the result shows them: four decimals (a float's tail digits mean nothing).
double rounded(float score) { return std::round(static_cast<double>(score) * 1e4) / 1e4; }

/// "a", "a and b", "a, b and c" (or "a, b or c").
std::string join(const std::vector<std::string>& items, std::string_view last = " and ") {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? last : ", ";
    out += items[i];
  }
  return out;
}

std::string seconds(double t) { return fmt::format("{:.1f} s", t); }

struct Category {
  std::string_view name;
  bool judged = false;
  std::vector<std::optional<float>> per_frame;
  float peak = 0;
  size_t peak_frame = 0;
  bool flagged = false;
};

}  // namespace

std::optional<float> nsfw_category_score(const Scores& frame, std::string_view category) {
  std::optional<float> best;
  auto take = [&](std::optional<float> s) {
    if (s && (!best || *s > *best)) best = s;
  };
  auto sum = [&](std::initializer_list<std::string_view> names) -> std::optional<float> {
    float total = 0;
    for (std::string_view n : names) {
      auto s = frame.score(n);
      if (!s) return std::nullopt;
      total += *s;
    }
    return std::min(total, 1.0f);
  };
  if (category == "nudity") {
    take(sum({"Porn", "Hentai"}));
    take(frame.score("nudity"));
    take(frame.score("sexual"));
  } else if (category == "sexual") {
    take(sum({"Porn", "Hentai", "Sexy"}));
    take(frame.score("sexual"));
    take(frame.score("sexual/minors"));
  } else if (category == "violence") {
    take(frame.score("violence"));
    take(frame.score("violence/graphic"));
  } else if (category == "gore") {
    take(frame.score("gore"));
    take(frame.score("violence/graphic"));
  }
  return best;
}

nlohmann::json nsfw_report(const NsfwEvidence& evidence) {
  const size_t n = std::min(evidence.frames.size(), evidence.times.size());
  auto time = [&](size_t i) { return evidence.times[i]; };
  auto end_of = [&](size_t i) {
    return i + 1 < n ? time(i + 1) : std::max(evidence.duration, time(i));
  };

  std::vector<Category> categories;
  for (std::string_view name : kNsfwCategories) {
    Category c;
    c.name = name;
    bool maps = n == 0, seen = false;
    for (size_t i = 0; i < n; ++i) {
      auto s = nsfw_category_score(evidence.frames[i], name);
      c.per_frame.push_back(s);
      if (!s) continue;
      maps = true;
      if (!seen || *s > c.peak) c.peak = *s, c.peak_frame = i, seen = true;
    }
    c.judged = maps && (!is_violence(name) || evidence.judges_violence);
    c.flagged = c.judged && n > 0 && c.peak >= threshold(name);
    categories.push_back(std::move(c));
  }

  nlohmann::json result = {{"kind", "nsfw"}};
  nlohmann::json flagged = nlohmann::json::array();
  nlohmann::json severities = nlohmann::json::object();
  nlohmann::json scores = nlohmann::json::object();
  for (const Category& c : categories) {
    const std::string key(c.name);
    result[key] = c.judged ? nlohmann::json(c.flagged) : nlohmann::json(nullptr);
    severities[key] = c.judged ? nlohmann::json(severity(c.peak, c.name)) : nlohmann::json(nullptr);
    scores[key] = c.judged ? nlohmann::json(rounded(c.peak)) : nlohmann::json(nullptr);
    if (c.flagged) flagged.push_back(key);
  }

  // The timeline: each category's runs of flagged frames, then all of them by start.
  struct Span {
    double start, end;
    size_t category;
    float peak;
  };
  std::vector<Span> spans;
  std::vector<bool> any_flagged(n, false);
  for (size_t k = 0; k < categories.size(); ++k) {
    const Category& c = categories[k];
    if (!c.judged) continue;
    const float t = threshold(c.name);
    for (size_t i = 0; i < n;) {
      if (!c.per_frame[i] || *c.per_frame[i] < t) {
        ++i;
        continue;
      }
      Span s{time(i), 0, k, 0};
      for (; i < n && c.per_frame[i] && *c.per_frame[i] >= t; ++i) {
        s.peak = std::max(s.peak, *c.per_frame[i]);
        s.end = end_of(i);
        any_flagged[i] = true;
      }
      spans.push_back(s);
    }
  }
  std::stable_sort(spans.begin(), spans.end(),
                   [](const Span& a, const Span& b) { return a.start < b.start; });
  nlohmann::json timeline = nlohmann::json::array();
  for (const Span& s : spans) {
    std::string_view name = categories[s.category].name;
    timeline.push_back({{"start", s.start},
                        {"end", s.end},
                        {"category", std::string(name)},
                        {"severity", severity(s.peak, name)}});
  }

  // Every class's peak, under the name the classifier gave it.
  std::map<std::string, float> class_peaks;
  for (size_t i = 0; i < n; ++i) {
    for (const auto& [name, score] : evidence.frames[i].classes) {
      auto [it, inserted] = class_peaks.emplace(name, score);
      if (!inserted) it->second = std::max(it->second, score);
    }
  }
  nlohmann::json classes = nlohmann::json::object();
  for (const auto& [name, peak] : class_peaks) classes[name] = rounded(peak);
  scores["classes"] = std::move(classes);
  scores["frames"] = n;

  // The description: what was found (or not), then what was not judged and why.
  std::vector<std::string> found, clear, unjudged;
  for (const Category& c : categories) {
    if (!c.judged) {
      unjudged.emplace_back(noun(c.name));
    } else if (c.flagged) {
      found.push_back(fmt::format("{} ({}, peak {:.2f} at {})", noun(c.name),
                                  severity(c.peak, c.name), c.peak, seconds(time(c.peak_frame))));
    } else {
      clear.emplace_back(noun(c.name));
    }
  }
  const size_t hits = std::count(any_flagged.begin(), any_flagged.end(), true);
  const std::string frames = n == 1 ? "the picture" : fmt::format("{} frames", n);
  std::string description;
  if (n == 0) {
    description = "No frames were classified.";
  } else if (!found.empty()) {
    description = join(found) + " found in " +
                  (n == 1 ? frames : fmt::format("{} of {}", hits, frames)) + ".";
    if (!clear.empty()) description += " No " + join(clear, " or ") + ".";
  } else if (!clear.empty()) {
    description = "No " + join(clear, " or ") + " found in " + frames + ".";
  }
  if (!description.empty())
    description[0] = std::toupper(static_cast<unsigned char>(description[0]));
  if (!unjudged.empty()) {
    std::string what = join(unjudged);
    what[0] = std::toupper(static_cast<unsigned char>(what[0]));
    const std::string engine = evidence.engine.empty() ? "the classifier" : evidence.engine;
    description += (description.empty() ? "" : " ") + what + " not judged: " + engine +
                   " does not classify " + (unjudged.size() == 1 ? "it" : "them") +
                   "; an HTTP classifier (WFC_AI_CLASSIFY_PROVIDER openai-moderation or "
                   "openai-vision) does.";
  }

  result["categories"] = std::move(flagged);
  result["severity"] = std::move(severities);
  result["description"] = std::move(description);
  result["timeline"] = std::move(timeline);
  result["scores"] = std::move(scores);
  return result;
}

}  // namespace wfc::ai
