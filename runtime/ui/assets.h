// The dashboard's static files, embedded in the binary at build time (tools/ui/embed.cmake):
// its stylesheet and script (runtime/ui/assets/) and hls.js, copied from npm
// (tools/browser/node_modules, pinned by its package-lock.json), so that no page needs a CDN.
// External interface: Asset, assets, asset.
#pragma once

#include <string_view>
#include <vector>

namespace wfc::ui {

struct Asset {
  std::string_view name;  // "app.css", "hls.min.js"
  std::string_view type;  // its Content-Type
  std::string_view bytes;
};

/// Every embedded asset (generated).
const std::vector<Asset>& assets();

/// The asset named `name`, or nullptr.
inline const Asset* asset(std::string_view name) {
  for (const Asset& a : assets())
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace wfc::ui
