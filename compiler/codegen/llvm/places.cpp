// The LLVM backend: places, what assignments and push/remove/pop write to —
// a variable, a shared value's copy inside its `with` block, or an element
// or field inside one (xs[i], m[k], r.f, m[k].f[j], …, and the value of an
// optional the checker narrowed). Containers are copy
// on write: resolving a place makes each container on the way the
// variable's own, so no other variable sees the change.
#include "compiler/codegen/llvm/lowering.hpp"

namespace taskc::codegen::llvm_backend {

// Evaluates the keys and indexes on the way from the variable to the
// target, root first (as the C++ backend's nested at() calls do). Boxed keys
// are held as temporaries until release_path.
Lowering::Path Lowering::path_of(const ir::Expr& target) {
  Path path;
  const ir::Expr* at = &target;
  while (at->kind == ir::ExprKind::kIndex || at->kind == ir::ExprKind::kField ||
         at->kind == ir::ExprKind::kTupleElement || at->kind == ir::ExprKind::kUnwrapOptional) {
    path.steps.insert(path.steps.begin(), at);
    at = at->operands[0].get();
  }
  path.root = at;
  bool held_shared = at->kind == ir::ExprKind::kShared && body_->held_shared.count(at->as<ir::SharedId>().index);
  if (at->kind != ir::ExprKind::kLocal && !held_shared) unsupported("a change to this kind of value", target.span);
  for (const ir::Expr* step : path.steps) {
    llvm::Value* key = nullptr;
    if (step->kind == ir::ExprKind::kIndex) {
      key = expr(*step->operands[1]);
      if (is_boxed(step->operands[1]->type)) body_->temporaries.push_back(key);
    }
    path.keys.push_back(key);
  }
  return path;
}

void Lowering::release_path(const Path& path) {
  for (std::size_t i = 0; i < path.steps.size(); ++i) {
    if (path.keys[i] == nullptr) continue;
    const ir::Type* key_type = path.steps[i]->operands[1]->type;
    if (is_boxed(key_type)) forget_temporary(path.keys[i]);
    release(path.keys[i], key_type);
  }
}

// The address of the target's value: the variable itself, or a slot in a
// container. A list index out of range or a missing map key fails here,
// unless `inserts` (`m[k] = v`: only the last key).
Lowering::Place Lowering::resolve(const Path& path, bool inserts) {
  llvm::Value* address = path.root->kind == ir::ExprKind::kLocal
                             ? body_->locals[path.root->as<ir::LocalId>().index]
                             : body_->held_shared.at(path.root->as<ir::SharedId>().index);
  if (path.steps.empty()) return {address, false};
  address = builder_.CreateBitCast(address, ptr());
  for (std::size_t i = 0; i < path.steps.size(); ++i) {
    const ir::Expr& step = *path.steps[i];
    if (step.kind != ir::ExprKind::kIndex) {
      // An optional the checker narrowed holds its value as a one-element tuple's.
      std::uint32_t index = step.kind == ir::ExprKind::kField          ? step.as<ir::FieldIndex>().index
                            : step.kind == ir::ExprKind::kTupleElement ? step.as<ir::ElementIndex>().index
                                                                       : 0;
      address = abi("tuple_place", {address, builder_.getInt64(index)});
      continue;
    }
    llvm::Value* out = entry_alloca(ptr());
    llvm::Value* out_address = builder_.CreateBitCast(out, ptr());
    const ir::Type* key_type = step.operands[1]->type;
    if (step.operands[0]->type->is(ir::TypeKind::kMap)) {
      bool last = i + 1 == path.steps.size();
      branch_on_failure(abi("map_place", {body_->call, address, to_slot(path.keys[i], key_type),
                                          builder_.getInt1(inserts && last), out_address}));
    } else {
      branch_on_failure(abi("list_place", {body_->call, address, path.keys[i], out_address}));
    }
    address = builder_.CreateLoad(ptr(), out);
  }
  return {address, true};
}

// The value at a place, borrowed.
llvm::Value* Lowering::load_place(const Place& place, const ir::Type* t) {
  if (!place.slot) return builder_.CreateLoad(type(t), place.address);
  llvm::Value* slot = builder_.CreateBitCast(place.address, builder_.getInt64Ty()->getPointerTo());
  return from_slot(builder_.CreateLoad(builder_.getInt64Ty(), slot), t);
}

// Stores an owned value at a place, releasing the one it replaces.
void Lowering::store_place(const Place& place, llvm::Value* value, const ir::Type* t) {
  llvm::Value* old = load_place(place, t);
  if (place.slot) {
    llvm::Value* slot = builder_.CreateBitCast(place.address, builder_.getInt64Ty()->getPointerTo());
    builder_.CreateStore(to_slot(value, t), slot);
  } else {
    builder_.CreateStore(value, place.address);
  }
  if (is_boxed(t)) abi("release", {old});
}

// `target = v` and `target op= v`. For `=` the value comes first (as in
// C++, where the right of `=` is sequenced first); for `op=` the place is
// read first unless the value waits. The place is resolved again to store:
// computing the value may have changed its container.
void Lowering::assign(const ir::Stmt& s) {
  const ir::Expr& target = *s.target;
  const ir::Type* t = target.type;
  bool set = s.assign_op == ir::AssignOp::kSet;
  std::size_t held = body_->temporaries.size();
  llvm::Value* value = nullptr;
  auto evaluate_value = [&] {
    value = expr(*s.value);
    if (is_boxed(s.value->type)) body_->temporaries.push_back(value);
  };
  if (set || s.value->suspends) evaluate_value();
  Path path = path_of(target);
  if (!set) {
    llvm::Value* current = load_place(resolve(path, false), t);
    if (is_boxed(t)) {
      abi("retain", {current});
      body_->temporaries.push_back(current);
    }
    if (value == nullptr) evaluate_value();
    if (is_boxed(s.value->type)) forget_temporary(value);  // compound() takes it
    value = compound(s, t, current, value);
    if (is_boxed(t)) {
      forget_temporary(current);
      abi("release", {current});
      body_->temporaries.push_back(value);
    }
  }
  Place place = resolve(path, set);
  if (is_boxed(t)) forget_temporary(value);
  store_place(place, value, t);
  release_path(path);
  body_->temporaries.resize(held);
}

}  // namespace taskc::codegen::llvm_backend
