// The JSON reader and the shared precheck: exact positions of values and keys, every strictness
// rule with the location and words a user sees, duplicate keys, and the precheck's encoding,
// binary and emptiness checks.
#include "compiler/syntax/json/json_reader.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "compiler/syntax/json/json_scanner.h"
#include "compiler/syntax/reader.h"

using namespace wfc;
using namespace wfc::syntax;
using diag::Code;

namespace {

struct Read {
  std::optional<Value> value;
  diag::Diagnostics diags{"test.json"};
};

// Reads text the way compile_source does: precheck, then read_json.
Read read(const std::string& text, const Limits& limits = {}) {
  SourceFile file("test.json", text);
  Read r;
  if (precheck(file, r.diags, limits)) r.value = read_json(file, r.diags, limits);
  return r;
}

// "line:column-end_line:end_column", the form the tests pin spans in.
std::string where(const Span& s) {
  return std::to_string(s.line) + ":" + std::to_string(s.column) + "-" +
         std::to_string(s.end_line) + ":" + std::to_string(s.end_column);
}

// The one diagnostic a file with a syntax or encoding error gets.
diag::Diagnostic only_error(const std::string& text, const Limits& limits = {}) {
  Read r = read(text, limits);
  INFO(text);
  REQUIRE(r.diags.size() == 1);
  CHECK_FALSE(r.value.has_value());
  return r.diags.items().front();
}

}  // namespace

TEST_CASE("json: values and keys carry their exact spans", "[json]") {
  Read r = read(R"({"kind": "video", "options": {"width": 1280, "fit": null}})");
  REQUIRE(r.diags.empty());
  REQUIRE(r.value);
  const Value& root = *r.value;
  CHECK(root.is_object());
  CHECK(where(root.span) == "1:1-1:59");
  REQUIRE(root.members.size() == 2);
  CHECK(root.members[0].key == "kind");
  CHECK(where(root.members[0].key_span) == "1:2-1:8");  // the key with its quotes
  CHECK(where(root.members[0].value.span) == "1:10-1:17");
  CHECK(root.members[0].value.string == "video");
  const Value& options = root.members[1].value;
  CHECK(where(root.members[1].key_span) == "1:19-1:28");
  CHECK(where(options.span) == "1:30-1:58");
  CHECK(where(options.members[0].key_span) == "1:31-1:38");
  CHECK(options.members[0].value.is_integer());
  CHECK(options.members[0].value.integer == 1280);
  CHECK(where(options.members[0].value.span) == "1:40-1:44");
  CHECK(where(options.members[1].value.span) == "1:53-1:57");
  CHECK(options.members[1].value.is_null());
}

TEST_CASE("json: nested arrays and objects over several lines", "[json]") {
  Read r = read(
      "{\n"
      "  \"workflow\": [\n"
      "    { \"kind\": \"summary\" },\n"
      "    {\n"
      "      \"kind\": \"image\",\n"
      "      \"next\": [ ]\n"
      "    }\n"
      "  ]\n"
      "}\n");
  REQUIRE(r.value);
  CHECK(where(r.value->span) == "1:1-9:2");
  const Value& workflow = r.value->members[0].value;
  CHECK(where(workflow.span) == "2:15-8:4");
  REQUIRE(workflow.items.size() == 2);
  CHECK(where(workflow.items[0].span) == "3:5-3:26");
  CHECK(where(workflow.items[0].members[0].value.span) == "3:15-3:24");
  CHECK(where(workflow.items[1].span) == "4:5-7:6");
  CHECK(where(workflow.items[1].members[0].key_span) == "5:7-5:13");
  const Value& next = workflow.items[1].members[1].value;
  CHECK(next.is_array());
  CHECK(next.items.empty());
  CHECK(where(next.span) == "6:15-6:18");
}

