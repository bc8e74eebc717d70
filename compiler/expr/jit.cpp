// Bytecode to LLVM IR to native code. Each VM instruction becomes a basic block that computes
// its test as an i1 and branches to the blocks of its two targets, so the control flow (the
// short-circuits of and/or, the swapped targets of not) is the VM's, unchanged. Tests the VM
// runs out of line (strings, lists, regexes, map entries, exact double/int64 compares) call
// wfc_jit_test, which is Program::test itself.
#include "compiler/expr/jit.h"

#include <chrono>
#include <cstddef>

#if WFC_JIT
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#endif

namespace wfc::expr {

static_assert(offsetof(Field, tag) == 0 && sizeof(Field) == 16, "the JIT reads Field's layout");

#if WFC_JIT

namespace {

/// The out-of-line path: one instruction of the VM, evaluated by the VM. Called by address.
bool wfc_jit_test(const Program* program, uint32_t pc, const Record* record) {
  return program->test(program->code()[pc], *record);
}

std::string to_string(llvm::Error e) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << e;
  return os.str();
}

bool native_target_ready() {
  static const bool ready =
      !llvm::InitializeNativeTarget() && !llvm::InitializeNativeTargetAsmPrinter();
  return ready;
}

}  // namespace

struct JitEngine::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  uint64_t next_id = 0;
};

JitEngine::JitEngine() : impl_(std::make_unique<Impl>()) {
  if (!native_target_ready()) {
    error_ = "LLVM has no native target for this machine";
    return;
  }
  auto machine = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machine) {
    error_ = to_string(machine.takeError());
    return;
  }
  // The IR is already as simple as it gets (one compare and branch per test). Fast instruction
  // selection compiles a 5-test predicate in a third of the time of -O1 (0.43 ms against
  // 1.44 ms) for about a nanosecond more per evaluation (3.8 ns against 2.5 ns), which lowers
  // the break-even threefold (docs/benchmarks.md).
  machine->setCodeGenOptLevel(llvm::CodeGenOpt::None);
  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*machine)).create();
  if (!jit) {
    error_ = to_string(jit.takeError());
    return;
  }
  impl_->jit = std::move(*jit);
}

JitEngine::~JitEngine() = default;

bool JitEngine::built() { return true; }
bool JitEngine::ok() const { return impl_ && impl_->jit; }

