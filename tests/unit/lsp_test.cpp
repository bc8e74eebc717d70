// `wfc lsp` driven as an editor drives it: the real binary, JSON-RPC over its standard input and
// output (pipes), every answer read back and checked against what the compiler itself says.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "compiler/emit/dsl_format.h"
#include "compiler/frontend.h"
#include "tools/wfc/lsp/transport.h"

namespace {

using nlohmann::json;

/// A running `wfc lsp` with pipes to its standard input and output.
class LspProcess {
 public:
  LspProcess() {
    int in[2], out[2];
    REQUIRE(pipe(in) == 0);
    REQUIRE(pipe(out) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      dup2(in[0], STDIN_FILENO);
      dup2(out[1], STDOUT_FILENO);
      close(in[0]);
      close(in[1]);
      close(out[0]);
      close(out[1]);
      execl(WFC_BINARY, WFC_BINARY, "lsp", "--stdio", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_ = in[1];
    from_ = out[0];
    io_ = std::make_unique<wfc::lsp::Transport>(from_, to_);
  }
  ~LspProcess() {
    if (to_ >= 0) close(to_);
    close(from_);
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void send(const json& m) { io_->write(m); }
  void raw(const std::string& bytes) { REQUIRE(write(to_, bytes.data(), bytes.size()) > 0); }
  json receive() {
    std::string error;
    auto m = io_->read(&error);
    REQUIRE(m);
    return *m;
  }
  /// Sends a request and returns its response (notifications before it are skipped).
  json request(const std::string& method, const json& params) {
    int id = ++id_;
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
    for (;;) {
      json m = receive();
      if (m.contains("id") && m["id"] == id) return m;
    }
  }
  void notify(const std::string& method, const json& params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }
  /// The next publishDiagnostics for `uri`.
  json diagnostics_for(const std::string& uri) {
    for (;;) {
      json m = receive();
      if (m.value("method", "") == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        return m["params"];
    }
  }
  void initialize() {
    json r = request("initialize", {{"processId", nullptr}, {"capabilities", json::object()}});
    REQUIRE(r.contains("result"));
    notify("initialized", json::object());
  }
  void open(const std::string& uri, const std::string& text, int version = 1) {
    notify("textDocument/didOpen",
           {{"textDocument",
             {{"uri", uri}, {"languageId", "wf"}, {"version", version}, {"text", text}}}});
  }
  int exit_status() {
    close(to_);
    to_ = -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1, id_ = 0;
  bool reaped_ = false;
  std::unique_ptr<wfc::lsp::Transport> io_;
};

json pos(int line, int character) { return {{"line", line}, {"character", character}}; }

json at(const std::string& uri, int line, int character) {
  return {{"textDocument", {{"uri", uri}}}, {"position", pos(line, character)}};
}

/// (code, line, character, end line, end character) of each diagnostic the compiler gives for
/// `text` read as `path`: what the server must publish (lines and characters 0-based; the texts
/// used here are ASCII, so UTF-16 columns are code-point columns).
std::vector<std::tuple<std::string, int, int, int, int>> compiler_says(const std::string& path,
                                                                       const std::string& text) {
  wfc::SourceFile source(path, text);
  auto result = wfc::compile_source(source, *wfc::syntax::syntax_for_path(path));
  std::vector<std::tuple<std::string, int, int, int, int>> out;
  for (const auto& d : result.diagnostics.items()) {
    out.emplace_back(std::string(wfc::diag::id(d.code)), d.span.line - 1, d.span.column - 1,
                     d.span.end_line - 1, d.span.end_column - 1);
  }
  return out;
}

std::vector<std::tuple<std::string, int, int, int, int>> server_says(const json& diagnostics) {
  std::vector<std::tuple<std::string, int, int, int, int>> out;
  for (const auto& d : diagnostics) {
    out.emplace_back(d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"],
                     d["range"]["end"]["line"], d["range"]["end"]["character"]);
  }
  return out;
}

std::vector<std::string> labels(const json& completion) {
  std::vector<std::string> out;
  for (const auto& i : completion["result"]["items"]) out.push_back(i["label"]);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const char* kWorkflow =
    "automation a \"A\" {\n"
    "  video(width: 1280, formt: mp4) as hd -> image\n"
    "  audio(format: mp3)\n"
    "}\n";

}  // namespace

TEST_CASE("wfc lsp publishes the diagnostics wfc validate gives, for .wf, JSON and YAML", "[lsp]") {
  LspProcess lsp;
  lsp.initialize();
  const std::string yaml =
      "name: Clips\nworkflow:\n  - kind: vidoe\n    options: { width: 99999 }\n";
  const std::string json_text =
      "{\n  \"name\": \"Clips\",\n  \"workflow\": [ { \"kind\": \"image\", \"options\": { "
      "\"format\": \"jpg\" } } ]\n}\n";
  for (const auto& [uri, path, text] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"file:///w/a.wf", "/w/a.wf", kWorkflow},
           {"file:///w/b.yaml", "/w/b.yaml", yaml},
           {"file:///w/c.json", "/w/c.json", json_text}}) {
    INFO(uri);
    lsp.open(uri, text);
    json p = lsp.diagnostics_for(uri);
    auto expected = compiler_says(path, text);
    REQUIRE_FALSE(expected.empty());
    CHECK(server_says(p["diagnostics"]) == expected);
    CHECK(p["diagnostics"][0]["source"] == "wfc");
  }
  // The did-you-mean of the first file comes with its replacement and a hint in the message.
  lsp.open("file:///w/d.wf", kWorkflow);
  json d = lsp.diagnostics_for("file:///w/d.wf")["diagnostics"][0];
  CHECK(d["code"] == "WF202");
  CHECK(d["data"]["replacement"] == "format");
  CHECK_THAT(d["message"].get<std::string>(), Catch::Contains("help: did you mean 'format'?"));
}

TEST_CASE("wfc lsp follows incremental edits as you type", "[lsp]") {
  LspProcess lsp;
  lsp.initialize();
  const std::string uri = "file:///w/edit.wf";
  auto change = [&](int version, json changes) {
    json params = json::object();
    params["textDocument"] = {{"uri", uri}, {"version", version}};
    params["contentChanges"] = std::move(changes);
    lsp.notify("textDocument/didChange", params);
  };
  auto edit = [](int l1, int c1, int l2, int c2, const std::string& text) {
    json e = json::object();
    e["range"] = {{"start", pos(l1, c1)}, {"end", pos(l2, c2)}};
    e["text"] = text;
    return e;
  };
  lsp.open(uri, kWorkflow);
  REQUIRE(lsp.diagnostics_for(uri)["diagnostics"].size() == 1);
  // Fix the typo a keystroke at a time: "formt" → "format" (insert 'a' at line 1, char 25).
  change(2, json::array({edit(1, 25, 1, 25, "a")}));
  json p = lsp.diagnostics_for(uri);
  CHECK(p["version"] == 2);
  CHECK(p["diagnostics"].empty());
  // Two changes in one notification, applied in order: break the width, then add a line.
  change(3, json::array({edit(1, 15, 1, 19, "99999"), edit(3, 0, 3, 0, "  speech -> image\n")}));
  p = lsp.diagnostics_for(uri);
  std::string expected_text =
      "automation a \"A\" {\n"
      "  video(width: 99999, format: mp4) as hd -> image\n"
      "  audio(format: mp3)\n"
      "  speech -> image\n"
      "}\n";
  CHECK(p["version"] == 3);
  CHECK(server_says(p["diagnostics"]) == compiler_says("/w/edit.wf", expected_text));
  CHECK(p["diagnostics"].size() == 2);  // the width out of range, image after speech
  // A change without a range replaces the whole text.
  json whole = json::object();
  whole["text"] = "video(width: 640)\n";
  change(4, json::array({whole}));
  CHECK(lsp.diagnostics_for(uri)["diagnostics"].empty());
  // Closing clears the editor's list.
  lsp.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
  CHECK(lsp.diagnostics_for(uri)["diagnostics"].empty());
}

TEST_CASE("wfc lsp hovers kinds, options and file properties from the catalog", "[lsp]") {
  LspProcess lsp;
  lsp.initialize();
  const std::string uri = "file:///w/hover.wf";
  lsp.open(uri, "when width >= 1280 {\n  video(width: 1280, codec: h264)\n}\n");
  json kind = lsp.request("textDocument/hover", at(uri, 1, 4));
  CHECK_THAT(kind["result"]["contents"]["value"].get<std::string>(),
             Catch::StartsWith("**video** — media kind"));
  CHECK(kind["result"]["range"] == json({{"start", pos(1, 2)}, {"end", pos(1, 7)}}));
  json option = lsp.request("textDocument/hover", at(uri, 1, 21));
  CHECK_THAT(option["result"]["contents"]["value"].get<std::string>(),
             Catch::StartsWith("**codec** — option of `video`: one of"));
  json property = lsp.request("textDocument/hover", at(uri, 0, 6));
  CHECK_THAT(property["result"]["contents"]["value"].get<std::string>(),
             Catch::StartsWith("**width** — file property"));
  CHECK(lsp.request("textDocument/hover", at(uri, 2, 0))["result"].is_null());
}

TEST_CASE("wfc lsp completes kinds by what the chain carries, options and enum values", "[lsp]") {
  LspProcess lsp;
  lsp.initialize();
  const std::string uri = "file:///w/complete.wf";
  const std::string text =
      "automation a \"A\" {\n"
      "  audio(format: mp3) -> \n"
      "  video(width: 1280, ) {\n"
      "    \n"
      "  }\n"
      "  image(format: )\n"
      "  \n"
      "}\n";
  lsp.open(uri, text);
  auto after_audio = labels(lsp.request("textDocument/completion", at(uri, 1, 24)));
  CHECK(has(after_audio, "speech"));
  CHECK_FALSE(has(after_audio, "image"));  // an image needs a video or an image
  CHECK_FALSE(has(after_audio, "video"));
  CHECK_FALSE(has(after_audio, "ingest"));  // only at the top
  auto options = labels(lsp.request("textDocument/completion", at(uri, 2, 21)));
  CHECK(has(options, "height"));
  CHECK(has(options, "codec"));
  CHECK_FALSE(has(options, "width"));  // already given
  auto in_block = labels(lsp.request("textDocument/completion", at(uri, 3, 4)));
  CHECK(has(in_block, "image"));  // a video's block may make images
  CHECK(has(in_block, "when"));
  auto values = labels(lsp.request("textDocument/completion", at(uri, 5, 16)));
  CHECK(has(values, "jpeg"));
  CHECK(has(values, "png"));
  auto top = labels(lsp.request("textDocument/completion", at(uri, 6, 2)));
  CHECK(has(top, "ingest"));
  CHECK(has(top, "video"));
}

TEST_CASE("wfc lsp goes to a ref's definition, formats .wf and applies did-you-mean fixes",
          "[lsp]") {
  LspProcess lsp;
  lsp.initialize();
  const std::string uri = "file:///w/refs.wf";
  const std::string text =
      "automation a \"A\" {\n"
      "  video(width: 1280) as hd\n"
      "  image(format: png) as hd\n"
      "}\n";
  lsp.open(uri, text);
  // The duplicate `hd` leads to the first.
  json def = lsp.request("textDocument/definition", at(uri, 2, 25));
  CHECK(def["result"]["uri"] == uri);
  CHECK(def["result"]["range"]["start"] == pos(1, 24));

  const std::string messy = "automation a \"A\" {\n    video( width:1280 )->image\n}\n";
  const std::string fmt_uri = "file:///w/messy.wf";
  lsp.open(fmt_uri, messy);
  json edits = lsp.request("textDocument/formatting",
                           {{"textDocument", {{"uri", fmt_uri}}},
                            {"options", {{"tabSize", 2}, {"insertSpaces", true}}}})["result"];
  REQUIRE(edits.size() == 1);
  wfc::SourceFile source("/w/messy.wf", messy);
  wfc::diag::Diagnostics diags;
  auto formatted = wfc::emit::format_dsl(source, diags);
  REQUIRE(formatted);
  CHECK(edits[0]["newText"] == *formatted);
  CHECK(edits[0]["range"]["end"] == pos(3, 0));

  const std::string typo_uri = "file:///w/typo.wf";
  lsp.open(typo_uri, kWorkflow);
  json d = lsp.diagnostics_for(typo_uri)["diagnostics"][0];
  json actions =
      lsp.request("textDocument/codeAction", {{"textDocument", {{"uri", typo_uri}}},
                                              {"range", d["range"]},
                                              {"context", {{"diagnostics", {d}}}}})["result"];
  REQUIRE(actions.size() == 1);
  CHECK(actions[0]["kind"] == "quickfix");
  json edit = actions[0]["edit"]["changes"][typo_uri][0];
  CHECK(edit["newText"] == "format");
  CHECK(edit["range"] == d["range"]);
}

TEST_CASE("wfc lsp keeps to the protocol with a careless client", "[lsp]") {
  {
    LspProcess lsp;
    json early = lsp.request("textDocument/hover", at("file:///w/x.wf", 0, 0));
    CHECK(early["error"]["code"] == -32002);  // not initialized
    lsp.initialize();
    CHECK(lsp.request("workspace/symbol", json::object())["error"]["code"] == -32601);
    lsp.raw("Content-Length: 9\r\n\r\nnot json!");
    json parse = lsp.receive();
    CHECK(parse["error"]["code"] == -32700);
    // It reads on after the bad message.
    CHECK(lsp.request("shutdown", nullptr)["result"].is_null());
    lsp.notify("exit", nullptr);
    CHECK(lsp.exit_status() == 0);
  }
  {
    LspProcess lsp;
    lsp.initialize();
    lsp.notify("exit", nullptr);  // no shutdown first
    CHECK(lsp.exit_status() == 1);
  }
}