TEST_CASE("json: columns count code points not bytes", "[json]") {
  Read r = read(R"({"é": 1, "日本語": "ünï", "e": "😀", "z": 2})");
  REQUIRE(r.value);
  const auto& m = r.value->members;
  CHECK(m[0].key == "é");
  CHECK(where(m[0].key_span) == "1:2-1:5");
  CHECK(where(m[0].value.span) == "1:7-1:8");
  CHECK(where(m[1].key_span) == "1:10-1:15");
  CHECK(where(m[1].value.span) == "1:17-1:22");
  CHECK(m[1].value.string == "ünï");
  CHECK(where(m[2].value.span) == "1:29-1:32");  // a 4-byte character is one column
  CHECK(where(m[3].value.span) == "1:39-1:40");
  CHECK(where(r.value->span) == "1:1-1:41");
}

TEST_CASE("json: long runs of multi-byte text and indentation", "[json]") {
  // 24 two-byte and 12 three-byte characters, then values after long runs of spaces.
  Read r = read(std::string("{\"k\": \"") +
                "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                "\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5"
                "\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5"
                "\",                    \"n\":\n                      1}");
  REQUIRE(r.value);
  CHECK(where(r.value->members[0].value.span) == "1:7-1:45");
  CHECK(where(r.value->members[1].key_span) == "1:66-1:69");
  CHECK(where(r.value->members[1].value.span) == "2:23-2:24");
  CHECK(where(r.value->span) == "1:1-2:25");
}

TEST_CASE("json: escapes are decoded and the span covers the text as written", "[json]") {
  Read r = read(R"(["a\"b\\c\/\n\t", "\u00e9\ud83d\ude00", "\u0061"])");
  REQUIRE(r.value);
  const auto& items = r.value->items;
  CHECK(items[0].string == "a\"b\\c/\n\t");
  CHECK(where(items[0].span) == "1:2-1:17");
  CHECK(items[1].string == "é😀");
  CHECK(where(items[1].span) == "1:19-1:39");
  CHECK(items[2].string == "a");
}

TEST_CASE("json: CRLF line endings", "[json]") {
  Read r = read("{\r\n  \"a\": 1,\r\n  \"b\": [true,\r\n false]\r\n}\r\n");
  REQUIRE(r.value);
  CHECK(where(r.value->span) == "1:1-5:2");
  CHECK(where(r.value->members[0].key_span) == "2:3-2:6");
  CHECK(where(r.value->members[1].value.span) == "3:8-4:8");
  CHECK(where(r.value->members[1].value.items[1].span) == "4:2-4:7");

  auto d = only_error("{\r\n  \"a\": 1,\r\n}\r\n");
  CHECK(d.code == Code::InvalidSyntax);
  CHECK(where(d.span) == "2:9-2:10");
  CHECK(d.message == "trailing comma is not allowed in JSON");
}

TEST_CASE("json: a UTF-8 byte order mark is skipped and takes no column", "[json]") {
  Read r = read("\xEF\xBB\xBF{\"a\": [1]}");
  REQUIRE(r.diags.empty());
  REQUIRE(r.value);
  CHECK(where(r.value->span) == "1:1-1:11");
  CHECK(where(r.value->members[0].key_span) == "1:2-1:5");
  CHECK(where(r.value->members[0].value.items[0].span) == "1:8-1:9");

  auto d = only_error("\xEF\xBB\xBF{\"a\": 1 \"b\": 2}");
  CHECK(where(d.span) == "1:9-1:12");
  CHECK(d.message == "expected ',' or '}' after an object member");
}

TEST_CASE("json: integers that fit int64 are Integer and other numbers Number", "[json]") {
  Read r = read(
      "[0, -0, 1280, 9223372036854775807, -9223372036854775808, 9223372036854775808, "
      "123456789012345678901234567890, 1.0, 1e2, -2.5E-3, 1e-400]");
  REQUIRE(r.value);
  const auto& n = r.value->items;
  REQUIRE(n.size() == 11);
  CHECK(n[0].is_integer());
  CHECK(n[1].is_integer());
  CHECK(n[1].integer == 0);
  CHECK(n[2].integer == 1280);
  CHECK(n[3].integer == INT64_MAX);
  CHECK(n[4].integer == INT64_MIN);
  CHECK(n[5].type == ValueType::Number);
  CHECK(n[5].number == Approx(9223372036854775808.0));
  CHECK(n[6].type == ValueType::Number);
  CHECK(n[6].number == Approx(1.2345678901234568e29));
  CHECK(n[7].type == ValueType::Number);
  CHECK(n[7].number == 1.0);
  CHECK(n[8].type == ValueType::Number);
  CHECK(n[8].number == 100.0);
  CHECK(n[9].number == Approx(-0.0025));
  CHECK(n[10].number == 0.0);
  CHECK(where(n[6].span) == "1:79-1:109");
}