std::unique_ptr<JitPredicate> JitEngine::compile(std::shared_ptr<const Program> program,
                                                 std::string* error, size_t max_instructions) {
  std::string ignored;
  if (!error) error = &ignored;
  if (!ok()) {
    *error = error_;
    return nullptr;
  }
  if (!program || program->code().empty()) {
    *error = "no program";
    return nullptr;
  }
  if (program->size() > max_instructions) {
    *error = "a program of " + std::to_string(program->size()) +
             " instructions is over the JIT's budget of " + std::to_string(max_instructions);
    return nullptr;
  }
  auto start = std::chrono::steady_clock::now();
  auto context = std::make_unique<llvm::LLVMContext>();
  llvm::LLVMContext& ctx = *context;
  auto module = std::make_unique<llvm::Module>("wfc_predicate", ctx);
  std::string name;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    name = "wfc_predicate_" + std::to_string(impl_->next_id++);
  }

  llvm::IRBuilder<> b(ctx);
  llvm::Type* i1 = b.getInt1Ty();
  llvm::Type* i8 = b.getInt8Ty();
  llvm::Type* i32 = b.getInt32Ty();
  llvm::Type* i64 = b.getInt64Ty();
  llvm::Type* f64 = b.getDoubleTy();
  llvm::PointerType* ptr = b.getInt8PtrTy();
  auto* fn_type = llvm::FunctionType::get(i1, {ptr, ptr}, false);
  auto* fn = llvm::Function::Create(fn_type, llvm::Function::ExternalLinkage, name, *module);
  llvm::Value* fields = fn->getArg(0);
  llvm::Value* record = fn->getArg(1);
  fn->addRetAttr(llvm::Attribute::ZExt);  // a C++ bool: 0 or 1 in the whole byte
  fn->addParamAttr(0, llvm::Attribute::NoAlias);
  fn->addParamAttr(0, llvm::Attribute::ReadOnly);

  // The helper, called through its address: no symbol resolution needed.
  auto* helper_type = llvm::FunctionType::get(i8, {ptr, i32, ptr}, false);
  llvm::Value* helper = llvm::ConstantExpr::getIntToPtr(
      b.getInt64(reinterpret_cast<uint64_t>(&wfc_jit_test)), helper_type->getPointerTo());
  llvm::Value* program_ptr =
      llvm::ConstantExpr::getIntToPtr(b.getInt64(reinterpret_cast<uint64_t>(program.get())), ptr);

  const auto& code = program->code();
  auto* entry = llvm::BasicBlock::Create(ctx, "entry", fn);
  std::vector<llvm::BasicBlock*> blocks(code.size());
  for (size_t pc = 0; pc < code.size(); ++pc) {
    blocks[pc] = llvm::BasicBlock::Create(ctx, "i" + std::to_string(pc), fn);
  }
  b.SetInsertPoint(entry);
  b.CreateBr(blocks[0]);

  for (size_t pc = 0; pc < code.size(); ++pc) {
    const Insn& in = code[pc];
    b.SetInsertPoint(blocks[pc]);
    if (in.op == Opc::RetTrue || in.op == Opc::RetFalse) {
      b.CreateRet(b.getInt1(in.op == Opc::RetTrue));
      continue;
    }
    if (in.t >= code.size() || in.f >= code.size()) {
      *error = "jump out of the program";
      return nullptr;
    }
    if (in.op == Opc::Jump) {
      b.CreateBr(blocks[in.t]);
      continue;
    }
    llvm::Value* holds = nullptr;
    if (!in.map) {
      llvm::Value* base = b.CreateConstInBoundsGEP1_64(i8, fields, uint64_t{in.slot} * 16);
      llvm::Value* tag = b.CreateLoad(i8, base);
      llvm::Value* slot_value = b.CreateConstInBoundsGEP1_64(i8, base, 8);
      auto tag_is = [&](FieldTag t) {
        return b.CreateICmpEQ(tag, b.getInt8(static_cast<uint8_t>(t)));
      };
      auto int_value = [&] {
        return b.CreateLoad(i64, b.CreateBitCast(slot_value, i64->getPointerTo()));
      };
      auto num_value = [&] {
        return b.CreateLoad(f64, b.CreateBitCast(slot_value, f64->getPointerTo()));
      };
      llvm::Value* imm_i = b.getInt64(static_cast<uint64_t>(in.imm.i));
      llvm::Value* imm_d = llvm::ConstantFP::get(f64, in.imm.d);
      switch (in.op) {
        case Opc::Exists:
          holds = b.CreateICmpNE(tag, b.getInt8(0));
          break;
        case Opc::BoolEq:
        case Opc::BoolNe: {
          llvm::Value* v = b.CreateICmpNE(b.CreateLoad(i8, slot_value), b.getInt8(0));
          llvm::Value* want = b.getInt1(in.imm.i != 0);
          holds =
              b.CreateAnd(tag_is(FieldTag::Bool),
                          in.op == Opc::BoolEq ? b.CreateICmpEQ(v, want) : b.CreateICmpNE(v, want));
          break;
        }
        case Opc::IntEq:
          holds = b.CreateAnd(tag_is(FieldTag::Int), b.CreateICmpEQ(int_value(), imm_i));
          break;
        case Opc::IntNe:
          holds = b.CreateAnd(tag_is(FieldTag::Int), b.CreateICmpNE(int_value(), imm_i));
          break;
        case Opc::IntLt:
          holds = b.CreateAnd(tag_is(FieldTag::Int), b.CreateICmpSLT(int_value(), imm_i));
          break;
        case Opc::IntLe:
          holds = b.CreateAnd(tag_is(FieldTag::Int), b.CreateICmpSLE(int_value(), imm_i));
          break;
        case Opc::IntGt:
          holds = b.CreateAnd(tag_is(FieldTag::Int), b.CreateICmpSGT(int_value(), imm_i));
          break;
        case Opc::IntGe:
          holds = b.CreateAnd(tag_is(FieldTag::Int), b.CreateICmpSGE(int_value(), imm_i));
          break;
        // Ordered compares are false on NaN; `!=` is the unordered one, true on NaN, as in C++.
        case Opc::NumEq:
          holds = b.CreateAnd(tag_is(FieldTag::Num), b.CreateFCmpOEQ(num_value(), imm_d));
          break;
        case Opc::NumNe:
          holds = b.CreateAnd(tag_is(FieldTag::Num), b.CreateFCmpUNE(num_value(), imm_d));
          break;
        case Opc::NumLt:
          holds = b.CreateAnd(tag_is(FieldTag::Num), b.CreateFCmpOLT(num_value(), imm_d));
          break;
        case Opc::NumLe:
          holds = b.CreateAnd(tag_is(FieldTag::Num), b.CreateFCmpOLE(num_value(), imm_d));
          break;
        case Opc::NumGt:
          holds = b.CreateAnd(tag_is(FieldTag::Num), b.CreateFCmpOGT(num_value(), imm_d));
          break;
        case Opc::NumGe:
          holds = b.CreateAnd(tag_is(FieldTag::Num), b.CreateFCmpOGE(num_value(), imm_d));
          break;
        case Opc::EnumEq:
          holds = b.CreateAnd(tag_is(FieldTag::Enum), b.CreateICmpEQ(int_value(), imm_i));
          break;
        case Opc::EnumNe:
          holds = b.CreateAnd(tag_is(FieldTag::Enum), b.CreateICmpNE(int_value(), imm_i));
          break;
        case Opc::EnumIn:
        case Opc::EnumNin: {
          // In range first: a shift by 64 or more (or by -1) would be poison.
          llvm::Value* index = int_value();
          llvm::Value* in_range = b.CreateICmpULT(index, b.getInt64(64));
          llvm::Value* shift = b.CreateSelect(in_range, index, b.getInt64(0));
          llvm::Value* bit = b.CreateTrunc(b.CreateLShr(b.getInt64(in.imm.mask), shift), i1);
          llvm::Value* listed = b.CreateAnd(in_range, bit);
          holds = b.CreateAnd(tag_is(FieldTag::Enum),
                              in.op == Opc::EnumIn ? listed : b.CreateNot(listed));
          break;
        }
        default:
          break;
      }
    }
    if (!holds) {
      llvm::Value* r = b.CreateCall(helper_type, helper,
                                    {program_ptr, b.getInt32(static_cast<uint32_t>(pc)), record});
      holds = b.CreateICmpNE(r, b.getInt8(0));
    }
    b.CreateCondBr(holds, blocks[in.t], blocks[in.f]);
  }

  std::string verify;
  llvm::raw_string_ostream verify_os(verify);
  if (llvm::verifyFunction(*fn, &verify_os)) {
    *error = "invalid IR: " + verify_os.str();
    return nullptr;
  }

  std::lock_guard<std::mutex> lock(mutex_);
  auto tracker = impl_->jit->getMainJITDylib().createResourceTracker();
  if (auto err = impl_->jit->addIRModule(
          tracker, llvm::orc::ThreadSafeModule(std::move(module), std::move(context)))) {
    *error = to_string(std::move(err));
    return nullptr;
  }
  auto symbol = impl_->jit->lookup(name);
  if (!symbol) {
    *error = to_string(symbol.takeError());
    if (auto err = tracker->remove()) llvm::consumeError(std::move(err));
    return nullptr;
  }
  std::unique_ptr<JitPredicate> out(new JitPredicate());
  out->fn_ = reinterpret_cast<JitPredicate::Fn>(static_cast<uintptr_t>(symbol->getAddress()));
  out->program_ = std::move(program);
  out->engine_ = this;
  out->own_engine_ = weak_from_this().lock();
  out->tracker_ = new llvm::orc::ResourceTrackerSP(std::move(tracker));
  out->compile_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return out;
}

JitPredicate::~JitPredicate() {
  if (!tracker_) return;
  auto* tracker = static_cast<llvm::orc::ResourceTrackerSP*>(tracker_);
  {
    std::lock_guard<std::mutex> lock(engine_->mutex_);
    if (auto err = (*tracker)->remove()) llvm::consumeError(std::move(err));
  }
  delete tracker;
}

#else  // !WFC_JIT

struct JitEngine::Impl {};

JitEngine::JitEngine() { error_ = "wfc was built without the JIT (WFC_JIT=OFF)"; }
JitEngine::~JitEngine() = default;
bool JitEngine::built() { return false; }
bool JitEngine::ok() const { return false; }

std::unique_ptr<JitPredicate> JitEngine::compile(std::shared_ptr<const Program>, std::string* error,
                                                 size_t) {
  if (error) *error = error_;
  return nullptr;
}

JitPredicate::~JitPredicate() = default;

#endif  // WFC_JIT

std::unique_ptr<JitPredicate> JitPredicate::compile(std::shared_ptr<const Program> program) {
  auto engine = std::make_shared<JitEngine>();
  return engine->compile(std::move(program));  // the code keeps the engine alive
}

}  // namespace wfc::expr
