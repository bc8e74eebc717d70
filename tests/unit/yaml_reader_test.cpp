// The YAML reader: exact positions of keys and values, core-schema typing, duplicates, tabs,
// documents, anchors, tags and parse errors, each as a user would see them.
#include "compiler/syntax/yaml/yaml_reader.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "compiler/syntax/reader.h"

using namespace wfc;

namespace {

struct Result {
  std::optional<Value> value;
  diag::Diagnostics diags;
};

Result read(const std::string& text) {
  SourceFile file("test.yaml", text);
  Result r{std::nullopt, diag::Diagnostics("test.yaml")};
  r.value = syntax::read_yaml(file, r.diags);
  return r;
}

// "line:column-end_line:end_column"
std::string at(Span s) {
  return std::to_string(s.line) + ":" + std::to_string(s.column) + "-" +
         std::to_string(s.end_line) + ":" + std::to_string(s.end_column);
}

const Value& get(const Value& v, const std::string& key) {
  const auto* m = v.find(key);
  REQUIRE(m != nullptr);
  return m->value;
}

const Member& member(const Value& v, const std::string& key) {
  const auto* m = v.find(key);
  REQUIRE(m != nullptr);
  return *m;
}

// Reads a single value written after `v: ` and returns it.
Value scalar(const std::string& written) {
  auto r = read("v: " + written + "\n");
  INFO(written);
  REQUIRE(r.diags.empty());
  REQUIRE(r.value);
  return get(*r.value, "v");
}

}  // namespace

TEST_CASE("yaml: keys and scalars of a block mapping have exact spans", "[yaml]") {
  auto r = read(
      "name: clip upload\n"
      "workflow:\n"
      "  - kind: video\n"
      "    options:\n"
      "      width: 640   # pixels\n"
      "      fit: \"cover\"\n");
  REQUIRE(r.diags.empty());
  REQUIRE(r.value);
  const Value& root = *r.value;
  CHECK(at(root.span) == "1:1-6:19");
  CHECK(at(member(root, "name").key_span) == "1:1-1:5");
  CHECK(at(get(root, "name").span) == "1:7-1:18");
  CHECK(get(root, "name").string == "clip upload");
  const Value& workflow = get(root, "workflow");
  CHECK(at(member(root, "workflow").key_span) == "2:1-2:9");
  CHECK(at(workflow.span) == "3:3-6:19");
  REQUIRE(workflow.items.size() == 1);
  const Value& task = workflow.items[0];
  CHECK(at(task.span) == "3:5-6:19");
  CHECK(at(member(task, "kind").key_span) == "3:5-3:9");
  CHECK(at(get(task, "kind").span) == "3:11-3:16");
  const Value& options = get(task, "options");
  CHECK(at(options.span) == "5:7-6:19");
  CHECK(at(member(options, "width").key_span) == "5:7-5:12");
  // The trailing spaces and the comment are not part of the value.
  CHECK(at(get(options, "width").span) == "5:14-5:17");
  CHECK(get(options, "width").integer == 640);
  // Quoted scalars include their quotes.
  CHECK(at(get(options, "fit").span) == "6:12-6:19");
}

TEST_CASE("yaml: flow collections span their brackets", "[yaml]") {
  auto r = read("task: {kind: video, options: {width: 640, fit: 'cover'}, next: [a, [b], ]}\n");
  REQUIRE(r.diags.empty());
  REQUIRE(r.value);
  const Value& task = get(*r.value, "task");
  CHECK(at(task.span) == "1:7-1:75");
  CHECK(at(member(task, "kind").key_span) == "1:8-1:12");
  CHECK(at(get(task, "kind").span) == "1:14-1:19");
  const Value& options = get(task, "options");
  CHECK(at(options.span) == "1:30-1:56");
  CHECK(at(get(options, "fit").span) == "1:48-1:55");
  const Value& next = get(task, "next");
  // A trailing comma before the bracket is allowed in YAML flow sequences.
  CHECK(at(next.span) == "1:64-1:74");
  REQUIRE(next.items.size() == 2);
  CHECK(at(next.items[1].span) == "1:68-1:71");
  CHECK(at(next.items[1].items[0].span) == "1:69-1:70");
}

