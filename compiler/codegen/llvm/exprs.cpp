// The LLVM backend: expressions. Each returns an owned value; a str operand
// held while the next one is evaluated is a temporary, released if that fails.
#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>

#include <algorithm>
#include <cstring>

#include "compiler/codegen/llvm/lowering.hpp"
#include "taskrt/lowered.hpp"

namespace taskc::codegen::llvm_backend {

llvm::Value* Lowering::expr(const ir::Expr& e) {
  switch (e.kind) {
    case ir::ExprKind::kIntLiteral: return builder_.getInt64(static_cast<std::uint64_t>(e.as<std::int64_t>()));
    case ir::ExprKind::kFloatLiteral: return llvm::ConstantFP::get(builder_.getDoubleTy(), e.as<double>());
    case ir::ExprKind::kBoolLiteral: return builder_.getInt1(e.as<bool>());
    case ir::ExprKind::kDurationLiteral:
      return builder_.getInt64(static_cast<std::uint64_t>(e.as<ir::Nanoseconds>().count));
    case ir::ExprKind::kStrLiteral: return str_literal(e.as<std::string>());
    case ir::ExprKind::kInterpolation: return interpolation(e);
    case ir::ExprKind::kLocal: {
      llvm::Value* value = builder_.CreateLoad(type(e.type), body_->locals[e.as<ir::LocalId>().index]);
      if (is_boxed(e.type)) abi("retain", {value});
      return value;
    }
    case ir::ExprKind::kConst: return expr(*program_.constant(e.as<ir::ConstId>()).value);
    case ir::ExprKind::kShared: {
      std::uint32_t index = e.as<ir::SharedId>().index;
      auto held = body_->held_shared.find(index);
      if (held == body_->held_shared.end()) return from_slot(abi("shared_load", {builder_.getInt32(index)}), e.type);
      llvm::Value* value = builder_.CreateLoad(type(e.type), held->second);
      if (is_boxed(e.type)) abi("retain", {value});
      return value;
    }
    case ir::ExprKind::kCallTask: return call_task(e);
    case ir::ExprKind::kCallBuiltin: return builtin(e);
    case ir::ExprKind::kUnary: return unary(e);
    case ir::ExprKind::kBinary: return binary(e);
    case ir::ExprKind::kConditional: return conditional(e);
    case ir::ExprKind::kToFloat: return builder_.CreateSIToFP(expr(*e.operands[0]), builder_.getDoubleTy());
    case ir::ExprKind::kNoneLiteral: return llvm::ConstantPointerNull::get(ptr());
    case ir::ExprKind::kList: return list(e);
    case ir::ExprKind::kMap: {
      llvm::Value* map = abi("map_new", {descriptor(e.type)});
      body_->temporaries.push_back(map);
      for (std::size_t i = 0; i + 1 < e.operands.size(); i += 2) {
        llvm::Value* key = expr(*e.operands[i]);
        std::size_t held = body_->temporaries.size();
        if (is_boxed(e.operands[i]->type)) body_->temporaries.push_back(key);
        llvm::Value* value = expr(*e.operands[i + 1]);
        body_->temporaries.resize(held);
        abi("map_put", {map, to_slot(key, e.operands[i]->type), to_slot(value, e.operands[i + 1]->type)});
      }
      body_->temporaries.pop_back();
      return map;
    }
    case ir::ExprKind::kTuple:
    case ir::ExprKind::kRecord: return tuple(e);
    case ir::ExprKind::kField: return element(e, e.as<ir::FieldIndex>().index);
    case ir::ExprKind::kTupleElement: return element(e, e.as<ir::ElementIndex>().index);
    case ir::ExprKind::kIndex: return index(e);
    case ir::ExprKind::kSlice: return slice(e);
    case ir::ExprKind::kRange: return range_list(e);
    case ir::ExprKind::kGather: return gather(e);
    case ir::ExprKind::kNewChannel: {
      llvm::Value* capacity = e.operands.empty() ? builder_.getInt64(0) : expr(*e.operands[0]);
      llvm::Value* out = entry_alloca(ptr());
      branch_on_failure(abi("channel_new", {body_->call, descriptor(e.type), builder_.getInt1(!e.operands.empty()),
                                            capacity, builder_.CreateBitCast(out, ptr())}));
      return builder_.CreateLoad(ptr(), out);
    }
    case ir::ExprKind::kGatherEach:
    case ir::ExprKind::kRaceEach: return gather_each(e);
    case ir::ExprKind::kServe: return serve(e);
    case ir::ExprKind::kResultField: return result_part(e);
    case ir::ExprKind::kTimeout:
    case ir::ExprKind::kTryElse:
    case ir::ExprKind::kRace: return work(e);
    case ir::ExprKind::kWrapOptional: return wrap_optional(expr(*e.operands[0]), e.type);
    case ir::ExprKind::kUnwrapOptional: {
      // Known not to be none (the checker narrowed it).
      llvm::Value* optional = expr(*e.operands[0]);
      llvm::Value* value = from_slot(abi("tuple_get", {optional, builder_.getInt64(0)}), e.type);
      if (is_boxed(e.type)) abi("retain", {value});
      abi("release", {optional});
      return value;
    }
    case ir::ExprKind::kNoneAfter: expr(*e.operands[0]); return llvm::ConstantPointerNull::get(ptr());
    default: break;
  }
  unsupported("this kind of expression", e.span);
}

llvm::Value* Lowering::str_literal(const std::string& text) {
  return abi("str_new", {string_constant(text), builder_.getInt64(text.size())});
}

// Appends `value` (owned) as print shows it, and releases it.
void Lowering::append_text(llvm::Value* text, llvm::Value* value, const ir::Type* t) {
  switch (t->kind) {
    case ir::TypeKind::kStr:
      abi("text_str", {text, value});
      abi("release", {value});
      return;
    case ir::TypeKind::kInt: abi("text_int", {text, value}); return;
    case ir::TypeKind::kFloat: abi("text_float", {text, value}); return;
    case ir::TypeKind::kBool: abi("text_bool", {text, value}); return;
    case ir::TypeKind::kDuration: abi("text_duration", {text, value}); return;
    default:
      abi("text_value", {text, descriptor(t), to_slot(value, t)});
      abi("release", {value});
      return;
  }
}

// The pieces are evaluated first (any may fail or wait), then joined.
llvm::Value* Lowering::joined_text(const std::vector<const ir::Expr*>& pieces, const char* separator) {
  std::size_t held = body_->temporaries.size();
  std::vector<llvm::Value*> values;
  for (const ir::Expr* piece : pieces) {
    if (piece->kind == ir::ExprKind::kStrLiteral) {
      values.push_back(nullptr);
      continue;
    }
    llvm::Value* value = expr(*piece);
    if (is_boxed(piece->type)) body_->temporaries.push_back(value);
    values.push_back(value);
  }
  body_->temporaries.resize(held);
  llvm::Value* text = abi("text_new", {});
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (i > 0 && *separator != '\0') {
      abi("text_bytes", {text, string_constant(separator), builder_.getInt64(std::strlen(separator))});
    }
    if (values[i] == nullptr) {
      const std::string& literal = pieces[i]->as<std::string>();
      abi("text_bytes", {text, string_constant(literal), builder_.getInt64(literal.size())});
    } else {
      append_text(text, values[i], pieces[i]->type);
    }
  }
  return text;
}