TEST_CASE("json: a document may be any value surrounded by whitespace", "[json]") {
  Read r = read(" \n\t[1] \n");
  REQUIRE(r.value);
  CHECK(where(r.value->span) == "2:2-2:5");
  Read s = read("\"just a string\"");
  REQUIRE(s.value);
  CHECK(s.value->string == "just a string");
  CHECK(where(s.value->span) == "1:1-1:16");
  Read t = read("true");
  REQUIRE(t.value);
  CHECK(t.value->is_bool());
  CHECK(t.value->boolean);
  Read n = read("42");
  REQUIRE(n.value);
  CHECK(n.value->integer == 42);
}

TEST_CASE("json: trailing commas", "[json][strict]") {
  auto d = only_error("{\n  \"kind\": \"video\",\n}\n");
  CHECK(d.code == Code::InvalidSyntax);
  CHECK(where(d.span) == "2:18-2:19");
  CHECK(d.message == "trailing comma is not allowed in JSON");
  CHECK(d.hint == "remove the trailing comma");

  d = only_error("[1, 2, ]");
  CHECK(where(d.span) == "1:6-1:7");
  CHECK(d.message == "trailing comma is not allowed in JSON");
}

TEST_CASE("json: missing commas", "[json][strict]") {
  auto d = only_error("{\n  \"kind\": \"video\"\n  \"options\": {}\n}");
  CHECK(where(d.span) == "3:3-3:12");  // the whole unexpected key
  CHECK(d.message == "expected ',' or '}' after an object member");
  CHECK(d.hint == "add a ',' after the previous member");

  d = only_error("[1 2]");
  CHECK(where(d.span) == "1:4-1:5");
  CHECK(d.message == "expected ',' or ']' after an array element");
  CHECK(d.hint == "add a ',' after the previous element");
}

TEST_CASE("json: comments", "[json][strict]") {
  auto d = only_error("{\n  // the kind\n  \"kind\": \"video\"\n}");
  CHECK(where(d.span) == "2:3-2:14");
  CHECK(d.message == "comments are not allowed in JSON");
  CHECK(d.hint == "remove the comment (YAML workflow files may use '#' comments)");

  d = only_error("{\"a\": 1 /* one */}");
  CHECK(where(d.span) == "1:9-1:18");
  CHECK(d.message == "comments are not allowed in JSON");

  d = only_error("# settings\n{}");
  CHECK(where(d.span) == "1:1-1:11");
  CHECK(d.message == "comments are not allowed in JSON");

  d = only_error("[1] // done");
  CHECK(where(d.span) == "1:5-1:12");
}

TEST_CASE("json: single quotes", "[json][strict]") {
  auto d = only_error("{\"kind\": 'video'}");
  CHECK(where(d.span) == "1:10-1:17");
  CHECK(d.message == "strings must use double quotes");
  CHECK(d.hint == "replace the single quotes with double quotes");

  d = only_error("{'kind': \"video\"}");
  CHECK(where(d.span) == "1:2-1:8");
  CHECK(d.message == "strings must use double quotes");
}

TEST_CASE("json: NaN and Infinity", "[json][strict]") {
  auto d = only_error("{\"fps\": NaN}");
  CHECK(where(d.span) == "1:9-1:12");
  CHECK(d.message == "'NaN' is not a valid JSON value");
  CHECK(d.hint == "JSON numbers must be finite; use null or a string");

  d = only_error("[Infinity]");
  CHECK(where(d.span) == "1:2-1:10");
  CHECK(d.message == "'Infinity' is not a valid JSON value");

  d = only_error("[-Infinity]");
  CHECK(where(d.span) == "1:2-1:11");
  CHECK(d.message == "'-Infinity' is not a valid JSON value");
}

