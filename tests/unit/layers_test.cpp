// The shape of the source tree, as a newcomer reads it: data flows one way, so no folder of
// compiler/ or runtime/ includes a folder that includes it back, directly or around a longer
// loop (a folder is a file's own directory: compiler/syntax/dsl and compiler/syntax are two);
// and no source file grows past 1,200 lines. Each check is tried on a small tree of its own
// first, so a failure of the real tree is known to name the right places.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = WFC_SOURCE_DIR;
constexpr size_t kMaxLines = 1200;

bool is_source(const fs::path& p) { return p.extension() == ".h" || p.extension() == ".cpp"; }

/// The .h and .cpp files under root/dir, sorted, relative to root with '/' separators; build
/// trees, dot folders and node_modules are not sources.
std::vector<std::string> sources(const fs::path& root, const std::string& dir) {
  std::vector<std::string> out;
  if (!fs::is_directory(root / dir)) return out;
  for (auto it = fs::recursive_directory_iterator(root / dir); it != fs::end(it); ++it) {
    std::string name = it->path().filename().string();
    if (it->is_directory() && (name.starts_with(".") || name == "node_modules")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && is_source(it->path())) {
      out.push_back(fs::relative(it->path(), root).generic_string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string folder_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

/// An arrow between two folders, and the first include line that draws it.
struct Arrow {
  std::string where;  // "compiler/ast/ast.h:13"
  std::string line;   // `#include "compiler/syntax/value.h"`
};
using Graph = std::map<std::string, std::map<std::string, Arrow>>;  // from -> to -> arrow

/// The folders of compiler/ and runtime/ and the includes between them.
Graph include_graph(const fs::path& root) {
  static const std::regex include(R"(^\s*#\s*include\s*"((compiler|runtime)/[^"]+)\")");
  Graph graph;
  for (const std::string top : {"compiler", "runtime"}) {
    for (const auto& file : sources(root, top)) {
      std::string from = folder_of(file);
      graph[from];
      std::ifstream in(root / file);
      std::string text;
      for (size_t number = 1; std::getline(in, text); ++number) {
        std::smatch m;
        if (!std::regex_search(text, m, include)) continue;
        std::string to = folder_of(m[1].str());
        if (to == from || graph[from].count(to)) continue;
        graph[from][to] = Arrow{file + ":" + std::to_string(number), text};
      }
    }
  }
  return graph;
}

/// One loop through each group of folders that reach one another (a strongly connected
/// component, Tarjan's algorithm), as the folders in order, the first repeated at the end.
std::vector<std::vector<std::string>> loops(const Graph& graph) {
  std::map<std::string, int> index, low;
  std::vector<std::string> stack;
  std::set<std::string> on_stack;
  std::vector<std::vector<std::string>> components;
  int next = 0;
  std::function<void(const std::string&)> visit = [&](const std::string& v) {
    index[v] = low[v] = next++;
    stack.push_back(v);
    on_stack.insert(v);
    if (auto it = graph.find(v); it != graph.end()) {
      for (const auto& [w, arrow] : it->second) {
        if (!index.count(w)) {
          visit(w);
          low[v] = std::min(low[v], low[w]);
        } else if (on_stack.count(w)) {
          low[v] = std::min(low[v], index[w]);
        }
      }
    }
    if (low[v] != index[v]) return;
    std::vector<std::string> component;
    std::string w;
    do {
      w = stack.back();
      stack.pop_back();
      on_stack.erase(w);
      component.push_back(w);
    } while (w != v);
    if (component.size() > 1) components.push_back(component);
  };
  for (const auto& [v, arrows] : graph) {
    if (!index.count(v)) visit(v);
  }
  // In each component, the shortest way from its first folder back to itself (breadth first).
  std::vector<std::vector<std::string>> out;
  for (auto& component : components) {
    std::sort(component.begin(), component.end());
    std::set<std::string> inside(component.begin(), component.end());
    const std::string& start = component.front();
    std::map<std::string, std::string> came_from;
    std::vector<std::string> frontier{start};
    bool closed = false;
    while (!frontier.empty() && !closed) {
      std::vector<std::string> further;
      for (const auto& v : frontier) {
        for (const auto& [w, arrow] : graph.at(v)) {
          if (!inside.count(w) || closed) continue;
          if (w == start) {
            came_from[start] = v;
            closed = true;
          } else if (!came_from.count(w)) {
            came_from[w] = v;
            further.push_back(w);
          }
        }
      }
      frontier = std::move(further);
    }
    std::vector<std::string> loop{start};
    for (std::string v = came_from.at(start); v != start; v = came_from.at(v)) loop.push_back(v);
    loop.push_back(start);
    std::reverse(loop.begin(), loop.end());
    out.push_back(loop);
  }
  return out;
}

/// What a person needs to break each loop: the folders, and the line behind every arrow.
std::vector<std::string> folder_cycles(const fs::path& root) {
  Graph graph = include_graph(root);
  std::vector<std::string> out;
  for (const auto& loop : loops(graph)) {
    std::string text = "folders include one another:";
    for (size_t i = 0; i < loop.size(); ++i) text += (i ? " -> " : " ") + loop[i];
    for (size_t i = 0; i + 1 < loop.size(); ++i) {
      const Arrow& a = graph.at(loop[i]).at(loop[i + 1]);
      text += "\n  " + loop[i] + " -> " + loop[i + 1] + ": " + a.where + ": " + a.line;
    }
    out.push_back(text);
  }
  return out;
}

/// The source files under compiler/, runtime/, tools/ and tests/ longer than kMaxLines.
std::vector<std::string> long_files(const fs::path& root) {
  std::vector<std::string> out;
  for (const std::string top : {"compiler", "runtime", "tools", "tests"}) {
    for (const auto& file : sources(root, top)) {
      std::ifstream in(root / file, std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      size_t lines = std::count(text.begin(), text.end(), '\n');
      if (!text.empty() && text.back() != '\n') ++lines;
      if (lines > kMaxLines) {
        out.push_back(file + " has " + std::to_string(lines) + " lines, more than " +
                      std::to_string(kMaxLines) + ": split it along its seams");
      }
    }
  }
  return out;
}

/// A throwaway source tree in the temporary directory.
class Tree {
 public:
  Tree() : root_(fs::temp_directory_path() / ("wfc-layers-" + std::to_string(::getpid()))) {
    fs::remove_all(root_);
  }
  ~Tree() { fs::remove_all(root_); }
  void write(const std::string& path, const std::string& text) {
    fs::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path, std::ios::binary) << text;
  }
  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

}  // namespace

TEST_CASE("layers: a loop of includes between folders is named with a line for each arrow",
          "[layers]") {
  Tree t;
  t.write("compiler/a/a.h", "#pragma once\n#include \"compiler/b/b.h\"\n");
  t.write("compiler/b/b.h", "#pragma once\n#include \"compiler/b/own.h\"\n");
  t.write("compiler/b/b.cpp", "// b\n\n#include \"compiler/b/b.h\"\n#include \"compiler/c/c.h\"\n");
  t.write("compiler/c/c.h", "#pragma once\n  #  include \"compiler/a/a.h\"  // back\n");
  t.write("compiler/c/d/d.h", "#include \"compiler/c/c.h\"\n");  // a subfolder is a folder
  t.write("runtime/x/x.cpp", "#include \"compiler/a/a.h\"\n#include <vector>\n");
  auto cycles = folder_cycles(t.root());
  REQUIRE(cycles.size() == 1);
  CHECK(cycles[0] ==
        "folders include one another: compiler/a -> compiler/b -> compiler/c -> compiler/a\n"
        "  compiler/a -> compiler/b: compiler/a/a.h:2: #include \"compiler/b/b.h\"\n"
        "  compiler/b -> compiler/c: compiler/b/b.cpp:4: #include \"compiler/c/c.h\"\n"
        "  compiler/c -> compiler/a: compiler/c/c.h:2:   #  include \"compiler/a/a.h\"  // back");

  // Without the line back, the same folders form no loop.
  t.write("compiler/c/c.h", "#pragma once\n");
  CHECK(folder_cycles(t.root()).empty());
  // A folder and its subfolder are two folders.
  t.write("compiler/c/c.h", "#include \"compiler/c/d/d.h\"\n");
  CHECK(folder_cycles(t.root()) ==
        std::vector<std::string>{
            "folders include one another: compiler/c -> compiler/c/d -> compiler/c\n"
            "  compiler/c -> compiler/c/d: compiler/c/c.h:1: #include \"compiler/c/d/d.h\"\n"
            "  compiler/c/d -> compiler/c: compiler/c/d/d.h:1: #include \"compiler/c/c.h\""});
}

TEST_CASE("layers: no folder of compiler/ or runtime/ includes a folder that includes it back",
          "[layers]") {
  REQUIRE(include_graph(kSourceDir).size() >= 20);  // the walk found the tree
  for (const auto& cycle : folder_cycles(kSourceDir)) FAIL_CHECK(cycle);
}

TEST_CASE("layers: a source file over 1,200 lines is named", "[layers]") {
  Tree t;
  t.write("tests/unit/short_test.cpp", std::string(1200, '\n'));
  t.write("tools/wfc/long.cpp", std::string(1200, '\n') + "int x;");  // no final newline
  t.write("runtime/api/notes.md", std::string(5000, '\n'));           // not a source
  CHECK(long_files(t.root()) ==
        std::vector<std::string>{
            "tools/wfc/long.cpp has 1201 lines, more than 1200: split it along its seams"});
}

TEST_CASE("layers: no source file of compiler/, runtime/, tools/ or tests/ is over 1,200 lines",
          "[layers]") {
  REQUIRE(sources(kSourceDir, "compiler").size() >= 100);
  for (const auto& file : long_files(kSourceDir)) FAIL_CHECK(file);
}
