// The LLVM backend's lowering of one program (internal to the backend).
//
// Every task, flow and flow node becomes a switched-resume LLVM coroutine
// `ptr body(ptr call, ptr args, ptr result)`: `call` is the runtime's
// LoweredCall, `args` a struct of the parameters in the caller's frame (for a
// flow node: the flow's locals), `result` where `return` stores the value.
// When the body waits, it asks the runtime for what (trt_await_*), suspends,
// and on resumption asks whether that failed. A failure anywhere branches to
// the body's failure exit, releasing the temporaries it holds on the way.
//
// Values: int and duration are i64, float double, bool i1, str a pointer to
// the runtime's counted string. An expression's str is owned (+1); locals own
// theirs and release them when the frame is destroyed.
#pragma once

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "compiler/codegen/llvm/emit_llvm.hpp"
#include "compiler/ir/wait_sites.hpp"

namespace taskc::codegen {

class LlvmModule::Impl {
 public:
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module;
};

// The metadata that marks a body's symmetric transfers (Lowering::transfer_to),
// each of which must have become a tail call once the coroutines are split.
inline constexpr const char* kTransferMetadata = "taskc.transfer";

}  // namespace taskc::codegen

namespace taskc::codegen::llvm_backend {

// Thrown while lowering at the first construct the backend cannot lower yet.
struct Unsupported {
  std::string what;
};

class Lowering {
 public:
  Lowering(const ir::Program& program, const source::SourceMap& sources, const LlvmOptions& options,
           llvm::LLVMContext& context, llvm::Module& module);

  // Throws Unsupported.
  void lower_program();

 private:
  // What one coroutine body being emitted needs.
  struct Body {
    const ir::Task* task = nullptr;
    llvm::Function* function = nullptr;
    llvm::Value* call = nullptr;
    llvm::Value* args = nullptr;
    llvm::Value* result = nullptr;
    llvm::Value* flow = nullptr;  // flow nodes: the runtime's Flow
    // Flow nodes: the flow's result slot and its `returned` flag (a return
    // inside a node's statement ends the flow), and the node's number.
    llvm::Value* flow_result = nullptr;
    llvm::Value* flow_returned = nullptr;
    std::uint32_t node = 0;
    llvm::Value* coro_id = nullptr;
    llvm::Value* handle = nullptr;
    llvm::BasicBlock* entry = nullptr;
    llvm::BasicBlock* finish = nullptr;   // body_done, then the final suspend
    llvm::BasicBlock* cleanup = nullptr;  // frees the frame (destroy)
    llvm::BasicBlock* exit = nullptr;     // coro.end; return the handle
    // Where each local lives: an alloca, or a field of the flow's locals.
    std::vector<llvm::Value*> locals;
    // The locals this body releases when it ends: all of a task's or flow's,
    // none of a flow node's, a gather branch's own element.
    std::vector<ir::LocalId> owned;
    // Owned strs an expression holds while it evaluates the next operand.
    std::vector<llvm::Value*> temporaries;
    // Blocks whose leaving early must do something (an as-completed loop
    // finishes its calls): `return`, `break` and `continue` run `leave` of
    // each scope they leave; its code fails to the handlers outside it.
    struct Scope {
      std::function<void()> leave;
      std::size_t handlers;
    };
    std::vector<Scope> scopes;
    struct Loop {
      llvm::BasicBlock* next;
      llvm::BasicBlock* done;
      std::size_t scopes;  // those open when the loop began
    };
    std::vector<Loop> loops;
    // Where a failure goes: the innermost `try`'s handlers (and how many
    // temporaries were held when it began), else the body's end.
    struct Handler {
      llvm::BasicBlock* block;
      std::size_t temporaries;
    };
    std::vector<Handler> handlers;
    // Inside `with s { … }`: the copy of each shared value the block works on.
    std::map<std::uint32_t, llvm::Value*> held_shared;
  };

  // Types
  llvm::Type* type(const ir::Type* type);
  bool is_str(const ir::Type* type) const { return type->is(ir::TypeKind::kStr); }
  // Whether values of the type are counted boxes (all but int, float, bool, duration).
  bool is_boxed(const ir::Type* type) const;
  // The trt_type constant that describes a type to the runtime.
  llvm::Constant* descriptor(const ir::Type* type);
  // A value as an 8-byte slot (lists, tuples, arguments), and back.
  llvm::Value* to_slot(llvm::Value* value, const ir::Type* type);
  llvm::Value* from_slot(llvm::Value* slot, const ir::Type* type);
  llvm::ArrayType* args_type(const ir::Task& task);
  llvm::StructType* locals_type(const ir::Task& task);
  llvm::PointerType* ptr() { return builder_.getInt8PtrTy(); }