llvm::Value* Lowering::interpolation(const ir::Expr& e) {
  std::vector<const ir::Expr*> pieces;
  for (const ir::ExprPtr& piece : e.operands) pieces.push_back(piece.get());
  return abi("text_finish", {joined_text(pieces, "")});
}

llvm::Value* Lowering::call_task(const ir::Expr& e) {
  const ir::TaskId id = e.as<ir::TaskId>();
  const ir::Task& task = program_.task(id);
  llvm::ArrayType* params = args_type(task);
  llvm::Value* args = entry_alloca(params);
  llvm::Value* result = task.result->is(ir::TypeKind::kVoid) ? nullptr : entry_alloca(builder_.getInt64Ty());
  // The arguments stay the caller's: released when the call has ended.
  std::size_t held = body_->temporaries.size();
  std::vector<llvm::Value*> owned;
  for (std::size_t i = 0; i < e.operands.size(); ++i) {
    llvm::Value* value = expr(*e.operands[i]);
    builder_.CreateStore(to_slot(value, e.operands[i]->type), builder_.CreateConstGEP2_32(params, args, 0, i));
    if (is_boxed(e.operands[i]->type)) {
      body_->temporaries.push_back(value);
      owned.push_back(value);
    }
  }
  abi("await_call",
      {body_->call, builder_.CreateBitCast(task_descriptors_[id.index], ptr()), builder_.CreateBitCast(args, ptr()),
       result != nullptr ? builder_.CreateBitCast(result, ptr()) : llvm::ConstantPointerNull::get(ptr())});
  await_and_check();
  body_->temporaries.resize(held);
  for (llvm::Value* value : owned) abi("release", {value});
  if (result == nullptr) return nullptr;
  return from_slot(builder_.CreateLoad(builder_.getInt64Ty(), result), task.result);
}

llvm::Value* Lowering::builtin(const ir::Expr& e) {
  if (ir::changes_first_argument(e.as<ir::Builtin>())) return change_in_place(e);
  switch (e.as<ir::Builtin>()) {
    case ir::Builtin::kPrint:
    case ir::Builtin::kEprint: {
      std::vector<const ir::Expr*> pieces;
      for (const ir::ExprPtr& piece : e.operands) pieces.push_back(piece.get());
      // print shows a str literal argument as is, like any str.
      llvm::Value* text = joined_text(pieces, " ");
      abi(e.is_builtin(ir::Builtin::kPrint) ? "text_print" : "text_eprint", {text});
      return nullptr;
    }
    case ir::Builtin::kSleep:
      abi("await_sleep", {body_->call, expr(*e.operands[0])});
      await_and_check();
      return nullptr;
    case ir::Builtin::kAttempt: return abi("attempt", {body_->call});
    case ir::Builtin::kSend: {
      llvm::Value* channel = expr(*e.operands[0]);
      std::size_t held = body_->temporaries.size();
      body_->temporaries.push_back(channel);
      llvm::Value* value = to_slot(expr(*e.operands[1]), e.operands[1]->type);
      // The value is the channel's now, sent or (if the send fails) released.
      abi("await_send",
          {body_->call, channel, value, string_constant(wait_sites_.send(*body_->task, *e.operands[0], e.span))});
      await_and_check();
      body_->temporaries.resize(held);
      abi("release", {channel});
      return nullptr;
    }
    case ir::Builtin::kRecv: {
      llvm::Value* channel = expr(*e.operands[0]);
      std::size_t held = body_->temporaries.size();
      body_->temporaries.push_back(channel);
      llvm::Value* got = receive(channel, wait_sites_.receive(*body_->task, *e.operands[0], e.span));
      body_->temporaries.resize(held);
      abi("release", {channel});
      // Some(value) or none.
      llvm::BasicBlock* some = block("received");
      llvm::BasicBlock* after = block("recv_done");
      llvm::BasicBlock* from = builder_.GetInsertBlock();
      builder_.CreateCondBr(got, some, after);
      builder_.SetInsertPoint(some);
      llvm::Value* box =
          wrap_optional(from_slot(builder_.CreateLoad(builder_.getInt64Ty(), received_), e.type->element()), e.type);
      llvm::BasicBlock* from_some = builder_.GetInsertBlock();
      builder_.CreateBr(after);
      builder_.SetInsertPoint(after);
      llvm::PHINode* value = builder_.CreatePHI(ptr(), 2);
      value->addIncoming(llvm::ConstantPointerNull::get(ptr()), from);
      value->addIncoming(box, from_some);
      return value;
    }
    case ir::Builtin::kClose: {
      llvm::Value* channel = expr(*e.operands[0]);
      abi("channel_close", {channel});
      abi("release", {channel});
      return nullptr;
    }
    case ir::Builtin::kLen:
      if (is_str(e.operands[0]->type) || e.operands[0]->type->is(ir::TypeKind::kList) ||
          e.operands[0]->type->is(ir::TypeKind::kChannel) || e.operands[0]->type->is(ir::TypeKind::kMap)) {
        llvm::Value* value = expr(*e.operands[0]);
        const ir::Type* t = e.operands[0]->type;
        const char* length_of = is_str(t)                       ? "str_len"
                                : t->is(ir::TypeKind::kChannel) ? "channel_len"
                                : t->is(ir::TypeKind::kMap)     ? "map_len"
                                                                : "list_len";
        llvm::Value* length = abi(length_of, {value});
        abi("release", {value});
        return length;
      }
      break;
    case ir::Builtin::kStr: {
      std::vector<const ir::Expr*> pieces{e.operands[0].get()};
      if (e.operands[0]->kind == ir::ExprKind::kStrLiteral) return expr(*e.operands[0]);
      return abi("text_finish", {joined_text(pieces, "")});
    }
    default: break;
  }
  const ir::BuiltinInfo& info = ir::builtin_info(e.as<ir::Builtin>());
  std::string wrapper = (info.suspends ? "await_builtin_" : "builtin_") + std::string(info.name);
  bool keyed = std::any_of(e.operands.begin(), e.operands.end(),
                           [](const ir::ExprPtr& operand) { return operand->kind == ir::ExprKind::kKeyFunction; });
  if (keyed) return keyed_builtin(e);
  if (abi_.find(wrapper) == abi_.end()) unsupported("the builtin `" + std::string(info.name) + "`", e.span);
  return call_builtin(wrapper, e);
}

// push(xs, v), remove(m, k), pop(xs), shuffle(xs): on a variable or an element, made its
// own first (copy on write). The operand is evaluated before the place is
// resolved, since it may change the same container.
llvm::Value* Lowering::change_in_place(const ir::Expr& e) {
  ir::Builtin which = e.as<ir::Builtin>();
  Path path = path_of(*e.operands[0]);
  llvm::Value* operand = nullptr;
  const ir::Type* operand_type = e.operands.size() > 1 ? e.operands[1]->type : nullptr;
  if (operand_type != nullptr) {
    operand = expr(*e.operands[1]);
    if (is_boxed(operand_type)) body_->temporaries.push_back(operand);
  }
  llvm::Value* variable = builder_.CreateBitCast(resolve(path, false).address, ptr());
  if (operand_type != nullptr && is_boxed(operand_type)) forget_temporary(operand);
  llvm::Value* result = nullptr;
  switch (which) {
    case ir::Builtin::kPush: abi("list_push", {variable, to_slot(operand, operand_type)}); break;
    case ir::Builtin::kRemove:
      abi("map_remove", {variable, to_slot(operand, operand_type)});
      release(operand, operand_type);
      break;
    case ir::Builtin::kShuffle: abi("list_shuffle", {variable}); break;
    case ir::Builtin::kPop: result = abi("list_pop", {variable, descriptor(e.type)}); break;
    default: unsupported("the builtin `" + std::string(ir::builtin_info(which).name) + "`", e.span);
  }
  release_path(path);
  return result;
}