TEST_CASE("json: malformed numbers", "[json][strict]") {
  auto d = only_error("{\"width\": 0720}");
  CHECK(where(d.span) == "1:11-1:15");
  CHECK(d.message == "numbers must not have leading zeros");

  d = only_error("[1.]");
  CHECK(where(d.span) == "1:2-1:4");
  CHECK(d.message == "expected a digit after the decimal point");
  CHECK(d.hint == "write '1.0' or '1'");

  d = only_error("[1e+]");
  CHECK(where(d.span) == "1:2-1:5");
  CHECK(d.message == "expected a digit in the exponent");

  d = only_error("[.5]");
  CHECK(d.message == "numbers must start with a digit");
  CHECK(d.hint == "write '0.5'");

  d = only_error("[+1]");
  CHECK(where(d.span) == "1:2-1:4");
  CHECK(d.message == "numbers must not start with '+'");

  d = only_error("[0x1F]");
  CHECK(where(d.span) == "1:2-1:6");
  CHECK(d.message == "invalid number '0x1F'");
  CHECK(d.hint == "JSON numbers are decimal; write the value in decimal");

  d = only_error("[-]");
  CHECK(d.message == "expected a digit after '-'");
}

TEST_CASE("json: a number too large for a double", "[json][strict]") {
  auto d = only_error("{\"bitrate\": 1e400}");
  CHECK(d.code == Code::InvalidSyntax);
  CHECK(where(d.span) == "1:13-1:18");
  CHECK(d.message == "number '1e400' is too large");
  CHECK(d.hint == "JSON numbers must fit a 64-bit float (at most about 1.8e308)");
}

TEST_CASE("json: control characters in strings", "[json][strict]") {
  auto d = only_error("{\"label\": \"a\tb\"}");
  CHECK(where(d.span) == "1:13-1:14");
  CHECK(d.message == "tab characters must be escaped in JSON strings");
  CHECK(d.hint == "write the tab as \\t");

  d = only_error("[\"bell\x07\"]");
  CHECK(where(d.span) == "1:7-1:8");
  CHECK(d.message == "control character U+0007 must be escaped in JSON strings");
  CHECK(d.hint == "write it as \\u0007");
}

TEST_CASE("json: unterminated strings", "[json][strict]") {
  auto d = only_error("{\"kind\": \"video}\n");
  CHECK(where(d.span) == "1:10-1:17");  // from the opening quote to the end of its line
  CHECK(d.message == "unterminated string");
  CHECK(d.hint == "add the closing '\"' (a line break inside a string is written \\n)");

  d = only_error("[\"abc");
  CHECK(where(d.span) == "1:2-1:6");
  CHECK(d.message == "unterminated string");
}

TEST_CASE("json: bad escapes", "[json][strict]") {
  auto d = only_error(R"({"path": "C:\temp\x"})");
  CHECK(where(d.span) == "1:18-1:20");
  CHECK(d.message == "invalid escape '\\x' in string");

  d = only_error(R"(["\u12G4"])");
  CHECK(where(d.span) == "1:3-1:8");
  CHECK(d.message == "invalid unicode escape '\\u12G4'");
  CHECK(d.hint == "\\u is followed by exactly four hexadecimal digits, as in \\u00e9");
}

TEST_CASE("json: lone surrogates in \\u escapes", "[json][strict]") {
  auto d = only_error(R"(["ab\ud83d"])");
  CHECK(where(d.span) == "1:5-1:11");
  CHECK(d.message == "lone surrogate '\\ud83d' in string");

  d = only_error(R"(["\ud83d\u0041"])");
  CHECK(where(d.span) == "1:3-1:9");
  CHECK(d.message == "lone surrogate '\\ud83d' in string");

  d = only_error(R"({"\ude00": 1})");
  CHECK(where(d.span) == "1:3-1:9");
  CHECK(d.message == "lone surrogate '\\ude00' in string");
}

