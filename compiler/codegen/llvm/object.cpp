// The LLVM backend: from the lowered module to a native object file. The
// optimisation pipeline is LLVM's own, which includes the coroutine passes
// that split each body into its ramp, resume and destroy functions.
#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/Linker/Linker.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Host.h>
#include <llvm/Support/MemoryBuffer.h>
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

// Links the runtime's hot entry points (taskrt-hot.bc, lowered_hot.cpp) into
// the program, so that the optimiser inlines them into the bodies. They stay
// libtaskrt's: a linked-in definition is available_externally, a copy to
// inline from, and a call left uninlined goes to the library as before.
bool link_inlined_runtime(llvm::Module& module, const std::string& bitcode, std::string& error) {
  auto buffer = llvm::MemoryBuffer::getFile(bitcode);
  if (!buffer) {
    error = "cannot read " + bitcode + ": " + buffer.getError().message();
    return false;
  }
  auto parsed = llvm::parseBitcodeFile((*buffer)->getMemBufferRef(), module.getContext());
  if (!parsed) {
    error = bitcode + ": " + llvm::toString(parsed.takeError());
    return false;
  }
  std::unique_ptr<llvm::Module> runtime = std::move(*parsed);
  // The runtime has no state of its own there, or a program would get a copy.
  for (const llvm::GlobalVariable& global : runtime->globals()) {
    if (global.hasLocalLinkage() && !global.isConstant()) {
      error = bitcode + " holds state of its own (" + global.getName().str() + ")";
      return false;
    }
  }
  runtime->setDataLayout(module.getDataLayout());
  runtime->setTargetTriple(module.getTargetTriple());
  std::vector<std::string> entry_points;
  for (llvm::Function& function : *runtime) {
    // Compiled for clang's default CPU; inlined, it takes the program's.
    function.removeFnAttr("target-cpu");
    function.removeFnAttr("target-features");
    function.removeFnAttr("tune-cpu");
    if (!function.isDeclaration() && function.getName().startswith("trt_")) {
      entry_points.push_back(function.getName().str());
    }
  }
  if (llvm::Linker::linkModules(module, std::move(runtime), llvm::Linker::Flags::LinkOnlyNeeded)) {
    error = "cannot link " + bitcode + " into the program";
    return false;
  }
  for (const std::string& name : entry_points) {
    if (llvm::Function* function = module.getFunction(name); function != nullptr && !function->isDeclaration()) {
      function->setLinkage(llvm::GlobalValue::AvailableExternallyLinkage);
      function->setComdat(nullptr);
    }
  }
  return true;
}

// Every symmetric transfer left in the program is a tail call, or a chain
// of completions would grow the stack without bound (LLVM 14's CoroSplit makes
// them so; this says so if it ever does not).
bool check_transfers(const llvm::Module& module, std::string& error) {
  for (const llvm::Function& function : module) {
    for (const llvm::BasicBlock& block : function) {
      for (const llvm::Instruction& instruction : block) {
        const auto* call = llvm::dyn_cast<llvm::CallInst>(&instruction);
        if (call == nullptr || call->getMetadata(kTransferMetadata) == nullptr) continue;
        if (!call->isMustTailCall()) {
          error = "a resumption in " + function.getName().str() + " is not a tail call";
          return false;
        }
      }
    }
  }
  return true;
}

}  // namespace

std::string LlvmModule::text() const {
  std::string text;
  llvm::raw_string_ostream stream(text);
  impl_->module->print(stream, nullptr);
  return stream.str();
}

bool LlvmModule::write_object(const std::string& path, int optimization, const std::string& inlined_runtime,
                              std::string& error) {
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
  // The program is linked as a position-independent executable: thread-locals
  // (the runtime's, once inlined) need no call to reach.
  module.setPICLevel(llvm::PICLevel::BigPIC);
  module.setPIELevel(llvm::PIELevel::Large);
  // Unoptimised builds would not inline: they call the runtime.
  if (optimization > 0 && !inlined_runtime.empty() && !link_inlined_runtime(module, inlined_runtime, error)) {
    return false;
  }

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
  if (!check_transfers(module, error)) return false;

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
  out.close();
  // A failed write (a full disk) is an error to report: left set, raw_fd_ostream
  // would abort the compiler when it is destroyed.
  if (out.has_error()) {
    error = "cannot write " + path + ": " + out.error().message();
    out.clear_error();
    return false;
  }
  return true;
}

}  // namespace taskc::codegen