// Waits for the next value of `channel`: true with it in received_, false
// when the channel is closed and empty. `site` names the wait (WaitSites).
llvm::Value* Lowering::receive(llvm::Value* channel, const std::string& site) {
  received_ = entry_alloca(builder_.getInt64Ty());
  llvm::Value* got = entry_alloca(builder_.getInt64Ty());
  abi("await_recv", {body_->call, channel, builder_.CreateBitCast(received_, ptr()), builder_.CreateBitCast(got, ptr()),
                     string_constant(site)});
  await_and_check();
  return builder_.CreateICmpNE(builder_.CreateLoad(builder_.getInt64Ty(), got), builder_.getInt64(0));
}

// A builtin: its runtime wrapper gets the operands as slots with their
// descriptors (the list ends with a null).
// A variable given to a builtin that does not wait, with nothing else but
// variables and constants, is lent, not copied: nothing can change it before
// the builtin returns.
llvm::Value* Lowering::call_builtin(const std::string& wrapper, const ir::Expr& e) {
  std::size_t held = body_->temporaries.size();
  bool lends = !ir::builtin_info(e.as<ir::Builtin>()).suspends;
  for (const ir::ExprPtr& operand : e.operands) {
    lends = lends && (operand->kind == ir::ExprKind::kLocal || operand->kind == ir::ExprKind::kConst ||
                      operand->kind == ir::ExprKind::kIntLiteral || operand->kind == ir::ExprKind::kFloatLiteral ||
                      operand->kind == ir::ExprKind::kBoolLiteral || operand->kind == ir::ExprKind::kStrLiteral);
  }
  std::vector<const ir::Type*> types;
  std::vector<llvm::Value*> values;
  std::vector<bool> lent;
  for (const ir::ExprPtr& operand : e.operands) {
    bool borrowed = lends && operand->kind == ir::ExprKind::kLocal && is_boxed(operand->type);
    values.push_back(borrowed
                         ? builder_.CreateLoad(type(operand->type), body_->locals[operand->as<ir::LocalId>().index])
                         : expr(*operand));
    types.push_back(operand->type);
    lent.push_back(borrowed);
    if (is_boxed(operand->type) && !borrowed) body_->temporaries.push_back(values.back());
  }
  return call_wrapper(wrapper, types, values, held, e, lent);
}

// sorted(xs, x => key [, reverse]), min/max(xs, x => key): the keys are
// computed here, once per element in order (as the C++ backend's sorted_by
// and best_by do, and a key cannot wait); the runtime orders by them.
llvm::Value* Lowering::keyed_builtin(const ir::Expr& e) {
  const ir::Expr& key = *e.operands[1];
  const ir::Type* list_type = e.operands[0]->type;
  const ir::Type* keys_type = program_.types->list(key.type);
  std::size_t held = body_->temporaries.size();
  llvm::Value* items = expr(*e.operands[0]);
  body_->temporaries.push_back(items);
  std::vector<llvm::Value*> flags;
  for (std::size_t i = 2; i < e.operands.size(); ++i) flags.push_back(expr(*e.operands[i]));
  llvm::Value* count = abi("list_len", {items});
  llvm::Value* keys = abi("list_new", {descriptor(keys_type), count});
  body_->temporaries.push_back(keys);
  const ir::Type* element_type = list_type->element();
  count_loop(count, "key", [&](llvm::Value* i) {
    llvm::Value* element = from_slot(abi("list_at", {items, i}), element_type);
    if (is_boxed(element_type)) abi("retain", {element});
    bind(key.bindings, element, element_type);
    abi("list_append", {keys, to_slot(expr(*key.operands[0]), key.type)});
  });
  std::vector<const ir::Type*> types{list_type, keys_type};
  std::vector<llvm::Value*> values{items, keys};
  for (std::size_t i = 2; i < e.operands.size(); ++i) types.push_back(e.operands[i]->type);
  values.insert(values.end(), flags.begin(), flags.end());
  const char* wrapper = e.is_builtin(ir::Builtin::kSorted) ? "builtin_sorted_by"
                        : e.is_builtin(ir::Builtin::kMin)  ? "builtin_min_by"
                                                           : "builtin_max_by";
  return call_wrapper(wrapper, types, values, held, e);
}

// Calls a builtin's wrapper with owned operands (the boxed ones held as
// temporaries since `held`), and releases them after, but for those `lent`.
llvm::Value* Lowering::call_wrapper(const std::string& wrapper, const std::vector<const ir::Type*>& types,
                                    const std::vector<llvm::Value*>& values, std::size_t held, const ir::Expr& e,
                                    const std::vector<bool>& lent) {
  std::vector<llvm::Constant*> descriptors;
  for (const ir::Type* t : types) descriptors.push_back(descriptor(t));
  descriptors.push_back(llvm::ConstantPointerNull::get(ptr()));
  auto* types_type = llvm::ArrayType::get(ptr(), descriptors.size());
  auto* table = new llvm::GlobalVariable(module_, types_type, true, llvm::GlobalValue::InternalLinkage,
                                         llvm::ConstantArray::get(types_type, descriptors), "operand.types");
  auto* args_type = llvm::ArrayType::get(builder_.getInt64Ty(), std::max<std::size_t>(values.size(), 1));
  llvm::Value* args = entry_alloca(args_type);
  for (std::size_t i = 0; i < values.size(); ++i) {
    builder_.CreateStore(to_slot(values[i], types[i]),
                         builder_.CreateConstGEP2_32(args_type, args, 0, static_cast<unsigned>(i)));
  }
  llvm::Value* out = entry_alloca(builder_.getInt64Ty());
  bool has_result = !e.type->is(ir::TypeKind::kVoid);
  llvm::Value* outcome =
      abi(wrapper.c_str(),
          {body_->call, llvm::ConstantExpr::getBitCast(table, ptr()), builder_.CreateBitCast(args, ptr()),
           builder_.CreateBitCast(out, ptr()),
           has_result ? descriptor(e.type) : static_cast<llvm::Constant*>(llvm::ConstantPointerNull::get(ptr()))});
  // A builtin that waits has left what to wait for; the others say whether they failed.
  if (ir::builtin_info(e.as<ir::Builtin>()).suspends) {
    await_and_check();
  } else {
    branch_on_failure(outcome);
  }
  body_->temporaries.resize(held);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i >= lent.size() || !lent[i]) release(values[i], types[i]);
  }
  if (!has_result) return nullptr;
  return from_slot(builder_.CreateLoad(builder_.getInt64Ty(), out), e.type);
}

