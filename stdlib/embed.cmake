# Writes INPUT (the catalog JSON) into OUTPUT as a C++ raw string literal.
file(READ ${INPUT} content)
string(FIND "${content}" ")wfc_catalog\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "kinds.json contains the raw-string delimiter")
endif()
file(WRITE ${OUTPUT}
  "// Generated from stdlib/kinds.json by stdlib/embed.cmake. Do not edit.\n"
  "#include <string_view>\n"
  "namespace wfc::catalog {\n"
  "std::string_view builtin_catalog_json() {\n"
  "  static constexpr std::string_view kJson = R\"wfc_catalog(${content})wfc_catalog\";\n"
  "  return kJson;\n"
  "}\n"
  "}  // namespace wfc::catalog\n")
