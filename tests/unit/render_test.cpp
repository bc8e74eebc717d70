// The four diagnostic formats, byte for byte, on hand-made diagnostics: what a user sees in a
// terminal, what tools parse, what GitHub turns into annotations, what code scanning reads.
#include "compiler/diag/render.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

// Span has begin()/end(), which Catch would take for a range.
template <>
struct Catch::StringMaker<wfc::Span> {
  static std::string convert(const wfc::Span& s) {
    return std::to_string(s.line) + ":" + std::to_string(s.column) + "-" +
           std::to_string(s.end_line) + ":" + std::to_string(s.end_column);
  }
};

using namespace wfc;
using namespace wfc::diag;

namespace {

Diagnostic make(std::string file, Span span, Code code, std::string message,
                std::string hint = {}) {
  Diagnostic d;
  d.file = std::move(file);
  d.span = span;
  d.severity = info(code).severity;
  d.code = code;
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

std::string human(const std::vector<Diagnostic>& diags, const SourceFile* source,
                  bool color = false) {
  std::ostringstream out;
  RenderOptions options;
  options.color = color;
  render_human(out, diags, source, options);
  return out.str();
}

std::string rendered(Format format, const std::vector<Diagnostic>& diags,
                     const SourceLookup& lookup = {}) {
  std::ostringstream out;
  RenderOptions options;
  options.tool_version = "9.8.7";
  render(out, format, diags, lookup, options);
  return out.str();
}

// The file of the example in the human format's description.
const char* const kUnknownKindFile =
    "{\n"
    "  \"workflow\": [\n"
    "    { \"kind\": \"vidoe\" }\n"
    "  ]\n"
    "}\n";

}  // namespace

TEST_CASE("human: source line, caret under the span, help", "[render][human]") {
  SourceFile src("workflows/x.json", kUnknownKindFile);
  auto d = make("workflows/x.json", {3, 15, 3, 22}, Code::UnknownKind, "unknown kind 'vidoe'",
                "did you mean 'video'?");
  CHECK(human({d}, &src) ==
        "error[WF201]: unknown kind 'vidoe'\n"
        "  --> workflows/x.json:3:15\n"
        "   |\n"
        " 3 |     { \"kind\": \"vidoe\" }\n"
        "   |               ^^^^^^^\n"
        "   = help: did you mean 'video'?\n"
        "\n");
}

TEST_CASE("human: the gutter is as wide as the file's largest line number", "[render][human]") {
  std::string text;
  for (int i = 1; i <= 12; ++i) text += "line" + std::to_string(i) + "\n";
  SourceFile src("a.yaml", text);
  auto w = make("a.yaml", {9, 1, 9, 6}, Code::NothingGated, "'conditions' has no 'next'");
  auto e = make("a.yaml", {12, 5, 12, 7}, Code::UnknownOption, "unknown option 'e1'");
  CHECK(human({w, e}, &src) ==
        "warning[WF304]: 'conditions' has no 'next'\n"
        "   --> a.yaml:9:1\n"
        "    |\n"
        "  9 | line9\n"
        "    | ^^^^^\n"
        "\n"
        "error[WF202]: unknown option 'e1'\n"
        "   --> a.yaml:12:5\n"
        "    |\n"
        " 12 | line12\n"
        "    |     ^^\n"
        "\n");
}

TEST_CASE("human: wide characters take two cells, carets stay under the span", "[render][human]") {
  std::string line = "{\"label\": \"日本\", \"kind\": \"vidoe\"}";
  SourceFile src("u.json", line);
  size_t at = line.find("\"vidoe\"");
  Span span = src.span(at, at + 7);
  REQUIRE(span == Span{1, 25, 1, 32});  // columns count code points
  auto d = make("u.json", span, Code::UnknownKind, "unknown kind 'vidoe'");
  CHECK(human({d}, &src) ==
        "error[WF201]: unknown kind 'vidoe'\n"
        "  --> u.json:1:25\n"
        "   |\n"
        " 1 | {\"label\": \"日本\", \"kind\": \"vidoe\"}\n"
        "   |                           ^^^^^^^\n"
        "\n");
}

TEST_CASE("human: accented text counts one cell per code point", "[render][human]") {
  SourceFile src("c.yaml", "label: café crème\nkind: vidéo\n");
  auto d = make("c.yaml", {2, 7, 2, 12}, Code::UnknownKind, "unknown kind 'vidéo'");
  CHECK(human({d}, &src) ==
        "error[WF201]: unknown kind 'vidéo'\n"
        "  --> c.yaml:2:7\n"
        "   |\n"
        " 2 | kind: vidéo\n"
        "   |       ^^^^^\n"
        "\n");
}

TEST_CASE("human: a byte order mark is neither shown nor counted", "[render][human]") {
  std::string text = "\xEF\xBB\xBF{\"kind\": \"vidoe\"}\n";
  SourceFile src("bom.json", text);
  size_t at = text.find("\"vidoe\"");
  Span span = src.span(at, at + 7);
  REQUIRE(span == Span{1, 10, 1, 17});
  auto d = make("bom.json", span, Code::UnknownKind, "unknown kind 'vidoe'");
  CHECK(human({d}, &src) ==
        "error[WF201]: unknown kind 'vidoe'\n"
        "  --> bom.json:1:10\n"
        "   |\n"
        " 1 | {\"kind\": \"vidoe\"}\n"
        "   |          ^^^^^^^\n"
        "\n");
}

TEST_CASE("human: tabs expand to four spaces and carets follow", "[render][human]") {
  SourceFile src("t.yaml", "- kind:\tvidoe\n\tnext: []\n");
  auto kind = make("t.yaml", {1, 9, 1, 14}, Code::UnknownKind, "unknown kind 'vidoe'");
  auto tab = make("t.yaml", {2, 1, 2, 2}, Code::TabIndentation, "tab used for indentation",
                  "indent with spaces");
  CHECK(human({kind, tab}, &src) ==
        "error[WF201]: unknown kind 'vidoe'\n"
        "  --> t.yaml:1:9\n"
        "   |\n"
        " 1 | - kind:    vidoe\n"
        "   |            ^^^^^\n"
        "\n"
        "error[WF108]: tab used for indentation\n"
        "  --> t.yaml:2:1\n"
        "   |\n"
        " 2 |     next: []\n"
        "   | ^^^^\n"
        "   = help: indent with spaces\n"
        "\n");
}

TEST_CASE("human: a point at the end of the file gets one caret after the text",
          "[render][human]") {
  SECTION("no final newline") {
    SourceFile src("eof.json", "{\"kind\": \"video\"");
    auto d = make("eof.json", {1, 17, 1, 17}, Code::InvalidSyntax, "unexpected end of file",
                  "add the closing '}'");
    CHECK(human({d}, &src) ==
          "error[WF101]: unexpected end of file\n"
          "  --> eof.json:1:17\n"
          "   |\n"
          " 1 | {\"kind\": \"video\"\n"
          "   |                 ^\n"
          "   = help: add the closing '}'\n"
          "\n");
  }
  SECTION("after a final newline: the empty last line") {
    SourceFile src("eof.json", "{\n  \"kind\": \"video\"\n");
    auto d = make("eof.json", {3, 1, 3, 1}, Code::InvalidSyntax, "unexpected end of file");
    CHECK(human({d}, &src) ==
          "error[WF101]: unexpected end of file\n"
          "  --> eof.json:3:1\n"
          "   |\n"
          " 3 |\n"
          "   | ^\n"
          "\n");
  }
}

TEST_CASE("human: a multi-line span is underlined to the end of its first line",
          "[render][human]") {
  SourceFile src("m.json", "[\n  {\"kind\": \"conditions\",\n   \"options\": {}}\n]\n");
  auto d = make("m.json", {2, 3, 3, 19}, Code::NothingGated, "'conditions' has no 'next'",
                "add a 'next' list of the tasks it gates");
  CHECK(human({d}, &src) ==
        "warning[WF304]: 'conditions' has no 'next'\n"
        "  --> m.json:2:3\n"
        "   |\n"
        " 2 |   {\"kind\": \"conditions\",\n"
        "   |   ^^^^^^^^^^^^^^^^^^^^^^\n"
        "   = help: add a 'next' list of the tasks it gates\n"
        "\n");
}

TEST_CASE("human: a diagnostic without a span shows the header and the path", "[render][human]") {
  auto d = make("missing.json", {}, Code::IoError,
                "cannot read 'missing.json': No such file or directory");
  CHECK(human({d}, nullptr) ==
        "error[WF100]: cannot read 'missing.json': No such file or directory\n"
        "  --> missing.json\n"
        "\n");
}

TEST_CASE("human: without the source text the location and hint still show", "[render][human]") {
  auto d = make("gone.json", {4, 2, 4, 5}, Code::UnknownField, "unknown field 'nxt'",
                "did you mean 'next'?");
  CHECK(human({d}, nullptr) ==
        "error[WF111]: unknown field 'nxt'\n"
        "  --> gone.json:4:2\n"
        "   = help: did you mean 'next'?\n"
        "\n");
}

TEST_CASE("human: a hint of several lines stays under its first line", "[render][human]") {
  auto d = make("x.json", {}, Code::IoError, "cannot read 'x.json'",
                "check the path\nor pass '-' to read standard input\n");
  CHECK(human({d}, nullptr) ==
        "error[WF100]: cannot read 'x.json'\n"
        "  --> x.json\n"
        "   = help: check the path\n"
        "           or pass '-' to read standard input\n"
        "\n");
}

TEST_CASE("human: control characters and bad UTF-8 cannot reach the terminal raw",
          "[render][human]") {
  std::string line = "{\"k\x1b[31m\": 1, \"x\xff\": 2}";
  SourceFile src("c.json", line);
  auto d = make("c.json", {1, 17, 1, 21}, Code::UnknownField, "unknown field 'x\xff'");
  std::string out = human({d}, &src);
  CHECK(out ==
        "error[WF111]: unknown field 'x\xEF\xBF\xBD'\n"
        "  --> c.json:1:17\n"
        "   |\n"
        " 1 | {\"k\xE2\x90\x9B[31m\": 1, \"x\xEF\xBF\xBD\": 2}\n"
        "   |                 ^^^^\n"
        "\n");
  CHECK(out.find('\x1b') == std::string::npos);
}

TEST_CASE("human: a long line is cut to a window around the span", "[render][human]") {
  // One minified line: 60 tasks of 21 characters, then the bad one.
  std::string line = "[";
  for (int i = 0; i < 60; ++i) line += "{\"kind\": \"video\"}, ";  // 20 columns each
  size_t bad = line.size();
  line += "{\"kind\": \"vidoe\"}";
  for (int i = 0; i < 60; ++i) line += ", {\"kind\": \"audio\"}";
  line += "]";
  SourceFile src("min.json", line);
  uint32_t column = static_cast<uint32_t>(bad) + 10;  // the "vidoe" string
  REQUIRE(line.substr(column - 1, 7) == "\"vidoe\"");
  auto d = make("min.json", {1, column, 1, column + 7}, Code::UnknownKind, "unknown kind 'vidoe'");
  auto later = make("min.json", {1, column + 30, 1, column + 37}, Code::UnknownKind, "second");
  std::string out = human({d, later}, &src);
  // The window starts 40 columns before the span and shows 120 columns.
  std::string shown = "..." + line.substr(column - 41, 120) + "...";
  std::string carets = std::string(3 + 40, ' ') + "^^^^^^^";
  std::string shown2 = "..." + line.substr(column + 30 - 41, 120) + "...";
  CHECK(out ==
        "error[WF201]: unknown kind 'vidoe'\n"
        "  --> min.json:1:" +
            std::to_string(column) +
            "\n"
            "   |\n"
            " 1 | " +
            shown +
            "\n"
            "   | " +
            carets +
            "\n"
            "\n"
            "error[WF201]: second\n"
            "  --> min.json:1:" +
            std::to_string(column + 30) +
            "\n"
            "   |\n"
            " 1 | " +
            shown2 +
            "\n"
            "   | " +
            carets +
            "\n"
            "\n");
}

TEST_CASE("human: colour only when asked", "[render][human]") {
  SourceFile src("w.json", "{\"kind\": \"conditions\"}\n");
  auto d = make("w.json", {1, 10, 1, 22}, Code::NothingGated, "'conditions' has no 'next'",
                "add 'next'");
  std::string plain = human({d}, &src, false);
  CHECK(plain.find('\x1b') == std::string::npos);
  CHECK(human({d}, &src, true) ==
        "\x1b[1;33mwarning[WF304]\x1b[0m\x1b[1m: 'conditions' has no 'next'\x1b[0m\n"
        "  \x1b[1;34m-->\x1b[0m w.json:1:10\n"
        "   \x1b[1;34m|\x1b[0m\n"
        " \x1b[1;34m1 |\x1b[0m {\"kind\": \"conditions\"}\n"
        "   \x1b[1;34m|\x1b[0m          \x1b[1;33m^^^^^^^^^^^^\x1b[0m\n"
        "   \x1b[1;34m=\x1b[0m \x1b[1mhelp\x1b[0m: add 'next'\n"
        "\n");
  auto e = make("w.json", {1, 2, 1, 8}, Code::UnknownField, "x");
  CHECK(human({e}, &src, true).rfind("\x1b[1;31merror[WF111]\x1b[0m", 0) == 0);
  auto n = e;
  n.severity = Severity::Note;
  CHECK(human({n}, &src, true).rfind("\x1b[1;36mnote[WF111]\x1b[0m", 0) == 0);
}

TEST_CASE("human through render(): one batch per file, each with its own source",
          "[render][human]") {
  SourceFile a("a.json", "{\"kind\": \"vidoe\"}\n");
  SourceFile b("b.json", "\n\n\n\n\n\n\n\n\n{\"kind\": \"audoi\"}\n");
  auto da = make("a.json", {1, 10, 1, 17}, Code::UnknownKind, "unknown kind 'vidoe'");
  auto db = make("b.json", {10, 10, 10, 17}, Code::UnknownKind, "unknown kind 'audoi'");
  auto lookup = [&](const std::string& p) -> const SourceFile* {
    return p == "a.json" ? &a : p == "b.json" ? &b : nullptr;
  };
  CHECK(rendered(Format::Human, {da, db}, lookup) ==
        "error[WF201]: unknown kind 'vidoe'\n"
        "  --> a.json:1:10\n"
        "   |\n"
        " 1 | {\"kind\": \"vidoe\"}\n"
        "   |          ^^^^^^^\n"
        "\n"
        "error[WF201]: unknown kind 'audoi'\n"
        "   --> b.json:10:10\n"
        "    |\n"
        " 10 | {\"kind\": \"audoi\"}\n"
        "    |          ^^^^^^^\n"
        "\n");
}

TEST_CASE("json: one document, exactly nine fields in order, null hint", "[render][json]") {
  auto a = make("w/x.json", {3, 15, 3, 22}, Code::UnknownKind, "unknown kind 'vidoe'",
                "did you mean 'video'?");
  a.pointer = "/workflow/0/kind";  // not part of the json format
  auto b = make("w/y.yaml", {2, 1, 2, 11}, Code::NothingGated, "'conditions' has no 'next'");
  auto c = make("nope.json", {}, Code::IoError, "cannot read 'nope.json'");
  CHECK(rendered(Format::Json, {a, b, c}) == R"({
  "diagnostics": [
    {
      "file": "w/x.json",
      "line": 3,
      "column": 15,
      "end_line": 3,
      "end_column": 22,
      "severity": "error",
      "code": "WF201",
      "message": "unknown kind 'vidoe'",
      "hint": "did you mean 'video'?"
    },
    {
      "file": "w/y.yaml",
      "line": 2,
      "column": 1,
      "end_line": 2,
      "end_column": 11,
      "severity": "warning",
      "code": "WF304",
      "message": "'conditions' has no 'next'",
      "hint": null
    },
    {
      "file": "nope.json",
      "line": null,
      "column": null,
      "end_line": null,
      "end_column": null,
      "severity": "error",
      "code": "WF100",
      "message": "cannot read 'nope.json'",
      "hint": null
    }
  ]
}
)");
  CHECK(rendered(Format::Json, {}) == "{\n  \"diagnostics\": []\n}\n");
}