llvm::Value* Lowering::unary(const ir::Expr& e) {
  llvm::Value* operand = expr(*e.operands[0]);
  switch (e.as<ir::UnaryOp>()) {
    case ir::UnaryOp::kNot: return builder_.CreateNot(operand);
    case ir::UnaryOp::kBitNot: return builder_.CreateNot(operand);
    case ir::UnaryOp::kNegate:
      if (e.type->is(ir::TypeKind::kFloat)) return builder_.CreateFNeg(operand);
      if (e.type->is(ir::TypeKind::kInt))
        return checked(llvm::Intrinsic::ssub_with_overflow, trt_op_neg, builder_.getInt64(0), operand, operand);
      if (e.type->is(ir::TypeKind::kDuration)) return duration_math(trt_op_neg, {e.type}, {operand});
      break;
  }
  unsupported("this unary operation", e.span);
}

// a op b with LLVM's overflow intrinsics; on overflow the runtime makes the
// error the C++ backend's checked_* would throw (for -a: `shown` is a).
llvm::Value* Lowering::checked(llvm::Intrinsic::ID intrinsic, int op, llvm::Value* left, llvm::Value* right,
                               llvm::Value* shown) {
  llvm::Value* both = builder_.CreateBinaryIntrinsic(intrinsic, left, right);
  llvm::BasicBlock* overflow = block("overflow");
  llvm::BasicBlock* ok = block("no_overflow");
  builder_.CreateCondBr(builder_.CreateExtractValue(both, {1}), overflow, ok);
  builder_.SetInsertPoint(overflow);
  abi("int_overflow",
      {body_->call, builder_.getInt32(static_cast<std::uint32_t>(op)), shown != nullptr ? shown : left, right});
  fail_here();
  builder_.SetInsertPoint(ok);
  return builder_.CreateExtractValue(both, {0});
}

llvm::Value* Lowering::divide(const char* function, int op, llvm::Type* t, llvm::Value* left, llvm::Value* right) {
  llvm::Value* out = nullptr;
  {
    llvm::IRBuilder<> at_start(body_->entry, body_->entry->begin());
    out = at_start.CreateAlloca(t);
  }
  llvm::Value* failed = abi(function, {body_->call, builder_.getInt32(static_cast<std::uint32_t>(op)), left, right,
                                       builder_.CreateBitCast(out, ptr())});
  branch_on_failure(failed);
  return builder_.CreateLoad(t, out);
}

llvm::Value* Lowering::int_arithmetic(ir::BinaryOp op, llvm::Value* left, llvm::Value* right) {
  switch (op) {
    case ir::BinaryOp::kAdd: return checked(llvm::Intrinsic::sadd_with_overflow, trt_op_add, left, right);
    case ir::BinaryOp::kSub: return checked(llvm::Intrinsic::ssub_with_overflow, trt_op_sub, left, right);
    case ir::BinaryOp::kMul: return checked(llvm::Intrinsic::smul_with_overflow, trt_op_mul, left, right);
    case ir::BinaryOp::kDiv: return divide("int_divide", trt_op_div, builder_.getInt64Ty(), left, right);
    case ir::BinaryOp::kMod: return divide("int_divide", trt_op_mod, builder_.getInt64Ty(), left, right);
    case ir::BinaryOp::kPow: return divide("int_divide", trt_op_pow, builder_.getInt64Ty(), left, right);
    case ir::BinaryOp::kBitAnd: return builder_.CreateAnd(left, right);
    case ir::BinaryOp::kBitOr: return builder_.CreateOr(left, right);
    case ir::BinaryOp::kBitXor: return builder_.CreateXor(left, right);
    case ir::BinaryOp::kShl: return divide("int_divide", trt_op_shl, builder_.getInt64Ty(), left, right);
    case ir::BinaryOp::kShr: return divide("int_divide", trt_op_shr, builder_.getInt64Ty(), left, right);
    default: return nullptr;
  }
}

llvm::Value* Lowering::float_arithmetic(ir::BinaryOp op, llvm::Value* left, llvm::Value* right) {
  switch (op) {
    case ir::BinaryOp::kAdd: return builder_.CreateFAdd(left, right);
    case ir::BinaryOp::kSub: return builder_.CreateFSub(left, right);
    case ir::BinaryOp::kMul: return builder_.CreateFMul(left, right);
    case ir::BinaryOp::kDiv: return divide("float_divide", trt_op_div, builder_.getDoubleTy(), left, right);
    case ir::BinaryOp::kMod: return divide("float_divide", trt_op_mod, builder_.getDoubleTy(), left, right);
    case ir::BinaryOp::kPow: return divide("float_divide", trt_op_pow, builder_.getDoubleTy(), left, right);
    default: return nullptr;
  }
}

llvm::Value* Lowering::compare(ir::BinaryOp op, const ir::Type* t, llvm::Value* left, llvm::Value* right) {
  if (t->is(ir::TypeKind::kFloat)) {
    // As C++ compares doubles: NaN is unequal to everything, and unordered.
    switch (op) {
      case ir::BinaryOp::kEq: return builder_.CreateFCmpOEQ(left, right);
      case ir::BinaryOp::kNe: return builder_.CreateFCmpUNE(left, right);
      case ir::BinaryOp::kLt: return builder_.CreateFCmpOLT(left, right);
      case ir::BinaryOp::kLe: return builder_.CreateFCmpOLE(left, right);
      case ir::BinaryOp::kGt: return builder_.CreateFCmpOGT(left, right);
      case ir::BinaryOp::kGe: return builder_.CreateFCmpOGE(left, right);
      default: return nullptr;
    }
  }
  if (is_str(t)) {
    llvm::Value* order = abi("str_compare", {left, right});
    abi("release", {left});
    abi("release", {right});
    left = order;
    right = builder_.getInt32(0);
  } else if (is_boxed(t)) {
    // Lists, tuples, records, optionals: the runtime compares them as the C++ backend's == and less() do.
    llvm::Value* a = to_slot(left, t);
    llvm::Value* b = to_slot(right, t);
    llvm::Value* result = nullptr;
    switch (op) {
      case ir::BinaryOp::kEq: result = abi("equal", {descriptor(t), a, b}); break;
      case ir::BinaryOp::kNe: result = builder_.CreateNot(abi("equal", {descriptor(t), a, b})); break;
      case ir::BinaryOp::kLt: result = abi("less", {descriptor(t), a, b}); break;
      case ir::BinaryOp::kGt: result = abi("less", {descriptor(t), b, a}); break;
      case ir::BinaryOp::kLe: result = builder_.CreateNot(abi("less", {descriptor(t), b, a})); break;
      case ir::BinaryOp::kGe: result = builder_.CreateNot(abi("less", {descriptor(t), a, b})); break;
      default: return nullptr;
    }
    abi("release", {left});
    abi("release", {right});
    return result;
  } else if (!t->is(ir::TypeKind::kInt) && !t->is(ir::TypeKind::kDuration) && !t->is(ir::TypeKind::kBool)) {
    return nullptr;
  }
  bool unsigned_order = t->is(ir::TypeKind::kBool);
  switch (op) {
    case ir::BinaryOp::kEq: return builder_.CreateICmpEQ(left, right);
    case ir::BinaryOp::kNe: return builder_.CreateICmpNE(left, right);
    case ir::BinaryOp::kLt:
      return unsigned_order ? builder_.CreateICmpULT(left, right) : builder_.CreateICmpSLT(left, right);
    case ir::BinaryOp::kLe:
      return unsigned_order ? builder_.CreateICmpULE(left, right) : builder_.CreateICmpSLE(left, right);
    case ir::BinaryOp::kGt:
      return unsigned_order ? builder_.CreateICmpUGT(left, right) : builder_.CreateICmpSGT(left, right);
    case ir::BinaryOp::kGe:
      return unsigned_order ? builder_.CreateICmpUGE(left, right) : builder_.CreateICmpSGE(left, right);
    default: return nullptr;
  }
}

