// The picture an output draws (geometry.h).
#include "runtime/media/geometry.h"

#include <cmath>

namespace wfc::media {

namespace {

int round_to(int v, bool even) {
  if (!even) return std::max(v, 1);
  int r = (v + 1) / 2 * 2;
  return std::max(r, 2);
}

/// x and y expressions of the picture inside the box for a position (pad and crop share them:
/// `room` is (box - picture) for pad and (picture - box) for crop).
std::pair<std::string, std::string> place(const std::string& position, const char* room_x,
                                          const char* room_y) {
  std::string x = std::string("(") + room_x + ")/2", y = std::string("(") + room_y + ")/2";
  if (position.find("left") != std::string::npos) x = "0";
  if (position.find("right") != std::string::npos) x = room_x;
  if (position.find("top") != std::string::npos) y = "0";
  if (position.find("bottom") != std::string::npos) y = room_y;
  return {x, y};
}

std::string pad_color(const plan::Options& options, bool transparent) {
  std::string c = options.text("background");
  if (c.empty()) return transparent ? "0x00000000" : "0x000000";
  if (c.size() == 4 && c[0] == '#')  // #RGB → #RRGGBB
    c = std::string("#") + c[1] + c[1] + c[2] + c[2] + c[3] + c[3];
  return "0x" + c.substr(1);
}

}  // namespace

std::optional<Geometry> plan_geometry(const plan::Options& options, int in_w, int in_h, bool even,
                                      bool transparent, std::string* error) {
  if (in_w <= 0 || in_h <= 0) {
    *error = "the input has no picture size";
    return std::nullopt;
  }
  std::optional<int> w, h;
  if (auto d = options.dimension("width")) w = d->pixels(in_w);
  if (auto d = options.dimension("height")) h = d->pixels(in_h);
  Geometry g;
  std::string sws = ":flags=bicubic";
  if (w && h) {
    g.width = round_to(*w, even);
    g.height = round_to(*h, even);
    const std::string& fit = options.text("fit");
    const std::string& position = options.text("position");
    std::string box = std::to_string(g.width) + ":" + std::to_string(g.height);
    if (fit == "fill") {
      g.filters = "scale=" + box + sws;
    } else if (fit == "cover") {
      auto [x, y] = place(position, "iw-ow", "ih-oh");
      g.filters = "scale=" + box + ":force_original_aspect_ratio=increase" + sws + ",crop=" + box +
                  ":" + x + ":" + y;
    } else {
      auto [x, y] = place(position, "ow-iw", "oh-ih");
      g.filters = "scale=" + box + ":force_original_aspect_ratio=decrease" +
                  (even ? ":force_divisible_by=2" : "") + sws + ",pad=" + box + ":" + x + ":" + y +
                  ":color=" + pad_color(options, transparent);
    }
  } else {
    double aspect = static_cast<double>(in_w) / in_h;
    int tw = w ? *w : (h ? static_cast<int>(std::lround(*h * aspect)) : in_w);
    int th = h ? *h : (w ? static_cast<int>(std::lround(*w / aspect)) : in_h);
    g.width = round_to(tw, even);
    g.height = round_to(th, even);
    if (g.width != in_w || g.height != in_h)
      g.filters = "scale=" + std::to_string(g.width) + ":" + std::to_string(g.height) + sws;
  }
  if (g.width > 16384 || g.height > 16384) {
    *error =
        "output size " + std::to_string(g.width) + "x" + std::to_string(g.height) + " is too large";
    return std::nullopt;
  }
  if (!g.filters.empty()) g.filters += ",setsar=1";
  return g;
}

std::string rotation_filters(int rotation) {
  switch (rotation) {
    case 90:
      return "transpose=clock";
    case 180:
      return "hflip,vflip";
    case 270:
      return "transpose=cclock";
    default:
      return "";
  }
}

}  // namespace wfc::media
