// The native engine: a VM program translated instruction by instruction to LLVM IR and compiled
// by LLVM 14's ORC LLJIT (when wfc is built with WFC_JIT). Numeric, boolean, enum and presence
// tests become inline loads, compares and branches; string, list, regex and map tests call back
// into the VM's own Program::test, so there is one implementation of those. Compiling costs
// about a millisecond, so the tier (tier.h) uses the JIT only where a predicate runs often (per
// decoded frame). Any failure returns nullptr and the caller keeps the VM: the JIT never fails a
// run. External interface: JitEngine::compile and JitPredicate::run.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "compiler/expr/record.h"
#include "compiler/expr/vm.h"

namespace wfc::expr {

class JitPredicate;

/// One LLVM JIT instance: code for many predicates, each removable on its own. Thread-safe.
/// Owned by a shared_ptr, the engine lives as long as any code compiled by it.
class JitEngine : public std::enable_shared_from_this<JitEngine> {
 public:
  JitEngine();
  ~JitEngine();
  JitEngine(const JitEngine&) = delete;
  JitEngine& operator=(const JitEngine&) = delete;

  /// Whether this build has the JIT (WFC_JIT, LLVM 14 found at configure time).
  static bool built();
  /// Whether the engine started (the native target is usable); why not in error().
  bool ok() const;
  const std::string& error() const { return error_; }

  /// Compiles `program` to native code; nullptr (and why, in *error) on any failure, including
  /// a program over `max_instructions` (LLVM's compile time grows with it).
  std::unique_ptr<JitPredicate> compile(std::shared_ptr<const Program> program,
                                        std::string* error = nullptr,
                                        size_t max_instructions = kMaxInstructions);

  static constexpr size_t kMaxInstructions = 4096;

 private:
  friend class JitPredicate;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string error_;
  std::mutex mutex_;
};

class JitPredicate {
 public:
  using Fn = bool (*)(const Field* fields, const Record* record);
  ~JitPredicate();

  /// Compiles with a JIT engine of its own (tests, one-off use); prefer JitEngine::compile.
  static std::unique_ptr<JitPredicate> compile(std::shared_ptr<const Program> program);

  bool run(const Record& r) const { return fn_(r.fields(), &r); }
  /// Wall-clock time spent compiling, in milliseconds.
  double compile_ms() const { return compile_ms_; }

 private:
  friend class JitEngine;
  JitPredicate() = default;
  Fn fn_ = nullptr;
  double compile_ms_ = 0;
  std::shared_ptr<const Program> program_;  // the code calls back into it
  std::shared_ptr<JitEngine> own_engine_;   // keeps a shared engine alive while the code is
  JitEngine* engine_ = nullptr;
  void* tracker_ = nullptr;  // the code's llvm::orc::ResourceTracker
};

}  // namespace wfc::expr
