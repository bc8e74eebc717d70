// The github format: one GitHub Actions workflow command per diagnostic, which the runner turns
// into an annotation on the file:
//   ::error file=x.json,line=3,col=15,endLine=3,endColumn=22,title=WF201 unknown-kind::msg
// Escaping follows @actions/core (toCommandValue/escapeData/escapeProperty): in the message
// % CR LF become %25 %0D %0A; in properties also : and , become %3A and %2C. The hint follows the
// message on its own line ("%0Ahelp: ..."). endColumn is exclusive, as everywhere in wfc.
#include <string>

#include "compiler/diag/render_formats.h"

namespace wfc::diag {
namespace {

std::string escape(std::string_view s, bool property) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string_view command(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "notice";
  }
  return "error";
}

}  // namespace

void render_github(std::ostream& out, const std::vector<Diagnostic>& diags) {
  std::string text;
  for (const auto& d : diags) {
    Span span = normalized(d.span);
    text.append("::").append(command(d.severity)).append(" file=");
    text.append(escape(d.file, true));
    if (span.valid()) {
      text.append(",line=").append(std::to_string(span.line));
      text.append(",col=").append(std::to_string(span.column));
      text.append(",endLine=").append(std::to_string(span.end_line));
      text.append(",endColumn=").append(std::to_string(span.end_column));
    }
    const CodeInfo& code = info(d.code);
    std::string title = std::string(code.id) + " " + std::string(code.name);
    text.append(",title=").append(escape(title, true)).append("::");
    std::string message = d.message;
    if (!d.hint.empty()) message.append("\nhelp: ").append(d.hint);
    text.append(escape(message, false)).append("\n");
  }
  out << text;
}

}  // namespace wfc::diag
