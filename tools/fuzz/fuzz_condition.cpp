// libFuzzer target for the condition front ends. Input that starts with '{' is the options of a
// conditions task in JSON (through the whole front end: reader, builder, lower_json, typecheck,
// analysis); anything else is infix text, compiled as a file condition and as a frame predicate.
// Bad input must come back as diagnostics (never a crash, hang, leak or undefined behaviour),
// and what compiles must keep the layer's promises:
// - the canonical text parses back to the same canonical text;
// - the reference evaluator, the VM and the folded predicate agree on a set of edge records;
// - analysis (never/always holds, kinds passing) terminates on it.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "compiler/expr/analyze.h"
#include "compiler/expr/eval_ref.h"
#include "compiler/expr/fold.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/ranges.h"
#include "compiler/expr/record.h"
#include "compiler/expr/vm.h"
#include "compiler/frontend.h"

namespace {

using namespace wfc::expr;

[[noreturn]] void fail(const char* what, const std::string& text) {
  std::fprintf(stderr, "fuzz_condition: %s\n  %s\n", what, text.c_str());
  std::abort();
}

/// Records with every field null, and with edge values in every field.
std::vector<Record> edge_records(const Schema& schema) {
  std::vector<Record> out;
  out.emplace_back(schema);
  const double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
  const int64_t ints[] = {0,
                          -1,
                          std::numeric_limits<int64_t>::max(),
                          std::numeric_limits<int64_t>::min(),
                          1280,
                          (1LL << 53) + 1};
  const double doubles[] = {0.0, -0.0, nan, inf, -inf, 0.5, 1e308};
  const char* texts[] = {"", "video", "audio", "mp4", "東京", "x"};
  for (int k = 0; k < 6; ++k) {
    Record r(schema);
    for (size_t s = 0; s < schema.size(); ++s) {
      auto slot = static_cast<uint16_t>(s);
      switch (schema.slots()[s].type) {
        case Type::Bool:
          r.set_bool(slot, k % 2);
          break;
        case Type::Int:
          r.set_int(slot, ints[(k + s) % 6]);
          break;
        case Type::Num:
          r.set_number(slot, doubles[(k + s) % 7]);
          break;
        default:
          r.set_text(slot, texts[(k + s) % 6]);
          break;
      }
    }
    if (!schema.map_name().empty()) r.set_map("title", texts[k]);
    out.push_back(std::move(r));
  }
  return out;
}

void check_infix(const std::string& text, Domain domain) {
  const Schema& schema = Schema::builtin(domain);
  wfc::diag::Diagnostics diags("fuzz");
  auto p = compile_expression({text, {1, 1}, ""}, schema, diags);
  if (!p) {
    if (diags.empty()) fail("rejected without a diagnostic", text);
    return;
  }
  std::string canonical = to_string(p->root);
  wfc::diag::Diagnostics again_diags("fuzz");
  ParseLimits roomy;
  roomy.max_length = 1 << 24;
  roomy.max_depth = 1 << 20;
  auto again = compile_expression({canonical, {1, 1}, ""}, schema, again_diags, roomy);
  if (!again || to_string(again->root) != canonical)
    fail("canonical text does not read back", canonical);
  auto vm = Program::compile(*p);
  Node folded = fold(p->root, schema);
  static const std::vector<Record> file_records = edge_records(Schema::builtin(Domain::File));
  static const std::vector<Record> frame_records = edge_records(Schema::builtin(Domain::Frame));
  for (const Record& r : domain == Domain::File ? file_records : frame_records) {
    bool ref = eval_ref(p->root, r);
    if (vm && vm->run(r) != ref) fail("VM differs from the reference", canonical);
    if (eval_ref(folded, r) != ref) fail("folding changed the answer", canonical);
  }
  analyze(p->root, schema, ChainContext{wfc::catalog::kAudio, "audio", false}, diags);
  Ranges(schema).kinds_passing(p->root);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (!text.empty() && text[0] == '{') {
    wfc::SourceFile source("fuzz.json", "[{\"kind\": \"conditions\", \"options\": " + text +
                                            ", \"next\": [{\"kind\": \"summary\"}]}]");
    wfc::compile_source(source, wfc::syntax::Syntax::Json);
    return 0;
  }
  check_infix(text, Domain::File);
  check_infix(text, Domain::Frame);
  return 0;
}
