// Declarations: items, records, constants, semaphores, shared values, task
// signatures and clauses, and the signature of `main`.
#include <fmt/format.h>
#include <algorithm>
#include <cctype>

#include "compiler/check/checker.hpp"
#include "compiler/check/doc_comments.hpp"
#include "taskrt/program_options.hpp"

namespace taskc::check {
namespace {

// "name", "ns::name" or "::ns::name": what a C++ function can be called.
bool is_qualified_cpp_name(std::string_view text) {
  if (text.substr(0, 2) == "::") text.remove_prefix(2);
  while (true) {
    std::size_t end = text.find("::");
    std::string_view part = text.substr(0, end);
    if (part.empty() || std::isdigit(static_cast<unsigned char>(part[0]))) return false;
    for (char c : part) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    if (end == std::string_view::npos) return true;
    text.remove_prefix(end + 2);
  }
}

bool is_builtin_type_name(std::string_view name) {
  return name == "int" || name == "float" || name == "bool" || name == "str" || name == "duration" || name == "list" ||
         name == "map" || name == "result" || name == "channel";
}

}  // namespace

void Checker::declare_builtin_records() {
  auto add = [this](ir::RecordOrigin origin, std::string name,
                    std::vector<std::pair<std::string, const ir::Type*>> fields) {
    auto record = std::make_unique<ir::RecordDef>();
    record->name = std::move(name);
    record->origin = origin;
    for (auto& [field, type] : fields) record->fields.push_back(ir::Field{field, type, {}, {}});
    program_->records.push_back(std::move(record));
    return program_->records.back().get();
  };
  const ir::Type* str = types_->str_type();
  const ir::Type* integer = types_->int_type();
  http_response_record_ = add(ir::RecordOrigin::kHttpResponse, "HttpResponse",
                              {{"status", integer}, {"body", str}, {"headers", types_->map(str, str)}});
  http_request_record_ = add(ir::RecordOrigin::kHttpRequest, "HttpRequest",
                             {{"method", str},
                              {"path", str},
                              {"query", types_->map(str, str)},
                              {"headers", types_->map(str, str)},
                              {"body", str}});
  exec_result_record_ =
      add(ir::RecordOrigin::kExecResult, "ExecResult", {{"code", integer}, {"stdout", str}, {"stderr", str}});
  error_record_ = add(ir::RecordOrigin::kError, "Error", {{"kind", str}, {"message", str}});
}

void Checker::declare(const ast::Item& item) {
  if (item.kind == ast::ItemKind::kImport) {
    // The path is written into an #include: nothing in it may end the directive.
    auto unsafe = [](unsigned char c) {
      return c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '<' || c == '>';
    };
    if (item.name.empty() || std::any_of(item.name.begin(), item.name.end(), unsafe)) {
      error(diag::Code::kBadImport, item.name_span, "this import is not a header's path")
          .with_label(item.name.empty() ? "an empty path"
                                        : "contains a quote, backslash, angle bracket or control character")
          .note("an import becomes `#include \"…\"` in the generated C++");
      return;
    }
    if (std::find(program_->imports.begin(), program_->imports.end(), item.name) == program_->imports.end()) {
      program_->imports.push_back(item.name);
    }
    return;
  }
  if (item.kind == ast::ItemKind::kUse) return;

  if (const Symbol* previous = find_symbol(item.name)) {
    error(diag::Code::kDuplicateName, item.name_span, fmt::format("`{}` is defined more than once", item.name))
        .with_label("second definition")
        .label(previous->span, "first defined here")
        .help("items of a program, including those of the files it `use`s, share one namespace; rename one");
    return;
  }
  std::optional<ir::BuiltinInfo> builtin = ir::find_builtin(item.name);
  if (builtin || is_builtin_type_name(item.name) || ir::find_error_kind(item.name) ||
      program_->find_record(item.name)) {
    error(diag::Code::kDuplicateName, item.name_span, fmt::format("`{}` is already the name of a builtin", item.name))
        .with_label("this would hide the builtin")
        .help("choose another name");
    return;
  }

  Symbol symbol{Symbol::Kind::kTask, 0, item.name_span, &item};
  switch (item.kind) {
    case ast::ItemKind::kType: {
      symbol.kind = Symbol::Kind::kRecord;
      symbol.index = static_cast<std::uint32_t>(program_->records.size());
      auto record = std::make_unique<ir::RecordDef>();
      record->name = item.name;
      record->span = item.name_span;
      program_->records.push_back(std::move(record));
      break;
    }
    case ast::ItemKind::kConst:
      symbol.kind = Symbol::Kind::kConst;
      symbol.index = static_cast<std::uint32_t>(program_->consts.size());
      program_->consts.push_back(ir::Const{item.name, types_->error_type(), nullptr, item.name_span});
      break;
    case ast::ItemKind::kSemaphore:
      symbol.kind = Symbol::Kind::kSemaphore;
      symbol.index = static_cast<std::uint32_t>(program_->semaphores.size());
      program_->semaphores.push_back(ir::Semaphore{item.name, 1, item.name_span});
      break;
    case ast::ItemKind::kRateLimit:
      symbol.kind = Symbol::Kind::kRateLimit;
      symbol.index = static_cast<std::uint32_t>(program_->rate_limits.size());
      program_->rate_limits.push_back(ir::RateLimit{item.name, 1, 1'000'000'000, item.name_span});
      break;
    case ast::ItemKind::kShared:
      symbol.kind = Symbol::Kind::kShared;
      symbol.index = static_cast<std::uint32_t>(program_->shared.size());
      program_->shared.push_back(ir::Shared{item.name, types_->error_type(), nullptr, item.name_span});
      break;
    default: {
      symbol.kind = Symbol::Kind::kTask;
      symbol.index = static_cast<std::uint32_t>(program_->tasks.size());
      ir::Task task;
      task.name = item.name;
      task.span = item.name_span;
      task.kind = item.task_kind == ast::TaskKind::kCpu    ? ir::TaskKind::kCpu
                  : item.task_kind == ast::TaskKind::kFlow ? ir::TaskKind::kFlow
                                                           : ir::TaskKind::kIo;
      task.is_extern = item.kind == ast::ItemKind::kExternTask;
      task.extern_symbol = item.extern_symbol;
      task.result = types_->void_type();
      program_->tasks.push_back(std::move(task));
      break;
    }
  }
  symbols_.emplace(item.name, symbol);
}

void Checker::define_record(const ast::Item& item, ir::RecordDef& record) {
  for (const ast::Param& field : item.fields) {
    if (record.field(field.name)) {
      error(diag::Code::kDuplicateMember, field.name_span,
            fmt::format("field `{}` appears twice in `{}`", field.name, item.name))
          .with_label("again here")
          .label(record.field(field.name)->span, "first here");
      continue;
    }
    ir::Field added{field.name, resolve_type(field.type), field.name_span, field.json_name};
    for (const ir::Field& other : record.fields) {
      if (other.json_key() != added.json_key()) continue;
      error(diag::Code::kDuplicateMember, field.json_name.empty() ? field.name_span : field.json_name_span,
            fmt::format("fields `{}` and `{}` of `{}` are both the JSON key \"{}\"", other.name, field.name, item.name,
                        added.json_key()))
          .with_label("the same key again")
          .label(other.span, "first here");
    }
    record.fields.push_back(std::move(added));
  }
}

void Checker::check_const(const ast::Item& item, ir::Const& constant) {
  const ast::Expr& value = *item.value;
  bool literal = value.kind == ast::ExprKind::kIntLiteral || value.kind == ast::ExprKind::kFloatLiteral ||
                 value.kind == ast::ExprKind::kBoolLiteral || value.kind == ast::ExprKind::kDurationLiteral ||
                 (value.kind == ast::ExprKind::kStringLiteral && value.parts.size() == 1 && !value.parts[0].expr);
  if (!literal) {
    error(diag::Code::kNotConstant, value.span, fmt::format("the value of `const {}` is not a constant", item.name))
        .with_label("not a literal")
        .note("a const holds a literal int, float, bool, str or duration, known when compiling")
        .help("for a computed value, use `let` inside a task, or a `shared` value");
    return;
  }
  const ir::Type* declared = item.declared_type ? resolve_type(*item.declared_type) : nullptr;
  constant.value = declared ? expr_as(value, declared, fmt::format("the value of `{}`", item.name)) : expr(value);
  constant.type = declared ? declared : constant.value->type;
}

std::optional<std::int64_t> Checker::constant_int(const ast::Expr& value, std::string_view what) {
  if (value.kind == ast::ExprKind::kIntLiteral) return value.int_value;
  if (value.kind == ast::ExprKind::kName) {
    const Symbol* symbol = find_symbol(value.name);
    if (symbol && symbol->kind == Symbol::Kind::kConst) {
      const ir::Const& constant = program_->consts[symbol->index];
      if (constant.value && constant.value->kind == ir::ExprKind::kIntLiteral)
        return constant.value->as<std::int64_t>();
      if (constant.value == nullptr) return std::nullopt;
    }
  }
  error(diag::Code::kNotConstant, value.span, fmt::format("{} must be an integer constant", what))
      .with_label("not an int literal or int const");
  return std::nullopt;
}

std::optional<std::int64_t> Checker::constant_duration(const ast::Expr& value, std::string_view what) {
  if (value.kind == ast::ExprKind::kDurationLiteral) return value.int_value;
  if (value.kind == ast::ExprKind::kName) {
    const Symbol* symbol = find_symbol(value.name);
    if (symbol && symbol->kind == Symbol::Kind::kConst) {
      const ir::Const& constant = program_->consts[symbol->index];
      if (constant.value && constant.value->kind == ir::ExprKind::kDurationLiteral) {
        return constant.value->as<ir::Nanoseconds>().count;
      }
      if (constant.value == nullptr) return std::nullopt;
    }
  }
  auto& d = error(diag::Code::kNotConstant, value.span, fmt::format("{} must be a duration constant", what))
                .with_label("not a duration literal or duration const");
  if (value.kind == ast::ExprKind::kIntLiteral) {
    d.help(fmt::format("add a unit: `{}ms` or `{}s`", value.int_value, value.int_value));
  }
  return std::nullopt;
}

void Checker::check_semaphore(const ast::Item& item, ir::Semaphore& semaphore) {
  std::optional<std::int64_t> permits = constant_int(*item.value, fmt::format("the size of semaphore `{}`", item.name));
  if (!permits) return;
  if (*permits < 1) {
    error(diag::Code::kBadSemaphore, item.value->span,
          fmt::format("semaphore `{}` needs at least one permit", item.name))
        .with_label(fmt::format("{} permits", *permits))
        .note("with no permits every task that uses it would wait forever");
    return;
  }
  semaphore.permits = *permits;
}

void Checker::check_rate_limit(const ast::Item& item, ir::RateLimit& rate_limit) {
  std::optional<std::int64_t> count = constant_int(*item.value, fmt::format("the count of ratelimit `{}`", item.name));
  std::optional<std::int64_t> period =
      constant_duration(*item.period, fmt::format("the period of ratelimit `{}`", item.name));
  if (count && *count < 1) {
    error(diag::Code::kBadSemaphore, item.value->span,
          fmt::format("ratelimit `{}` needs at least one call per period", item.name))
        .with_label(fmt::format("{} calls", *count))
        .note("with no tokens every task that uses it would wait forever");
    return;
  }
  if (period && *period <= 0) {
    error(diag::Code::kBadSemaphore, item.period->span,
          fmt::format("the period of ratelimit `{}` must be longer than zero", item.name))
        .with_label("no time to spread the calls over")
        .help(fmt::format("write it like `ratelimit {} = 10 per 1s`", item.name));
    return;
  }
  if (count) rate_limit.count = *count;
  if (period) rate_limit.period_ns = *period;
}

void Checker::check_uses(const ast::Item& item, const ast::Clause& clause, ir::Task& task) {
  const Symbol* symbol = find_symbol(clause.name);
  if (symbol != nullptr && symbol->kind == Symbol::Kind::kRateLimit) {
    if (task.rate_limit) {
      error(diag::Code::kBadClause, clause.name_span, fmt::format("`{}` uses a second rate limit", item.name))
          .with_label("one rate limit per task")
          .help("declare one `ratelimit` for the calls this task makes");
      return;
    }
    if (clause.value) {
      error(diag::Code::kBadClause, clause.value->span, fmt::format("a call takes one token of `{}`", clause.name))
          .with_label("a rate limit has no permits to take")
          .help(fmt::format("write `uses {}`", clause.name));
    }
    task.rate_limit = ir::RateLimitId{symbol->index};
    return;
  }
  if (symbol == nullptr || symbol->kind != Symbol::Kind::kSemaphore) {
    auto& d = error(symbol ? diag::Code::kBadClause : diag::Code::kUnknownName, clause.name_span,
                    symbol ? fmt::format("`{}` is not a semaphore or a rate limit", clause.name)
                           : fmt::format("unknown semaphore or rate limit `{}`", clause.name))
                  .with_label("`uses` takes a semaphore or a rate limit");
    if (!symbol) {
      std::string hint = suggestion(clause.name);
      if (!hint.empty()) d.help(hint);
      d.note(
          fmt::format("declare one at the top level: `semaphore {0} = 4` or `ratelimit {0} = 10 per 1s`", clause.name));
    }
    return;
  }
  if (task.semaphore) {
    error(diag::Code::kBadClause, clause.name_span, fmt::format("`{}` uses a second semaphore", item.name))
        .with_label("one semaphore per task")
        .note("two semaphores taken one after the other can deadlock against a task taking them the other way")
        .help("hold the second with `with NAME { … }` inside the task, or use one semaphore for both");
    return;
  }
  task.semaphore = ir::SemaphoreId{symbol->index};
  if (!clause.value) return;
  std::optional<std::int64_t> permits = constant_int(*clause.value, "the number of permits");
  if (!permits) return;
  std::int64_t available = program_->semaphores[symbol->index].permits;
  if (*permits < 1) {
    error(diag::Code::kBadClause, clause.value->span, "a task must use at least one permit")
        .with_label(fmt::format("{} permits", *permits));
  } else if (*permits > available) {
    error(diag::Code::kPermitsExceedSemaphore, clause.value->span,
          fmt::format("`{}` uses {} permits of `{}`, which only has {}", item.name, *permits, clause.name, available))
        .with_label("more than the semaphore holds")
        .label(program_->semaphores[symbol->index].span, "declared here")
        .note("every call would wait forever");
  }
  task.permits = *permits;
}

void Checker::check_shared(const ast::Item& item, ir::Shared& shared) {
  shared.type = resolve_type(*item.declared_type);
  if (shared.type->is(ir::TypeKind::kChannel)) {
    error(diag::Code::kInvalidType, item.declared_type->span, "a channel cannot be a shared value")
        .with_label("channels are already safe to share")
        .help("pass the channel to the tasks that use it as an argument");
  }
  // The initial value is evaluated before any task runs: no calls of tasks.
  ir::Task* saved = task_;
  task_ = nullptr;
  shared.init = expr_as(*item.value, shared.type, fmt::format("the initial value of `{}`", item.name));
  task_ = saved;
}

void Checker::check_signature(const ast::Item& item, ir::Task& task) {
  std::set<std::string> seen;
  for (const ast::Param& param : item.params) {
    const ir::Type* type = resolve_type(param.type);
    if (!seen.insert(param.name).second) {
      error(diag::Code::kDuplicateMember, param.name_span, fmt::format("parameter `{}` appears twice", param.name))
          .with_label("again here");
    }
    task.params.push_back(ir::Param{param.name, type, 0, param.name_span, std::nullopt, {}});
    if (param.default_value) {
      check_option_default(item, *param.default_value, task.params.back());
    }
  }
  if (item.result) {
    task.result = resolve_type(*item.result);
  }
  if (item.kind == ast::ItemKind::kExternTask) {
    if (!is_qualified_cpp_name(item.extern_symbol)) {
      error(diag::Code::kBadExternSymbol, item.extern_span,
            fmt::format("`{}` is not a C++ function name", item.extern_symbol))
          .with_label("expected a name such as \"wordstats::stem\"")
          .help("name the C++ function, qualified with its namespaces, and `import` the header that declares it");
    }
  }
}

void Checker::check_clauses(const ast::Item& item, ir::Task& task) {
  std::set<ast::Clause::Kind> seen;
  for (const ast::Clause& clause : item.clauses) {
    static constexpr std::string_view kClauseNames[] = {"uses", "timeout", "retry", "in process", "blocking"};
    std::string_view clause_name = kClauseNames[static_cast<int>(clause.kind)];
    // `uses net, api` is two uses clauses; every other clause comes once.
    if (clause.kind != ast::Clause::Kind::kUses && !seen.insert(clause.kind).second) {
      error(diag::Code::kBadClause, clause.span, fmt::format("`{}` is given twice", clause_name))
          .with_label("second time")
          .help("give each clause once");
      continue;
    }
    switch (clause.kind) {
      case ast::Clause::Kind::kUses: check_uses(item, clause, task); break;
      case ast::Clause::Kind::kTimeout: {
        std::optional<std::int64_t> limit = constant_duration(*clause.value, "a timeout");
        if (limit && *limit <= 0) {
          error(diag::Code::kBadClause, clause.value->span, "a timeout must be longer than zero")
              .with_label("every attempt would time out at once");
        } else if (limit) {
          task.timeout_ns = *limit;
        }
        break;
      }
      case ast::Clause::Kind::kRetry: {
        ir::Retry retry;
        std::optional<std::int64_t> count = constant_int(*clause.value, "the number of retries");
        if (count && *count < 0) {
          error(diag::Code::kBadClause, clause.value->span, "the number of retries cannot be negative")
              .with_label(fmt::format("{}", *count));
        } else if (count) {
          retry.extra_attempts = *count;
        }
        if (clause.backoff) {
          std::optional<std::int64_t> backoff = constant_duration(*clause.backoff, "a backoff");
          if (backoff) retry.backoff_ns = *backoff;
        }
        for (std::size_t i = 0; i < clause.on_kinds.size(); ++i) {
          std::optional<ir::ErrorKind> kind = ir::find_error_kind(clause.on_kinds[i]);
          if (!kind) {
            error(diag::Code::kUnknownErrorKind, clause.on_spans[i],
                  fmt::format("unknown error kind `{}`", clause.on_kinds[i]))
                .with_label("not an error kind")
                .note("the kinds are " + ir::error_kind_list());
            continue;
          }
          retry.on |= ir::bit(*kind);
        }
        task.retry = retry;
        break;
      }
      case ast::Clause::Kind::kInProcess:
        if (task.kind != ir::TaskKind::kCpu) {
          error(diag::Code::kBadClause, clause.span, "only cpu tasks can run `in process`")
              .with_label(fmt::format("`{}` is an io task", item.name))
              .note("a worker process has no event loop; io tasks run on the caller's loop");
          break;
        }
        task.in_process = true;
        for (const ir::Param& param : task.params) {
          if (!is_serializable(param.type)) {
            error(diag::Code::kNotSerializable, param.span,
                  fmt::format("parameter `{}` of type `{}` cannot be sent to a worker process", param.name,
                              ir::type_name(param.type)))
                .with_label("contains a channel")
                .note("arguments and results of `in process` tasks are copied between processes");
          }
        }
        if (!is_serializable(task.result)) {
          error(diag::Code::kNotSerializable, item.result->span,
                fmt::format("the result type `{}` cannot come back from a worker process", ir::type_name(task.result)))
              .with_label("contains a channel");
        }
        break;
      case ast::Clause::Kind::kBlocking:
        if (!task.is_extern || task.kind != ir::TaskKind::kIo) {
          error(diag::Code::kBadClause, clause.span, "only `extern io` tasks can be `blocking`")
              .with_label("not an extern io task")
              .note("`blocking` says that the C++ function blocks, so it runs on the blocking-I/O thread pool");
          break;
        }
        task.blocking = true;
        break;
    }
  }
}

void Checker::check_task_body(const ast::Item& item, ir::Task& task) {
  task_ = &task;
  scopes_.clear();
  push_scope();
  declare_params(task);
  task.body = block(item.body);
  if (!task.result->is(ir::TypeKind::kVoid) && !task.result->is_error() && !always_returns(task.body)) {
    error(diag::Code::kMissingReturn, item.name_span,
          fmt::format("`{}` can finish without returning a value of type `{}`", item.name, ir::type_name(task.result)))
        .with_label("declared with a result")
        .help("end every path through the body with `return …` or `fail \"…\"`");
  }
  pop_scope();
  task_ = nullptr;
}

void Checker::declare_params(ir::Task& task) {
  for (ir::Param& param : task.params) {
    // A repeated parameter name was reported with its signature.
    if (const LocalBinding* previous = find_local(param.name)) {
      param.local = previous->id;
      continue;
    }
    param.local = declare_local(param.name, param.type, param.span, true);
  }
}

void Checker::check_option_default(const ast::Item& item, const ast::Expr& value, ir::Param& param) {
  if (item.name != "main" || item.kind != ast::ItemKind::kFlow) {
    error(diag::Code::kBadMainSignature, value.span, "only the parameters of `main` take defaults")
        .with_label("a default here")
        .note("a parameter of `main` with a default is an option of the program: `--workers 8`");
    return;
  }
  const ir::Type* type = param.type;
  if (type->is_error()) return;
  std::string text;
  bool fits = true;
  switch (value.kind) {
    case ast::ExprKind::kIntLiteral:
      fits = type->is(ir::TypeKind::kInt) || type->is(ir::TypeKind::kFloat);
      text = std::to_string(value.int_value);
      break;
    case ast::ExprKind::kFloatLiteral:
      fits = type->is(ir::TypeKind::kFloat);
      text = fmt::format("{}", value.float_value);
      break;
    case ast::ExprKind::kBoolLiteral:
      fits = type->is(ir::TypeKind::kBool);
      text = value.bool_value ? "true" : "false";
      break;
    case ast::ExprKind::kDurationLiteral:
      fits = type->is(ir::TypeKind::kDuration);
      text = fmt::format("{}ns", value.int_value);
      break;
    case ast::ExprKind::kStringLiteral:
      if (value.parts.size() == 1 && !value.parts[0].expr) {
        fits = type->is(ir::TypeKind::kStr);
        text = value.parts[0].text;
        break;
      }
      [[fallthrough]];
    default:
      error(diag::Code::kBadMainSignature, value.span, "the default of an option is a literal")
          .with_label("not a literal")
          .note("an option's default is shown by `--help`: write it as a number, string, bool or duration");
      return;
  }
  if (!fits || type->is(ir::TypeKind::kList)) {
    error(diag::Code::kTypeMismatch, value.span,
          fmt::format("the default of `{}` does not fit its type `{}`", param.name, ir::type_name(type)))
        .with_label("this default");
    return;
  }
  for (std::string_view reserved : taskrt::kRuntimeOptionNames) {
    if (!taskrt::same_option_name(reserved, param.name)) continue;
    error(diag::Code::kBadMainSignature, param.span,
          fmt::format("`--{}` is an option of every program; this one needs another name", reserved))
        .with_label("the same option");
    return;
  }
  param.option_default = std::move(text);
  param.default_source = std::string(sources_.get(value.span.file).text(value.span));
}

void Checker::check_main(const ast::Item& item, ir::Task& task) {
  // What --help says: the comments above `flow main` and at the end of each
  // parameter's line.
  std::string_view text = sources_.get(item.span.file).text();
  task.doc = comment_above(text, item.span.begin);
  if (task.doc.empty()) task.doc = fmt::format("Built by taskc from {}.", sources_.get(item.span.file).path());
  for (std::size_t i = 0; i < task.params.size() && i < item.params.size(); ++i) {
    const ast::Param& param = item.params[i];
    task.params[i].doc = comment_after(text, param.default_value ? param.default_value->span.end : param.type.span.end);
  }
  for (std::size_t i = 0; i < task.params.size(); ++i) {
    const ir::Type* type = task.params[i].type;
    bool scalar = type->is(ir::TypeKind::kInt) || type->is(ir::TypeKind::kFloat) || type->is(ir::TypeKind::kStr) ||
                  type->is(ir::TypeKind::kBool) || type->is(ir::TypeKind::kDuration);
    // The rest of the arguments: a list[str] after every other argument (options may follow it).
    bool last_argument = std::all_of(task.params.begin() + static_cast<std::ptrdiff_t>(i) + 1, task.params.end(),
                                     [](const ir::Param& later) { return later.option_default.has_value(); });
    bool rest = last_argument && !task.params[i].option_default && type == types_->list(types_->str_type());
    if (!scalar && !rest && !type->is_error()) {
      error(diag::Code::kBadMainSignature, task.params[i].span,
            fmt::format("`main` cannot take a `{}` from the command line", ir::type_name(type)))
          .with_label("not a command-line type")
          .note(
              "main's parameters are the program's arguments: int, float, str, bool or duration, and a last "
              "`list[str]` that takes the rest");
    }
  }
  if (!task.result->is(ir::TypeKind::kVoid) && !task.result->is(ir::TypeKind::kInt) && !task.result->is_error()) {
    error(diag::Code::kBadMainSignature, item.result->span,
          fmt::format("`main` returns `{}`, but it can only return `int` (the exit status) or nothing",
                      ir::type_name(task.result)))
        .with_label("not int");
  }
}

}  // namespace taskc::check