// Arithmetic with durations: in the runtime, by the C++ backend's functions.
llvm::Value* Lowering::duration_math(int op, const std::vector<const ir::Type*>& types,
                                     const std::vector<llvm::Value*>& values) {
  std::vector<llvm::Constant*> descriptors;
  for (const ir::Type* t : types) descriptors.push_back(descriptor(t));
  auto* types_type = llvm::ArrayType::get(ptr(), descriptors.size());
  auto* table = new llvm::GlobalVariable(module_, types_type, true, llvm::GlobalValue::InternalLinkage,
                                         llvm::ConstantArray::get(types_type, descriptors), "operand.types");
  auto* args_type = llvm::ArrayType::get(builder_.getInt64Ty(), values.size());
  llvm::Value* args = entry_alloca(args_type);
  for (std::size_t i = 0; i < values.size(); ++i) {
    builder_.CreateStore(to_slot(values[i], types[i]),
                         builder_.CreateConstGEP2_32(args_type, args, 0, static_cast<unsigned>(i)));
  }
  llvm::Value* out = entry_alloca(builder_.getInt64Ty());
  branch_on_failure(abi("duration_math", {body_->call, builder_.getInt32(static_cast<std::uint32_t>(op)),
                                          llvm::ConstantExpr::getBitCast(table, ptr()),
                                          builder_.CreateBitCast(args, ptr()), builder_.CreateBitCast(out, ptr())}));
  return builder_.CreateLoad(builder_.getInt64Ty(), out);
}

llvm::Value* Lowering::binary(const ir::Expr& e) {
  ir::BinaryOp op = e.as<ir::BinaryOp>();
  if (op == ir::BinaryOp::kAnd || op == ir::BinaryOp::kOr) return logical(e);
  const ir::Type* left_type = e.operands[0]->type;
  const ir::Type* right_type = e.operands[1]->type;
  bool with_duration = left_type->is(ir::TypeKind::kDuration) || right_type->is(ir::TypeKind::kDuration);
  int duration_op = op == ir::BinaryOp::kAdd   ? trt_op_add
                    : op == ir::BinaryOp::kSub ? trt_op_sub
                    : op == ir::BinaryOp::kMul ? trt_op_mul
                    : op == ir::BinaryOp::kDiv ? trt_op_div
                                               : -1;
  if (with_duration && duration_op >= 0) {
    llvm::Value* left = expr(*e.operands[0]);
    llvm::Value* right = expr(*e.operands[1]);
    llvm::Value* result = duration_math(duration_op, {left_type, right_type}, {left, right});
    return e.type->is(ir::TypeKind::kFloat) ? builder_.CreateBitCast(result, builder_.getDoubleTy()) : result;
  }
  if (op == ir::BinaryOp::kIn || op == ir::BinaryOp::kNotIn) return containment(e);
  if (left_type != right_type)
    unsupported("an operation on a " + ir::type_name(left_type) + " and a " + ir::type_name(right_type), e.span);
  llvm::Value* left = expr(*e.operands[0]);
  std::size_t held = body_->temporaries.size();
  if (is_boxed(left_type)) body_->temporaries.push_back(left);
  llvm::Value* right = expr(*e.operands[1]);
  body_->temporaries.resize(held);
  llvm::Value* value = nullptr;
  bool is_comparison = op == ir::BinaryOp::kEq || op == ir::BinaryOp::kNe || op == ir::BinaryOp::kLt ||
                       op == ir::BinaryOp::kLe || op == ir::BinaryOp::kGt || op == ir::BinaryOp::kGe;
  if (is_comparison) {
    value = compare(op, left_type, left, right);
  } else if (left_type->is(ir::TypeKind::kInt)) {
    value = int_arithmetic(op, left, right);
  } else if (left_type->is(ir::TypeKind::kFloat)) {
    value = float_arithmetic(op, left, right);
  } else if (is_str(left_type) && op == ir::BinaryOp::kAdd) {
    value = abi("str_concat", {left, right});
    abi("release", {left});
    abi("release", {right});
  } else if (left_type->is(ir::TypeKind::kList) && op == ir::BinaryOp::kAdd) {
    value = abi("list_concat", {left, right});
    abi("release", {left});
    abi("release", {right});
  }
  if (value == nullptr) {
    unsupported(fmt::format("`{}` on a {}", ir::binary_op_text(op), ir::type_name(left_type)), e.span);
  }
  return value;
}

// `x in c`: a key of a map, an element of a list, a part of a str.
llvm::Value* Lowering::containment(const ir::Expr& e) {
  const ir::Type* item_type = e.operands[0]->type;
  const ir::Type* container_type = e.operands[1]->type;
  llvm::Value* item = expr(*e.operands[0]);
  std::size_t held = body_->temporaries.size();
  if (is_boxed(item_type)) body_->temporaries.push_back(item);
  llvm::Value* container = expr(*e.operands[1]);
  body_->temporaries.resize(held);
  llvm::Value* found = abi("contains", {descriptor(container_type), container, to_slot(item, item_type)});
  release(item, item_type);
  abi("release", {container});
  return e.as<ir::BinaryOp>() == ir::BinaryOp::kNotIn ? builder_.CreateNot(found) : found;
}

// xs[a..b], s[..b], …: a new list or str; an open bound is the runtime's marker.
llvm::Value* Lowering::slice(const ir::Expr& e) {
  llvm::Value* value = expr(*e.operands[0]);
  std::size_t held = body_->temporaries.size();
  body_->temporaries.push_back(value);
  llvm::Value* from =
      e.operands[1] ? expr(*e.operands[1]) : builder_.getInt64(static_cast<std::uint64_t>(trt_slice_start));
  llvm::Value* to = e.operands[2] ? expr(*e.operands[2]) : builder_.getInt64(static_cast<std::uint64_t>(trt_slice_end));
  body_->temporaries.resize(held);
  llvm::Value* part = abi("slice", {value, from, to, builder_.getInt1(e.inclusive)});
  abi("release", {value});
  return part;
}

// a..b where a list is wanted (a `for` over a range makes none).
llvm::Value* Lowering::range_list(const ir::Expr& e) {
  auto [start, end, inclusive] = int_bounds(e);
  llvm::Value* out = entry_alloca(ptr());
  branch_on_failure(abi("range", {body_->call, descriptor(e.type), start, end, builder_.getInt1(inclusive),
                                  builder_.CreateBitCast(out, ptr())}));
  return builder_.CreateLoad(ptr(), out);
}

