// The bounds on a media pass (limits.h): parsing them, the budget and the picture checks.
#include "runtime/media/limits.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace wfc::media {
namespace {

std::string text(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::optional<double> number(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v) || v <= 0)
    return std::nullopt;
  return v;
}

/// "6GiB", "512M", "1000000": bytes; nullopt when malformed.
std::optional<double> byte_count(std::string_view s) {
  static const std::pair<std::string_view, double> kUnits[] = {
      {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
      {"Ki", 1024.0},  {"Mi", 1048576.0},  {"Gi", 1073741824.0},
      {"K", 1e3},      {"M", 1e6},         {"G", 1e9}};
  for (auto [unit, scale] : kUnits) {
    if (s.size() > unit.size() && s.ends_with(unit)) {
      auto v = number(s.substr(0, s.size() - unit.size()));
      return v ? std::optional<double>(*v * scale) : std::nullopt;
    }
  }
  return number(s);
}

}  // namespace

bool parse_limit(Limits& limits, std::string_view entry, std::string* error) {
  size_t eq = entry.find('=');
  std::string_view name = entry.substr(0, eq), value;
  if (eq != std::string_view::npos) value = entry.substr(eq + 1);
  auto integer = [&](auto& field, double max) {
    auto v = number(value);
    if (!v || *v != std::floor(*v) || *v > max) return false;
    field = static_cast<std::remove_reference_t<decltype(field)>>(*v);
    return true;
  };
  bool ok = false;
  if (name == "max_side") {
    ok = integer(limits.max_side, 1 << 20);
  } else if (name == "max_frame_pixels") {
    ok = integer(limits.max_frame_pixels, 1e12);
  } else if (name == "max_tiles") {
    ok = integer(limits.max_tiles, 1e9);
  } else if (name == "max_sheet_pixels") {
    ok = integer(limits.max_sheet_pixels, 1e12);
  } else if (name == "max_outputs") {
    ok = integer(limits.max_outputs, 1 << 20);
  } else if (name == "max_claimed_duration" || name == "max_pixel_rate" || name == "max_upscale") {
    auto v = number(value);
    ok = v.has_value() && (name != "max_upscale" || *v >= 1);
    if (ok) {
      if (name == "max_claimed_duration") limits.max_claimed_duration = *v;
      if (name == "max_pixel_rate") limits.max_pixel_rate = *v;
      if (name == "max_upscale") limits.max_upscale = *v;
    }
  } else if (name == "max_memory") {
    auto v = byte_count(value);
    ok = v && *v < 9e18;
    if (ok) limits.max_memory = static_cast<int64_t>(*v);
  } else {
    *error = "unknown media limit '" + std::string(name) +
             "'; the limits are max_side, max_frame_pixels, max_claimed_duration, max_tiles, "
             "max_sheet_pixels, max_outputs, max_pixel_rate, max_memory and max_upscale";
    return false;
  }
  if (!ok)
    *error = "media limit '" + std::string(entry) + "': expected " + std::string(name) +
             (name == "max_memory"    ? "=BYTES (a positive number, optionally with K, M, G, KiB, "
                                        "MiB or GiB)"
              : name == "max_upscale" ? "=FACTOR (a number of at least 1)"
                                      : "=N (a positive number)");
  return ok;
}

bool parse_limits(Limits& limits, std::string_view list, std::string* error) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view entry = list.substr(0, comma);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (!entry.empty() && !parse_limit(limits, entry, error)) return false;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return true;
}

std::string bytes_text(int64_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  char buf[48];
  snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.3g %s", v, units[u]);
  return buf;
}

bool MemoryBudget::reserve(int64_t bytes) {
  int64_t used = used_.load();
  do {
    if (bytes > limit_ - used) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes));
  return true;
}

int64_t decoded_stream_bytes(int width, int height) { return int64_t{16} * width * height * 4; }

int64_t video_encoder_bytes(int width, int height) { return int64_t{192} * width * height; }

int64_t picture_encoder_bytes(int width, int height) { return int64_t{16} * width * height; }

std::optional<MediaError> check_picture(const Limits& limits, int out_w, int out_h, int in_w,
                                        int in_h, bool upscale, std::string_view what) {
  std::string size = std::to_string(out_w) + "x" + std::to_string(out_h);
  std::string name(what);
  if (out_w > limits.max_side || out_h > limits.max_side)
    return MediaError{"input_invalid",
                      "the " + name + " would be " + size + ", larger than the limit of " +
                          std::to_string(limits.max_side) +
                          " px per side (media limit max_side); ask for a smaller width or "
                          "height"};
  if (int64_t{out_w} * out_h > limits.max_frame_pixels)
    return MediaError{"input_invalid", "the " + name + " would be " + size + " (" +
                                           std::to_string(int64_t{out_w} * out_h) +
                                           " pixels), more than the " + "limit of " +
                                           std::to_string(limits.max_frame_pixels) +
                                           " pixels per frame (media limit max_frame_pixels)"};
  if (upscale || in_w <= 0 || in_h <= 0) return std::nullopt;
  double factor = std::max(double(out_w) / in_w, double(out_h) / in_h);
  if (factor > limits.max_upscale + 1e-9)
    return MediaError{"limit_exceeded",
                      "the " + name + " would be " + size + ", " +
                          text(std::round(factor * 10) / 10) + "× the input's " +
                          std::to_string(in_w) + "x" + std::to_string(in_h) +
                          "; outputs may be at most " + text(limits.max_upscale) +
                          "× the input per side (media limit max_upscale). Ask for a smaller "
                          "width or height, or set the option `upscale: true` to allow it"};
  return std::nullopt;
}

}  // namespace wfc::media
