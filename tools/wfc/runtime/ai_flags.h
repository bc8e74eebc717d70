// The intelligence engines' flag every command that runs tasks takes (`wfc run`, `wfc serve`),
// wired identically: --ai-config FILE (env WFC_AI_CONFIG), read with the WFC_AI_* variables by
// runtime/ai/config.h, which documents both; the engines are built once per process.
#pragma once

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "runtime/ai/config.h"
#include "runtime/ai/engines/engines.h"

namespace wfc::cli {

/// Adds --ai-config to `command`, storing the path in *file.
inline void add_ai_flags(CLI::App& command, std::string* file) {
  command
      .add_option("--ai-config", *file,
                  "JSON file choosing the engine of each intelligence role (transcribe, text, "
                  "classify): local, or an HTTP provider with its URL, key and model; WFC_AI_* "
                  "variables override it (docs/ai.md)")
      ->envname("WFC_AI_CONFIG");
}

/// The engines the configuration names; null with a message on standard error (prefixed with
/// `who`) when the file or a variable is wrong.
inline std::shared_ptr<const ai::Engines> ai_engines(const std::string& file,
                                                     const std::string& who) {
  std::string error;
  std::optional<ai::Config> config = ai::load_config(file, nullptr, &error);
  if (!config) {
    std::cerr << who << ": " << error << "\n";
    return nullptr;
  }
  return std::make_shared<const ai::Engines>(ai::make_engines(*config));
}

}  // namespace wfc::cli