TEST_CASE("yaml: a flow collection may run over several lines", "[yaml]") {
  auto r = read(
      "next: [\n"
      "  {kind: image},   # first\n"
      "  {kind: audio}\n"
      "]\n");
  REQUIRE(r.diags.empty());
  const Value& next = get(*r.value, "next");
  CHECK(at(next.span) == "1:7-4:2");
  CHECK(at(next.items[0].span) == "2:3-2:16");
  CHECK(at(get(next.items[1], "kind").span) == "3:10-3:15");
}

TEST_CASE("yaml: nested sequences, compact entries and empty values", "[yaml]") {
  auto r = read(
      "- - a\n"
      "  - b\n"
      "- kind: video\n"
      "  next:\n"
      "-\n"
      "- ~\n");
  REQUIRE(r.diags.empty());
  const Value& root = *r.value;
  REQUIRE(root.items.size() == 4);
  CHECK(at(root.span) == "1:1-6:4");
  CHECK(at(root.items[0].span) == "1:3-2:6");
  CHECK(at(root.items[0].items[1].span) == "2:5-2:6");
  const Value& next = get(root.items[1], "next");
  CHECK(next.is_null());
  // An empty value is a point just after its key's colon.
  CHECK(at(next.span) == "4:8-4:8");
  CHECK(root.items[2].is_null());
  CHECK(at(root.items[2].span) == "5:2-5:2");
  CHECK(root.items[3].is_null());
  CHECK(at(root.items[3].span) == "6:3-6:4");
}

TEST_CASE("yaml: columns count code points and CRLF line ends are handled", "[yaml]") {
  auto r = read("label: \"café ✓\"\r\nkind: vidéo\r\nref: x\r\n");
  REQUIRE(r.diags.empty());
  const Value& root = *r.value;
  CHECK(get(root, "label").string == "café ✓");
  CHECK(at(get(root, "label").span) == "1:8-1:16");
  CHECK(at(get(root, "kind").span) == "2:7-2:12");
  CHECK(at(member(root, "ref").key_span) == "3:1-3:4");
  CHECK(get(root, "ref").string == "x");
}

TEST_CASE("yaml: multi-line scalars span every line they use", "[yaml]") {
  auto r = read(
      "description: a plain value\n"
      "  folded over two lines\n"
      "quoted: \"one\n"
      "  two\"\n"
      "literal: |\n"
      "  line one\n"
      "  line two\n"
      "\n"
      "folded: >-\n"
      "  a\n"
      "  b\n"
      "after: 1\n");
  REQUIRE(r.diags.empty());
  const Value& root = *r.value;
  CHECK(get(root, "description").string == "a plain value folded over two lines");
  CHECK(at(get(root, "description").span) == "1:14-2:24");
  CHECK(get(root, "quoted").string == "one two");
  CHECK(at(get(root, "quoted").span) == "3:9-4:7");
  CHECK(get(root, "literal").string == "line one\nline two\n");
  CHECK(at(get(root, "literal").span) == "5:10-7:11");
  CHECK(get(root, "folded").string == "a b");
  CHECK(at(get(root, "folded").span) == "9:9-11:4");
  CHECK(at(get(root, "after").span) == "12:8-12:9");
}

TEST_CASE("yaml: quoted scalars are strings, plain ones follow the core schema", "[yaml]") {
  auto r = read(
      "plain_int: 12\n"
      "double_quoted: \"12\"\n"
      "single_quoted: '12'\n"
      "plain_bool: true\n"
      "quoted_bool: \"true\"\n"
      "quoted_null: 'null'\n"
      "non_specific: ! 12\n"
      "escaped: \"a\\tb\\u00e9\"\n"
      "apostrophe: 'it''s'\n");
  REQUIRE(r.diags.empty());
  const Value& root = *r.value;
  CHECK(get(root, "plain_int").type == ValueType::Integer);
  CHECK(get(root, "double_quoted").type == ValueType::String);
  CHECK(get(root, "double_quoted").string == "12");
  CHECK(get(root, "single_quoted").type == ValueType::String);
  CHECK(get(root, "plain_bool").type == ValueType::Bool);
  CHECK(get(root, "quoted_bool").type == ValueType::String);
  CHECK(get(root, "quoted_null").type == ValueType::String);
  CHECK(get(root, "non_specific").type == ValueType::String);
  CHECK(get(root, "escaped").string == "a\tb\xC3\xA9");
  CHECK(get(root, "apostrophe").string == "it's");
  CHECK(at(get(root, "apostrophe").span) == "9:13-9:20");
}

