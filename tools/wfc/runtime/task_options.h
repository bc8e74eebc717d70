// What `wfc task KIND -i JSON [--OPTION VALUE …]` reads from its command line (cmd_task.cpp): the
// task's options, each typed by the catalog's type of that option of KIND (stdlib/kinds.json, the
// one source of truth), and the task document the compiler checks them in (the same checks as a
// workflow file or POST /tasks), with its findings located at the words that gave them
// ("--width abc").
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace wfc::cli {

/// The words after KIND that no flag of `wfc task` took: `--NAME VALUE` or `--NAME=VALUE` pairs.
/// A value is typed by the catalog: a number for integer, number, seconds and dimension options
/// when it reads as one (else it stays text: "50%", "5Mbps", "1:30"), true/false for booleans,
/// JSON for arrays and objects, text for the rest; an unknown option keeps its text, for the
/// compiler to name. Returns nullopt with *error set for words that are no such pair.
std::optional<nlohmann::json> task_options(const std::string& kind,
                                           const std::vector<std::string>& words,
                                           std::string* error);

/// The input (-i JSON) parsed and checked for `kind`: {"url": …} for probe and import, a File
/// object (with "object": "file" and a `url`) for the others. Returns the URL it names, or
/// nullopt with *error set.
std::optional<std::string> task_input_url(const std::string& kind, const nlohmann::json& input,
                                          std::string* error);

/// The task as a one-task workflow document ({url, kind, options}; import's url goes in its
/// options), compiled and checked: "" when it is valid, else its errors, one a line, each at the
/// command-line words it came from ("error[WF203] at --width abc: option 'width' of 'video' must
/// be …"). Warnings are not reported.
std::string check_task(const std::string& kind, const std::string& url,
                       const nlohmann::json& options, const std::vector<std::string>& words);

/// The document check_task compiles.
nlohmann::json task_document(const std::string& kind, const std::string& url,
                             const nlohmann::json& options);

}  // namespace wfc::cli
