// The LLVM backend: the program's structure — the runtime's ABI, task
// descriptors, coroutine bodies, flows and main().
#include <fmt/format.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <string_view>

#include "compiler/codegen/llvm/lowering.hpp"
#include "taskrt/lowered.hpp"

namespace taskc::codegen::llvm_backend {

Lowering::Lowering(const ir::Program& program, const source::SourceMap& sources, const LlvmOptions& options,
                   llvm::LLVMContext& context, llvm::Module& module)
    : program_(program), sources_(sources), options_(options), context_(context), module_(module), builder_(context) {}

std::string Lowering::where(const source::Span& span) const {
  if (span.file == source::kNoFile) return "?";
  const source::SourceFile& file = sources_.get(span.file);
  return fmt::format("{}:{}", file.path(), file.line_column(span.begin).line);
}

void Lowering::unsupported(const std::string& what, const source::Span& span) const {
  throw Unsupported{fmt::format("{} at {}", what, where(span))};
}

llvm::Type* Lowering::type(const ir::Type* t) {
  switch (t->kind) {
    case ir::TypeKind::kInt:
    case ir::TypeKind::kDuration: return builder_.getInt64Ty();
    case ir::TypeKind::kFloat: return builder_.getDoubleTy();
    case ir::TypeKind::kBool: return builder_.getInt1Ty();
    case ir::TypeKind::kStr:
    case ir::TypeKind::kList:
    case ir::TypeKind::kTuple:
    case ir::TypeKind::kRecord:
    case ir::TypeKind::kOptional:
    case ir::TypeKind::kChannel:
    case ir::TypeKind::kMap:
    case ir::TypeKind::kResult: return ptr();
    case ir::TypeKind::kVoid: return builder_.getVoidTy();
    default: throw Unsupported{"a value of type " + ir::type_name(t)};
  }
}

bool Lowering::is_boxed(const ir::Type* t) const {
  switch (t->kind) {
    case ir::TypeKind::kInt:
    case ir::TypeKind::kFloat:
    case ir::TypeKind::kBool:
    case ir::TypeKind::kDuration:
    case ir::TypeKind::kVoid: return false;
    default: return true;
  }
}

llvm::Constant* Lowering::descriptor(const ir::Type* t) {
  auto found = descriptors_.find(t);
  if (found != descriptors_.end()) return found->second;
  std::int64_t kind = 0;
  std::vector<const ir::Type*> args = t->args;
  std::vector<llvm::Constant*> names;
  std::vector<llvm::Constant*> json_names;
  llvm::Constant* name = llvm::ConstantPointerNull::get(ptr());
  switch (t->kind) {
    case ir::TypeKind::kInt: kind = trt_kind_int; break;
    case ir::TypeKind::kFloat: kind = trt_kind_float; break;
    case ir::TypeKind::kBool: kind = trt_kind_bool; break;
    case ir::TypeKind::kStr: kind = trt_kind_str; break;
    case ir::TypeKind::kDuration: kind = trt_kind_duration; break;
    case ir::TypeKind::kList: kind = trt_kind_list; break;
    case ir::TypeKind::kTuple: kind = trt_kind_tuple; break;
    case ir::TypeKind::kOptional: kind = trt_kind_optional; break;
    case ir::TypeKind::kChannel: kind = trt_kind_channel; break;
    case ir::TypeKind::kMap: kind = trt_kind_map; break;
    case ir::TypeKind::kResult: kind = trt_kind_result; break;
    case ir::TypeKind::kRecord:
      kind = trt_kind_record;
      args.clear();
      for (const ir::Field& field : t->record->fields) {
        args.push_back(field.type);
        names.push_back(string_constant(field.name));
        json_names.push_back(string_constant(field.json_key()));
      }
      name = string_constant(t->record->name);
      break;
    default: throw Unsupported{"a value of type " + ir::type_name(t)};
  }
  auto* global =
      new llvm::GlobalVariable(module_, type_type_, true, llvm::GlobalValue::InternalLinkage, nullptr, "type");
  llvm::Constant* pointer = llvm::ConstantExpr::getBitCast(global, ptr());
  descriptors_.emplace(t, pointer);  // before the arguments: a record may contain itself
  std::vector<llvm::Constant*> arg_descriptors;
  for (const ir::Type* arg : args) arg_descriptors.push_back(descriptor(arg));
  auto table = [&](const std::vector<llvm::Constant*>& entries, const char* label) -> llvm::Constant* {
    if (entries.empty()) return llvm::ConstantPointerNull::get(ptr());
    auto* array_type = llvm::ArrayType::get(ptr(), entries.size());
    auto* array = new llvm::GlobalVariable(module_, array_type, true, llvm::GlobalValue::InternalLinkage,
                                           llvm::ConstantArray::get(array_type, entries), label);
    return llvm::ConstantExpr::getBitCast(array, ptr());
  };
  auto* i64 = builder_.getInt64Ty();
  global->setInitializer(llvm::ConstantStruct::get(
      type_type_,
      {llvm::ConstantInt::get(i64, static_cast<std::uint64_t>(kind)), llvm::ConstantInt::get(i64, args.size()),
       table(arg_descriptors, "type.args"), table(names, "type.names"), name, table(json_names, "type.json_names")}));
  return pointer;
}

llvm::Value* Lowering::to_slot(llvm::Value* value, const ir::Type* t) {
  switch (t->kind) {
    case ir::TypeKind::kInt:
    case ir::TypeKind::kDuration: return value;
    case ir::TypeKind::kFloat: return builder_.CreateBitCast(value, builder_.getInt64Ty());
    case ir::TypeKind::kBool: return builder_.CreateZExt(value, builder_.getInt64Ty());
    default: return builder_.CreatePtrToInt(value, builder_.getInt64Ty());
  }
}

llvm::Value* Lowering::from_slot(llvm::Value* slot, const ir::Type* t) {
  switch (t->kind) {
    case ir::TypeKind::kInt:
    case ir::TypeKind::kDuration: return slot;
    case ir::TypeKind::kFloat: return builder_.CreateBitCast(slot, builder_.getDoubleTy());
    case ir::TypeKind::kBool: return builder_.CreateTrunc(slot, builder_.getInt1Ty());
    default: return builder_.CreateIntToPtr(slot, type(t));
  }
}

llvm::Value* Lowering::entry_alloca(llvm::Type* t) {
  llvm::IRBuilder<> at_start(body_->entry, body_->entry->begin());
  return at_start.CreateAlloca(t);
}

// A call's arguments: one slot each.
llvm::ArrayType* Lowering::args_type(const ir::Task& task) {
  return llvm::ArrayType::get(builder_.getInt64Ty(), task.params.size());
}

// A flow's variables, which its nodes share, then its result slot and the
// flag a `return` inside a node sets.
llvm::StructType* Lowering::locals_type(const ir::Task& task) {
  std::vector<llvm::Type*> fields;
  for (const ir::Local& local : task.locals) fields.push_back(type(local.type));
  fields.push_back(builder_.getInt64Ty());
  fields.push_back(builder_.getInt64Ty());
  return llvm::StructType::get(context_, fields);
}

void Lowering::declare_abi() {
  // The list names types as VOID, I1, I32, I64, F64 and PTR.
  auto type_named = [&](std::string_view name) -> llvm::Type* {
    if (name == "VOID") return builder_.getVoidTy();
    if (name == "I1") return builder_.getInt1Ty();
    if (name == "I32") return builder_.getInt32Ty();
    if (name == "I64") return builder_.getInt64Ty();
    if (name == "F64") return builder_.getDoubleTy();
    TASKC_CHECK(name == "PTR", "lowered_abi.def names a type the LLVM backend does not know");
    return ptr();
  };
  // `parameters` is the list's text, "PTR data, I64 size": a type, then a name.
  auto declare = [&](std::string_view result, const char* name, std::string_view parameters) {
    std::vector<llvm::Type*> types;
    while (!parameters.empty()) {
      std::size_t comma = parameters.find(',');
      std::string_view parameter = parameters.substr(0, comma);
      parameter.remove_prefix(std::min(parameter.find_first_not_of(' '), parameter.size()));
      types.push_back(type_named(parameter.substr(0, parameter.find(' '))));
      parameters = comma == std::string_view::npos ? std::string_view() : parameters.substr(comma + 1);
    }
    llvm::FunctionCallee callee = module_.getOrInsertFunction(
        std::string("trt_") + name, llvm::FunctionType::get(type_named(result), types, false));
    // The C ABI passes and returns a bool as a byte of 0 or 1: LLVM must
    // widen an i1 (whose register bits above the first are otherwise junk).
    auto* function = llvm::cast<llvm::Function>(callee.getCallee());
    for (unsigned i = 0; i < types.size(); ++i) {
      if (types[i]->isIntegerTy(1)) function->addParamAttr(i, llvm::Attribute::ZExt);
    }
    if (function->getReturnType()->isIntegerTy(1)) function->addRetAttr(llvm::Attribute::ZExt);
    abi_[name] = callee;
  };
#define TRT_FN(result, name, ...) declare(#result, #name, #__VA_ARGS__);
#define TRT_BUILTIN(name) declare("I1", "builtin_" #name, "PTR call, PTR types, PTR args, PTR out, PTR result_type");
#define TRT_AWAIT_BUILTIN(name) \
  declare("VOID", "await_builtin_" #name, "PTR call, PTR types, PTR args, PTR out, PTR result_type");
#include "taskrt/lowered_abi.def"
#undef TRT_AWAIT_BUILTIN
#undef TRT_BUILTIN
#undef TRT_FN
  auto* p = ptr();
  auto* i64 = builder_.getInt64Ty();
  // trt_task and trt_semaphore (lowered.hpp): a TaskSite (three pointers and
  // an int), then the body and the clauses.
  task_type_ = llvm::StructType::create(
      context_, {p, p, p, builder_.getInt32Ty(), p, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, p, p, p},
      "trt_task");
  semaphore_type_ = llvm::StructType::create(context_, {p, i64, i64}, "trt_semaphore");
  type_type_ = llvm::StructType::create(context_, {i64, i64, p, p, p, p}, "trt_type");
}

llvm::Value* Lowering::abi(const char* name, llvm::ArrayRef<llvm::Value*> args) {
  auto found = abi_.find(name);
  TASKC_CHECK(found != abi_.end(), "the LLVM backend calls a runtime function lowered_abi.def does not list");
  return builder_.CreateCall(found->second, args);
}

llvm::Constant* Lowering::string_constant(const std::string& text) {
  auto found = strings_.find(text);
  if (found != strings_.end()) return found->second;
  llvm::Constant* data = llvm::ConstantDataArray::getString(context_, text, true);
  auto* global =
      new llvm::GlobalVariable(module_, data->getType(), true, llvm::GlobalValue::PrivateLinkage, data, "text");
  global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  llvm::Constant* pointer = llvm::ConstantExpr::getBitCast(global, ptr());
  strings_.emplace(text, pointer);
  return pointer;
}

llvm::BasicBlock* Lowering::block(const char* name) {
  return llvm::BasicBlock::Create(context_, name, body_->function);
}

void Lowering::lower_program() {
  if (!program_.imports.empty()) throw Unsupported{"an `import` of C++ headers"};
  declare_abi();
  for (std::size_t i = 0; i < program_.tasks.size(); ++i) declare_task(program_.tasks[i], i);
  for (std::size_t i = 0; i < program_.tasks.size(); ++i) {
    const ir::Task& task = program_.tasks[i];
    if (task.kind == ir::TaskKind::kFlow) {
      define_flow(task, i);
    } else {
      define_task(task, i);
    }
  }
  define_descriptors();
  define_main();
  std::string problems;
  llvm::raw_string_ostream stream(problems);
  if (llvm::verifyModule(module_, &stream)) {
    TASKC_CHECK(false, ("the LLVM backend built an invalid module: " + stream.str()).c_str());
  }
}

void Lowering::declare_task(const ir::Task& task, std::size_t index) {
  if (task.is_extern) unsupported("an extern task", task.span);
  task_bodies_.push_back(llvm::Function::Create(body_type(), llvm::GlobalValue::InternalLinkage,
                                                fmt::format("{}.{}", task.name, index), module_));
  task_descriptors_.push_back(new llvm::GlobalVariable(module_, task_type_, true, llvm::GlobalValue::InternalLinkage,
                                                       nullptr, fmt::format("{}.task", task.name)));
}

void Lowering::define_descriptors() {
  auto* i64 = builder_.getInt64Ty();
  auto number = [&](std::int64_t value) { return llvm::ConstantInt::get(i64, static_cast<std::uint64_t>(value)); };
  for (std::size_t i = 0; i < program_.tasks.size(); ++i) {
    const ir::Task& task = program_.tasks[i];
    const source::SourceFile& file = sources_.get(task.span.file);
    std::int64_t semaphore = task.semaphore ? static_cast<std::int64_t>(task.semaphore->index) : -1;
    std::vector<llvm::Constant*> fields{
        string_constant(task.name),
        string_constant(std::string(ir::task_kind_name(task.kind))),
        string_constant(file.path()),
        builder_.getInt32(static_cast<std::uint32_t>(file.line_column(task.span.begin).line)),
        llvm::ConstantExpr::getBitCast(task_bodies_[i], ptr()),
        number(task.kind == ir::TaskKind::kCpu ? 1 : 0),
        number(semaphore),
        number(task.permits),
        number(task.timeout_ns.value_or(-1)),
        number(task.retry ? task.retry->extra_attempts : -1),
        number(task.retry ? task.retry->backoff_ns : 0),
        number(task.retry ? static_cast<std::int64_t>(task.retry->on) : 0),
        number(program_.main && program_.main->index == i && task.result->is(ir::TypeKind::kInt) ? 1 : 0),
        number(task.rate_limit ? static_cast<std::int64_t>(task.rate_limit->index) : -1),
        number(task.in_process ? process_index(i) : -1),
        number(static_cast<std::int64_t>(task.params.size())),
        param_types(task),
        task.result->is(ir::TypeKind::kVoid) ? static_cast<llvm::Constant*>(llvm::ConstantPointerNull::get(ptr()))
                                             : descriptor(task.result),
        task.semaphore ? string_constant(wait_sites_.uses(task))
                       : static_cast<llvm::Constant*>(llvm::ConstantPointerNull::get(ptr())),
    };
    task_descriptors_[i]->setInitializer(llvm::ConstantStruct::get(task_type_, fields));
  }
}

// An `in process` task's number among the program's (the worker's table).
std::int64_t Lowering::process_index(std::size_t task) const {
  std::int64_t index = 0;
  for (std::size_t i = 0; i < task; ++i) index += program_.tasks[i].in_process ? 1 : 0;
  return index;
}

llvm::Constant* Lowering::param_types(const ir::Task& task) {
  std::vector<llvm::Constant*> types;
  for (const ir::Param& p : task.params) types.push_back(descriptor(p.type));
  if (types.empty()) return llvm::ConstantPointerNull::get(ptr());
  auto* array_type = llvm::ArrayType::get(ptr(), types.size());
  auto* table = new llvm::GlobalVariable(module_, array_type, true, llvm::GlobalValue::InternalLinkage,
                                         llvm::ConstantArray::get(array_type, types), task.name + ".params");
  return llvm::ConstantExpr::getBitCast(table, ptr());
}

void Lowering::define_main() {
  const ir::Task& main = program_.task(*program_.main);
  auto* i64 = builder_.getInt64Ty();
  std::vector<llvm::Constant*> semaphores;
  for (std::size_t i = 0; i < program_.semaphores.size(); ++i) {
    const ir::Semaphore& semaphore = program_.semaphores[i];
    // The most permits one task takes: --limit may not go below it.
    std::int64_t most = 1;
    for (const ir::Task& task : program_.tasks) {
      if (task.semaphore && task.semaphore->index == i) most = std::max(most, task.permits);
    }
    semaphores.push_back(llvm::ConstantStruct::get(
        semaphore_type_, {string_constant(semaphore.name), llvm::ConstantInt::get(i64, semaphore.permits),
                          llvm::ConstantInt::get(i64, most)}));
  }
  auto* semaphore_array_type = llvm::ArrayType::get(semaphore_type_, semaphores.size());
  auto* semaphore_table =
      new llvm::GlobalVariable(module_, semaphore_array_type, true, llvm::GlobalValue::InternalLinkage,
                               llvm::ConstantArray::get(semaphore_array_type, semaphores), "semaphores");
  // main's parameters: the command line's arguments and options.
  auto* param_type = llvm::StructType::create(context_, {ptr(), ptr(), ptr(), ptr(), ptr(), ptr()}, "trt_param");
  std::vector<llvm::Constant*> params;
  for (const ir::Param& p : main.params) {
    params.push_back(llvm::ConstantStruct::get(
        param_type, {string_constant(p.name), string_constant(ir::type_name(p.type)),
                     p.option_default ? string_constant(*p.option_default)
                                      : static_cast<llvm::Constant*>(llvm::ConstantPointerNull::get(ptr())),
                     string_constant(p.default_source), descriptor(p.type), string_constant(p.doc)}));
  }
  auto* param_array_type = llvm::ArrayType::get(param_type, params.size());
  auto* param_table = new llvm::GlobalVariable(module_, param_array_type, true, llvm::GlobalValue::InternalLinkage,
                                               llvm::ConstantArray::get(param_array_type, params), "params");
  auto* rate_limit_type = llvm::StructType::create(context_, {ptr(), i64, i64}, "trt_rate_limit");
  std::vector<llvm::Constant*> rate_limits;
  for (const ir::RateLimit& r : program_.rate_limits) {
    rate_limits.push_back(llvm::ConstantStruct::get(
        rate_limit_type, {string_constant(r.name), llvm::ConstantInt::get(i64, static_cast<std::uint64_t>(r.count)),
                          llvm::ConstantInt::get(i64, static_cast<std::uint64_t>(r.period_ns))}));
  }
  auto* rate_limit_array_type = llvm::ArrayType::get(rate_limit_type, rate_limits.size());
  auto* rate_limit_table =
      new llvm::GlobalVariable(module_, rate_limit_array_type, true, llvm::GlobalValue::InternalLinkage,
                               llvm::ConstantArray::get(rate_limit_array_type, rate_limits), "rate_limits");
  std::vector<llvm::Constant*> process_tasks;
  for (std::size_t i = 0; i < program_.tasks.size(); ++i) {
    if (program_.tasks[i].in_process)
      process_tasks.push_back(llvm::ConstantExpr::getBitCast(task_descriptors_[i], ptr()));
  }
  // The runtime has one worker entry per process task, up to its limit.
  if (process_tasks.size() > 64) throw Unsupported{"more than 64 `in process` tasks"};
  auto* process_array_type = llvm::ArrayType::get(ptr(), process_tasks.size());
  auto* process_table =
      new llvm::GlobalVariable(module_, process_array_type, true, llvm::GlobalValue::InternalLinkage,
                               llvm::ConstantArray::get(process_array_type, process_tasks), "process_tasks");
  auto* program_type = llvm::StructType::create(
      context_, {ptr(), ptr(), i64, ptr(), ptr(), i64, ptr(), ptr(), i64, ptr(), i64, ptr(), i64}, "trt_program");
  llvm::Function* init = define_init();
  llvm::Constant* fields[] = {
      string_constant(options_.name),
      string_constant(main.doc),
      llvm::ConstantInt::get(i64, semaphores.size()),
      llvm::ConstantExpr::getBitCast(semaphore_table, ptr()),
      llvm::ConstantExpr::getBitCast(task_descriptors_[program_.main->index], ptr()),
      llvm::ConstantInt::get(i64, params.size()),
      llvm::ConstantExpr::getBitCast(param_table, ptr()),
      init != nullptr ? llvm::ConstantExpr::getBitCast(init, ptr())
                      : static_cast<llvm::Constant*>(llvm::ConstantPointerNull::get(ptr())),
      llvm::ConstantInt::get(i64, rate_limits.size()),
      llvm::ConstantExpr::getBitCast(rate_limit_table, ptr()),
      llvm::ConstantInt::get(i64, process_tasks.size()),
      llvm::ConstantExpr::getBitCast(process_table, ptr()),
      llvm::ConstantInt::get(i64, program_.serves ? 1 : 0),
  };
  auto* program = new llvm::GlobalVariable(module_, program_type, true, llvm::GlobalValue::InternalLinkage,
                                           llvm::ConstantStruct::get(program_type, fields), "program");

  auto* main_type = llvm::FunctionType::get(builder_.getInt32Ty(), {builder_.getInt32Ty(), ptr()}, false);
  auto* function = llvm::Function::Create(main_type, llvm::GlobalValue::ExternalLinkage, "main", module_);
  builder_.SetInsertPoint(llvm::BasicBlock::Create(context_, "entry", function));
  builder_.CreateRet(builder_.CreateCall(
      abi_.at("run_program"), {function->getArg(0), function->getArg(1), builder_.CreateBitCast(program, ptr())}));
}

// The body that gives the `shared` values their first values, before main.
llvm::Function* Lowering::define_init() {
  if (program_.shared.empty()) return nullptr;
  init_task_.name = "shared";
  Body body;
  body.task = &init_task_;
  llvm::Function* function = begin_body("shared.init", body);
  start_body(false);
  for (std::size_t i = 0; i < program_.shared.size(); ++i) {
    const ir::Shared& shared = program_.shared[i];
    llvm::Value* value = expr(*shared.init);
    abi("shared_init",
        {builder_.getInt32(static_cast<std::uint32_t>(i)), descriptor(shared.type), to_slot(value, shared.type)});
  }
  end_body(body);
  return function;
}

// `ptr body(ptr args, ptr result, i64 attempt, ptr task)`: a ramp that
// makes the coroutine and returns its frame (trt_task::body).
llvm::FunctionType* Lowering::body_type() {
  return llvm::FunctionType::get(ptr(), {ptr(), ptr(), builder_.getInt64Ty(), ptr()}, false);
}

// The prologue of a coroutine body: its frame (from the runtime's
// allocator), whose head at the promise's place is the runtime's
// (trt_body_init gives the body its `call`). start_body then stops the ramp.
llvm::Function* Lowering::begin_body(const std::string& name, Body& body) {
  if (body.function == nullptr) {
    body.function = llvm::Function::Create(body_type(), llvm::GlobalValue::InternalLinkage, name, module_);
  }
  llvm::Function* function = body.function;
  // LLVM 14's CoroSplit lowers only functions that carry this attribute.
  function->addFnAttr("coroutine.presplit", "0");
  body.args = function->getArg(0);
  body.result = function->getArg(1);
  body_ = &body;
  body.entry = llvm::BasicBlock::Create(context_, "entry", function);
  builder_.SetInsertPoint(body.entry);
  auto* null = llvm::ConstantPointerNull::get(ptr());
  // The promise's place: right after the resume and destroy pointers.
  auto* header = builder_.CreateAlloca(llvm::ArrayType::get(builder_.getInt8Ty(), trt_frame_header_size));
  header->setAlignment(llvm::Align(16));
  llvm::Value* promise = builder_.CreateBitCast(header, ptr());
  body.coro_id = builder_.CreateIntrinsic(llvm::Intrinsic::coro_id, {}, {builder_.getInt32(16), promise, null, null});
  llvm::Value* allocate = builder_.CreateIntrinsic(llvm::Intrinsic::coro_alloc, {}, {body.coro_id});
  llvm::BasicBlock* allocating = block("allocate");
  llvm::BasicBlock* begin = block("begin");
  builder_.CreateCondBr(allocate, allocating, begin);
  builder_.SetInsertPoint(allocating);
  llvm::Value* size = builder_.CreateIntrinsic(llvm::Intrinsic::coro_size, {builder_.getInt64Ty()}, {});
  llvm::Value* memory = abi("frame_alloc", {size});
  builder_.CreateBr(begin);
  builder_.SetInsertPoint(begin);
  llvm::PHINode* frame = builder_.CreatePHI(ptr(), 2);
  frame->addIncoming(null, body.entry);
  frame->addIncoming(memory, allocating);
  body.handle = builder_.CreateIntrinsic(llvm::Intrinsic::coro_begin, {}, {body.coro_id, frame});
  body.call = abi("body_init", {promise, function->getArg(3), function->getArg(2)});
  body.finish = block("finish");
  body.cleanup = block("cleanup");
  body.exit = block("exit");
  return function;
}

// The ramp stops here (the caller's Task starts the body); what is released
// if the task is destroyed unstarted must be set up before (owned locals are
// none). A cpu task then moves to the CPU pool, as the C++ backend's do.
void Lowering::start_body(bool hops_to_cpu) {
  llvm::Value* started = builder_.CreateIntrinsic(llvm::Intrinsic::coro_suspend, {},
                                                  {llvm::ConstantTokenNone::get(context_), builder_.getFalse()});
  llvm::BasicBlock* run = block("start");
  llvm::SwitchInst* choice = builder_.CreateSwitch(started, body_->exit, 2);
  choice->addCase(builder_.getInt8(0), run);
  choice->addCase(builder_.getInt8(1), body_->cleanup);
  builder_.SetInsertPoint(run);
  if (!hops_to_cpu) {
    abi("body_begin", {body_->call, builder_.getFalse()});
    return;
  }
  llvm::Value* save = builder_.CreateIntrinsic(llvm::Intrinsic::coro_save, {}, {body_->handle});
  llvm::BasicBlock* hopping = block("to_cpu");
  llvm::BasicBlock* on_cpu = block("on_cpu");
  builder_.CreateCondBr(abi("body_begin", {body_->call, builder_.getTrue()}), hopping, on_cpu);
  builder_.SetInsertPoint(hopping);
  llvm::Value* hopped = builder_.CreateIntrinsic(llvm::Intrinsic::coro_suspend, {}, {save, builder_.getFalse()});
  llvm::SwitchInst* resumed = builder_.CreateSwitch(hopped, body_->exit, 2);
  resumed->addCase(builder_.getInt8(0), on_cpu);
  resumed->addCase(builder_.getInt8(1), body_->cleanup);
  builder_.SetInsertPoint(on_cpu);
}

// The epilogue: the final suspend, the cleanup that releases the locals and
// frees the frame, and the ramp's return.
void Lowering::end_body(Body& body) {
  if (builder_.GetInsertBlock()->getTerminator() == nullptr) builder_.CreateBr(body.finish);
  builder_.SetInsertPoint(body.finish);
  // Suspended for good before whoever awaits the body is resumed (by
  // body_end), which may destroy the frame at once.
  llvm::Value* save = builder_.CreateIntrinsic(llvm::Intrinsic::coro_save, {}, {body.handle});
  transfer_to(abi("body_end", {body.call}));
  llvm::Value* final_suspend = builder_.CreateIntrinsic(llvm::Intrinsic::coro_suspend, {}, {save, builder_.getTrue()});
  llvm::BasicBlock* never = block("resumed_after_end");
  llvm::SwitchInst* choice = builder_.CreateSwitch(final_suspend, body.exit, 2);
  choice->addCase(builder_.getInt8(0), never);
  choice->addCase(builder_.getInt8(1), body.cleanup);
  builder_.SetInsertPoint(never);
  builder_.CreateUnreachable();

  builder_.SetInsertPoint(body.cleanup);
  for (ir::LocalId local : body.owned) {
    if (is_boxed(body.task->local(local).type)) abi("release", {builder_.CreateLoad(ptr(), body.locals[local.index])});
  }
  abi("body_destroy", {body.call});
  llvm::Value* memory = builder_.CreateIntrinsic(llvm::Intrinsic::coro_free, {}, {body.coro_id, body.handle});
  abi("frame_free", {memory, builder_.CreateIntrinsic(llvm::Intrinsic::coro_size, {builder_.getInt64Ty()}, {})});
  builder_.CreateBr(body.exit);

  builder_.SetInsertPoint(body.exit);
  builder_.CreateIntrinsic(llvm::Intrinsic::coro_end, {}, {body.handle, builder_.getFalse()});
  builder_.CreateRet(body.handle);
  // Blocks left open after a `return` or `break` are unreachable.
  for (llvm::BasicBlock& open : *body.function) {
    if (open.getTerminator() == nullptr) {
      builder_.SetInsertPoint(&open);
      builder_.CreateUnreachable();
    }
  }
  body_ = nullptr;
}

void Lowering::copy_params(const ir::Task& task) {
  // The caller keeps its arguments; the body takes its own reference.
  llvm::ArrayType* params = args_type(task);
  llvm::Value* args = builder_.CreateBitCast(body_->args, params->getPointerTo());
  for (std::size_t i = 0; i < task.params.size(); ++i) {
    const ir::Param& param = task.params[i];
    llvm::Value* slot = builder_.CreateLoad(builder_.getInt64Ty(), builder_.CreateConstGEP2_32(params, args, 0, i));
    llvm::Value* value = from_slot(slot, param.type);
    if (is_boxed(param.type)) abi("retain", {value});
    builder_.CreateStore(value, body_->locals[param.local.index]);
  }
}

void Lowering::define_task(const ir::Task& task, std::size_t index) {
  Body body;
  body.task = &task;
  body.function = task_bodies_[index];
  begin_body("", body);
  // Locals: allocas at the start of the entry block; strs are none until set.
  {
    llvm::IRBuilder<> at_start(body.entry, body.entry->begin());
    for (const ir::Local& local : task.locals) body.locals.push_back(at_start.CreateAlloca(type(local.type)));
  }
  for (std::size_t i = 0; i < task.locals.size(); ++i) {
    if (is_boxed(task.locals[i].type)) builder_.CreateStore(llvm::ConstantPointerNull::get(ptr()), body.locals[i]);
  }
  for (std::size_t i = 0; i < task.locals.size(); ++i) body.owned.push_back(ir::LocalId{static_cast<std::uint32_t>(i)});
  start_body(task.kind == ir::TaskKind::kCpu);
  copy_params(task);
  block_stmts(task.body);
  end_body(body);
}

void Lowering::define_flow(const ir::Task& task, std::size_t index) {
  llvm::StructType* locals = locals_type(task);
  std::vector<llvm::Constant*> nodes;
  for (const ir::FlowNode& node : task.graph.nodes) {
    nodes.push_back(llvm::ConstantExpr::getBitCast(define_node(task, node, locals), ptr()));
  }
  auto* node_array_type = llvm::ArrayType::get(ptr(), nodes.size());
  auto* node_table = new llvm::GlobalVariable(module_, node_array_type, true, llvm::GlobalValue::InternalLinkage,
                                              llvm::ConstantArray::get(node_array_type, nodes), task.name + ".nodes");
  Body body;
  body.task = &task;
  body.function = task_bodies_[index];
  begin_body("", body);
  // The flow's variables, which its nodes share, live in its frame.
  llvm::Value* frame_locals = nullptr;
  {
    llvm::IRBuilder<> at_start(body.entry, body.entry->begin());
    frame_locals = at_start.CreateAlloca(locals);
  }
  builder_.CreateStore(llvm::Constant::getNullValue(locals), frame_locals);
  for (std::size_t i = 0; i < task.locals.size(); ++i) {
    body.locals.push_back(builder_.CreateStructGEP(locals, frame_locals, static_cast<unsigned>(i)));
  }
  for (std::size_t i = 0; i < task.locals.size(); ++i) body.owned.push_back(ir::LocalId{static_cast<std::uint32_t>(i)});
  start_body(false);
  copy_params(task);
  abi("await_flow", {body.call, builder_.getInt32(static_cast<std::uint32_t>(nodes.size())),
                     builder_.CreateBitCast(node_table, ptr()), builder_.CreateBitCast(frame_locals, ptr())});
  await_and_check();
  if (!task.result->is(ir::TypeKind::kVoid)) {
    // The value a node returned: the caller's now.
    auto last = static_cast<unsigned>(task.locals.size());
    llvm::Value* slot =
        builder_.CreateLoad(builder_.getInt64Ty(), builder_.CreateStructGEP(locals, frame_locals, last));
    builder_.CreateStore(slot, builder_.CreateBitCast(body.result, builder_.getInt64Ty()->getPointerTo()));
  }
  end_body(body);
}

// A node of a flow: waits for the nodes it depends on, runs its statement,
// then lets the nodes that wait for it go.
llvm::Function* Lowering::define_node(const ir::Task& flow, const ir::FlowNode& node, llvm::StructType* locals) {
  Body body;
  body.task = &flow;
  llvm::Function* function = begin_body(fmt::format("{}.node{}", flow.name, node.id), body);
  body.flow = body.result;
  llvm::Value* shared = builder_.CreateBitCast(body.args, locals->getPointerTo());
  for (std::size_t i = 0; i < flow.locals.size(); ++i) {
    body.locals.push_back(builder_.CreateStructGEP(locals, shared, static_cast<unsigned>(i)));
  }
  body.flow_result = builder_.CreateStructGEP(locals, shared, static_cast<unsigned>(flow.locals.size()));
  body.flow_returned = builder_.CreateStructGEP(locals, shared, static_cast<unsigned>(flow.locals.size() + 1));
  body.node = node.id;
  start_body(false);
  for (const ir::Edge& edge : node.deps) {
    abi("await_node", {body.call, body.flow, builder_.getInt32(edge.from),
                       string_constant(wait_sites_.flow_step(flow, node, flow.graph.nodes[edge.from]))});
    await_and_check();
  }
  if (!node.deps.empty()) {
    // A node above returned: the flow is over, and this one does nothing.
    llvm::LoadInst* returned = builder_.CreateLoad(builder_.getInt64Ty(), body.flow_returned);
    returned->setAtomic(llvm::AtomicOrdering::SequentiallyConsistent);
    returned->setAlignment(llvm::Align(8));
    llvm::BasicBlock* skip = block("flow_returned");
    llvm::BasicBlock* run = block("run");
    builder_.CreateCondBr(builder_.CreateICmpNE(returned, builder_.getInt64(0)), skip, run);
    builder_.SetInsertPoint(skip);
    abi("node_done", {body.flow, builder_.getInt32(node.id)});
    builder_.CreateBr(body.finish);
    builder_.SetInsertPoint(run);
  }
  if (node.stmt.kind == ir::StmtKind::kReturn) {
    // The flow's last word: its value, with no flag (the nodes after it wait
    // for it and see the flow end).
    if (node.stmt.value) {
      builder_.CreateStore(to_slot(expr(*node.stmt.value), node.stmt.value->type), body.flow_result);
    }
  } else {
    stmt(node.stmt);
  }
  if (builder_.GetInsertBlock()->getTerminator() == nullptr) {
    abi("node_done", {body.flow, builder_.getInt32(node.id)});
  }
  end_body(body);
  return function;
}

// The table of pointers to the running body's variables, for the branches
// of a gather it starts (they run while it waits, so the variables live).
llvm::Value* Lowering::captures() {
  auto* table_type = llvm::ArrayType::get(ptr(), body_->locals.size());
  llvm::Value* table = entry_alloca(table_type);
  for (std::size_t i = 0; i < body_->locals.size(); ++i) {
    builder_.CreateStore(builder_.CreateBitCast(body_->locals[i], ptr()),
                         builder_.CreateConstGEP2_32(table_type, table, 0, static_cast<unsigned>(i)));
  }
  return builder_.CreateBitCast(table, ptr());
}

// A branch of a gather: evaluates `work`, reading the starting body's
// variables through its captures, with `bindings` (the element) its own.
llvm::Function* Lowering::define_branch(const ir::Expr& work, const std::vector<ir::LocalId>& bindings,
                                        const ir::Type* element_type) {
  if (!body_->held_shared.empty()) unsupported("a gather inside a `with` block of a shared value", work.span);
  Body* parent = body_;
  llvm::IRBuilderBase::InsertPoint resume_at = builder_.saveIP();
  Body branch;
  branch.task = parent->task;
  llvm::Function* function = begin_body(fmt::format("{}.branch", parent->task->name), branch);
  auto* env_type = llvm::StructType::get(context_, {ptr(), builder_.getInt64Ty()});
  llvm::Value* env = builder_.CreateBitCast(branch.args, env_type->getPointerTo());
  llvm::Value* table = builder_.CreateBitCast(builder_.CreateLoad(ptr(), builder_.CreateStructGEP(env_type, env, 0)),
                                              ptr()->getPointerTo());
  const std::vector<ir::Local>& locals = parent->task->locals;
  for (std::size_t i = 0; i < locals.size(); ++i) {
    bool own =
        std::find(bindings.begin(), bindings.end(), ir::LocalId{static_cast<std::uint32_t>(i)}) != bindings.end();
    llvm::Type* local_type = type(locals[i].type);
    if (own) {
      llvm::Value* slot = entry_alloca(local_type);
      if (is_boxed(locals[i].type)) builder_.CreateStore(llvm::ConstantPointerNull::get(ptr()), slot);
      branch.locals.push_back(slot);
      continue;
    }
    llvm::Value* captured = builder_.CreateLoad(ptr(), builder_.CreateConstGEP1_32(ptr(), table, i));
    branch.locals.push_back(builder_.CreateBitCast(captured, local_type->getPointerTo()));
  }
  start_body(false);
  if (!bindings.empty()) {
    llvm::Value* element =
        from_slot(builder_.CreateLoad(builder_.getInt64Ty(), builder_.CreateStructGEP(env_type, env, 1)), element_type);
    if (is_boxed(element_type)) abi("retain", {element});
    bind(bindings, element, element_type);
    branch.owned = bindings;
  }
  llvm::Value* value = expr(work);
  if (value != nullptr) {
    builder_.CreateStore(to_slot(value, work.type),
                         builder_.CreateBitCast(branch.result, builder_.getInt64Ty()->getPointerTo()));
  }
  end_body(branch);
  body_ = parent;
  builder_.restoreIP(resume_at);
  return function;
}

// Symmetric transfer, as a C++ coroutine's await_suspend returning a handle:
// the frame to run next is resumed by a call that CoroSplit makes a tail
// call (the call right before a suspend, in the resume function), so that
// no chain of completions grows the stack. The call is marked: after the
// pipeline, LlvmModule::write_object checks that every one is a tail call.
void Lowering::transfer_to(llvm::Value* next) {
  llvm::Value* resume = builder_.CreateIntrinsic(llvm::Intrinsic::coro_subfn_addr, {}, {next, builder_.getInt8(0)});
  auto* resume_type = llvm::FunctionType::get(builder_.getVoidTy(), {ptr()}, false);
  llvm::CallInst* call =
      builder_.CreateCall(resume_type, builder_.CreateBitCast(resume, resume_type->getPointerTo()), {next});
  call->setCallingConv(llvm::CallingConv::Fast);
  call->setMetadata(kTransferMetadata, llvm::MDNode::get(context_, {}));
}

// As co_await with an await_suspend returning a handle: the state is saved
// first, since once the wait starts another thread may resume the body.
void Lowering::suspend() {
  llvm::Value* save = builder_.CreateIntrinsic(llvm::Intrinsic::coro_save, {}, {body_->handle});
  llvm::BasicBlock* resumed = block("resumed");
  transfer_to(abi("suspend", {body_->call}));
  llvm::Value* suspended = builder_.CreateIntrinsic(llvm::Intrinsic::coro_suspend, {}, {save, builder_.getFalse()});
  llvm::SwitchInst* choice = builder_.CreateSwitch(suspended, body_->exit, 2);
  choice->addCase(builder_.getInt8(0), resumed);
  choice->addCase(builder_.getInt8(1), body_->cleanup);
  builder_.SetInsertPoint(resumed);
}

void Lowering::await_and_check() {
  suspend();
  branch_on_failure(abi("await_failed", {body_->call}));
}

void Lowering::branch_on_failure(llvm::Value* failed) {
  llvm::BasicBlock* ok = block("ok");
  llvm::BasicBlock* unwind = block("unwind");
  builder_.CreateCondBr(failed, unwind, ok);
  builder_.SetInsertPoint(unwind);
  fail_here();
  builder_.SetInsertPoint(ok);
}

void Lowering::fail_here() {
  if (body_->handlers.empty()) {
    release_temporaries();
    builder_.CreateBr(body_->finish);
    return;
  }
  release_temporaries(body_->handlers.back().temporaries);
  builder_.CreateBr(body_->handlers.back().block);
}

void Lowering::release_temporaries(std::size_t from) {
  for (std::size_t i = from; i < body_->temporaries.size(); ++i) abi("release", {body_->temporaries[i]});
}

void Lowering::forget_temporary(llvm::Value* value) {
  auto& held = body_->temporaries;
  auto found = std::find(held.rbegin(), held.rend(), value);
  TASKC_CHECK(found != held.rend(), "the LLVM backend forgets a temporary it does not hold");
  held.erase(std::next(found).base());
}

void Lowering::release(llvm::Value* value, const ir::Type* t) {
  if (value != nullptr && is_boxed(t)) abi("release", {value});
}

}  // namespace taskc::codegen::llvm_backend

namespace taskc::codegen {

LlvmModule::LlvmModule(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LlvmModule::~LlvmModule() = default;

LlvmLowering lower_to_llvm(const ir::Program& program, const source::SourceMap& sources, const LlvmOptions& options) {
  auto impl = std::make_unique<LlvmModule::Impl>();
  impl->module = std::make_unique<llvm::Module>(options.name, impl->context);
  LlvmLowering lowering;
  try {
    llvm_backend::Lowering(program, sources, options, impl->context, *impl->module).lower_program();
  } catch (const llvm_backend::Unsupported& unsupported) {
    lowering.unsupported = unsupported.what;
    return lowering;
  }
  lowering.module = std::make_unique<LlvmModule>(std::move(impl));
  return lowering;
}

}  // namespace taskc::codegen