TEST_CASE("yaml: core schema resolution of plain scalars", "[yaml]") {
  struct Row {
    const char* written;
    ValueType type;
    const char* json;  // json_text of the value
  };
  const Row rows[] = {
      {"null", ValueType::Null, "null"},
      {"Null", ValueType::Null, "null"},
      {"NULL", ValueType::Null, "null"},
      {"~", ValueType::Null, "null"},
      {"nULL", ValueType::String, "\"nULL\""},
      {"true", ValueType::Bool, "true"},
      {"True", ValueType::Bool, "true"},
      {"TRUE", ValueType::Bool, "true"},
      {"false", ValueType::Bool, "false"},
      {"False", ValueType::Bool, "false"},
      {"FALSE", ValueType::Bool, "false"},
      {"tRUE", ValueType::String, "\"tRUE\""},
      // YAML 1.1 booleans are strings in YAML 1.2.
      {"yes", ValueType::String, "\"yes\""},
      {"No", ValueType::String, "\"No\""},
      {"on", ValueType::String, "\"on\""},
      {"off", ValueType::String, "\"off\""},
      {"y", ValueType::String, "\"y\""},
      {"0", ValueType::Integer, "0"},
      {"-12", ValueType::Integer, "-12"},
      {"+12", ValueType::Integer, "12"},
      {"012", ValueType::Integer, "12"},
      {"0x1F", ValueType::Integer, "31"},
      {"0o17", ValueType::Integer, "15"},
      {"9223372036854775807", ValueType::Integer, "9223372036854775807"},
      {"-9223372036854775808", ValueType::Integer, "-9223372036854775808"},
      {"9223372036854775808", ValueType::Number, "9.223372036854776e+18"},
      {"0x", ValueType::String, "\"0x\""},
      {"0o8", ValueType::String, "\"0o8\""},
      {"0b101", ValueType::String, "\"0b101\""},
      {"1_000", ValueType::String, "\"1_000\""},
      {"12:30", ValueType::String, "\"12:30\""},
      {"2024-01-31", ValueType::String, "\"2024-01-31\""},
      {"1.5", ValueType::Number, "1.5"},
      {"-.5", ValueType::Number, "-0.5"},
      {"1.", ValueType::Number, "1.0"},
      {"1e3", ValueType::Number, "1000.0"},
      {"2.5E-1", ValueType::Number, "0.25"},
      {"1e", ValueType::String, "\"1e\""},
      {".", ValueType::String, "\".\""},
      {"1.2.3", ValueType::String, "\"1.2.3\""},
      {"50%", ValueType::String, "\"50%\""},
      {"h264", ValueType::String, "\"h264\""},
  };
  for (const auto& row : rows) {
    Value v = scalar(row.written);
    INFO(row.written);
    CHECK(v.type == row.type);
    CHECK(json_text(v) == row.json);
  }
  CHECK(std::isinf(scalar(".inf").number));
  CHECK(scalar(".Inf").number > 0);
  CHECK(scalar("-.INF").number < 0);
  CHECK(scalar("+.inf").number > 0);
  CHECK(std::isnan(scalar(".nan").number));
  CHECK(std::isnan(scalar(".NaN").number));
  CHECK(std::isnan(scalar(".NAN").number));
  CHECK(scalar(".Nan").type == ValueType::String);
  CHECK(scalar("1e400").number > 1e308);
  // An empty value is null, like `~`.
  auto r = read("v:\n");
  CHECK(get(*r.value, "v").is_null());
}