llvm::Value* Lowering::list(const ir::Expr& e) {
  const ir::Type* element_type = e.type->element();
  llvm::Value* list = abi("list_new", {descriptor(e.type), builder_.getInt64(e.operands.size())});
  // The list holds what is appended; it is a temporary until complete.
  body_->temporaries.push_back(list);
  for (const ir::ExprPtr& item : e.operands) abi("list_append", {list, to_slot(expr(*item), element_type)});
  body_->temporaries.pop_back();
  return list;
}

// Tuples and records: a box of one slot per element or field.
llvm::Value* Lowering::tuple(const ir::Expr& e) {
  llvm::Value* tuple = abi("tuple_new", {descriptor(e.type), builder_.getInt64(e.operands.size())});
  body_->temporaries.push_back(tuple);
  for (std::size_t i = 0; i < e.operands.size(); ++i) {
    abi("tuple_init", {tuple, builder_.getInt64(i), to_slot(expr(*e.operands[i]), e.operands[i]->type)});
  }
  body_->temporaries.pop_back();
  return tuple;
}

llvm::Value* Lowering::wrap_optional(llvm::Value* value, const ir::Type* optional) {
  llvm::Value* box = abi("tuple_new", {descriptor(optional), builder_.getInt64(1)});
  abi("tuple_init", {box, builder_.getInt64(0), to_slot(value, optional->element())});
  return box;
}

llvm::Value* Lowering::element(const ir::Expr& e, std::uint32_t index) {
  llvm::Value* tuple = expr(*e.operands[0]);
  llvm::Value* value = from_slot(abi("tuple_get", {tuple, builder_.getInt64(index)}), e.type);
  if (is_boxed(e.type)) abi("retain", {value});
  abi("release", {tuple});
  return value;
}

llvm::Value* Lowering::index(const ir::Expr& e) {
  const ir::Type* container = e.operands[0]->type;
  bool is_map = container->is(ir::TypeKind::kMap);
  bool is_text = is_str(container);  // s[i]: a new str of that byte
  if (!is_map && !is_text && !container->is(ir::TypeKind::kList)) {
    unsupported("indexing a " + ir::type_name(container), e.span);
  }
  llvm::Value* list = expr(*e.operands[0]);
  std::size_t held = body_->temporaries.size();
  body_->temporaries.push_back(list);
  llvm::Value* position = expr(*e.operands[1]);
  if (is_boxed(e.operands[1]->type)) body_->temporaries.push_back(position);
  llvm::Value* out = entry_alloca(builder_.getInt64Ty());
  if (is_map) {
    branch_on_failure(abi(
        "map_get", {body_->call, list, to_slot(position, e.operands[1]->type), builder_.CreateBitCast(out, ptr())}));
  } else {
    branch_on_failure(
        abi(is_text ? "str_at" : "list_get", {body_->call, list, position, builder_.CreateBitCast(out, ptr())}));
  }
  body_->temporaries.resize(held);
  if (is_boxed(e.operands[1]->type)) abi("release", {position});
  llvm::Value* value = from_slot(builder_.CreateLoad(builder_.getInt64Ty(), out), e.type);
  if (is_boxed(e.type) && !is_text) abi("retain", {value});
  abi("release", {list});
  return value;
}

// gather(a, b, …): each operand a branch, run together; fail-fast, or
// settled (a result[T] each).
llvm::Value* Lowering::gather(const ir::Expr& e) {
  std::vector<llvm::Constant*> branches;
  for (const ir::ExprPtr& operand : e.operands) {
    branches.push_back(llvm::ConstantExpr::getBitCast(define_branch(*operand, {}, nullptr), ptr()));
  }
  auto* table_type = llvm::ArrayType::get(ptr(), branches.size());
  auto* table = new llvm::GlobalVariable(module_, table_type, true, llvm::GlobalValue::InternalLinkage,
                                         llvm::ConstantArray::get(table_type, branches), "gather");
  auto* results_type = llvm::ArrayType::get(builder_.getInt64Ty(), branches.size());
  llvm::Value* results = entry_alloca(results_type);
  std::vector<llvm::Constant*> types;
  // Settled: each part's result[T] (the tuple's element).
  for (std::size_t i = 0; i < e.operands.size(); ++i) {
    types.push_back(result_descriptor(e.settle ? e.type->args[i] : e.operands[i]->type));
  }
  auto* types_table = new llvm::GlobalVariable(module_, table_type, true, llvm::GlobalValue::InternalLinkage,
                                               llvm::ConstantArray::get(table_type, types), "gather.types");
  abi("await_gather", {body_->call, builder_.getInt64(branches.size()), llvm::ConstantExpr::getBitCast(table, ptr()),
                       captures(), llvm::ConstantExpr::getBitCast(types_table, ptr()), builder_.getInt1(e.settle),
                       builder_.CreateBitCast(results, ptr())});
  await_and_check();
  if (e.type->is(ir::TypeKind::kVoid)) return nullptr;
  // The results of the calls that return one (all of them, unless some
  // return nothing): a tuple, or the one value itself.
  std::vector<unsigned> valued;
  for (std::size_t i = 0; i < e.operands.size(); ++i) {
    if (!e.operands[i]->type->is(ir::TypeKind::kVoid)) valued.push_back(static_cast<unsigned>(i));
  }
  auto result = [&](unsigned i) {
    return builder_.CreateLoad(builder_.getInt64Ty(), builder_.CreateConstGEP2_32(results_type, results, 0, i));
  };
  if (valued.size() == 1 && ir::gathers_nothing(e)) {
    return from_slot(result(valued.at(0)), e.type);
  }
  llvm::Value* tuple = abi("tuple_new", {descriptor(e.type), builder_.getInt64(valued.size())});
  for (std::size_t j = 0; j < valued.size(); ++j) abi("tuple_init", {tuple, builder_.getInt64(j), result(valued[j])});
  return tuple;
}

// The descriptor of a branch's result, or null when it has none.
llvm::Constant* Lowering::result_descriptor(const ir::Type* t) {
  if (t->is(ir::TypeKind::kVoid)) return llvm::ConstantPointerNull::get(ptr());
  return descriptor(t);
}