TEST_CASE("json: text that is not UTF-8 is replaced, not fatal", "[render][json]") {
  auto d = make("x.json", {1, 2, 1, 5}, Code::UnknownField, "unknown field 'a\xff'");
  auto doc = nlohmann::json::parse(rendered(Format::Json, {d}));
  CHECK(doc["diagnostics"][0]["message"] == "unknown field 'a\xEF\xBF\xBD'");
}

TEST_CASE("json: a span with no end is shown as a point", "[render][json]") {
  auto d = make("x.json", {4, 7, 0, 0}, Code::InvalidSyntax, "unexpected ','");
  auto doc = nlohmann::json::parse(rendered(Format::Json, {d}));
  CHECK(doc["diagnostics"][0]["end_line"] == 4);
  CHECK(doc["diagnostics"][0]["end_column"] == 7);
}

TEST_CASE("github: one workflow command per diagnostic, escaped", "[render][github]") {
  auto e = make("w/x.json", {3, 15, 3, 22}, Code::UnknownKind, "unknown kind 'vidoe'",
                "did you mean 'video'?");
  auto w = make("dir,1/a:b.yaml", {2, 1, 2, 11}, Code::NothingGated,
                "100% of nothing: 'conditions'\r\nhas no 'next'");
  auto n = make("x.json", {1, 1, 1, 2}, Code::UnknownField, "a, b: c");
  n.severity = Severity::Note;
  auto io = make("nope.json", {}, Code::IoError, "cannot read 'nope.json'");
  CHECK(rendered(Format::Github, {e, w, n, io}) ==
        "::error file=w/x.json,line=3,col=15,endLine=3,endColumn=22,title=WF201 "
        "unknown-kind::unknown kind 'vidoe'%0Ahelp: did you mean 'video'?\n"
        "::warning file=dir%2C1/a%3Ab.yaml,line=2,col=1,endLine=2,endColumn=11,title=WF304 "
        "nothing-gated::100%25 of nothing: 'conditions'%0D%0Ahas no 'next'\n"
        "::notice file=x.json,line=1,col=1,endLine=1,endColumn=2,title=WF111 "
        "unknown-field::a, b: c\n"
        "::error file=nope.json,title=WF100 io-error::cannot read 'nope.json'\n");
}

