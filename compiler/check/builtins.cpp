// Calls of the builtins of §11: their signatures, some of them generic, and
// where each may be called.
#include <fmt/format.h>

#include "compiler/check/checker.hpp"

namespace taskc::check {
namespace {

bool orderable(const ir::Type* type) {
  return ir::is_orderable(type);
}

}  // namespace

void Checker::require_place(const ir::BuiltinInfo& info, source::Span span) {
  if (info.place != ir::BuiltinPlace::kIo) return;
  if (task_ == nullptr) {
    error(diag::Code::kNotConstant, span, fmt::format("`{}` cannot be called here", info.name))
        .with_label("evaluated before any task runs");
    return;
  }
  if (task_->kind != ir::TaskKind::kCpu) return;
  error(diag::Code::kCpuReachesIo, span, fmt::format("cpu task `{}` calls the io builtin `{}`", task_->name, info.name))
      .with_label("waits on I/O")
      .label(task_->span, "a cpu task")
      .note("cpu tasks run on the CPU thread pool; a CPU worker must never wait on I/O")
      .help(fmt::format("call `{}` in an io task or flow and pass the result to `{}`", info.name, task_->name));
}

bool Checker::require_json(const ir::Type* type, source::Span span) {
  const ir::Type* obstacle = ir::json_obstacle(type);
  if (obstacle == nullptr || type->is_error()) return true;
  std::string label = obstacle == type
                          ? fmt::format("this is `{}`", ir::type_name(type))
                          : fmt::format("this is `{}`, which holds `{}`", ir::type_name(type), ir::type_name(obstacle));
  auto& diagnostic = error(diag::Code::kNotJson, span, fmt::format("`{}` is not JSON", ir::type_name(obstacle)))
                         .with_label(label)
                         .note(
                             "JSON holds numbers, bool, str, durations, lists, tuples, maps, optionals and "
                             "records of those");
  if (obstacle->is(ir::TypeKind::kRecord)) {
    diagnostic.help("copy the fields you need into a record of your own");
  }
  return false;
}

ir::ExprPtr Checker::json_decode(const ast::Expr& node) {
  const ir::Type* type = resolve_type(*node.type_arg);
  if (node.operands.size() != 1) {
    error(diag::Code::kWrongArgumentCount, node.span,
          fmt::format("`json_decode[T](text)` takes 1 argument, found {}", node.operands.size()))
        .with_label("the JSON text to decode");
    for (const ast::ExprPtr& arg : node.operands) expr(*arg);
    return error_expr(node.span);
  }
  auto out = std::make_unique<ir::Expr>();
  out->kind = ir::ExprKind::kCallBuiltin;
  out->payload = ir::Builtin::kJsonDecode;
  out->type = type;
  out->span = node.span;
  out->operands.push_back(expr_as(*node.operands[0], types_->str_type(), "the text of `json_decode`"));
  if (type->is_error() || !require_json(type, node.type_arg->span)) return error_expr(node.span);
  return out;
}

void Checker::require_channel_place(const ir::BuiltinInfo& info, source::Span span) {
  // A channel lives in the main process; a worker process cannot reach it.
  if (task_ == nullptr || !task_->in_process) return;
  error(diag::Code::kSharedInProcess, span, fmt::format("`{}` cannot run in a worker process", info.name))
      .with_label("channels live in the main process")
      .help(fmt::format("drop `in process` from `{}`: a cpu task on the CPU pool can use channels", task_->name));
}

ir::ExprPtr Checker::key_function(const ast::Expr& node, const ir::Type* list) {
  auto out = std::make_unique<ir::Expr>();
  out->kind = ir::ExprKind::kKeyFunction;
  out->span = node.span;
  out->type = types_->error_type();
  std::vector<const ir::Type*> bound;
  std::optional<ir::ForKind> kind = iteration(list, node.pattern.names.size(), bound, node.pattern.span);
  push_scope();
  refuse_nested(node.pattern, "in a key function");
  for (std::size_t i = 0; i < node.pattern.names.size(); ++i) {
    const ir::Type* type = kind ? bound[i] : types_->error_type();
    out->bindings.push_back(declare_local(node.pattern.names[i], type, node.pattern.name_spans[i], false));
  }
  ir::ExprPtr key = expr(*node.operands[0]);
  pop_scope();
  if (key->type->is_error() || !kind) return out;
  if (!ir::is_orderable(key->type)) {
    error(diag::Code::kBadKeyFunction, key->span,
          fmt::format("a key of type `{}` cannot be ordered", ir::type_name(key->type)))
        .with_label(fmt::format("this is `{}`", ir::type_name(key->type)))
        .note("a key is a number, str, bool, duration, or a tuple, list or record of them");
    return out;
  }
  if (const ir::Expr* waits = first_wait(*key)) {
    error(diag::Code::kBadKeyFunction, waits->span, "a key is computed without waiting")
        .with_label("this waits")
        .help(
            "compute the keys first (`let keys = gather key(x) for x in xs`), then sort pairs: "
            "`sorted(zip(keys, xs))`");
    return out;
  }
  out->type = key->type;
  out->operands.push_back(std::move(key));
  return out;
}

ir::ExprPtr Checker::serve_call(const ast::Expr& node) {
  auto out = make(ir::ExprKind::kServe, types_->void_type(), node.span);
  out->operands.push_back(expr_as(*node.operands[0], types_->str_type(), "the address of `serve`"));
  const ast::Expr& handler = *node.operands[1];
  const ir::Type* request = types_->record(http_request_record_);
  const ir::Type* response = types_->record(http_response_record_);
  const std::string wanted = "io task handle(req: HttpRequest) -> HttpResponse";
  const Symbol* symbol = nullptr;
  if (handler.kind == ast::ExprKind::kName && find_local(handler.name) == nullptr) symbol = find_symbol(handler.name);
  if (symbol == nullptr || symbol->kind != Symbol::Kind::kTask) {
    error(diag::Code::kTypeMismatch, handler.span, "the handler of `serve` is the name of a task")
        .with_label("not a task's name")
        .help(fmt::format("declare `{} {{ … }}` and write `serve(addr, handle)`", wanted));
    return error_expr(node.span);
  }
  const ir::Task& task = program_->tasks[symbol->index];
  if (task.kind == ir::TaskKind::kCpu) {
    error(diag::Code::kTypeMismatch, handler.span,
          fmt::format("`{}` is a cpu task; a handler is an io task or a flow", task.name))
        .with_label("a cpu task")
        .label(task.span, "declared here")
        .help(fmt::format("answer in an io task that calls `{}` for the work", task.name));
    return error_expr(node.span);
  }
  if (task.params.size() != 1 || task.params[0].type != request || task.result != response) {
    error(diag::Code::kTypeMismatch, handler.span,
          fmt::format("`{}` does not take an HttpRequest and return an HttpResponse", task.name))
        .with_label("the handler of `serve`")
        .label(task.span, "declared here")
        .note(fmt::format("a handler is declared `{}`", wanted));
    return error_expr(node.span);
  }
  // The handler's call, one per request: its argument is a local of the
  // call's own, as a gather's element is.
  push_scope();
  ir::LocalId bound = declare_local("request", request, handler.span, false);
  pop_scope();
  auto argument = make(ir::ExprKind::kLocal, request, handler.span);
  argument->payload = bound;
  auto call = make(ir::ExprKind::kCallTask, response, handler.span);
  call->payload = ir::TaskId{symbol->index};
  call->operands.push_back(std::move(argument));
  out->bindings.push_back(bound);
  out->operands.push_back(std::move(call));
  program_->serves = true;
  return out;
}

void Checker::require_place_argument(const ir::Expr& argument, std::string_view builtin, std::string_view what) {
  // push, pop, remove and shuffle change their argument in place, so it must be a place.
  const ir::Expr* base = &argument;
  while (base->kind == ir::ExprKind::kField || base->kind == ir::ExprKind::kIndex ||
         base->kind == ir::ExprKind::kTupleElement || base->kind == ir::ExprKind::kUnwrapOptional) {
    base = base->operands[0].get();
  }
  if (base->kind != ir::ExprKind::kLocal && base->kind != ir::ExprKind::kShared) {
    error(diag::Code::kInvalidAssignTarget, argument.span,
          fmt::format("`{}` changes {} in place, so it needs a variable", builtin, what))
        .with_label("not a variable");
  } else {
    check_writable(argument, argument.span);
  }
}

ir::ExprPtr Checker::builtin_call(const ast::Expr& node, const ir::BuiltinInfo& info, const ir::Type* expected) {
  require_place(info, node.name_span);
  auto out = std::make_unique<ir::Expr>();
  out->kind = ir::ExprKind::kCallBuiltin;
  out->payload = info.builtin;
  out->span = node.span;
  out->type = types_->error_type();
  const std::size_t count = node.operands.size();

  // The number of arguments, from the builtin table.
  if (count < info.min_args || count > info.max_args) {
    std::string expected = info.min_args == info.max_args ? std::to_string(info.min_args)
                                                          : fmt::format("{} to {}", info.min_args, info.max_args);
    error(diag::Code::kWrongArgumentCount, node.span,
          fmt::format("`{}` takes {} argument{}, found {}", info.name, expected, info.max_args == 1 ? "" : "s", count))
        .with_label("wrong number of arguments")
        .note(fmt::format("`{}`", info.signature));
    for (const ast::ExprPtr& arg : node.operands) expr(*arg);
    return error_expr(node.span);
  }
  if (info.builtin == ir::Builtin::kServe) return serve_call(node);
  auto arg_as = [&](std::size_t i, const ir::Type* type) {
    out->operands.push_back(expr_as(*node.operands[i], type, fmt::format("argument {} of `{}`", i + 1, info.name)));
    return out->operands.back()->type;
  };
  // An argument of any type that has a value.
  auto arg_any = [&](std::size_t i, const ir::Type* hint = nullptr) {
    ir::ExprPtr value = expr(*node.operands[i], hint);
    if (value->type->is(ir::TypeKind::kVoid)) {
      error(diag::Code::kNoValue, value->span, fmt::format("argument {} of `{}` returns nothing", i + 1, info.name))
          .with_label("no value");
      value = error_expr(value->span);
    }
    out->operands.push_back(std::move(value));
    return out->operands.back()->type;
  };
  auto wrong = [&](std::size_t i, std::string_view wanted) {
    const ir::Type* type = out->operands[i]->type;
    if (type->is_error()) return error_expr(node.span);
    error(diag::Code::kTypeMismatch, out->operands[i]->span,
          fmt::format("argument {} of `{}`: expected {}, found `{}`", i + 1, info.name, wanted, ir::type_name(type)))
        .with_label(fmt::format("this is `{}`", ir::type_name(type)));
    return error_expr(node.span);
  };
  // Math on an int is arithmetic: the int becomes a float.
  auto promote = [&](std::size_t i) { out->operands[i] = int_to_float(std::move(out->operands[i])); };
  auto done = [&](const ir::Type* type) {
    out->type = type;
    return std::move(out);
  };

  const ir::Type* str = types_->str_type();
  const ir::Type* integer = types_->int_type();
  const ir::Type* floating = types_->float_type();
  const ir::Type* void_type = types_->void_type();

  switch (info.builtin) {
    case ir::Builtin::kSleep: arg_as(0, types_->duration_type()); return done(void_type);
    case ir::Builtin::kHttpGet: arg_as(0, str); return done(types_->record(http_response_record_));
    case ir::Builtin::kHttp:
      arg_as(0, str);
      arg_as(1, str);
      arg_as(2, str);
      arg_as(3, types_->map(str, str));
      return done(types_->record(http_response_record_));
    case ir::Builtin::kReadFile: arg_as(0, str); return done(str);
    case ir::Builtin::kWriteFile:
    case ir::Builtin::kAppendFile:
      arg_as(0, str);
      arg_as(1, str);
      return done(void_type);
    case ir::Builtin::kReadLines:
    case ir::Builtin::kListDir: arg_as(0, str); return done(types_->list(str));
    case ir::Builtin::kExec:
      arg_as(0, str);
      arg_as(1, types_->list(str));
      return done(types_->record(exec_result_record_));
    case ir::Builtin::kNow: return done(floating);
    case ir::Builtin::kEnv: arg_as(0, str); return done(types_->optional(str));
    case ir::Builtin::kServe: TASKC_UNREACHABLE("serve is checked by serve_call");
    case ir::Builtin::kRoute: {
      arg_as(0, str);
      const ast::Expr& pattern = *node.operands[1];
      if (pattern.kind != ast::ExprKind::kStringLiteral) {
        arg_as(1, str);
        return done(types_->optional(types_->map(str, str)));
      }
      // A pattern literal is taken as written: its `{name}` is a segment
      // to capture, not an interpolation.
      std::string text;
      for (const ast::StringPart& part : pattern.parts) {
        if (!part.expr) {
          text += part.text;
          continue;
        }
        text += "{" + std::string(sources_.get(part.expr->span.file).text(part.expr->span));
        if (part.spec) text += ":" + *part.spec;
        text += "}";
      }
      auto literal = make(ir::ExprKind::kStrLiteral, str, pattern.span);
      literal->payload = std::move(text);
      out->operands.push_back(std::move(literal));
      return done(types_->optional(types_->map(str, str)));
    }
    case ir::Builtin::kSend: {
      require_channel_place(info, node.name_span);
      const ir::Type* channel = arg_any(0);
      if (!channel->is(ir::TypeKind::kChannel)) {
        expr(*node.operands[1]);
        return wrong(0, "a channel");
      }
      arg_as(1, channel->element());
      return done(void_type);
    }
    case ir::Builtin::kRecv:
    case ir::Builtin::kClose: {
      require_channel_place(info, node.name_span);
      bool is_recv = info.builtin == ir::Builtin::kRecv;
      const ir::Type* channel = arg_any(0);
      if (!channel->is(ir::TypeKind::kChannel)) return wrong(0, "a channel");
      return done(is_recv ? types_->optional(channel->element()) : void_type);
    }
    case ir::Builtin::kPrint:
    case ir::Builtin::kEprint:
      for (std::size_t i = 0; i < count; ++i) arg_any(i);
      return done(void_type);
    case ir::Builtin::kLen: {
      const ir::Type* type = arg_any(0);
      if (!type->is(ir::TypeKind::kList) && !type->is(ir::TypeKind::kMap) && !type->is(ir::TypeKind::kStr) &&
          !type->is(ir::TypeKind::kChannel)) {
        return wrong(0, "a list, map, str or channel");
      }
      return done(integer);
    }
    case ir::Builtin::kRange:
      for (std::size_t i = 0; i < count; ++i) arg_as(i, integer);
      return done(types_->list(integer));
    case ir::Builtin::kZip: {
      const ir::Type* a = arg_any(0);
      const ir::Type* b = arg_any(1);
      if (!a->is(ir::TypeKind::kList)) return wrong(0, "a list");
      if (!b->is(ir::TypeKind::kList)) return wrong(1, "a list");
      return done(types_->list(types_->tuple({a->element(), b->element()})));
    }
    case ir::Builtin::kEnumerate: {
      const ir::Type* type = arg_any(0);
      if (!type->is(ir::TypeKind::kList)) return wrong(0, "a list");
      return done(types_->list(types_->tuple({integer, type->element()})));
    }
    case ir::Builtin::kGet: {
      const ir::Type* type = arg_any(0);
      if (!type->is(ir::TypeKind::kMap)) {
        expr(*node.operands[1]);
        expr(*node.operands[2]);
        return wrong(0, "a map");
      }
      arg_as(1, type->args[0]);
      arg_as(2, type->args[1]);
      return done(type->args[1]);
    }
    case ir::Builtin::kRemove: {
      const ir::Type* type = arg_any(0);
      if (!type->is(ir::TypeKind::kMap)) {
        expr(*node.operands[1]);
        return wrong(0, "a map variable");
      }
      require_place_argument(*out->operands[0], info.name, "a map");
      arg_as(1, type->args[0]);
      return done(void_type);
    }
    case ir::Builtin::kRound: {
      const ir::Type* type = arg_any(0);
      if (!type->is_numeric()) return wrong(0, "a number");
      if (count == 1) return done(integer);
      if (type->is(ir::TypeKind::kInt)) promote(0);
      arg_as(1, integer);
      return done(floating);
    }
    case ir::Builtin::kEndsWith:
    case ir::Builtin::kIsDigit:
    case ir::Builtin::kIsAlpha:
    case ir::Builtin::kIsSpace:
      for (std::size_t i = 0; i < count; ++i) arg_as(i, str);
      return done(types_->bool_type());
    case ir::Builtin::kFind:
      arg_as(0, str);
      arg_as(1, str);
      return done(types_->optional(integer));
    case ir::Builtin::kRepeat:
      arg_as(0, str);
      arg_as(1, integer);
      return done(str);
    case ir::Builtin::kReplace:
    case ir::Builtin::kMd5:
    case ir::Builtin::kSha1:
    case ir::Builtin::kSha256:
    case ir::Builtin::kBase64Encode:
    case ir::Builtin::kBase64Decode:
    case ir::Builtin::kUrlEncode:
    case ir::Builtin::kUrlDecode:
    case ir::Builtin::kUrlJoin:
      for (std::size_t i = 0; i < count; ++i) arg_as(i, str);
      return done(str);
    case ir::Builtin::kReFind:
    case ir::Builtin::kReFindAll:
    case ir::Builtin::kReMatches:
    case ir::Builtin::kReReplace:
    case ir::Builtin::kReSplit: {
      for (std::size_t i = 0; i < count; ++i) arg_as(i, str);
      // A pattern (and a replacement) written in the program is checked now.
      const ir::Expr& pattern = *out->operands[1];
      if (pattern.kind == ir::ExprKind::kStrLiteral) {
        const ir::Expr* replacement =
            count == 3 && out->operands[2]->kind == ir::ExprKind::kStrLiteral ? out->operands[2].get() : nullptr;
        check_regex(pattern, replacement);
      }
      switch (info.builtin) {
        case ir::Builtin::kReFind: return done(types_->optional(types_->list(str)));
        case ir::Builtin::kReFindAll: return done(types_->list(types_->list(str)));
        case ir::Builtin::kReMatches: return done(types_->bool_type());
        case ir::Builtin::kReReplace: return done(str);
        default: return done(types_->list(str));
      }
    }
    case ir::Builtin::kFormatTime: {
      const ir::Type* type = arg_any(0);
      if (type->is(ir::TypeKind::kInt)) {
        promote(0);
      } else if (!type->is(ir::TypeKind::kFloat)) {
        arg_as(1, str);
        return wrong(0, "a time in seconds (a float)");
      }
      arg_as(1, str);
      return done(str);
    }
    case ir::Builtin::kParseTime:
      arg_as(0, str);
      arg_as(1, str);
      return done(floating);
    case ir::Builtin::kClock: return done(types_->duration_type());
    case ir::Builtin::kRandom: return done(floating);
    case ir::Builtin::kGetpid: return done(integer);
    case ir::Builtin::kRandomInt:
      arg_as(0, integer);
      arg_as(1, integer);
      return done(integer);
    case ir::Builtin::kShuffle: {
      const ir::Type* type = arg_any(0);
      if (!type->is(ir::TypeKind::kList)) return wrong(0, "a list variable");
      require_place_argument(*out->operands[0], info.name, "a list");
      return done(void_type);
    }
    case ir::Builtin::kJsonEncode: {
      const ir::Type* type = arg_any(0);
      if (count == 2) arg_as(1, integer);
      if (!require_json(type, out->operands[0]->span)) return error_expr(node.span);
      return done(str);
    }
    case ir::Builtin::kJsonDecode: {
      // Called without its type: json_decode[T](text).
      for (std::size_t i = 0; i < count; ++i) arg_any(i);
      auto& diagnostic = error(diag::Code::kNotJson, node.name_span, "`json_decode` needs the type to decode into")
                             .with_label("decode into what?");
      if (expected != nullptr && !expected->is_error() && ir::json_obstacle(expected) == nullptr) {
        diagnostic.help(fmt::format("write `json_decode[{}](…)`", ir::type_name(expected)));
      } else {
        diagnostic.help("write the type in brackets: `json_decode[list[Event]](text)`");
      }
      return error_expr(node.span);
    }
    case ir::Builtin::kReadBytes:
      arg_as(0, str);
      arg_as(1, integer);
      return done(str);
    case ir::Builtin::kChars: arg_as(0, str); return done(types_->list(str));
    case ir::Builtin::kLenChars: arg_as(0, str); return done(integer);
    case ir::Builtin::kSum: {
      const ir::Type* type = arg_any(0);
      if (!type->is(ir::TypeKind::kList) || !type->element()->is_numeric()) return wrong(0, "a list of numbers");
      return done(type->element());
    }
    case ir::Builtin::kMin:
    case ir::Builtin::kMax: {
      if (count == 2 && node.operands[1]->kind == ast::ExprKind::kKeyFunction) {
        const ir::Type* type = arg_any(0);
        if (!type->is(ir::TypeKind::kList)) return wrong(0, "a list");
        out->operands.push_back(key_function(*node.operands[1], type));
        return done(type->element());
      }
      if (count == 1) {
        const ir::Type* type = arg_any(0);
        if (!type->is(ir::TypeKind::kList) || !orderable(type->element())) {
          return wrong(0, "a list of values that can be ordered");
        }
        return done(type->element());
      }
      const ir::Type* first = arg_any(0);
      if (!orderable(first)) return wrong(0, "a value that can be ordered");
      if (first->is_numeric()) {
        // Numbers meet in one type, as the two sides of `a if c else b`:
        // `max(best, 0)` of a float `best` is a float.
        const ir::Type* type = first;
        for (std::size_t i = 1; i < count; ++i) {
          const ir::Type* other = arg_any(i, type);
          if (other->is_error()) continue;
          if (!other->is_numeric()) return wrong(i, "a number, as argument 1 is");
          if (other != type) type = floating;
        }
        for (std::size_t i = 0; i < count; ++i) {
          if (out->operands[i]->type->is(ir::TypeKind::kInt) && type == floating) promote(i);
        }
        return done(type);
      }
      for (std::size_t i = 1; i < count; ++i) arg_as(i, first);
      return done(first);
    }
    case ir::Builtin::kAbs: {
      const ir::Type* type = arg_any(0);
      if (!type->is_numeric() && !type->is(ir::TypeKind::kDuration)) return wrong(0, "a number");
      return done(type);
    }
    case ir::Builtin::kSorted:
    case ir::Builtin::kReversed: {
      const ir::Type* type = arg_any(0, expected);
      if (!type->is(ir::TypeKind::kList)) return wrong(0, "a list");
      if (info.builtin == ir::Builtin::kReversed) return done(type);
      bool keyed = count >= 2 && node.operands[1]->kind == ast::ExprKind::kKeyFunction;
      if (keyed) {
        out->operands.push_back(key_function(*node.operands[1], type));
      } else if (!orderable(type->element())) {
        return wrong(0,
                     "a list of values that can be ordered (numbers, str, bool, duration, and tuples, lists "
                     "and records of them), or a key: `sorted(xs, x => key)`");
      }
      for (std::size_t i = keyed ? 2 : 1; i < count; ++i) arg_as(i, types_->bool_type());
      return done(type);
    }
    case ir::Builtin::kKeys:
    case ir::Builtin::kValues: {
      const ir::Type* type = arg_any(0);
      if (!type->is(ir::TypeKind::kMap)) return wrong(0, "a map");
      return done(types_->list(type->args[info.builtin == ir::Builtin::kKeys ? 0 : 1]));
    }
    case ir::Builtin::kContains: {
      const ir::Type* type = arg_any(0);
      if (type->is(ir::TypeKind::kList)) {
        arg_as(1, type->element());
      } else if (type->is(ir::TypeKind::kMap)) {
        arg_as(1, type->args[0]);
      } else if (type->is(ir::TypeKind::kStr)) {
        arg_as(1, str);
      } else {
        expr(*node.operands[1]);
        return wrong(0, "a list, map or str");
      }
      return done(types_->bool_type());
    }
    case ir::Builtin::kSplit:
      for (std::size_t i = 0; i < count; ++i) arg_as(i, str);
      return done(types_->list(str));
    case ir::Builtin::kJoin:
      arg_as(0, types_->list(str));
      arg_as(1, str);
      return done(str);
    case ir::Builtin::kTrim:
    case ir::Builtin::kLower:
    case ir::Builtin::kUpper: arg_as(0, str); return done(str);
    case ir::Builtin::kStartsWith:
      arg_as(0, str);
      arg_as(1, str);
      return done(types_->bool_type());
    case ir::Builtin::kBytes: arg_as(0, str); return done(types_->list(integer));
    case ir::Builtin::kChr: arg_as(0, integer); return done(str);
    case ir::Builtin::kOrd: arg_as(0, str); return done(integer);
    case ir::Builtin::kSqrt:
    case ir::Builtin::kSin:
    case ir::Builtin::kCos:
    case ir::Builtin::kFloor:
    case ir::Builtin::kPow: {
      for (std::size_t i = 0; i < count; ++i) {
        const ir::Type* type = arg_any(i);
        if (type->is(ir::TypeKind::kInt)) {
          promote(i);
        } else if (!type->is(ir::TypeKind::kFloat)) {
          return wrong(i, "a number");
        }
      }
      return done(floating);
    }
    case ir::Builtin::kHash: {
      const ir::Type* type = arg_any(0);
      if (type->is(ir::TypeKind::kChannel)) return wrong(0, "a value (not a channel)");
      return done(integer);
    }
    case ir::Builtin::kStr: arg_any(0); return done(str);
    case ir::Builtin::kFormat: {
      const ir::Type* type = arg_any(0);
      arg_as(1, str);
      // A spec written in the program is checked now; a computed one when it runs.
      const ir::Expr& spec = *out->operands[1];
      if (spec.kind == ir::ExprKind::kStrLiteral) {
        check_format_spec(spec.as<std::string>(), spec.span, type, out->operands[0].get());
      }
      return done(str);
    }
    case ir::Builtin::kInt: {
      const ir::Type* type = arg_any(0);
      if (!type->is_numeric() && !type->is(ir::TypeKind::kStr) && !type->is(ir::TypeKind::kBool)) {
        return wrong(0, "a float, str, bool or int");
      }
      return done(integer);
    }
    case ir::Builtin::kFloat: {
      const ir::Type* type = arg_any(0);
      if (!type->is_numeric() && !type->is(ir::TypeKind::kStr)) return wrong(0, "an int, str or float");
      return done(floating);
    }
    case ir::Builtin::kAttempt: return done(integer);
    case ir::Builtin::kPush:
    case ir::Builtin::kPop: {
      bool is_push = info.builtin == ir::Builtin::kPush;
      const ir::Type* type = arg_any(0);
      if (!type->is(ir::TypeKind::kList)) {
        if (is_push) expr(*node.operands[1]);
        return wrong(0, "a list variable");
      }
      require_place_argument(*out->operands[0], info.name, "a list");
      if (is_push) {
        arg_as(1, type->element());
        return done(void_type);
      }
      return done(types_->optional(type->element()));
    }
  }
  return error_expr(node.span);
}

}  // namespace taskc::check
