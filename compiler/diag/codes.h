// The stable diagnostic codes. A code, once published, never changes meaning; retired codes are
// not reused. WF1xx syntax and document shape, WF2xx kinds and options, WF3xx chains and types,
// WF4xx conditions, WF5xx plan warnings. `wfc explain CODE` prints the explanation.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace wfc::diag {

enum class Severity;

enum class Code {
  // WF1xx: reading the file and the shape of the document
  IoError,            // WF100
  InvalidSyntax,      // WF101
  DuplicateKey,       // WF102
  InvalidUtf8,        // WF103
  EmptyFile,          // WF104
  TooDeep,            // WF105
  TooLarge,           // WF106
  MultipleDocuments,  // WF107
  TabIndentation,     // WF108
  UnsupportedYaml,    // WF109
  UnknownShape,       // WF110
  UnknownField,       // WF111
  WrongFieldType,     // WF112
  MissingField,       // WF113
  BinaryFile,         // WF114
  InvalidFieldValue,  // WF115
  TooManyTasks,       // WF116
  NextTooDeep,        // WF117
  MoreDiagnostics,    // WF118 (note)
  // WF2xx: kinds and options
  UnknownKind,         // WF201
  UnknownOption,       // WF202
  WrongOptionType,     // WF203
  OutOfRange,          // WF204
  BadEnumValue,        // WF205
  MissingOption,       // WF206
  DuplicateRef,        // WF207
  ConflictingOptions,  // WF208
  // WF3xx: chains and types
  ChainMismatch,  // WF301
  NotAtTop,       // WF302
  EmptyWorkflow,  // WF303
  NothingGated,   // WF304
  // WF4xx: conditions
  UnknownProperty,     // WF401
  UnknownOperator,     // WF402
  OperatorMismatch,    // WF403
  WrongValueType,      // WF404
  BadConditionEnum,    // WF405
  EmptyList,           // WF406
  InvalidRegex,        // WF407
  MalformedCondition,  // WF408
  NeverHolds,          // WF409 (warning)
  AlwaysHolds,         // WF410 (warning)
  ExpressionSyntax,    // WF411
  // WF5xx: plan warnings
  DeadBranch,     // WF501 (warning)
  NeverForInput,  // WF502 (warning)
};

/// What the registry knows of a code.
struct CodeInfo {
  Code code;
  std::string_view id;       // "WF201"
  std::string_view name;     // "unknown-kind"
  Severity severity;         // default severity
  std::string_view summary;  // one line, used as the SARIF rule description
  std::string_view explain;  // a paragraph with an example, for `wfc explain`
};

const CodeInfo& info(Code code);
std::string_view id(Code code);
std::span<const CodeInfo> all_codes();
std::optional<Code> parse_code(std::string_view id);  // "WF201" or "unknown-kind"

}  // namespace wfc::diag
