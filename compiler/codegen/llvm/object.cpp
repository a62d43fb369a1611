// The LLVM backend: from the lowered module to a native object file. The
// optimisation pipeline is LLVM's own, which includes the coroutine passes
// that split each body into its ramp, resume and destroy functions.
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Host.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>

#include <mutex>

#include "compiler/codegen/llvm/lowering.hpp"

namespace taskc::codegen {
namespace {

llvm::OptimizationLevel level(int optimization) {
  switch (optimization) {
    case 1: return llvm::OptimizationLevel::O1;
    case 2: return llvm::OptimizationLevel::O2;
    case 3: return llvm::OptimizationLevel::O3;
    default: return llvm::OptimizationLevel::O0;
  }
}

}  // namespace

std::string LlvmModule::text() const {
  std::string text;
  llvm::raw_string_ostream stream(text);
  impl_->module->print(stream, nullptr);
  return stream.str();
}

bool LlvmModule::write_object(const std::string& path, int optimization, std::string& error) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  llvm::Module& module = *impl_->module;
  std::string triple = llvm::sys::getDefaultTargetTriple();
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (target == nullptr) return false;
  // Position-independent, for the PIE executables Debian's linkers make; a
  // generic CPU, as the C++ backend's builds (an executable may be copied).
  std::unique_ptr<llvm::TargetMachine> machine(
      target->createTargetMachine(triple, "x86-64", "", llvm::TargetOptions(), llvm::Reloc::PIC_, llvm::None,
                                  optimization == 0 ? llvm::CodeGenOpt::None : llvm::CodeGenOpt::Default));
  if (machine == nullptr) {
    error = "LLVM cannot generate code for " + triple;
    return false;
  }
  module.setDataLayout(machine->createDataLayout());
  module.setTargetTriple(triple);

  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager cgscc;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(machine.get());
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(cgscc);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, cgscc, modules);
  llvm::ModulePassManager passes = optimization == 0 ? builder.buildO0DefaultPipeline(llvm::OptimizationLevel::O0)
                                                     : builder.buildPerModuleDefaultPipeline(level(optimization));
  passes.run(module, modules);

  std::error_code code;
  llvm::raw_fd_ostream out(path, code, llvm::sys::fs::OF_None);
  if (code) {
    error = "cannot write " + path + ": " + code.message();
    return false;
  }
  llvm::legacy::PassManager emit;
  if (machine->addPassesToEmitFile(emit, out, nullptr, llvm::CGFT_ObjectFile)) {
    error = "LLVM cannot write an object file for " + triple;
    return false;
  }
  emit.run(module);
  out.flush();
  return true;
}

}  // namespace taskc::codegen
