// libFuzzer target for the JSON reader. Any bytes go through the whole front end (precheck,
// read_json, document builder, checker) and must come back as diagnostics: never a crash, a hang,
// a leak or undefined behaviour (the target is built with ASan and UBSan).
//
// It also checks what a crash cannot show:
// - simdjson and the strict diagnostic scanner agree on which texts are JSON, and on the error
//   for the ones that are not (read_json reports the scanner's error, or WF105 by itself);
// - every span of the Value tree covers its token: an object runs from '{' to '}', a string or a
//   key from quote to quote, and so on.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "compiler/frontend.h"
#include "compiler/syntax/json/json_reader.h"
#include "compiler/syntax/json/json_scanner.h"
#include "compiler/syntax/reader.h"

namespace {

using wfc::SourceFile;
using wfc::Span;
using wfc::Value;
using wfc::ValueType;

[[noreturn]] void fail(const char* what, const Span& span) {
  std::fprintf(stderr, "fuzz_json: %s at %u:%u-%u:%u\n", what, span.line, span.column,
               span.end_line, span.end_column);
  std::abort();
}

void check_span(const SourceFile& file, const Span& span, std::string_view first,
                std::string_view last, const char* what) {
  const std::string& text = file.text();
  size_t begin = file.offset(span.begin());
  size_t end = file.offset(span.end());
  if (!span.valid() || end <= begin || end > text.size()) fail(what, span);
  if (first.find(text[begin]) == std::string_view::npos) fail(what, span);
  if (last.find(text[end - 1]) == std::string_view::npos) fail(what, span);
}

void check_tree(const SourceFile& file, const Value& v) {
  switch (v.type) {
    case ValueType::Null:
    case ValueType::Bool:
      check_span(file, v.span, "tfn", "el", "literal span");
      break;
    case ValueType::Integer:
    case ValueType::Number:
      check_span(file, v.span, "-0123456789", "0123456789", "number span");
      break;
    case ValueType::String:
      check_span(file, v.span, "\"", "\"", "string span");
      break;
    case ValueType::Array:
      check_span(file, v.span, "[", "]", "array span");
      for (const auto& item : v.items) check_tree(file, item);
      break;
    case ValueType::Object:
      check_span(file, v.span, "{", "}", "object span");
      for (const auto& member : v.members) {
        check_span(file, member.key_span, "\"", "\"", "key span");
        check_tree(file, member.value);
      }
      break;
    case ValueType::Quantity:  // only the DSL reader makes them
      fail("a quantity from the JSON reader", v.span);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SourceFile source("fuzz.json", std::string(reinterpret_cast<const char*>(data), size));
  wfc::compile_source(source, wfc::syntax::Syntax::Json);

  const wfc::syntax::Limits limits;
  wfc::diag::Diagnostics diags(source.path());
  if (!wfc::syntax::precheck(source, diags, limits)) return 0;
  auto value = wfc::syntax::read_json(source, diags, limits);
  const size_t start = source.text().compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  auto error = wfc::syntax::find_json_error(source, start, limits.max_depth);
  if (value.has_value() == error.has_value()) {
    fail(error ? "the scanner rejects what simdjson accepts" : "simdjson rejects valid JSON",
         error ? error->span : Span{});
  }
  if (error) {
    if (diags.size() != 1) fail("a syntax error must be the only diagnostic", error->span);
    const auto& d = diags.items().front();
    if (d.code != error->code || d.span != error->span || d.message != error->message) {
      fail("read_json's error differs from the scanner's", d.span);
    }
    return 0;
  }
  check_tree(source, *value);
  return 0;
}