// `work timeout d [else v]`, `try work else v`, `race(a, b, …)`: the work as
// branches run by the runtime; an else value is computed here, when the
// work failed with Timeout (timeout) or with anything but Cancelled (try).
llvm::Value* Lowering::work(const ir::Expr& e) {
  llvm::Value* out = entry_alloca(builder_.getInt64Ty());
  builder_.CreateStore(builder_.getInt64(0), out);
  llvm::Constant* type = result_descriptor(e.type);
  const ir::Expr* fallback = nullptr;
  ir::ErrorKindSet kinds = 0;
  if (e.kind == ir::ExprKind::kRace) {
    std::vector<llvm::Constant*> branches;
    for (const ir::ExprPtr& operand : e.operands) {
      branches.push_back(llvm::ConstantExpr::getBitCast(define_branch(*operand, {}, nullptr), ptr()));
    }
    auto* table_type = llvm::ArrayType::get(ptr(), branches.size());
    auto* table = new llvm::GlobalVariable(module_, table_type, true, llvm::GlobalValue::InternalLinkage,
                                           llvm::ConstantArray::get(table_type, branches), "race");
    abi("await_race", {body_->call, builder_.getInt64(branches.size()), llvm::ConstantExpr::getBitCast(table, ptr()),
                       captures(), type, builder_.CreateBitCast(out, ptr())});
  } else if (e.kind == ir::ExprKind::kTimeout) {
    llvm::Value* limit = expr(*e.operands[1]);
    llvm::Function* branch = define_branch(*e.operands[0], {}, nullptr);
    abi("await_timeout", {body_->call, llvm::ConstantExpr::getBitCast(branch, ptr()), captures(), type, limit,
                          builder_.CreateBitCast(out, ptr())});
    fallback = e.operands[2].get();
    kinds = ir::bit(ir::ErrorKind::kTimeout);
  } else {
    llvm::Function* branch = define_branch(*e.operands[0], {}, nullptr);
    abi("await_work", {body_->call, llvm::ConstantExpr::getBitCast(branch, ptr()), captures(), type,
                       builder_.CreateBitCast(out, ptr())});
    fallback = e.operands[1].get();
  }
  if (fallback == nullptr) {
    await_and_check();
    return e.type->is(ir::TypeKind::kVoid) ? nullptr
                                           : from_slot(builder_.CreateLoad(builder_.getInt64Ty(), out), e.type);
  }
  suspend();
  llvm::BasicBlock* failed = block("work_failed");
  llvm::BasicBlock* done = block("work_done");
  llvm::BasicBlock* use_fallback = block("fallback");
  llvm::BasicBlock* after = block("after_work");
  builder_.CreateCondBr(abi("await_failed", {body_->call}), failed, done);
  builder_.SetInsertPoint(failed);
  llvm::BasicBlock* passes_on = block("passes_on");
  builder_.CreateCondBr(abi("error_matches", {body_->call, builder_.getInt64(kinds)}), use_fallback, passes_on);
  builder_.SetInsertPoint(passes_on);
  fail_here();
  builder_.SetInsertPoint(use_fallback);
  abi("error_clear", {body_->call});
  llvm::Value* other = expr(*fallback);
  llvm::BasicBlock* from_fallback = builder_.GetInsertBlock();
  builder_.CreateBr(after);
  builder_.SetInsertPoint(done);
  llvm::Value* value =
      e.type->is(ir::TypeKind::kVoid) ? nullptr : from_slot(builder_.CreateLoad(builder_.getInt64Ty(), out), e.type);
  llvm::BasicBlock* from_work = builder_.GetInsertBlock();
  builder_.CreateBr(after);
  builder_.SetInsertPoint(after);
  if (value == nullptr) return nullptr;
  llvm::PHINode* result = builder_.CreatePHI(value->getType(), 2);
  result->addIncoming(value, from_work);
  result->addIncoming(other, from_fallback);
  return result;
}

// The elements a gather runs over. A list or channel is held as a
// temporary; the caller releases it once the gather is over.
Lowering::Elements Lowering::elements_of(const ir::Expr& items) {
  Elements elements{llvm::ConstantPointerNull::get(ptr()),
                    nullptr,
                    builder_.getInt64(0),
                    builder_.getInt64(0),
                    false,
                    items.type->element()};
  if (is_int_range(items)) {
    std::tie(elements.from, elements.to, elements.inclusive) = int_bounds(items);
    return elements;
  }
  if (!items.type->is(ir::TypeKind::kList) && !items.type->is(ir::TypeKind::kChannel)) {
    unsupported("a gather over a " + ir::type_name(items.type), items.span);
  }
  elements.items = expr(items);
  elements.items_type = items.type;
  body_->temporaries.push_back(elements.items);
  return elements;
}

// gather WORK for x in ITEMS [limit n] [settle], and race WORK for x in
// ITEMS: one branch per element, run by the runtime (over a channel: a work
// queue, whose calls may add to it).
llvm::Value* Lowering::gather_each(const ir::Expr& e) {
  const ir::Expr& work = *e.operands[0];
  const ir::Expr& items = *e.operands[1];
  bool race = e.kind == ir::ExprKind::kRaceEach;
  if (race && items.type->is(ir::TypeKind::kChannel)) unsupported("a race over a channel", e.span);
  bool direct = work.kind == ir::ExprKind::kCallTask && !ir::operands_suspend(work);
  if (direct && !race && !items.type->is(ir::TypeKind::kChannel)) return gather_calls(e);
  std::size_t held = body_->temporaries.size();
  Elements elements = elements_of(items);
  llvm::Value* limit = e.operands[2] ? expr(*e.operands[2]) : builder_.getInt64(0);
  llvm::Function* branch = define_branch(work, e.bindings, elements.type);
  // The progress bar's label, as the C++ backend's.
  std::string label = where(e.span);
  if (work.kind == ir::ExprKind::kCallTask) label = program_.task(work.as<ir::TaskId>()).name + " " + label;
  llvm::Value* out = entry_alloca(ptr());
  builder_.CreateStore(llvm::ConstantPointerNull::get(ptr()), out);
  bool has_result = !e.type->is(ir::TypeKind::kVoid);
  std::int32_t mode = race ? trt_each_race : e.settle ? trt_each_settle : trt_each_gather;
  llvm::Constant* none = llvm::ConstantPointerNull::get(ptr());
  abi("await_each",
      {body_->call, llvm::ConstantExpr::getBitCast(branch, ptr()), captures(), elements.items, elements.from,
       elements.to, builder_.getInt1(elements.inclusive), builder_.getInt1(e.operands[2] != nullptr), limit,
       string_constant(label), builder_.getInt32(static_cast<std::uint32_t>(mode)), result_descriptor(work.type),
       has_result ? descriptor(e.type) : none,
       has_result ? builder_.CreateBitCast(out, ptr()) : static_cast<llvm::Value*>(none)});
  await_and_check();
  body_->temporaries.resize(held);
  if (elements.items_type != nullptr) abi("release", {elements.items});
  if (!has_result) return nullptr;
  llvm::Value* value = builder_.CreateLoad(ptr(), out);
  return race ? from_slot(builder_.CreatePtrToInt(value, builder_.getInt64Ty()), e.type) : value;
}

// serve(addr, handler): the runtime serves, and runs a branch (the handler's
// call) per request, with the request as its element.
llvm::Value* Lowering::serve(const ir::Expr& e) {
  std::size_t held = body_->temporaries.size();
  llvm::Value* address = expr(*e.operands[0]);
  body_->temporaries.push_back(address);
  const ir::Expr& call = *e.operands[1];
  const ir::Type* request = program_.task(call.as<ir::TaskId>()).params[0].type;
  llvm::Function* branch = define_branch(call, e.bindings, request);
  abi("await_serve", {body_->call, llvm::ConstantExpr::getBitCast(branch, ptr()), captures(), address,
                      descriptor(request), descriptor(call.type)});
  await_and_check();
  body_->temporaries.resize(held);
  abi("release", {address});
  return nullptr;
}

