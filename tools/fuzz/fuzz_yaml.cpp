// libFuzzer target for the YAML front end: any bytes, read as a .yaml file, must come back as
// diagnostics or a document, never as a crash, a hang or unbounded memory. The whole pipeline
// runs (precheck, reader, document builder, checker) because the reader's Values feed the rest.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/frontend.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wfc::SourceFile source("fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size));
  wfc::compile_source(source, wfc::syntax::Syntax::Yaml);
  return 0;
}