  // The runtime's C ABI (lowered_abi.def).
  void declare_abi();
  llvm::Value* abi(const char* name, llvm::ArrayRef<llvm::Value*> args);

  // Program structure
  void declare_task(const ir::Task& task, std::size_t index);
  void define_task(const ir::Task& task, std::size_t index);
  void define_flow(const ir::Task& task, std::size_t index);
  llvm::Function* define_node(const ir::Task& flow, const ir::FlowNode& node, llvm::StructType* locals);
  void define_descriptors();
  std::int64_t process_index(std::size_t task) const;
  llvm::Constant* param_types(const ir::Task& task);
  void define_main();
  llvm::FunctionType* body_type();
  llvm::Function* begin_body(const std::string& name, Body& body);
  void start_body(bool hops_to_cpu);
  void end_body(Body& body);
  void copy_params(const ir::Task& task);
  llvm::Constant* string_constant(const std::string& text);
  std::string where(const source::Span& span) const;
  [[noreturn]] void unsupported(const std::string& what, const source::Span& span) const;

  // Suspending and failing
  void await_and_check();
  // Suspends until what the body asked for is over; continues in the block
  // of its resumption.
  void transfer_to(llvm::Value* next);
  void suspend();
  void branch_on_failure(llvm::Value* failed);
  void release(llvm::Value* value, const ir::Type* type);
  void release_temporaries(std::size_t from = 0);
  // A temporary no longer held (taken by what it was given to, or released).
  void forget_temporary(llvm::Value* value);
  // Branches to where a failure goes, releasing what is held on the way.
  void fail_here();
  void try_stmt(const ir::Stmt& stmt);
  void with_stmt(const ir::Stmt& stmt);
  llvm::Function* define_init();
  llvm::BasicBlock* block(const char* name);

  // Statements
  void block_stmts(const ir::Block& block);
  void stmt(const ir::Stmt& stmt);
  void store_local(ir::LocalId local, llvm::Value* value);
  llvm::Value* compound(const ir::Stmt& s, const ir::Type* type, llvm::Value* current, llvm::Value* operand);
  void for_range(const ir::Stmt& stmt);
  bool is_int_range(const ir::Expr& e) const;
  // start, end, inclusive
  std::tuple<llvm::Value*, llvm::Value*, bool> int_bounds(const ir::Expr& e);
  void for_list(const ir::Stmt& stmt);
  void bind(const std::vector<ir::LocalId>& bindings, llvm::Value* element, const ir::Type* type);
  void for_channel(const ir::Stmt& stmt);
  void for_completed(const ir::Stmt& stmt);
  void leave_scopes(std::size_t depth);
  // What a gather over many elements runs over: a list or a work-queue
  // channel (items, owned, held as a temporary), or a range (items null).
  struct Elements {
    llvm::Value* items;
    const ir::Type* items_type;  // null for a range
    llvm::Value* from;
    llvm::Value* to;
    bool inclusive;
    const ir::Type* type;  // of one element
  };
  Elements elements_of(const ir::Expr& items);
  void for_map(const ir::Stmt& stmt);
  void for_each_index(const ir::Stmt& stmt, const char* length_of,
                      const std::function<void(llvm::Value*, llvm::Value*)>& bind_at);
  // Places (places.cpp): the way from a variable to an element, its keys
  // evaluated; and an address to read or write (a variable of its LLVM
  // type, or an 8-byte slot in a container).
  struct Path {
    const ir::Expr* root = nullptr;
    std::vector<const ir::Expr*> steps;
    std::vector<llvm::Value*> keys;
  };
  struct Place {
    llvm::Value* address;
    bool slot;
  };
  Path path_of(const ir::Expr& target);
  void release_path(const Path& path);
  Place resolve(const Path& path, bool inserts);
  llvm::Value* load_place(const Place& place, const ir::Type* type);
  void store_place(const Place& place, llvm::Value* value, const ir::Type* type);
  void assign(const ir::Stmt& stmt);
  void let_tuple(const ir::Stmt& stmt);
  llvm::Value* entry_alloca(llvm::Type* type);
  void check_cancelled();