TEST_CASE("json: content after the document", "[json][strict]") {
  auto d = only_error("{\"kind\": \"video\"}\n{\"kind\": \"audio\"}\n");
  CHECK(where(d.span) == "2:1-2:2");
  CHECK(d.message == "unexpected content after the JSON document");
  CHECK(d.hint == "a JSON file holds one value; put several values in an array");

  d = only_error("{\"a\": 1}}");
  CHECK(where(d.span) == "1:9-1:10");
  CHECK(d.hint == "remove the extra '}'");
}

TEST_CASE("json: unexpected end of file points just after the last token", "[json][strict]") {
  auto d = only_error("{\n  \"workflow\": [\n    {\"kind\": \"video\"}\n");
  CHECK(where(d.span) == "3:22-3:22");  // zero width
  CHECK(d.message == "unexpected end of file, expected ',' or ']'");
  CHECK(d.hint == "the '[' at 2:15 is not closed");

  d = only_error("{\"a\":");
  CHECK(where(d.span) == "1:6-1:6");
  CHECK(d.message == "unexpected end of file, expected a value");
}

TEST_CASE("json: mismatched brackets and missing colons and unquoted keys", "[json][strict]") {
  auto d = only_error("{\"next\": [1, 2}");
  CHECK(where(d.span) == "1:15-1:16");
  CHECK(d.message == "expected ',' or ']' after an array element");
  CHECK(d.hint == "the '[' at 1:10 is not closed");

  d = only_error("{\"kind\" \"video\"}");
  CHECK(where(d.span) == "1:9-1:16");
  CHECK(d.message == "expected ':' after the object key");
  CHECK(d.hint == "add ':' between the key and its value");

  d = only_error("{kind: \"video\"}");
  CHECK(where(d.span) == "1:2-1:6");
  CHECK(d.message == "object keys must be strings in double quotes");
  CHECK(d.hint == "write \"kind\"");

  d = only_error("{\"a\": }");
  CHECK(where(d.span) == "1:7-1:8");
  CHECK(d.message == "expected a value after ':'");

  d = only_error("[1,,2]");
  CHECK(where(d.span) == "1:4-1:5");
  CHECK(d.message == "expected a value");
  CHECK(d.hint == "remove the extra ','");
}

TEST_CASE("json: misspelt literals and bare words", "[json][strict]") {
  auto d = only_error("{\"animated\": True}");
  CHECK(where(d.span) == "1:14-1:18");
  CHECK(d.message == "'True' is not a valid JSON value");
  CHECK(d.hint == "JSON literals are lowercase: write 'true'");

  d = only_error("[nul]");
  CHECK(d.hint == "did you mean 'null'?");

  d = only_error("{\"kind\": video}");
  CHECK(where(d.span) == "1:10-1:15");
  CHECK(d.message == "'video' is not a valid JSON value");
  CHECK(d.hint == "strings must be in double quotes: \"video\"");
}

TEST_CASE("json: a literal at the root must end where the word ends", "[json][strict]") {
  // simdjson 3.0 on its own accepts these (found by fuzz_json).
  auto d = only_error("falseU");
  CHECK(where(d.span) == "1:1-1:7");
  CHECK(d.message == "'falseU' is not a valid JSON value");
  CHECK(d.hint == "did you mean 'false'?");
  d = only_error("nullx");
  CHECK(d.message == "'nullx' is not a valid JSON value");
}

TEST_CASE("json: a scalar at the root may be followed by any amount of space", "[json]") {
  // simdjson 3.0 on its own rejects these (found by fuzz_json).
  Read r = read("0" + std::string(30, ' ') + "\n\n");
  REQUIRE(r.value);
  CHECK(r.value->integer == 0);
  CHECK(where(r.value->span) == "1:1-1:2");
  r = read("true" + std::string(40, ' '));
  REQUIRE(r.value);
  CHECK(r.value->boolean);
  r = read("-1.5e3" + std::string(40, '\n'));
  REQUIRE(r.value);
  CHECK(r.value->number == -1500.0);
}

TEST_CASE("json: invisible characters between tokens", "[json][strict]") {
  auto d = only_error(
      "{\"a\":\xC2\xA0"
      "1}");
  CHECK(where(d.span) == "1:6-1:7");
  CHECK(d.message == "unexpected invisible character U+00A0");
}