// gather f(args) for x in ITEMS [limit n] [settle], no argument waiting:
// the arguments of every call are evaluated here first, in order (as the
// C++ backend makes its calls before the gather runs), then the runtime runs
// each call straight to its task.
llvm::Value* Lowering::gather_calls(const ir::Expr& e) {
  const ir::Expr& work = *e.operands[0];
  const ir::TaskId id = work.as<ir::TaskId>();
  const ir::Task& task = program_.task(id);
  std::size_t held = body_->temporaries.size();
  Elements elements = elements_of(*e.operands[1]);
  llvm::Value* limit = builder_.getInt64(0);
  if (e.operands[2]) {
    llvm::Value* checked = entry_alloca(builder_.getInt64Ty());
    branch_on_failure(abi("gather_limit", {body_->call, expr(*e.operands[2]), builder_.CreateBitCast(checked, ptr())}));
    limit = builder_.CreateLoad(builder_.getInt64Ty(), checked);
  }
  llvm::Value* count = elements.items_type != nullptr
                           ? abi("list_len", {elements.items})
                           : abi("range_count", {elements.from, elements.to, builder_.getInt1(elements.inclusive)});
  llvm::Value* calls = abi("calls_new", {builder_.CreateBitCast(task_descriptors_[id.index], ptr()), count});
  body_->temporaries.push_back(calls);
  llvm::ArrayType* params = args_type(task);
  llvm::Value* blocks = builder_.CreateBitCast(abi("calls_args", {calls}), params->getPointerTo());
  count_loop(count, "call_args", [&](llvm::Value* i) {
    llvm::Value* element = nullptr;
    if (elements.items_type != nullptr) {
      element = from_slot(abi("list_at", {elements.items, i}), elements.type);
      if (is_boxed(elements.type)) abi("retain", {element});
    } else {
      element = builder_.CreateAdd(elements.from, i);
    }
    bind(e.bindings, element, elements.type);
    // The arguments are the box's once the block is complete; until then a
    // failure releases them as temporaries.
    std::vector<llvm::Value*> values;
    for (const ir::ExprPtr& operand : work.operands) {
      values.push_back(expr(*operand));
      if (is_boxed(operand->type)) body_->temporaries.push_back(values.back());
    }
    llvm::Value* args = builder_.CreateGEP(params, blocks, i);
    for (std::size_t j = 0; j < values.size(); ++j) {
      builder_.CreateStore(to_slot(values[j], work.operands[j]->type),
                           builder_.CreateConstGEP2_32(params, args, 0, static_cast<unsigned>(j)));
      if (is_boxed(work.operands[j]->type)) forget_temporary(values[j]);
    }
    abi("calls_filled", {calls, builder_.CreateAdd(i, builder_.getInt64(1))});
  });
  std::string label = program_.task(id).name + " " + where(e.span);
  llvm::Value* out = entry_alloca(ptr());
  builder_.CreateStore(llvm::ConstantPointerNull::get(ptr()), out);
  bool has_result = !e.type->is(ir::TypeKind::kVoid);
  llvm::Constant* none = llvm::ConstantPointerNull::get(ptr());
  abi("await_calls", {body_->call, calls, limit, string_constant(label), builder_.getInt1(e.settle),
                      has_result ? descriptor(e.type) : none,
                      has_result ? builder_.CreateBitCast(out, ptr()) : static_cast<llvm::Value*>(none)});
  await_and_check();
  body_->temporaries.resize(held);
  abi("release", {calls});
  if (elements.items_type != nullptr) abi("release", {elements.items});
  return has_result ? builder_.CreateLoad(ptr(), out) : nullptr;
}

// for i in 0..count { at(i) }, in the body being emitted (no break, and no
// cancellation check: the steps do not wait).
void Lowering::count_loop(llvm::Value* count, const char* name, const std::function<void(llvm::Value*)>& at) {
  llvm::Value* counter = entry_alloca(builder_.getInt64Ty());
  builder_.CreateStore(builder_.getInt64(0), counter);
  llvm::BasicBlock* head = block(name);
  llvm::BasicBlock* step = block("step");
  llvm::BasicBlock* done = block("counted");
  builder_.CreateBr(head);
  builder_.SetInsertPoint(head);
  llvm::Value* i = builder_.CreateLoad(builder_.getInt64Ty(), counter);
  builder_.CreateCondBr(builder_.CreateICmpSLT(i, count), step, done);
  builder_.SetInsertPoint(step);
  at(i);
  builder_.CreateStore(builder_.CreateAdd(i, builder_.getInt64(1)), counter);
  builder_.CreateBr(head);
  builder_.SetInsertPoint(done);
}

// r.ok, r.value (fails as the call did), r.error, r.kind of a result[T].
llvm::Value* Lowering::result_part(const ir::Expr& e) {
  llvm::Value* result = expr(*e.operands[0]);
  llvm::Value* value = nullptr;
  switch (e.as<ir::ResultPart>()) {
    case ir::ResultPart::kOk: value = abi("result_ok", {result}); break;
    case ir::ResultPart::kError: value = abi("result_error", {result}); break;
    case ir::ResultPart::kKind: value = abi("result_kind", {result}); break;
    case ir::ResultPart::kValue: {
      body_->temporaries.push_back(result);
      llvm::Value* out = entry_alloca(builder_.getInt64Ty());
      branch_on_failure(abi("result_value", {body_->call, result, builder_.CreateBitCast(out, ptr())}));
      body_->temporaries.pop_back();
      value = from_slot(builder_.CreateLoad(builder_.getInt64Ty(), out), e.type);
      if (is_boxed(e.type)) abi("retain", {value});
      break;
    }
  }
  abi("release", {result});
  return value;
}

// `and`, `or`: the right side runs only when needed.
llvm::Value* Lowering::logical(const ir::Expr& e) {
  bool is_and = e.as<ir::BinaryOp>() == ir::BinaryOp::kAnd;
  llvm::Value* left = expr(*e.operands[0]);
  llvm::BasicBlock* from_left = builder_.GetInsertBlock();
  llvm::BasicBlock* right_block = block(is_and ? "and" : "or");
  llvm::BasicBlock* after = block("logical");
  if (is_and) {
    builder_.CreateCondBr(left, right_block, after);
  } else {
    builder_.CreateCondBr(left, after, right_block);
  }
  builder_.SetInsertPoint(right_block);
  llvm::Value* right = expr(*e.operands[1]);
  llvm::BasicBlock* from_right = builder_.GetInsertBlock();
  builder_.CreateBr(after);
  builder_.SetInsertPoint(after);
  llvm::PHINode* value = builder_.CreatePHI(builder_.getInt1Ty(), 2);
  value->addIncoming(builder_.getInt1(!is_and), from_left);
  value->addIncoming(right, from_right);
  return value;
}

llvm::Value* Lowering::conditional(const ir::Expr& e) {
  llvm::Value* condition = expr(*e.operands[0]);
  llvm::BasicBlock* if_true = block("if_true");
  llvm::BasicBlock* if_false = block("if_false");
  llvm::BasicBlock* after = block("conditional");
  builder_.CreateCondBr(condition, if_true, if_false);
  builder_.SetInsertPoint(if_true);
  llvm::Value* true_value = expr(*e.operands[1]);
  llvm::BasicBlock* from_true = builder_.GetInsertBlock();
  builder_.CreateBr(after);
  builder_.SetInsertPoint(if_false);
  llvm::Value* false_value = expr(*e.operands[2]);
  llvm::BasicBlock* from_false = builder_.GetInsertBlock();
  builder_.CreateBr(after);
  builder_.SetInsertPoint(after);
  if (true_value == nullptr) return nullptr;
  llvm::PHINode* value = builder_.CreatePHI(true_value->getType(), 2);
  value->addIncoming(true_value, from_true);
  value->addIncoming(false_value, from_false);
  return value;
}

}  // namespace taskc::codegen::llvm_backend