  // Expressions: each returns an owned value (null for void).
  llvm::Value* expr(const ir::Expr& e);
  llvm::Value* str_literal(const std::string& text);
  llvm::Value* interpolation(const ir::Expr& e);
  llvm::Value* call_task(const ir::Expr& e);
  llvm::Value* builtin(const ir::Expr& e);
  llvm::Value* call_builtin(const std::string& wrapper, const ir::Expr& e);
  llvm::Value* keyed_builtin(const ir::Expr& e);
  llvm::Value* call_wrapper(const std::string& wrapper, const std::vector<const ir::Type*>& types,
                            const std::vector<llvm::Value*>& values, std::size_t held, const ir::Expr& e,
                            const std::vector<bool>& lent = {});
  llvm::Value* change_in_place(const ir::Expr& e);
  llvm::Value* receive(llvm::Value* channel, const std::string& site);
  void append_text(llvm::Value* text, llvm::Value* value, const ir::Type* type);
  llvm::Value* joined_text(const std::vector<const ir::Expr*>& pieces, const char* separator);
  llvm::Value* checked(llvm::Intrinsic::ID intrinsic, int op, llvm::Value* left, llvm::Value* right,
                       llvm::Value* shown = nullptr);
  llvm::Value* divide(const char* function, int op, llvm::Type* type, llvm::Value* left, llvm::Value* right);
  llvm::Value* unary(const ir::Expr& e);
  llvm::Value* binary(const ir::Expr& e);
  llvm::Value* int_arithmetic(ir::BinaryOp op, llvm::Value* left, llvm::Value* right);
  llvm::Value* float_arithmetic(ir::BinaryOp op, llvm::Value* left, llvm::Value* right);
  llvm::Value* compare(ir::BinaryOp op, const ir::Type* type, llvm::Value* left, llvm::Value* right);
  llvm::Value* logical(const ir::Expr& e);
  llvm::Value* duration_math(int op, const std::vector<const ir::Type*>& types,
                             const std::vector<llvm::Value*>& values);
  llvm::Value* list(const ir::Expr& e);
  llvm::Value* tuple(const ir::Expr& e);
  llvm::Value* element(const ir::Expr& e, std::uint32_t index);
  llvm::Value* index(const ir::Expr& e);
  llvm::Value* containment(const ir::Expr& e);
  llvm::Value* slice(const ir::Expr& e);
  llvm::Value* range_list(const ir::Expr& e);
  llvm::Value* wrap_optional(llvm::Value* value, const ir::Type* optional);
  llvm::Value* gather(const ir::Expr& e);
  llvm::Value* work(const ir::Expr& e);
  llvm::Constant* result_descriptor(const ir::Type* type);
  llvm::Value* gather_each(const ir::Expr& e);
  llvm::Value* serve(const ir::Expr& e);
  llvm::Value* gather_calls(const ir::Expr& e);
  void count_loop(llvm::Value* count, const char* name, const std::function<void(llvm::Value*)>& at);
  llvm::Value* result_part(const ir::Expr& e);
  llvm::Function* define_branch(const ir::Expr& work, const std::vector<ir::LocalId>& bindings,
                                const ir::Type* element_type);
  llvm::Value* captures();
  llvm::Value* conditional(const ir::Expr& e);

  const ir::Program& program_;
  const source::SourceMap& sources_;
  const LlvmOptions& options_;
  // What each wait is called in a deadlock report.
  const ir::WaitSites wait_sites_{program_, sources_};
  llvm::LLVMContext& context_;
  llvm::Module& module_;
  llvm::IRBuilder<> builder_;

  std::map<std::string, llvm::FunctionCallee> abi_;
  llvm::StructType* task_type_ = nullptr;       // trt_task
  llvm::StructType* semaphore_type_ = nullptr;  // trt_semaphore
  llvm::StructType* type_type_ = nullptr;       // trt_type
  std::map<const ir::Type*, llvm::Constant*> descriptors_;
  std::vector<llvm::GlobalVariable*> task_descriptors_;
  std::vector<llvm::Function*> task_bodies_;
  // What the `shared` values' first values are computed in: no locals.
  ir::Task init_task_;
  std::map<std::string, llvm::Constant*> strings_;
  Body* body_ = nullptr;
  // Where the last receive() put its value.
  llvm::Value* received_ = nullptr;
};

}  // namespace taskc::codegen::llvm_backend