TEST_CASE("json: nesting is limited", "[json][depth]") {
  Limits limits;
  limits.max_depth = 4;
  Read ok = read("[[[[1]]]]", limits);
  CHECK(ok.diags.empty());
  CHECK(ok.value.has_value());

  auto d = only_error("[[[[[1]]]]]", limits);
  CHECK(d.code == Code::TooDeep);
  CHECK(where(d.span) == "1:5-1:6");  // the fifth bracket
  CHECK(d.message == "objects and arrays nest more than 4 levels deep");

  d = only_error("{\"a\": {\"b\": [{\"c\": {\"d\": 1}}]}}", limits);
  CHECK(d.code == Code::TooDeep);
  CHECK(where(d.span) == "1:20-1:21");
  CHECK(d.pointer == "/a/b/0/c");

  // The default limit is 128.
  Read deep128 = read(std::string(128, '[') + std::string(128, ']'));
  CHECK(deep128.value.has_value());
  d = only_error(std::string(129, '[') + std::string(129, ']'));
  CHECK(d.code == Code::TooDeep);
  CHECK(where(d.span) == "1:129-1:130");
}

TEST_CASE("json: duplicate keys are each reported at the second key", "[json][duplicates]") {
  Read r = read(
      "{\n"
      "  \"kind\": \"video\",\n"
      "  \"options\": {\"width\": 640, \"width\": 720, \"fit\": \"cover\"},\n"
      "  \"kind\": \"audio\"\n"
      "}\n");
  REQUIRE(r.diags.size() == 2);
  const auto& first = r.diags.items()[0];
  CHECK(first.code == Code::DuplicateKey);
  CHECK(where(first.span) == "3:29-3:36");
  CHECK(first.message == "duplicate key 'width'");
  CHECK(first.hint == "first defined at 3:15");
  CHECK(first.pointer == "/options/width");
  const auto& second = r.diags.items()[1];
  CHECK(where(second.span) == "4:3-4:9");
  CHECK(second.message == "duplicate key 'kind'");
  CHECK(second.hint == "first defined at 2:3");
  CHECK(second.pointer == "/kind");
  // Reading goes on; the first value stands.
  REQUIRE(r.value);
  CHECK(r.value->find("kind")->value.string == "video");
  CHECK(r.value->find("options")->value.members.size() == 2);
  CHECK(r.value->find("options")->value.find("width")->value.integer == 640);
}

TEST_CASE("json: duplicate keys compare decoded and in large objects", "[json][duplicates]") {
  Read r = read(R"([{"a": 1, "\u0061": 2}, {"x/y~z": 1, "x/y~z": 2}])");
  REQUIRE(r.diags.size() == 2);
  CHECK(r.diags.items()[0].message == "duplicate key 'a'");
  CHECK(r.diags.items()[0].pointer == "/0/a");
  CHECK(r.diags.items()[1].pointer == "/1/x~1y~0z");

  std::string big = "{";
  for (int i = 0; i < 100; ++i) big += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",";
  big += "\"k42\": 0}";
  Read b = read(big);
  REQUIRE(b.diags.size() == 1);
  CHECK(b.diags.items()[0].message == "duplicate key 'k42'");
  CHECK(b.diags.items()[0].hint == "first defined at 1:402");
  REQUIRE(b.value);
  CHECK(b.value->members.size() == 100);
}

TEST_CASE("json: duplicate keys inside a dropped duplicate value are found", "[json][duplicates]") {
  Read r = read(R"({"o": {}, "o": {"p": 1, "p": 2}})");
  REQUIRE(r.diags.size() == 2);
  CHECK(r.diags.items()[0].message == "duplicate key 'o'");
  CHECK(r.diags.items()[1].message == "duplicate key 'p'");
  CHECK(where(r.diags.items()[1].span) == "1:25-1:28");
}

TEST_CASE("json: a syntax error is the file's only diagnostic", "[json][duplicates]") {
  auto d = only_error(R"({"a": 1, "a": 2, "b": [1,]})");
  CHECK(d.code == Code::InvalidSyntax);
  CHECK(d.message == "trailing comma is not allowed in JSON");
}

