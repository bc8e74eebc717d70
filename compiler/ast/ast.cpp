#include "compiler/ast/ast.h"

namespace wfc::ast {

const Option* Task::option(std::string_view name) const {
  for (const auto& o : options) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

std::string_view document_kind_name(DocumentKind k) {
  switch (k) {
    case DocumentKind::Automation:
      return "automation";
    case DocumentKind::RunRequest:
      return "run";
    case DocumentKind::Task:
      return "task";
    case DocumentKind::Workflow:
      return "workflow";
  }
  return "workflow";
}

}  // namespace wfc::ast
