// The plan drawn as a graph (see plan_graph.h).
#include "runtime/ui/plan_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <vector>

#include "runtime/ui/html.h"

namespace wfc::ui {

namespace {

using nlohmann::json;

constexpr int kW = 170, kH = 46, kGapX = 40, kGapY = 18, kPad = 12;

struct Vertex {
  std::string id, label, detail, parent;
  bool gate = false;
  std::string group;  // a fused group's id
  int column = 0, row = 0;
  std::vector<std::string> children;
};

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string plan_graph(const json& plan) {
  if (!plan.is_object() || !plan.contains("nodes")) return "";
  std::map<std::string, Vertex> v;
  std::vector<std::string> order;
  std::map<std::string, json> gates;
  for (const json& g : plan.value("gates", json::array())) gates[text(g, "id")] = g;
  for (const json& n : plan["nodes"]) {
    Vertex x;
    x.id = text(n, "id");
    x.label = text(n, "op");
    x.detail = x.id;
    x.group = text(n, "group");
    std::string input = text(n, "input");
    std::string gate = text(n, "gate");
    x.parent = !gate.empty() && gates.count(gate) && text(gates[gate], "file") == input
                   ? "gate:" + gate
                   : input;
    v[x.id] = x;
    order.push_back(x.id);
  }
  for (auto& [id, g] : gates) {
    Vertex x;
    x.id = "gate:" + id;
    x.gate = true;
    x.label = "when " + text(g, "when");
    x.detail = id;
    std::string parent = text(g, "parent");
    x.parent =
        !parent.empty() && gates.count(parent) && text(gates[parent], "file") == text(g, "file")
            ? "gate:" + parent
            : text(g, "file");
    v[x.id] = x;
    order.push_back(x.id);
  }
  std::vector<std::string> roots;
  for (const std::string& id : order) {
    Vertex& x = v[id];
    if (!x.parent.empty() && v.count(x.parent)) {
      v[x.parent].children.push_back(id);
    } else {
      x.parent.clear();
      roots.push_back(id);
    }
  }
  // Columns by depth, rows by the leaves before (a tree: each node reads one file).
  int next_row = 0, columns = 0;
  std::function<void(const std::string&, int)> place = [&](const std::string& id, int depth) {
    Vertex& x = v[id];
    x.column = depth;
    columns = std::max(columns, depth + 1);
    if (x.children.empty()) {
      x.row = next_row++;
      return;
    }
    for (const std::string& c : x.children) place(c, depth + 1);
    x.row = v[x.children.front()].row;
  };
  for (const std::string& r : roots) place(r, 0);
  auto px = [](int column) { return kPad + column * (kW + kGapX); };
  auto py = [](int row) { return kPad + 18 + row * (kH + kGapY); };
  int width = kPad * 2 + columns * (kW + kGapX) - kGapX;
  int height = py(next_row) + kPad;
  std::string svg;
  // Fused groups first, behind their members.
  for (const json& g : plan.value("groups", json::array())) {
    int x0 = 1 << 30, y0 = 1 << 30, x1 = 0, y1 = 0;
    for (const json& m : g.value("members", json::array())) {
      auto it = v.find(text(m, "node"));
      if (it == v.end()) continue;
      x0 = std::min(x0, px(it->second.column));
      y0 = std::min(y0, py(it->second.row));
      x1 = std::max(x1, px(it->second.column) + kW);
      y1 = std::max(y1, py(it->second.row) + kH);
    }
    if (x1 == 0) continue;
    svg += fmt::format(
        "<g class=\"group\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/>"
        "<text x=\"{}\" y=\"{}\">fused: one decode of {}</text></g>",
        x0 - 6, y0 - 16, x1 - x0 + 12, y1 - y0 + 22, x0, y0 - 5, esc(text(g, "file")));
  }
  for (const std::string& id : order) {
    const Vertex& x = v[id];
    if (x.parent.empty()) continue;
    const Vertex& p = v[x.parent];
    int ax = px(p.column) + kW, ay = py(p.row) + kH / 2;
    int bx = px(x.column), by = py(x.row) + kH / 2;
    svg += fmt::format("<path class=\"edge\" d=\"M{} {} C{} {} {} {} {} {}\"/>", ax, ay,
                       ax + kGapX / 2, ay, bx - kGapX / 2, by, bx, by);
  }
  for (const std::string& id : order) {
    const Vertex& x = v[id];
    int x0 = px(x.column), y0 = py(x.row);
    std::string label = x.label.size() > 26 ? x.label.substr(0, 25) + "…" : x.label;
    svg += fmt::format(
        "<g class=\"{}\" data-node=\"{}\"><title>{}</title>"
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\"/>"
        "<text x=\"{}\" y=\"{}\" class=\"op\">{}</text>"
        "<text x=\"{}\" y=\"{}\" class=\"id\">{}</text></g>",
        x.gate ? "node gate" : "node", esc(x.detail), esc(x.label + " (" + x.detail + ")"), x0, y0,
        kW, kH, x.gate ? 18 : 4, x0 + 8, y0 + 19, esc(label), x0 + 8, y0 + 36, esc(x.detail));
  }
  // The same as a list, for screen readers and text browsers.
  std::string list;
  std::function<void(const std::string&)> item = [&](const std::string& id) {
    const Vertex& x = v[id];
    list += fmt::format("<li>{} <code>{}</code>{}", esc(x.label), esc(x.detail),
                        x.group.empty() ? "" : " (fused in " + esc(x.group) + ")");
    if (!x.children.empty()) {
      list += "<ul>";
      for (const std::string& c : x.children) item(c);
      list += "</ul>";
    }
    list += "</li>";
  };
  for (const std::string& r : roots) item(r);
  return fmt::format(
      "<figure class=\"plan\"><div class=\"graph\"><svg role=\"img\" "
      "aria-labelledby=\"plan-title\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\">"
      "<title id=\"plan-title\">The plan: {2} nodes, {3} gates, {4} fused groups</title>{5}"
      "</svg></div><details><summary>The plan as a list</summary><ul>{6}</ul></details>"
      "<figcaption>{2} nodes, {3} gates, {4} fused groups</figcaption></figure>",
      width, height, plan["nodes"].size(), gates.size(), plan.value("groups", json::array()).size(),
      svg, list);
}

}  // namespace wfc::ui
