// What programs built by the LLVM backend call: a C ABI over the same runtime
// the C++ backend's programs use (docs/backends.md).
//
// Each task body is an LLVM coroutine laid out as a C++ coroutine: its frame
// keeps, where a C++ coroutine keeps its promise, the runtime's promise and
// the body's LoweredCall (trt_frame_header_size bytes), so the runtime holds
// a body as a Task<void> of its own. When the body waits for something it
// asks for it here (trt_await_*, which leaves a Task, a sleep or a hop in its
// LoweredCall), then trt_suspend starts the wait and says whether to
// suspend, as a C++ awaiter's await_suspend. So clauses, cancellation,
// traces, --stats and executor hops are the runtime's own code for both
// backends, and a body resumes only from the runtime (never by a tail call
// of generated code).
//
// The functions are listed in lowered_abi.def; the descriptors below are
// constants the LLVM backend writes into the program, laid out as here.
#pragma once

#include <cstdint>

#include "taskrt/trace.hpp"

extern "C" {

struct trt_type;

// A task: its site (traces, --stats), its body, and its clauses.
struct trt_task {
  taskrt::TaskSite site;
  // The body's ramp: makes the coroutine (stopped before its first
  // statement) and returns its frame. `task` is this descriptor, or null.
  void* (*body)(void* args, void* result, std::int64_t attempt, const void* task);
  std::int64_t is_cpu;
  std::int64_t semaphore;  // an index into trt_program::semaphores, or -1
  std::int64_t permits;
  std::int64_t timeout_ns;   // -1: none
  std::int64_t retry_extra;  // attempts after the first; -1: no retry clause
  std::int64_t retry_backoff_ns;
  std::int64_t retry_on;     // an ErrorKindSet; 0: the default
  std::int64_t returns_int;  // main: its result is the exit status
  std::int64_t rate_limit;   // an index into trt_program::rate_limits, or -1
  // `in process`: its number among the program's process tasks (else -1), and
  // the types of its parameters and result (null: none), to send them.
  std::int64_t process_index;
  std::int64_t param_count;
  const trt_type* const* param_types;
  const trt_type* result_type;
  // Names the wait for the semaphore in a deadlock report (null: none).
  const char* semaphore_site;
};

struct trt_rate_limit {
  const char* name;
  std::int64_t count;
  std::int64_t period_ns;
};

// Values: int, duration and bool travel as themselves, float as its bits;
// every other value is a pointer to a counted box that knows its type. In
// lists, tuples, records, optionals and the arguments of a call, each value
// takes one 8-byte slot. A program describes its types with trt_type
// constants.
enum trt_kind : std::int64_t {
  trt_kind_int = 0,
  trt_kind_float = 1,
  trt_kind_bool = 2,
  trt_kind_str = 3,
  trt_kind_duration = 4,
  trt_kind_list = 5,
  trt_kind_tuple = 6,
  trt_kind_record = 7,
  trt_kind_optional = 8,
  trt_kind_channel = 9,
  trt_kind_map = 10,     // args: key (int or str), value
  trt_kind_result = 11,  // from `settle`; args: the value's type
  trt_kind_calls = 12,   // the runtime's own: the arguments of a gather's calls (trt_calls_new)
};

// How a gather over many elements ends (trt_await_each).
enum trt_each_mode : std::int32_t {
  trt_each_gather = 0,  // every result, failing fast
  trt_each_settle = 1,  // every result as a result[T]
  trt_each_race = 2,    // the first success
};

struct trt_type {
  std::int64_t kind;
  std::int64_t count;             // elements of a tuple, fields of a record, else 1 (or 0)
  const trt_type* const* args;    // the element types, field types, or the one inner type
  const char* const* names;       // a record's field names
  const char* name;               // a record's name
  const char* const* json_names;  // a record's keys in JSON (a field's `json` name, else its name)
};

// The integer and float operations trt_int_overflow, trt_int_divide and
// trt_float_divide name: so that their errors read as the C++ backend's.
enum trt_op : std::int32_t {
  trt_op_add = 0,
  trt_op_sub = 1,
  trt_op_mul = 2,
  trt_op_div = 3,
  trt_op_mod = 4,
  trt_op_pow = 5,
  trt_op_neg = 6,
  trt_op_shl = 7,
  trt_op_shr = 8,
};

// The bytes at the promise's place in a lowered body's frame (16-aligned):
// exactly a LoweredFrame (lowered_call.hpp), every byte of it in every frame.
inline constexpr std::int64_t trt_frame_header_size = 136;

// An open bound of a slice: xs[..b] is xs[trt_slice_start..b].
inline constexpr std::int64_t trt_slice_start = INT64_MIN;
inline constexpr std::int64_t trt_slice_end = INT64_MAX;

struct trt_semaphore {
  const char* name;
  std::int64_t permits;
  std::int64_t most_at_once;  // the most permits one task takes (for --limit)
};

// A parameter of `main`: an argument or option of the command line.
struct trt_param {
  const char* name;
  const char* type;            // as ProgramArgs::Param::type
  const char* option_default;  // null for an argument
  const char* default_source;
  const trt_type* value_type;
  const char* help;  // the comment at the end of its line, or ""
};

struct trt_program {
  const char* name;
  const char* description;
  std::int64_t semaphore_count;
  const trt_semaphore* semaphores;
  const trt_task* main;
  std::int64_t param_count;
  const trt_param* params;
  // A body run before main: it gives the `shared` values their first values.
  void* (*init)(void* args, void* result, std::int64_t attempt, const void* task);
  std::int64_t rate_limit_count;
  const trt_rate_limit* rate_limits;
  // The `in process` tasks, in the order of their process_index.
  std::int64_t process_task_count;
  const trt_task* const* process_tasks;
  // 1 when the program calls serve: it takes the server's options.
  std::int64_t serves;
};

// Each line of the list becomes a declaration: `TRT_FN(PTR, str_new, PTR data,
// I64 size)` is `void* trt_str_new(void* data, std::int64_t size);`.
#define TRT_TYPE_VOID void
#define TRT_TYPE_I1 bool
#define TRT_TYPE_I32 std::int32_t
#define TRT_TYPE_I64 std::int64_t
#define TRT_TYPE_F64 double
#define TRT_TYPE_PTR void*
#define PTR void*
#define I1 bool
#define I32 std::int32_t
#define I64 std::int64_t
#define F64 double
#define TRT_FN(result, name, ...) TRT_TYPE_##result trt_##name(__VA_ARGS__);
#define TRT_BUILTIN(name) bool trt_builtin_##name(void* call, void* types, void* args, void* out, void* result_type);
#define TRT_AWAIT_BUILTIN(name) \
  void trt_await_builtin_##name(void* call, void* types, void* args, void* out, void* result_type);
#include "taskrt/lowered_abi.def"
#undef TRT_AWAIT_BUILTIN
#undef TRT_BUILTIN
#undef TRT_FN
#undef PTR
#undef I1
#undef I32
#undef I64
#undef F64
#undef TRT_TYPE_VOID
#undef TRT_TYPE_I1
#undef TRT_TYPE_I32
#undef TRT_TYPE_I64
#undef TRT_TYPE_F64
#undef TRT_TYPE_PTR

}  // extern "C"
