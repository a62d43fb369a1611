// The LLVM backend: statements.
#include <functional>

#include "compiler/codegen/llvm/lowering.hpp"

namespace taskc::codegen::llvm_backend {

void Lowering::block_stmts(const ir::Block& block) {
  for (const ir::Stmt& s : block.stmts) {
    // After a `return`, `break`, `continue` or `fail`, the rest is unreachable.
    if (builder_.GetInsertBlock()->getTerminator() != nullptr) {
      builder_.SetInsertPoint(this->block("unreachable"));
    }
    stmt(s);
  }
}

// with sem { … } and with shared { … }: the block holds permits or the
// value's lock, let go of however it ends; a shared value's block works on
// a copy, stored when it completes.
void Lowering::with_stmt(const ir::Stmt& s) {
  bool is_shared = s.kind == ir::StmtKind::kWithShared;
  llvm::Value* copy = nullptr;
  const ir::Type* shared_type = nullptr;
  std::uint32_t index = is_shared ? s.shared.index : s.semaphore.index;
  if (is_shared) {
    shared_type = program_.shared_value(s.shared).type;
    abi("await_shared_lock", {body_->call, builder_.getInt32(index),
                              string_constant(wait_sites_.with_shared(*body_->task, s.shared, s.span))});
    await_and_check();
    copy = entry_alloca(type(shared_type));
    builder_.CreateStore(from_slot(abi("shared_load", {builder_.getInt32(index)}), shared_type), copy);
    body_->held_shared[index] = copy;
  } else {
    abi("await_permits", {body_->call, builder_.getInt32(index), builder_.getInt64(1),
                          string_constant(wait_sites_.with_semaphore(*body_->task, s.semaphore, s.span))});
    await_and_check();
  }
  // Completing the block (also by return, break or continue) stores the
  // copy and lets go; a failure discards the copy.
  auto complete = [this, is_shared, index, copy, shared_type] {
    if (is_shared) {
      abi("shared_store",
          {builder_.getInt32(index), to_slot(builder_.CreateLoad(type(shared_type), copy), shared_type)});
    }
    abi("let_go", {body_->call});
  };
  body_->scopes.push_back({complete, body_->handlers.size()});
  llvm::BasicBlock* failed = block("with_failed");
  body_->handlers.push_back({failed, body_->temporaries.size()});
  block_stmts(s.body);
  body_->handlers.pop_back();
  body_->scopes.pop_back();
  if (is_shared) body_->held_shared.erase(index);
  if (builder_.GetInsertBlock()->getTerminator() == nullptr) complete();
  llvm::BasicBlock* after = builder_.GetInsertBlock()->getTerminator() == nullptr ? block("endwith") : nullptr;
  if (after != nullptr) builder_.CreateBr(after);
  builder_.SetInsertPoint(failed);
  if (is_shared && is_boxed(shared_type)) abi("release", {builder_.CreateLoad(ptr(), copy)});
  abi("let_go", {body_->call});
  fail_here();
  builder_.SetInsertPoint(after != nullptr ? after : block("unreachable"));
}

void Lowering::store_local(ir::LocalId local, llvm::Value* value) {
  llvm::Value* slot = body_->locals[local.index];
  const ir::Type* t = body_->task->local(local).type;
  if (is_boxed(t)) {
    llvm::Value* old = builder_.CreateLoad(ptr(), slot);
    builder_.CreateStore(value, slot);
    abi("release", {old});
  } else {
    builder_.CreateStore(value, slot);
  }
}

void Lowering::check_cancelled() {
  branch_on_failure(abi("check_cancelled", {body_->call}));
}

namespace {

ir::BinaryOp binary_op_of(ir::AssignOp op) {
  switch (op) {
    case ir::AssignOp::kAdd: return ir::BinaryOp::kAdd;
    case ir::AssignOp::kSub: return ir::BinaryOp::kSub;
    case ir::AssignOp::kMul: return ir::BinaryOp::kMul;
    case ir::AssignOp::kDiv: return ir::BinaryOp::kDiv;
    case ir::AssignOp::kMod: return ir::BinaryOp::kMod;
    case ir::AssignOp::kSet: break;
  }
  TASKC_UNREACHABLE("`=` is not an arithmetic assignment");
}

}  // namespace

// `x += v` and the like, on a variable, a shared value's copy or an element:
// the new value from the current one (borrowed) and the operand (owned).
llvm::Value* Lowering::compound(const ir::Stmt& s, const ir::Type* t, llvm::Value* current, llvm::Value* operand) {
  ir::BinaryOp op = binary_op_of(s.assign_op);
  if (t->is(ir::TypeKind::kInt)) return int_arithmetic(op, current, operand);
  if (t->is(ir::TypeKind::kFloat)) return float_arithmetic(op, current, operand);
  if (!is_str(t) || op != ir::BinaryOp::kAdd) unsupported("an arithmetic assignment to a " + ir::type_name(t), s.span);
  llvm::Value* joined = abi("str_concat", {current, operand});
  abi("release", {operand});
  return joined;
}

void Lowering::stmt(const ir::Stmt& s) {
  switch (s.kind) {
    case ir::StmtKind::kLet: {
      if (s.bindings.size() != 1) return let_tuple(s);
      store_local(s.bindings[0], expr(*s.value));
      return;
    }
    case ir::StmtKind::kAssign: return assign(s);
    case ir::StmtKind::kIf: {
      llvm::Value* condition = expr(*s.value);
      llvm::BasicBlock* then_block = block("then");
      llvm::BasicBlock* else_block = block("else");
      llvm::BasicBlock* after = block("endif");
      builder_.CreateCondBr(condition, then_block, else_block);
      builder_.SetInsertPoint(then_block);
      block_stmts(s.body);
      if (builder_.GetInsertBlock()->getTerminator() == nullptr) builder_.CreateBr(after);
      builder_.SetInsertPoint(else_block);
      if (s.else_body) block_stmts(*s.else_body);
      if (builder_.GetInsertBlock()->getTerminator() == nullptr) builder_.CreateBr(after);
      builder_.SetInsertPoint(after);
      return;
    }
    case ir::StmtKind::kWhile: {
      llvm::BasicBlock* head = block("while");
      llvm::BasicBlock* loop = block("loop");
      llvm::BasicBlock* after = block("endwhile");
      builder_.CreateBr(head);
      builder_.SetInsertPoint(head);
      builder_.CreateCondBr(expr(*s.value), loop, after);
      builder_.SetInsertPoint(loop);
      check_cancelled();
      body_->loops.push_back({head, after, body_->scopes.size()});
      block_stmts(s.body);
      body_->loops.pop_back();
      if (builder_.GetInsertBlock()->getTerminator() == nullptr) builder_.CreateBr(head);
      builder_.SetInsertPoint(after);
      return;
    }
    case ir::StmtKind::kFor:
      if (is_int_range(*s.value)) return for_range(s);
      if (s.for_kind == ir::ForKind::kCompleted) return for_completed(s);
      if (s.for_kind == ir::ForKind::kList) return for_list(s);
      if (s.for_kind == ir::ForKind::kChannel) return for_channel(s);
      if (s.for_kind == ir::ForKind::kMapKeys || s.for_kind == ir::ForKind::kMapPairs) return for_map(s);
      return for_range(s);
    case ir::StmtKind::kBreak:
      leave_scopes(body_->loops.back().scopes);
      builder_.CreateBr(body_->loops.back().done);
      return;
    case ir::StmtKind::kContinue:
      leave_scopes(body_->loops.back().scopes);
      builder_.CreateBr(body_->loops.back().next);
      return;
    case ir::StmtKind::kReturn: {
      if (body_->flow_result != nullptr) {
        // Inside a flow node: keep the value, end the flow, let the nodes after this one go.
        if (s.value) builder_.CreateStore(to_slot(expr(*s.value), s.value->type), body_->flow_result);
        llvm::StoreInst* flag = builder_.CreateStore(builder_.getInt64(1), body_->flow_returned);
        flag->setAtomic(llvm::AtomicOrdering::SequentiallyConsistent);
        flag->setAlignment(llvm::Align(8));
        leave_scopes(0);
        release_temporaries();
        abi("node_done", {body_->flow, builder_.getInt32(body_->node)});
        builder_.CreateBr(body_->finish);
        return;
      }
      if (s.value) {
        llvm::Value* slot = to_slot(expr(*s.value), s.value->type);
        builder_.CreateStore(slot, builder_.CreateBitCast(body_->result, builder_.getInt64Ty()->getPointerTo()));
      }
      leave_scopes(0);
      release_temporaries();  // the lists `for` loops hold
      builder_.CreateBr(body_->finish);
      return;
    }
    case ir::StmtKind::kFail: {
      llvm::Value* message = expr(*s.value);
      abi("fail", {body_->call, message});
      abi("release", {message});
      fail_here();
      return;
    }
    case ir::StmtKind::kExpr: release(expr(*s.value), s.value->type); return;
    case ir::StmtKind::kWithSemaphore:
    case ir::StmtKind::kWithShared: return with_stmt(s);
    case ir::StmtKind::kWithRateLimit:
      // A token, then the block: nothing is held while it runs.
      abi("await_rate_limit", {body_->call, builder_.getInt32(s.rate_limit.index)});
      await_and_check();
      block_stmts(s.body);
      return;
    case ir::StmtKind::kTry: return try_stmt(s);
  }
  TASKC_UNREACHABLE("a statement kind without an LLVM lowering");
}

// a..b, a..=b, range(n) and range(a, b): counted, with no list (a step makes one).
bool Lowering::is_int_range(const ir::Expr& e) const {
  return e.kind == ir::ExprKind::kRange || (e.is_builtin(ir::Builtin::kRange) && e.operands.size() < 3);
}

std::tuple<llvm::Value*, llvm::Value*, bool> Lowering::int_bounds(const ir::Expr& e) {
  if (e.kind == ir::ExprKind::kRange) return {expr(*e.operands[0]), expr(*e.operands[1]), e.inclusive};
  if (e.operands.size() == 1) return {builder_.getInt64(0), expr(*e.operands[0]), false};
  llvm::Value* start = expr(*e.operands[0]);
  return {start, expr(*e.operands[1]), false};
}

// `for i in a..b` (and a..=b): counted, with no list.
void Lowering::for_range(const ir::Stmt& s) {
  const ir::Expr& range = *s.value;
  if (!is_int_range(range)) unsupported("this kind of `for` loop", s.span);
  auto [start, end, inclusive] = int_bounds(range);
  llvm::Value* counter = nullptr;
  {
    llvm::IRBuilder<> at_start(body_->entry, body_->entry->begin());
    counter = at_start.CreateAlloca(builder_.getInt64Ty());
  }
  builder_.CreateStore(start, counter);
  llvm::BasicBlock* head = block("for");
  llvm::BasicBlock* loop = block("loop");
  llvm::BasicBlock* next = block("next");
  llvm::BasicBlock* step = block("step");
  llvm::BasicBlock* after = block("endfor");
  builder_.CreateBr(head);
  builder_.SetInsertPoint(head);
  llvm::Value* i = builder_.CreateLoad(builder_.getInt64Ty(), counter);
  builder_.CreateCondBr(inclusive ? builder_.CreateICmpSLE(i, end) : builder_.CreateICmpSLT(i, end), loop, after);
  builder_.SetInsertPoint(loop);
  store_local(s.bindings[0], i);
  check_cancelled();
  body_->loops.push_back({next, after, body_->scopes.size()});
  block_stmts(s.body);
  body_->loops.pop_back();
  if (builder_.GetInsertBlock()->getTerminator() == nullptr) builder_.CreateBr(next);
  // a..=INT64_MAX ends at its last number instead of overflowing.
  builder_.SetInsertPoint(next);
  llvm::Value* current = builder_.CreateLoad(builder_.getInt64Ty(), counter);
  builder_.CreateCondBr(builder_.CreateICmpEQ(current, end), after, step);
  builder_.SetInsertPoint(step);
  builder_.CreateStore(builder_.CreateAdd(current, builder_.getInt64(1)), counter);
  builder_.CreateBr(head);
  builder_.SetInsertPoint(after);
}

// Runs what the scopes from `depth` outward do when left early (`return`,
// `break`, `continue`), innermost first. Their code fails to the handlers
// outside each scope.
void Lowering::leave_scopes(std::size_t depth) {
  for (std::size_t i = body_->scopes.size(); i-- > depth;) {
    std::vector<Body::Handler> inside = body_->handlers;
    body_->handlers.resize(body_->scopes[i].handlers);
    std::function<void()> leave = body_->scopes[i].leave;
    leave();
    body_->handlers = std::move(inside);
  }
}

// for x in gather WORK for y in ITEMS [limit n] [settle] as completed { … }:
// each result as its call finishes. However the loop ends — its end, break,
// return, a failure in the body or of a call — the runtime's finish cancels
// the calls still running and waits for them first (nothing outlives the
// loop); a failure passes on after that.
void Lowering::for_completed(const ir::Stmt& s) {
  const ir::Expr& each = *s.value;
  const ir::Expr& work = *each.operands[0];
  const ir::Expr& items = *each.operands[1];
  const ir::Type* item_type = each.type->element();
  std::size_t held = body_->temporaries.size();
  Elements elements = elements_of(items);
  llvm::Value* limit = each.operands[2] ? expr(*each.operands[2]) : builder_.getInt64(0);
  llvm::Function* branch = define_branch(work, each.bindings, elements.type);
  llvm::Value* out = entry_alloca(ptr());
  branch_on_failure(
      abi("completed_new",
          {body_->call, llvm::ConstantExpr::getBitCast(branch, ptr()), captures(), elements.items, elements.from,
           elements.to, builder_.getInt1(elements.inclusive), builder_.getInt1(each.operands[2] != nullptr), limit,
           builder_.getInt1(each.settle), descriptor(item_type), builder_.CreateBitCast(out, ptr())}));
  llvm::Value* loop = builder_.CreateLoad(ptr(), out);
  auto finish = [this, loop] { abi("await_completed_finish", {body_->call, loop}); };
  body_->scopes.push_back({[this, finish] {
                             finish();
                             await_and_check();
                           },
                           body_->handlers.size()});
  llvm::BasicBlock* failed = block("completed_failed");
  body_->handlers.push_back({failed, body_->temporaries.size()});
  llvm::BasicBlock* head = block("completed_next");
  llvm::BasicBlock* loop_body = block("completed_loop");
  llvm::BasicBlock* done = block("completed_done");
  builder_.CreateBr(head);
  builder_.SetInsertPoint(head);
  llvm::Value* item = entry_alloca(builder_.getInt64Ty());
  llvm::Value* got = entry_alloca(builder_.getInt64Ty());
  abi("await_completed_next",
      {body_->call, loop, builder_.CreateBitCast(item, ptr()), builder_.CreateBitCast(got, ptr())});
  await_and_check();
  builder_.CreateCondBr(builder_.CreateICmpNE(builder_.CreateLoad(builder_.getInt64Ty(), got), builder_.getInt64(0)),
                        loop_body, done);
  builder_.SetInsertPoint(loop_body);
  bind(s.bindings, from_slot(builder_.CreateLoad(builder_.getInt64Ty(), item), item_type), item_type);
  body_->loops.push_back({head, done, body_->scopes.size()});
  block_stmts(s.body);
  body_->loops.pop_back();
  if (builder_.GetInsertBlock()->getTerminator() == nullptr) builder_.CreateBr(head);
  body_->handlers.pop_back();
  body_->scopes.pop_back();
  // The body or a call failed: finish, then the failure passes on.
  builder_.SetInsertPoint(failed);
  finish();
  suspend();
  abi("await_failed", {body_->call});
  fail_here();
  builder_.SetInsertPoint(done);
  finish();
  await_and_check();
  body_->temporaries.resize(held);
  if (elements.items_type != nullptr) abi("release", {elements.items});
}

// try { … } catch Kind e { … }: a failure in the body goes to the handlers,
// which take the first catch that matches, or pass the error outward.
void Lowering::try_stmt(const ir::Stmt& s) {
  llvm::BasicBlock* handlers = block("catch");
  llvm::BasicBlock* after = block("endtry");
  body_->handlers.push_back({handlers, body_->temporaries.size()});
  block_stmts(s.body);
  body_->handlers.pop_back();
  if (builder_.GetInsertBlock()->getTerminator() == nullptr) builder_.CreateBr(after);
  builder_.SetInsertPoint(handlers);
  for (const ir::Catch& c : s.catches) {
    llvm::BasicBlock* handler = block("handler");
    llvm::BasicBlock* next = block("next_catch");
    builder_.CreateCondBr(abi("error_matches", {body_->call, builder_.getInt64(c.kinds)}), handler, next);
    builder_.SetInsertPoint(handler);
    if (c.binding) {
      const ir::Type* error_type = body_->task->local(*c.binding).type;
      store_local(*c.binding, abi("error_record", {body_->call, descriptor(error_type)}));
    } else {
      abi("error_clear", {body_->call});
    }
    block_stmts(c.body);
    if (builder_.GetInsertBlock()->getTerminator() == nullptr) builder_.CreateBr(after);
    builder_.SetInsertPoint(next);
  }
  fail_here();
  builder_.SetInsertPoint(after);
}

// for x in ch: each value received, until the channel is closed and empty.
void Lowering::for_channel(const ir::Stmt& s) {
  const ir::Type* element_type = s.value->type->element();
  llvm::Value* channel = expr(*s.value);
  body_->temporaries.push_back(channel);
  llvm::BasicBlock* head = block("receive");
  llvm::BasicBlock* loop = block("loop");
  llvm::BasicBlock* after = block("endfor");
  builder_.CreateBr(head);
  builder_.SetInsertPoint(head);
  llvm::Value* got = receive(channel, wait_sites_.receive(*body_->task, *s.value, s.span));
  llvm::Value* received = received_;
  builder_.CreateCondBr(got, loop, after);
  builder_.SetInsertPoint(loop);
  store_local(s.bindings[0], from_slot(builder_.CreateLoad(builder_.getInt64Ty(), received), element_type));
  body_->loops.push_back({head, after, body_->scopes.size()});
  block_stmts(s.body);
  body_->loops.pop_back();
  if (builder_.GetInsertBlock()->getTerminator() == nullptr) builder_.CreateBr(head);
  body_->temporaries.pop_back();
  builder_.SetInsertPoint(after);
  abi("release", {channel});
}

// let (a, b) = pair
void Lowering::let_tuple(const ir::Stmt& s) {
  llvm::Value* tuple = expr(*s.value);
  const ir::Type* t = s.value->type;
  for (std::size_t i = 0; i < s.bindings.size(); ++i) {
    const ir::Type* element_type = t->args[i];
    llvm::Value* value = from_slot(abi("tuple_get", {tuple, builder_.getInt64(i)}), element_type);
    if (is_boxed(element_type)) abi("retain", {value});
    store_local(s.bindings[i], value);
  }
  abi("release", {tuple});
}

// for x in xs: over the list as it was when the loop began (the body may change xs).
// Binds an element (owned) to the loop's or branch's names: one name takes
// it whole, several take a tuple apart.
void Lowering::bind(const std::vector<ir::LocalId>& bindings, llvm::Value* element, const ir::Type* type) {
  if (bindings.size() == 1) {
    store_local(bindings[0], element);
    return;
  }
  for (std::size_t i = 0; i < bindings.size(); ++i) {
    const ir::Type* part = type->args[i];
    llvm::Value* value = from_slot(abi("tuple_get", {element, builder_.getInt64(i)}), part);
    if (is_boxed(part)) abi("retain", {value});
    store_local(bindings[i], value);
  }
  abi("release", {element});
}

void Lowering::for_list(const ir::Stmt& s) {
  const ir::Type* element_type = s.value->type->element();
  for_each_index(s, "list_len", [&](llvm::Value* list, llvm::Value* i) {
    llvm::Value* value = from_slot(abi("list_at", {list, i}), element_type);
    if (is_boxed(element_type)) abi("retain", {value});
    bind(s.bindings, value, element_type);
  });
}

// for k in m, for (k, v) in m: over the map as it was when the loop began.
void Lowering::for_map(const ir::Stmt& s) {
  const ir::Type* map_type = s.value->type;
  for_each_index(s, "map_len", [&](llvm::Value* map, llvm::Value* i) {
    for (std::size_t b = 0; b < s.bindings.size(); ++b) {
      const ir::Type* t = map_type->args[b];
      llvm::Value* value = from_slot(abi(b == 0 ? "map_key_at" : "map_value_at", {map, i}), t);
      if (is_boxed(t)) abi("retain", {value});
      store_local(s.bindings[b], value);
    }
  });
}

// A loop over a list or map as it was when the loop began (the body may
// change the variable): `bind_at` binds the loop's names to element i. The
// collection is held by the loop, released on every way out of it.
void Lowering::for_each_index(const ir::Stmt& s, const char* length_of,
                              const std::function<void(llvm::Value*, llvm::Value*)>& bind_at) {
  llvm::Value* items = entry_alloca(ptr());
  builder_.CreateStore(expr(*s.value), items);
  llvm::Value* counter = entry_alloca(builder_.getInt64Ty());
  builder_.CreateStore(builder_.getInt64(0), counter);
  llvm::BasicBlock* head = block("for");
  llvm::BasicBlock* loop = block("loop");
  llvm::BasicBlock* next = block("next");
  llvm::BasicBlock* after = block("endfor");
  builder_.CreateBr(head);
  builder_.SetInsertPoint(head);
  llvm::Value* i = builder_.CreateLoad(builder_.getInt64Ty(), counter);
  llvm::Value* collection = builder_.CreateLoad(ptr(), items);
  builder_.CreateCondBr(builder_.CreateICmpSLT(i, abi(length_of, {collection})), loop, after);
  builder_.SetInsertPoint(loop);
  bind_at(collection, i);
  body_->temporaries.push_back(collection);
  check_cancelled();
  body_->loops.push_back({next, after, body_->scopes.size()});
  block_stmts(s.body);
  body_->loops.pop_back();
  body_->temporaries.pop_back();
  if (builder_.GetInsertBlock()->getTerminator() == nullptr) builder_.CreateBr(next);
  builder_.SetInsertPoint(next);
  builder_.CreateStore(builder_.CreateAdd(builder_.CreateLoad(builder_.getInt64Ty(), counter), builder_.getInt64(1)),
                       counter);
  builder_.CreateBr(head);
  builder_.SetInsertPoint(after);
  abi("release", {builder_.CreateLoad(ptr(), items)});
}

}  // namespace taskc::codegen::llvm_backend