TEST_CASE("yaml: standard tags set the type; other tags are WF109 at the tag", "[yaml]") {
  auto r = read(
      "a: !!str 12\n"
      "b: !!int \"12\"\n"
      "c: !!float 1\n"
      "d: !!bool true\n"
      "e: !!map {x: 1}\n"
      "f: !!seq [1]\n"
      "g: !!null ~\n");
  REQUIRE(r.diags.empty());
  const Value& root = *r.value;
  CHECK(json_text(root) == R"({"a":"12","b":12,"c":1.0,"d":true,"e":{"x":1},"f":[1],"g":null})");
  CHECK(at(get(root, "a").span) == "1:10-1:12");

  r = read(
      "kind: !video clip\n"
      "width: !!int wide\n"
      "list: !<tag:example.com,2024:list> [1]\n");
  REQUIRE(r.diags.size() == 3);
  CHECK(r.diags.items()[0].code == diag::Code::UnsupportedYaml);
  CHECK(r.diags.items()[0].message == "tag '!video' is not supported");
  CHECK(at(r.diags.items()[0].span) == "1:7-1:13");
  CHECK(r.diags.items()[1].code == diag::Code::UnsupportedYaml);
  CHECK(r.diags.items()[1].message == "'wide' is not a valid !!int");
  CHECK(at(r.diags.items()[1].span) == "2:14-2:18");
  CHECK(r.diags.items()[2].message == "tag '!<tag:example.com,2024:list>' is not supported");
  CHECK(at(r.diags.items()[2].span) == "3:7-3:35");
  // Every tag is reported, but the document is not handed on: checking `clip` as if untagged
  // would report the same mistake a second time.
  CHECK_FALSE(r.value);
}

TEST_CASE("yaml: duplicate keys are WF102 at each repeat, naming the first", "[yaml]") {
  auto r = read(
      "kind: video\n"
      "options: {width: 640, width: 720}\n"
      "kind: audio\n"
      "\"kind\": image\n");
  REQUIRE(r.diags.size() == 3);
  const auto& d = r.diags.items();
  CHECK(d[0].code == diag::Code::DuplicateKey);
  CHECK(d[0].message == "duplicate key 'width'");
  CHECK(at(d[0].span) == "2:23-2:28");
  CHECK(d[0].hint == "first defined at 2:11");
  CHECK(d[1].message == "duplicate key 'kind'");
  CHECK(at(d[1].span) == "3:1-3:5");
  CHECK(d[1].hint == "first defined at 1:1");
  // A quoted key is the same key.
  CHECK(at(d[2].span) == "4:1-4:7");
  CHECK(d[2].hint == "first defined at 1:1");
  // The first value is kept, so the rest of the document can still be checked.
  REQUIRE(r.value);
  CHECK(get(*r.value, "kind").string == "video");
  CHECK(get(get(*r.value, "options"), "width").integer == 640);
}

TEST_CASE("yaml: duplicates are found in large mappings too", "[yaml]") {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  text += "k17: again\n";
  auto r = read(text);
  REQUIRE(r.diags.size() == 1);
  CHECK(at(r.diags.items()[0].span) == "41:1-41:4");
  CHECK(r.diags.items()[0].hint == "first defined at 18:1");
  CHECK(r.value->members.size() == 40);
}

TEST_CASE("yaml: tab indentation is WF108 at the tab, on every such line", "[yaml]") {
  auto r = read(
      "workflow:\n"
      "\t- kind: video\n"
      "  - kind: audio\n"
      "  \t  next: []\n");
  REQUIRE(r.diags.size() == 2);
  CHECK(r.diags.items()[0].code == diag::Code::TabIndentation);
  CHECK(r.diags.items()[0].message == "tab used for indentation");
  CHECK(at(r.diags.items()[0].span) == "2:1-2:2");
  CHECK(at(r.diags.items()[1].span) == "4:3-4:4");
  CHECK_FALSE(r.value);
}

TEST_CASE("yaml: tabs that are not indentation are fine", "[yaml]") {
  auto r = read(
      "a:\tvalue\t# tab before a comment\n"
      "b: \"x\n"
      "\ty\"\n"
      "c: |\n"
      "  \tindented text\n"
      "d: [1,\n"
      "\t2]\n");
  REQUIRE(r.diags.empty());
  CHECK(get(*r.value, "a").string == "value");
  CHECK(get(*r.value, "b").string == "x y");
  CHECK(get(*r.value, "c").string == "\tindented text\n");
}