TEST_CASE("sarif: a 2.1.0 log with every required field", "[render][sarif]") {
  auto e = make("w/x y.json", {3, 15, 3, 22}, Code::UnknownKind, "unknown kind 'vidoe'",
                "did you mean 'video'?");
  e.pointer = "/workflow/0/kind";
  auto w = make("<stdin>", {2, 1, 2, 1}, Code::NothingGated, "'conditions' has no 'next'");
  auto io = make("nope.json", {}, Code::IoError, "cannot read 'nope.json'");
  auto log = nlohmann::json::parse(rendered(Format::Sarif, {e, w, io}));

  CHECK(log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
  CHECK(log["version"] == "2.1.0");
  REQUIRE(log["runs"].size() == 1);
  const auto& run = log["runs"][0];
  CHECK(run["columnKind"] == "unicodeCodePoints");
  const auto& driver = run["tool"]["driver"];
  CHECK(driver["name"] == "wfc");
  CHECK(driver["version"] == "9.8.7");
  CHECK_FALSE(driver.contains("informationUri"));  // optional; no invented address

  // Every registered code is a rule, in registry order, with the required `id`.
  const auto& rules = driver["rules"];
  REQUIRE(rules.size() == all_codes().size());
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& c = all_codes()[i];
    CHECK(rules[i]["id"] == c.id);
    CHECK(rules[i]["name"] == c.name);
    CHECK(rules[i]["shortDescription"]["text"] == c.summary);
    CHECK(rules[i]["fullDescription"]["text"] == c.explain);
    CHECK(rules[i]["defaultConfiguration"]["level"] == severity_name(c.severity));
  }

  const auto& results = run["results"];
  REQUIRE(results.size() == 3);
  for (const auto& r : results) {
    // result requires `message` (with `text`); ruleIndex names the rule with the same id.
    CHECK(r["message"]["text"].is_string());
    CHECK(rules[r["ruleIndex"].get<size_t>()]["id"] == r["ruleId"]);
    // physicalLocation requires an artifactLocation (or an address).
    CHECK(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string());
  }
  CHECK(results[0]["ruleId"] == "WF201");
  CHECK(results[0]["level"] == "error");
  CHECK(results[0]["message"]["text"] == "unknown kind 'vidoe'\nhelp: did you mean 'video'?");
  CHECK(results[0]["properties"]["pointer"] == "/workflow/0/kind");
  const auto& loc = results[0]["locations"][0]["physicalLocation"];
  CHECK(loc["artifactLocation"]["uri"] == "w/x%20y.json");
  CHECK(loc["region"] ==
        nlohmann::json{{"startLine", 3}, {"startColumn", 15}, {"endLine", 3}, {"endColumn", 22}});
  CHECK(results[1]["level"] == "warning");
  CHECK(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "%3Cstdin%3E");
  CHECK_FALSE(results[1].contains("properties"));
  CHECK_FALSE(results[2]["locations"][0]["physicalLocation"].contains("region"));
}

