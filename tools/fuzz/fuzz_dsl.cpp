// libFuzzer target for the DSL front end: any bytes, read as a .wf file, must come back as
// diagnostics or a document, never as a crash, a hang or unbounded memory. The whole pipeline
// runs (precheck, pre-scan, ANTLR parse and recovery, lowering, document builder, checker).
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/frontend.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wfc::SourceFile source("fuzz.wf", std::string(reinterpret_cast<const char*>(data), size));
  wfc::compile_source(source, wfc::syntax::Syntax::Dsl);
  return 0;
}