TEST_CASE("yaml: a second document is WF107 at its start", "[yaml]") {
  auto r = read("---\nkind: video\n---\nkind: audio\n");
  REQUIRE(r.diags.size() == 1);
  CHECK(r.diags.items()[0].code == diag::Code::MultipleDocuments);
  CHECK(r.diags.items()[0].message == "a second YAML document starts here");
  CHECK(at(r.diags.items()[0].span) == "3:1-3:4");

  r = read("kind: video\n...\nkind: audio\n");
  REQUIRE(r.diags.size() == 1);
  CHECK(r.diags.items()[0].code == diag::Code::MultipleDocuments);
  CHECK(at(r.diags.items()[0].span) == "3:1-3:2");

  // A single leading `---` and a closing `...` are fine.
  r = read("# a workflow\n---\nkind: video\n...\n");
  CHECK(r.diags.empty());
  REQUIRE(r.value);
  CHECK(at(get(*r.value, "kind").span) == "3:7-3:12");

  // Without a marker, a second top-level node is a syntax error, not a document.
  r = read("- kind: video\nkind: audio\n");
  REQUIRE(r.diags.size() == 1);
  CHECK(r.diags.items()[0].code == diag::Code::InvalidSyntax);
  CHECK(at(r.diags.items()[0].span) == "2:1-2:2");
}

TEST_CASE("yaml: an empty document is WF104", "[yaml]") {
  auto r = read("---\n");
  REQUIRE(r.diags.size() == 1);
  CHECK(r.diags.items()[0].code == diag::Code::EmptyFile);
  CHECK(r.diags.items()[0].message == "the document is empty");
  CHECK_FALSE(r.value);
}

TEST_CASE("yaml: anchors and aliases are resolved with the anchor's positions", "[yaml]") {
  auto r = read(
      "defaults: &hd {width: 1280, height: 720}\n"
      "workflow:\n"
      "  - kind: video\n"
      "    options: *hd\n"
      "  - kind: &k image\n"
      "    ref: *k\n");
  REQUIRE(r.diags.empty());
  const Value& root = *r.value;
  const Value& options = get(get(root, "workflow").items[0], "options");
  CHECK(json_text(options) == R"({"height":720,"width":1280})");
  CHECK(at(options.span) == "1:15-1:41");
  CHECK(at(get(options, "width").span) == "1:23-1:27");
  const Value& second = get(root, "workflow").items[1];
  CHECK(at(get(second, "kind").span) == "5:14-5:19");
  CHECK(get(second, "ref").string == "image");
  CHECK(at(get(second, "ref").span) == "5:14-5:19");
}

TEST_CASE("yaml: merge keys take the entries the mapping does not define", "[yaml]") {
  auto r = read(
      "base: &base {format: mp4, width: 640}\n"
      "small:\n"
      "  <<: *base\n"
      "  width: 320\n"
      "both:\n"
      "  <<: [{fps: 30}, *base]\n");
  REQUIRE(r.diags.empty());
  CHECK(json_text(get(*r.value, "small")) == R"({"format":"mp4","width":320})");
  CHECK(json_text(get(*r.value, "both")) == R"({"format":"mp4","fps":30,"width":640})");
  CHECK(at(get(get(*r.value, "small"), "width").span) == "4:10-4:13");

  r = read("a:\n  <<: 3\n");
  REQUIRE(r.diags.size() == 1);
  CHECK(r.diags.items()[0].code == diag::Code::UnsupportedYaml);
  CHECK(r.diags.items()[0].message ==
        "the merge key '<<' needs a mapping or a list of mappings, got an integer");
  CHECK(at(r.diags.items()[0].span) == "2:7-2:8");
  CHECK_FALSE(r.value);

  // Through an alias, the mistake is the merge, not the anchored value.
  r = read("q: &hq very_high\nopts:\n  <<: *hq\n  width: 1\n");
  REQUIRE(r.diags.size() == 1);
  CHECK(r.diags.items()[0].message ==
        "the merge key '<<' needs a mapping or a list of mappings, got a string");
  CHECK(at(r.diags.items()[0].span) == "3:7-3:10");

  r = read("a: &a [1]\nb:\n  <<: [{x: 1}, *a]\n");
  REQUIRE(r.diags.size() == 1);
  CHECK(r.diags.items()[0].message ==
        "the merge key '<<' needs a mapping or a list of mappings, got a list holding an array");
  CHECK(at(r.diags.items()[0].span) == "3:7-3:19");
}

