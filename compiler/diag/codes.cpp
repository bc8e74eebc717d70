#include "compiler/diag/codes.h"

#include <array>

#include "compiler/diag/diagnostic.h"

namespace wfc::diag {
namespace {

using S = Severity;

// Kept in the order of the Code enum; codes_test checks that and that every id is unique.
constexpr std::array kCodes = {
    CodeInfo{Code::IoError, "WF100", "io-error", S::Error, "The file could not be read.",
             "The path does not exist, is not readable, is not a regular file (a FIFO, socket or "
             "device is refused without reading from it; `-` reads standard input), or reading "
             "it failed. Exit status 2."},
    CodeInfo{Code::InvalidSyntax, "WF101", "invalid-syntax", S::Error,
             "The file is not valid JSON, YAML or DSL.",
             "JSON is read strictly (RFC 8259): comments, trailing commas, single quotes, NaN "
             "and Infinity are errors. Example: `{\"kind\": \"video\",}` has a trailing comma."},
    CodeInfo{Code::DuplicateKey, "WF102", "duplicate-key", S::Error,
             "An object or mapping has the same key twice.",
             "Most parsers silently keep the last value, so the first is lost. wfc rejects the "
             "second occurrence and points at the first. Example: `{\"width\": 640, \"width\": "
             "720}`."},
    CodeInfo{Code::InvalidUtf8, "WF103", "invalid-utf8", S::Error, "The file is not valid UTF-8.",
             "Workflow files must be UTF-8. The diagnostic points at the first invalid byte; "
             "re-save the file as UTF-8."},
    CodeInfo{Code::EmptyFile, "WF104", "empty-file", S::Error, "The file is empty.",
             "A workflow file must contain a document: an automation, a run request, a task or "
             "a workflow array."},
    CodeInfo{Code::TooDeep, "WF105", "too-deep", S::Error, "The document is nested too deeply.",
             "Objects and arrays may nest at most 128 levels; real workflows need far fewer. "
             "The limit keeps hostile input from exhausting the stack."},
    CodeInfo{Code::TooLarge, "WF106", "too-large", S::Error, "The file is too large.",
             "Workflow files are limited to 8 MiB (the file is not read past the limit), and a "
             "document to a million values."},
    CodeInfo{Code::MultipleDocuments, "WF107", "multiple-documents", S::Error,
             "A YAML file holds more than one document.",
             "Put each workflow in its own file. The diagnostic points at the second `---`."},
    CodeInfo{Code::TabIndentation, "WF108", "tab-indentation", S::Error,
             "YAML indentation uses a tab.",
             "YAML forbids tabs for indentation. Indent with spaces."},
    CodeInfo{Code::UnsupportedYaml, "WF109", "unsupported-yaml", S::Error,
             "The YAML uses a feature wfc does not accept.",
             "Custom tags, complex (non-scalar) keys and alias expansions that grow the "
             "document beyond a million nodes are rejected."},
    CodeInfo{Code::UnknownShape, "WF110", "unknown-shape", S::Error,
             "The document is not an automation, run request, task or workflow.",
             "Accepted shapes: an automation object (`name`, `workflow`), a run request "
             "(`tasks`), a single task (`kind`, `url`/`input`, `options`), or a bare workflow "
             "array of tasks."},
    CodeInfo{Code::UnknownField, "WF111", "unknown-field", S::Error,
             "A field is not part of this object.",
             "Example: `{\"kind\": \"video\", \"optons\": {}}` — did you mean `options`?"},
    CodeInfo{Code::WrongFieldType, "WF112", "wrong-field-type", S::Error,
             "A document field has the wrong type.",
             "Example: `\"next\": {}` — `next` must be an array of tasks."},
    CodeInfo{Code::MissingField, "WF113", "missing-field", S::Error, "A required field is missing.",
             "Every task needs `kind`; an automation needs `name` and `workflow`."},
    CodeInfo{Code::BinaryFile, "WF114", "binary-file", S::Error,
             "The file looks binary (it contains NUL bytes).",
             "Workflow files are text. Check that the path names the right file."},
    CodeInfo{Code::InvalidFieldValue, "WF115", "invalid-field-value", S::Error,
             "A document field has a value it cannot take.",
             "Example: an automation `status` other than `active` or `paused`, or an empty "
             "`ref`."},
    CodeInfo{Code::TooManyTasks, "WF116", "too-many-tasks", S::Error,
             "The workflow holds more tasks than a workflow may.",
             "A workflow may hold at most 1,000 tasks, counted through every `next` (a run, one "
             "task per task written, as many). The diagnostic points at the first task past "
             "the limit. Split the work into several automations or runs."},
    CodeInfo{Code::NextTooDeep, "WF117", "next-too-deep", S::Error,
             "Tasks are chained through `next` too deeply.",
             "A chain `a -> b -> c` (each task in the previous one's `next`) may be at most 32 "
             "tasks deep. The diagnostic points at the first task past the limit. Make "
             "independent steps siblings rather than a chain."},
    CodeInfo{Code::MoreDiagnostics, "WF118", "more-diagnostics", S::Note,
             "More problems were found than are shown.",
             "`wfc validate` and the API show at most 100 diagnostics per file (per request); "
             "this note stands for the rest and says how many there are (`truncated` in JSON "
             "output). Fix the problems shown and check again."},
    CodeInfo{Code::UnknownKind, "WF201", "unknown-kind", S::Error, "The task kind does not exist.",
             "Kinds are listed in docs/kinds.md. Example: `\"kind\": \"vidoe\"` — did you mean "
             "`video`?"},
    CodeInfo{Code::UnknownOption, "WF202", "unknown-option", S::Error,
             "The option does not exist for this kind.",
             "Each kind's options are listed in docs/kinds.md. Example: `video` has no "
             "`widht` — did you mean `width`?"},
    CodeInfo{Code::WrongOptionType, "WF203", "wrong-option-type", S::Error,
             "The option's value has the wrong type.",
             "Example: `\"width\": \"wide\"` — width is an integer number of pixels or a "
             "percentage such as \"50%\"."},
    CodeInfo{Code::OutOfRange, "WF204", "out-of-range", S::Error,
             "The option's value is outside its allowed range.",
             "Example: video `fps` must be between 1 and 60."},
    CodeInfo{Code::BadEnumValue, "WF205", "bad-enum-value", S::Error,
             "The option's value is not one of the allowed values.",
             "Example: video `format` is one of mp4, webm, mov; `\"mp5\"` — did you mean "
             "`mp4`?"},
    CodeInfo{Code::MissingOption, "WF206", "missing-option", S::Error,
             "A required option is missing.", "Example: `export` needs `url`."},
    CodeInfo{Code::DuplicateRef, "WF207", "duplicate-ref", S::Error,
             "Two tasks have the same `ref`.",
             "A `ref` names one task so that others can refer to it; it must be unique in the "
             "document. The diagnostic points at the second and names the first."},
    CodeInfo{Code::ConflictingOptions, "WF208", "conflicting-options", S::Error,
             "Options contradict each other.",
             "Example: thumbnails with both `interval` and `count`, `start` after `end`, or a "
             "`video` in `webm` with `codec: h264` (WebM holds only vp9 and av1)."},
    CodeInfo{Code::ChainMismatch, "WF301", "chain-mismatch", S::Error,
             "A task receives a file it cannot work on.",
             "A task in `next` consumes its parent's output. `summary` produces data, so "
             "`summary → video` cannot work; `audio → image` and `image → speech` cannot "
             "either."},
    CodeInfo{Code::NotAtTop, "WF302", "not-at-top", S::Error, "The kind may only start a workflow.",
             "`ingest` and `import` fetch the run's input; they belong at the top level, not "
             "in a `next` list."},
    CodeInfo{Code::EmptyWorkflow, "WF303", "empty-workflow", S::Warning,
             "The workflow has no tasks.", "A run of an empty workflow does nothing."},
    CodeInfo{Code::NothingGated, "WF304", "nothing-gated", S::Warning,
             "A `conditions` task has no `next`.",
             "Conditions gate the tasks in their `next` list; without one they do nothing."},
    CodeInfo{Code::UnknownProperty, "WF401", "unknown-property", S::Error,
             "The condition tests a file property that does not exist.",
             "Properties are listed in docs/kinds.md under conditions. Example: `widht` — "
             "did you mean `width`?"},
    CodeInfo{Code::UnknownOperator, "WF402", "unknown-operator", S::Error,
             "The condition operator does not exist.",
             "Operators: eq ne gt gte lt lte in nin contains starts_with ends_with matches "
             "exists, combined with and, or, not. Example: `{\"gt_eq\": 1280}` — did you mean "
             "`gte`?"},
    CodeInfo{Code::OperatorMismatch, "WF403", "operator-mismatch", S::Error,
             "The operator does not fit the property's type.",
             "Example: `{\"kind\": {\"gt\": \"video\"}}` — kind is an enumeration; ordering "
             "operators apply to numbers."},
    CodeInfo{Code::WrongValueType, "WF404", "wrong-value-type", S::Error,
             "The condition's value has the wrong type for the property.",
             "Example: `{\"width\": {\"gte\": \"1280\"}}` — width is an integer."},
    CodeInfo{Code::BadConditionEnum, "WF405", "bad-condition-enum", S::Error,
             "The condition compares with a value the property can never have.",
             "Example: `{\"kind\": {\"eq\": \"vid\"}}` — did you mean `video`?"},
    CodeInfo{Code::EmptyList, "WF406", "empty-list", S::Error,
             "An `in`/`nin` list, or an `and`/`or` list, is empty.",
             "`in: []` can never hold and `nin: []` always holds; either is a mistake."},
    CodeInfo{Code::InvalidRegex, "WF407", "invalid-regex", S::Error,
             "The `matches` pattern is not a valid RE2 regular expression.",
             "Patterns use RE2 syntax (no backreferences or lookaround), which runs in linear "
             "time."},
    CodeInfo{Code::MalformedCondition, "WF408", "malformed-condition", S::Error,
             "A condition is not an object of properties and operators.",
             "Options of a `conditions` task map properties to operator objects: "
             "`{\"width\": {\"gte\": 1280}}`. A bare value is short for `eq`: "
             "`{\"kind\": \"video\"}` means `{\"kind\": {\"eq\": \"video\"}}`. `and`/`or` "
             "take a list of such objects and `not` takes one."},
    CodeInfo{Code::NeverHolds, "WF409", "never-holds", S::Warning, "The condition can never hold.",
             "Its tests contradict each other, so the tasks it gates never run. Example: "
             "`{\"width\": {\"gt\": 100, \"lt\": 50}}` or `kind == \"video\" && kind == "
             "\"audio\"`. The diagnostic points at the test that makes it impossible."},
    CodeInfo{Code::AlwaysHolds, "WF410", "always-holds", S::Warning,
             "The condition, or a part of it, always holds.",
             "A test that every file passes gates nothing. Example: `{\"not\": {\"width\": "
             "{\"gt\": 100, \"lt\": 50}}}`, or `width > 10 || !(width > 10)`. Remove it, or "
             "fix the test that was meant."},
    CodeInfo{Code::ExpressionSyntax, "WF411", "expression-syntax", S::Error,
             "A condition expression cannot be parsed.",
             "Expressions such as `select: \"scene > 0.3 && !black\"` use `==`, `!=`, `<`, "
             "`<=`, `>`, `>=`, `in [...]`, `not in [...]`, `contains`, `starts_with`, "
             "`ends_with`, `matches`, `exists(...)`, `&&`, `||`, `!` and parentheses; strings "
             "take double quotes."},
    CodeInfo{Code::DeadBranch, "WF501", "dead-branch", S::Warning,
             "A branch can never run for the files that reach it.",
             "The chain fixes what a task receives: after an `audio` task the file is audio, so "
             "`{\"kind\": \"video\"}` is false there and its `next` never runs. The planner "
             "prunes the branch."},
    CodeInfo{Code::NeverForInput, "WF502", "never-for-input", S::Warning,
             "A branch can never run for the input the plan was made for.",
             "`wfc plan --input kind=audio,duration=30` plans for an input with those "
             "properties; a condition that is false for them, such as `{\"kind\": \"video\"}`, "
             "gates tasks that never run for it, and the planner leaves them out of the plan. "
             "The warning is about that input only: the workflow itself is fine."},
};

}  // namespace

const CodeInfo& info(Code code) { return kCodes[static_cast<size_t>(code)]; }
std::string_view id(Code code) { return info(code).id; }
std::span<const CodeInfo> all_codes() { return kCodes; }

std::optional<Code> parse_code(std::string_view s) {
  for (const auto& c : kCodes) {
    if (c.id == s || c.name == s) return c.code;
  }
  return std::nullopt;
}

}  // namespace wfc::diag