TEST_CASE("sarif: a clean run still has an empty results list", "[render][sarif]") {
  auto log = nlohmann::json::parse(rendered(Format::Sarif, {}));
  CHECK(log["runs"][0]["results"] == nlohmann::json::array());
}

TEST_CASE("format names", "[render]") {
  CHECK(parse_format("human") == Format::Human);
  CHECK(parse_format("json") == Format::Json);
  CHECK(parse_format("github") == Format::Github);
  CHECK(parse_format("sarif") == Format::Sarif);
  CHECK_FALSE(parse_format("xml").has_value());
  CHECK_FALSE(parse_format("JSON").has_value());
}

TEST_CASE("want_color: a terminal, NO_COLOR unset or empty, TERM not dumb", "[render]") {
  // Restores the environment this test changes (ctest runs the tests with NO_COLOR=1).
  struct SavedEnv {
    std::string name;
    std::optional<std::string> value;
    explicit SavedEnv(std::string n) : name(std::move(n)) {
      if (const char* v = getenv(name.c_str())) value = v;
    }
    ~SavedEnv() { value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str()); }
  } no_color("NO_COLOR"), term("TERM");

  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  unsetenv("NO_COLOR");
  setenv("TERM", "xterm-256color", 1);
  CHECK_FALSE(want_color(pipe_fds[1]));
  close(pipe_fds[0]);
  close(pipe_fds[1]);

  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0) {
    // A chroot or container without /dev/ptmx has no terminal to test against.
    WARN("no pseudo-terminal here (posix_openpt failed): the terminal half is not run");
    return;
  }
  REQUIRE(grantpt(master) == 0);
  REQUIRE(unlockpt(master) == 0);
  int tty = open(ptsname(master), O_RDWR | O_NOCTTY);
  REQUIRE(tty >= 0);
  CHECK(want_color(tty));
  setenv("NO_COLOR", "", 1);
  CHECK(want_color(tty));
  setenv("NO_COLOR", "1", 1);
  CHECK_FALSE(want_color(tty));
  unsetenv("NO_COLOR");
  setenv("TERM", "dumb", 1);
  CHECK_FALSE(want_color(tty));
  close(tty);
  close(master);
}