TEST_CASE("yaml: complex keys and recursive aliases are WF109", "[yaml]") {
  auto r = read("? [a, b]\n: 1\n{x: 1}: 2\nkind: video\n");
  REQUIRE(r.diags.size() == 2);
  CHECK(r.diags.items()[0].code == diag::Code::UnsupportedYaml);
  CHECK(r.diags.items()[0].message == "complex (non-scalar) mapping keys are not supported");
  CHECK(at(r.diags.items()[0].span) == "1:3-1:9");
  CHECK(at(r.diags.items()[1].span) == "3:1-3:7");
  REQUIRE(r.value);
  CHECK(json_text(*r.value) == R"({"kind":"video"})");

  r = read("a: &loop [1, *loop]\n");
  REQUIRE(r.diags.size() == 1);
  CHECK(r.diags.items()[0].code == diag::Code::UnsupportedYaml);
  CHECK(r.diags.items()[0].message == "alias '*loop' is used inside the value it refers to");
  CHECK(at(r.diags.items()[0].span) == "1:14-1:19");
}

TEST_CASE("yaml: parse errors are WF101 at the offending character, in plain words", "[yaml]") {
  struct Row {
    const char* text;
    const char* span;
    const char* message;
  };
  const Row rows[] = {
      {"kind: video\n options: {}\n", "2:9-2:10", "unexpected ':' here"},
      {"kind: video\nnext:\n  - a\n - b\n", "4:2-4:3",
       "this line is not aligned with the mapping it belongs to"},
      {"kind: \"video\" clip\n", "1:15-1:16", "unexpected 'c' after a complete value"},
      {"next: [a, b\n", "1:12-1:12", "unclosed '[': the file ends inside a flow sequence"},
      {"options: {width: 1 height: 2}\n", "1:26-1:27", "expected ',' or '}' but found ':'"},
      {"next: [a]]\n", "1:10-1:11", "unexpected ']' with no matching opening bracket"},
      {"kind: @video\n", "1:7-1:8", "'@' cannot start a plain value"},
      {"options: *defaults\n", "1:10-1:19", "alias '*defaults' refers to an undefined anchor"},
      {"a: [x, *dé]\n", "1:8-1:11", "alias '*dé' refers to an undefined anchor"},
      {"label: \"a\\qb\"\n", "1:10-1:12", "unknown escape '\\q' in a double-quoted string"},
      {"label: \"open\nkind: video\n", "1:8-1:9", "unterminated quoted string"},
      {"kind: video\nnext\n", "2:1-2:5", "missing ':' after key 'next'"},
      {"next: - a\n", "1:7-1:8", "a '- ' list entry is not allowed here"},
  };
  for (const auto& row : rows) {
    auto r = read(row.text);
    INFO(row.text);
    REQUIRE(r.diags.size() == 1);
    CHECK(r.diags.items()[0].code == diag::Code::InvalidSyntax);
    CHECK(at(r.diags.items()[0].span) == row.span);
    CHECK(r.diags.items()[0].message == row.message);
    CHECK_FALSE(r.diags.items()[0].hint.empty());
    CHECK_FALSE(r.value);
  }
}

TEST_CASE("yaml: a missing space after ':' is reported at that ':'", "[yaml]") {
  struct Row {
    const char* text;
    const char* span;
    const char* message;
    const char* hint;
  };
  const Row rows[] = {
      // yaml-cpp reads `width:1280 format` as one scalar and fails at the second line's ':'.
      {"options:\n  width:1280\n  format: jpeg\n", "2:8-2:9",
       "missing space after ':' in 'width:1280'",
       "write 'width: 1280'; a key's ':' must be followed by a space"},
      // A run of them: the scalar began at the first.
      {"a:\n  b:1\n  # note\n  c:2\n  d: 3\n", "2:4-2:5", "missing space after ':' in 'b:1'",
       "write 'b: 1'; a key's ':' must be followed by a space"},
      {"- kind:video\n  options: {}\n", "1:7-1:8", "missing space after ':' in 'kind:video'",
       "write 'kind: video'; a key's ':' must be followed by a space"},
      // As the last entry of a mapping it reads as a key without ':'.
      {"options:\n  fps: 30\n  width:1280\n", "3:8-3:9", "missing space after ':' in 'width:1280'",
       "write 'width: 1280'; a key's ':' must be followed by a space"},
      // Not this mistake: a URL value, and a second ': ' on one line.
      {"url: https://a.b/c\n  format: jpeg\n", "2:9-2:10", "unexpected ':' here", nullptr},
      {"a: b: c\n", "1:5-1:6", "unexpected ':' here", nullptr},
  };
  for (const auto& row : rows) {
    auto r = read(row.text);
    INFO(row.text);
    REQUIRE(r.diags.size() == 1);
    CHECK(r.diags.items()[0].code == diag::Code::InvalidSyntax);
    CHECK(at(r.diags.items()[0].span) == row.span);
    CHECK(r.diags.items()[0].message == row.message);
    if (row.hint) CHECK(r.diags.items()[0].hint == row.hint);
    CHECK_FALSE(r.value);
  }
}