TEST_CASE("json: the scanner accepts what the reader accepts", "[json][scanner]") {
  for (std::string text : {R"({"a": [1, -2.5e3, true, false, null, "\u00e9\n"], "b": {}})",
                           "  [ ]  ", "\"\"", "0", "\xEF\xBB\xBF{}"}) {
    SourceFile file("t.json", text);
    size_t start = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    INFO(text);
    CHECK_FALSE(find_json_error(file, start, 128).has_value());
    diag::Diagnostics diags;
    CHECK(read_json(file, diags).has_value());
  }
}

TEST_CASE("precheck: empty and whitespace-only files", "[precheck]") {
  auto d = only_error("");
  CHECK(d.code == Code::EmptyFile);
  CHECK(where(d.span) == "1:1-1:1");
  CHECK(d.message == "file is empty");

  d = only_error(" \n\t\r\n  ");
  CHECK(d.code == Code::EmptyFile);
  CHECK(d.message == "file contains only whitespace");

  d = only_error("\xEF\xBB\xBF");
  CHECK(d.code == Code::EmptyFile);
  CHECK(d.message == "file is empty");
}

TEST_CASE("precheck: NUL bytes mean a binary file", "[precheck]") {
  auto d = only_error(std::string("{\n  \"a\0b\": 1}", 13));
  CHECK(d.code == Code::BinaryFile);
  CHECK(where(d.span) == "2:5-2:6");
  CHECK(d.message == "unexpected NUL byte; the file looks binary");
}

TEST_CASE("precheck: invalid UTF-8 is located at its first bad byte", "[precheck]") {
  // Latin-1 "Café" after a UTF-8 "é" on the same line: columns count code points.
  auto d = only_error("{\"é\": \"Caf\xE9\"}");
  CHECK(d.code == Code::InvalidUtf8);
  CHECK(where(d.span) == "1:11-1:12");
  CHECK(d.message == "invalid UTF-8 byte 0xe9");
  CHECK(d.hint == "the file is not UTF-8 (perhaps Latin-1 or Windows-1252); re-save it as UTF-8");

  d = only_error("[\n \"\xC0\xAF\"]");  // overlong '/'
  CHECK(where(d.span) == "2:3-2:4");
  CHECK(d.message == "invalid UTF-8 byte 0xc0");

  d = only_error("[\"\xED\xA0\x80\"]");  // an encoded surrogate
  CHECK(d.message == "invalid UTF-8 byte 0xed");

  d = only_error("[\"a\x80\"]");  // a continuation byte with no lead
  CHECK(where(d.span) == "1:4-1:5");
  CHECK(d.message == "invalid UTF-8 byte 0x80");

  d = only_error("[\"\xF4\x90\x80\x80\"]");  // past U+10FFFF
  CHECK(d.message == "invalid UTF-8 byte 0xf4");

  d = only_error("[\"ok\"] \xE2\x82");  // cut short at the end of the file
  CHECK(where(d.span) == "1:8-1:9");
  CHECK(d.message == "invalid UTF-8 byte 0xe2");
}

TEST_CASE("precheck: UTF-16 files are named as such", "[precheck]") {
  auto d = only_error(std::string("\xFF\xFE{\0}\0", 6));
  CHECK(d.code == Code::InvalidUtf8);
  CHECK(where(d.span) == "1:1-1:2");
  CHECK(d.message == "invalid UTF-8 byte 0xff");
  CHECK(d.hint == "the file starts with a UTF-16 byte order mark; re-save it as UTF-8");
}

TEST_CASE("precheck: text over the size limit", "[precheck]") {
  Limits limits;
  limits.max_bytes = 16;
  auto d = only_error("[1, 2, 3, 4, 5, 6]", limits);
  CHECK(d.code == Code::TooLarge);
  CHECK(where(d.span) == "1:1-1:1");
  CHECK(d.message == "file is 18 bytes; workflow files are limited to 16 bytes");
  CHECK(read("[1, 2, 3, 4, 5]", limits).value.has_value());
}