TEST_CASE("yaml: an unclosed flow bracket is named by its position", "[yaml]") {
  struct Row {
    const char* text;
    const char* span;
    const char* message;
    const char* hint;
  };
  const Row rows[] = {
      {"format: { in: [jpeg, png, webp }\n", "1:32-1:33", "expected ',' or ']' but found '}'",
       "the '[' at 1:15 is not closed"},
      {"a: [x, {b: c]\n", "1:13-1:14", "expected ',' or '}' but found ']'",
       "the '{' at 1:8 is not closed"},
      // Brackets inside quotes and comments are not brackets.
      {"a: [\"]\", # ]\n  {b: '[', c: d]\n", "2:16-2:17", "expected ',' or '}' but found ']'",
       "the '{' at 2:3 is not closed"},
      {"a:\n  - [x, y}\n", "2:10-2:11", "expected ',' or ']' but found '}'",
       "the '[' at 2:5 is not closed"},
      {"options: { width: 1280, format: jpeg\nnext: []\n", "2:5-2:6",
       "expected ',' or '}' but found ':'",
       "separate the entries of a flow mapping with ',' and close the '{' at 1:10 with '}'"},
      {"next: [a, [b], c\n", "1:17-1:17", "unclosed '[': the file ends inside a flow sequence",
       "close the '[' at 1:7 with ']'"},
      {"next: [a]]\n", "1:10-1:11", "unexpected ']' with no matching opening bracket",
       "remove it, or add the missing '['"},
  };
  for (const auto& row : rows) {
    auto r = read(row.text);
    INFO(row.text);
    REQUIRE(r.diags.size() == 1);
    CHECK(r.diags.items()[0].code == diag::Code::InvalidSyntax);
    CHECK(at(r.diags.items()[0].span) == row.span);
    CHECK(r.diags.items()[0].message == row.message);
    CHECK(r.diags.items()[0].hint == row.hint);
  }
}

TEST_CASE("yaml: a YAML file and its JSON equivalent give the same values", "[yaml]") {
  const char* yaml =
      "# Transcode uploads, thumbnail the HD ones.\n"
      "name: social upload\n"
      "description: >-\n"
      "  Moderate, then transcode\n"
      "  for the feed.\n"
      "status: active\n"
      "workflow:\n"
      "  - kind: nsfw\n"
      "  - kind: conditions\n"
      "    options:\n"
      "      width: {gte: 1280}\n"
      "      kind: {in: [video, 'image']}\n"
      "    next:\n"
      "      - kind: video\n"
      "        ref: feed\n"
      "        options: {format: mp4, fps: 29.97, width: \"50%\", start: 0, end: ~}\n"
      "      - {kind: thumbnails, options: {count: 3, format: png}}\n"
      "metadata: {team: growth, retries: 0x3, sample: .5, enabled: true, note: 'yes'}\n";
  const char* json = R"({
    "name": "social upload",
    "description": "Moderate, then transcode for the feed.",
    "status": "active",
    "workflow": [
      {"kind": "nsfw"},
      {"kind": "conditions",
       "options": {"width": {"gte": 1280}, "kind": {"in": ["video", "image"]}},
       "next": [
         {"kind": "video", "ref": "feed",
          "options": {"format": "mp4", "fps": 29.97, "width": "50%", "start": 0, "end": null}},
         {"kind": "thumbnails", "options": {"count": 3, "format": "png"}}]}],
    "metadata": {"team": "growth", "retries": 3, "sample": 0.5, "enabled": true, "note": "yes"}
  })";
  auto r = read(yaml);
  REQUIRE(r.diags.empty());
  REQUIRE(r.value);
  CHECK(json_text(*r.value) == nlohmann::json::parse(json).dump());
}

TEST_CASE("yaml: a byte-order mark is skipped", "[yaml]") {
  auto r = read("\xEF\xBB\xBFkind: video\nref: a\n");
  REQUIRE(r.diags.empty());
  CHECK(get(*r.value, "kind").string == "video");
  CHECK(at(get(*r.value, "ref").span) == "2:6-2:7");
}
