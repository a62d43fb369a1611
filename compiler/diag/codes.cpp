#include "compiler/diag/codes.hpp"
#include "compiler/support/check.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <string>

namespace taskc::diag {
namespace {

struct Text {
  std::string_view title;
  std::string_view explanation;
};

// A switch without `default`, so that -Wswitch (an error with -Werror) catches
// a code added to codes.def without an explanation.
Text text(Code code) {
  switch (code) {
    case Code::kSyntaxError:
      return {"syntax error", R"(The parser found a token where the grammar does not allow one.

The message says what was expected and the caret points at the token that was
found instead. Often the real mistake is just before the caret: a missing `)`,
`}` or `,`, or a keyword used as a name.

    io task fetch(url: str) -> {      // error: expected a type after `->`
    io task fetch(url: str) -> str {  // fixed
)"};
    case Code::kUnterminatedString:
      return {"unterminated string literal", R"(A string literal must end with `"` on the line it starts on.

    print("hello)      // error
    print("hello")     // fixed

Write `\n` for a newline inside a string and `\"` for a quote. Text over
several lines goes between three quotes, as in Python, and ends with three:

    let page = """<p>
  hello, {name}
</p>"""
)"};
    case Code::kUnknownCharacter:
      return {"unknown character", R"(The source contains a character that cannot start any token, such as
`$`, `@`, `#`, or a non-ASCII character outside a string or comment.

    let price = $5     // error
    let price = 5      // fixed
)"};
    case Code::kInvalidLiteral:
      return {"invalid literal", R"(A number, duration or constant string is malformed or out of range.
Integers are 64-bit, so the largest is 9_223_372_036_854_775_807. Durations must
be a whole number of nanoseconds and shorter than about 292 years. Strings that
name files or C++ functions (`import`, `use`, `extern … = "…"`) cannot contain
`{…}` interpolations.

    let big = 99999999999999999999   // error: does not fit in int
    let big = 9_999_999_999          // fixed
)"};
    case Code::kUnknownEscape:
      return {"unknown escape sequence", R"(Inside a string, a backslash starts an escape. The escapes are `\n`,
`\t`, `\r`, `\0`, `\xNN` (any byte as two hexadecimal digits: `\x1b` is ESC),
`\"`, `\\`, and `\{` and `\}` for literal braces (a bare `{` starts an
interpolation). Strings printed inside lists and records are written with the
same escapes.

    print("50\% off")     // error: `\%` is not an escape
    print("50% off")      // fixed
)"};
    case Code::kCallOfNonName:
      return {"only tasks, flows and builtins can be called",
              R"(The language has no function values: a call names the task, flow or
builtin it calls.

    (fetch)(url)        // error
    fetch(url)          // fixed
)"};
    case Code::kInvalidAssignTarget:
      return {"cannot assign to this expression", R"(The left side of `=`, `+=` and the other assignments, and the first
argument of `push` and `pop`, must be a place that holds a value: a variable,
an element of a list or map, or a field of a record.

    len(xs) = 3         // error
    xs[0] = 3           // fixed: a list element
    page.status = 200   // fixed: a record field
)"};
    case Code::kNestedTooDeeply:
      return {"the program nests too deeply",
              R"(Brackets and the prefix operators `not`, `-` and `try` may nest at most 200
deep, an expression at most 500 levels (terms of one operator chain), and a
statement at most 2,000 rules of the grammar (a chain of `else if`s). Every phase of the compiler, and the C++
compiler after it, walks the program recursively; the limit keeps them all
within their stack, whatever the input. Name the inner parts instead:

    let total = a + b + c       // instead of one chain of thousands of terms
    let inner = [[1, 2], [3]]
    let outer = [inner, inner]
)"};
    case Code::kMethodCall:
      return {"a method call", R"(The language has no methods: a function takes the value it works on as its
first argument. The message names the function for Python's common methods.

    let port = opts.get("port")           // error
    let port = get(opts, "port", "80")    // fixed: a default when the key is missing
    words.append(w)                       // error
    push(words, w)                        // fixed
    let parts = line.strip().split(",")   // error
    let parts = split(trim(line), ",")    // fixed
)"};
    case Code::kFloorDivision:
      return {"`//` after an operand starts a comment (a warning)",
              R"(`//` starts a comment that runs to the end of the line, so Python's floor
division silently drops the divisor and everything after it:

    let half = n // 2        // warning: this is `let half = n`
    let half = n / 2         // fixed: `/` of two ints is an int

`/` of two ints rounds toward zero, Python's `//` rounds down: they differ only
when the quotient is negative (`-7 / 2` is -3, Python's `-7 // 2` is -4). For
floats, `floor(a / b)`.

The warning appears when `//` follows a name, a number or a closing bracket on
the same line and what follows it reads like an operand: a number, a bracket or
a single name. A comment of words is left alone:

    let timeout = 5 // seconds to wait for the server
)"};
    case Code::kElif:
      return {"`elif`", R"(A chain of conditions is written `else if`, as in C, Rust and Go:

    if n < 0 { print("negative") }
    elif n == 0 { print("zero") }          // error
    else if n == 0 { print("zero") }       // fixed
    else { print("positive") }
)"};
    case Code::kSymbolicLogic:
      return {"`&&`, `||` or `!`", R"(The logical operators are the words `and`, `or` and `not`, as in Python:

    if done && !failed { … }              // error
    if done and not failed { … }          // fixed

`&`, `|`, `^`, `~`, `<<` and `>>` are the bitwise operators on ints.
)"};
    case Code::kForeignDeclaration:
      return {"a declaration in another language's words",
              R"(A variable is declared with `let`, its type inferred or written after a
colon; `let` variables can be assigned again. Other languages' words
(`var`, `val`, `auto`, or a type before the name) declare nothing here:

    var count = 0              // error
    int total = 0              // error
    let count = 0              // fixed
    let total: int = 0         // fixed, with the type written
)"};
    case Code::kDuplicateName:
      return {"a name is defined more than once",
              R"(All items of a program (types, consts, semaphores, shared values, tasks
and flows), including those of the files it `use`s, share one namespace, and
builtins such as `print` and `len` cannot be redefined.

    io task fetch(url: str) -> str { … }
    cpu task fetch(n: int) -> int { … }     // error: `fetch` again
    cpu task crunch(n: int) -> int { … }    // fixed
)"};
    case Code::kUnknownName:
      return {"unknown name", R"(A name was used that is not a local variable, a parameter, an item of
the program or a builtin. Check the spelling; the help line suggests a close
match when there is one. Locals are visible from their `let` to the end of the
block that contains it.

    let total = 0
    print(totl)         // error
    print(total)        // fixed
)"};
    case Code::kUnknownType:
      return {"unknown type", R"(A type name is neither a builtin type (int, float, bool, str, duration,
list[T], map[K, V], result[T], channel[T], tuples, T?) nor a `type` declared in
the program.

    io task fetch(url: str) -> Pgae { … }    // error
    type Page { url: str, body: str }
    io task fetch(url: str) -> Page { … }    // fixed
)"};
    case Code::kUseNotFound:
      return {"a used file cannot be read", R"(`use "file.task"` makes the items of another .task file visible. The
path is relative to the directory of the file that contains the `use`.

    use "lib/common.task"      // error if ./lib/common.task does not exist
)"};
    case Code::kUseCycle:
      return {"`use` makes a cycle", R"(Two or more files `use` each other. Files are loaded in the order of
their `use`s, so a cycle has no first file.

    // a.task
    use "b.task"
    // b.task
    use "a.task"      // error

Move what both files need into a third file that both of them `use`.
)"};
    case Code::kDuplicateLocal:
      return {"a local is defined twice in one block",
              R"(A `let` introduces a name for the rest of its block; a second `let` of
the same name in the same block is a mistake. Assign instead, or use another
name. An inner block may reuse a name of an outer one.

    let n = 1
    let n = 2       // error
    n = 2           // fixed
)"};
    case Code::kDuplicateMember:
      return {"a field or parameter appears twice",
              R"(Each field of a record type and each parameter of a task must have its
own name.

    type Page { url: str, url: str }     // error
    type Page { url: str, body: str }    // fixed
)"};
    case Code::kBadMainSignature:
      return {"`main` has a signature the command line cannot give",
              R"(The parameters of `flow main` are the executable's positional
arguments, parsed from the command line. They can be int, float, str, bool or
duration, and the last one may be `list[str]` to take the rest. `main` returns
nothing (exit status 0) or an `int`, the exit status.

    flow main(pages: list[Page]) { … }          // error
    flow main(list_file: str) -> int { … }      // fixed
)"};
    case Code::kUnknownErrorKind:
      return {"unknown error kind", R"(`retry … on` and `catch` name error kinds. The kinds are Timeout,
Cancelled, Failed, IoError, HttpError, WorkerCrashed and Arithmetic. In a
`catch`, one lower-case name binds the error instead: `catch e { print(e.kind) }`.

    retry 3 on TimeOut        // error
    retry 3 on Timeout        // fixed
)"};
    case Code::kNotAValue:
      return {"a name that is not a value is used as one",
              R"(Tasks and builtins must be called to give a value; semaphores and types
are not values at all.

    let r = fetch             // error
    let r = fetch(url)        // fixed
    let s = net               // error: a semaphore; use `with net { … }`
)"};
    case Code::kNotCallable:
      return {"this name cannot be called", R"(Only tasks, flows and builtins can be called. A record type is built
with braces, and a variable holds a value, not a task.

    let p = Page(url)                 // error
    let p = Page { url: url }         // fixed
)"};
    case Code::kPythonConstant:
      return {"`True`, `False` or `None`", R"(The constants are written in lower case: `true`, `false` and `none`.

    let done = False       // error
    let done = false       // fixed
    if page == None { … }  // error
    if page == none { … }  // fixed
)"};
    case Code::kTypeMismatch:
      return {"mismatched types", R"(A value of one type was given where another is expected. There are no
implicit conversions except int to float in arithmetic (`1 + 2.5`), and T to T?
(a value where an optional is expected). Convert explicitly with `int(…)`,
`float(…)` or `str(…)`.

    let ratio: float = 1          // error: int where float is expected
    let ratio: float = 1.0        // fixed
    let name: str = 42            // error
    let name = str(42)            // fixed

Where a test of `none` has narrowed an optional to its inner type (inside
`if x != none { … }`, or below `if x == none { return }`), it cannot be given
a value that may be none: reads there rely on it holding one.

    if m != none { m = lookup(k) }     // error: lookup returns `int?`
    if m != none { m = m + 1 }         // fine: still a value

A narrowed field (`if p.note != none { … }`) works the same, and its local
cannot be given a new value there, which could make the field none:

    if p.note != none { p = other }    // error: p.note may become none
)"};
    case Code::kWrongArgumentCount:
      return {"wrong number of arguments", R"(A call passes more or fewer arguments than the task or builtin takes.
The note shows the signature.

    http_get()                  // error: takes 1 argument
    http_get("http://x/")       // fixed
)"};
    case Code::kBadOperands:
      return {"an operator cannot combine these types",
              R"(Arithmetic works on numbers (`+` also joins two strings or two lists,
and durations add, subtract and scale), comparisons on values of one type
(`<` on numbers, strings and durations), `and`/`or`/`not` on bools, and `in` on a
list, map key set or string.

    "total: " + 3              // error
    "total: " + str(3)         // fixed
    "total: {3}"               // fixed, by interpolation
)"};
    case Code::kNoSuchField:
      return {"no such field", R"(The value has no field of that name. Records have the fields of their
`type`; results of `gather settle` have `ok`, `value`, `error` and `kind`;
tuples have `.0`, `.1`, …; optionals must be tested against `none` first.

    type Page { url: str, body: str }
    print(p.status)            // error: Page has no field `status`
)"};
    case Code::kCannotInfer:
      return {"the type cannot be inferred", R"(An empty list `[]`, an empty map `{}` or `none` says nothing about the
type of its elements. Give the variable a type.

    let seen = []                       // error
    let seen: list[str] = []            // fixed
    let best = none                     // error
    let best: int? = none               // fixed
)"};
    case Code::kNotIterable:
      return {"this value cannot be iterated", R"(`for` and `gather … for` walk lists, ranges (`0..n`, `0..=n`), maps
(their keys, or `(k, v)` pairs) and, in `for` only, channels.

    for c in "text" { … }               // error
    for c in bytes("text") { … }        // fixed
)"};
    case Code::kNotIndexable:
      return {"this value cannot be indexed", R"(`x[i]` reads an element of a list (an int index) or a map (a key).
Tuples use `.0`, `.1`, …; strings use `bytes(s)[i]` or `split`.

    let t = (1, "a")
    print(t[0])             // error
    print(t.0)              // fixed
)"};
    case Code::kNoValue:
      return {"this returns nothing", R"(A task declared without `-> T` returns nothing; calling it is a
statement, not a value. The same holds for builtins such as `print` and
`sleep`.

    let x = sleep(1s)       // error
    sleep(1s)               // fixed

In a `gather(…)` beside calls that return values, such a call has `_` in
the pattern's place for it:

    let (fed, total) = gather(feed(q), collect(q))   // error
    let (_, total) = gather(feed(q), collect(q))     // fixed

A `race(…)` may mix them too: its value is then optional, `none` when a
call without a value wins.

    let n = race(serve(addr, handle), client(base))   // n: int?
)"};
    case Code::kInvalidType:
      return {"invalid type", R"(A type is written wrongly: a generic with the wrong number of type
arguments, a map whose keys are not int or str, an optional of an optional, or
a channel used where it cannot be (a shared value).

    let m: map[float, int] = {}     // error: keys must be int or str
    let xs: list = []               // error: list[T] needs its element type
)"};
    case Code::kNotConstant:
      return {"a constant is required", R"(Some values must be known when compiling: `const` values are literal
scalars; semaphore sizes, `uses` permits and retry counts are int literals or
int consts; `timeout` and `backoff` clauses take duration literals or duration
consts. Shared values are initialised before any task runs, so their initial
value cannot call tasks or I/O builtins.

    const LIMIT = len(urls)       // error
    const LIMIT = 100             // fixed
    timeout 5                     // error: a duration needs a unit
    timeout 5s                    // fixed
)"};
    case Code::kRecordFields:
      return {"wrong fields in a record literal",
              R"(A record literal names each field of its type once. Fields whose type
is optional (`T?`) may be left out and are `none`.

    type Page { url: str, status: int }
    Page { url: u }                      // error: missing `status`
    Page { url: u, status: 200 }         // fixed
)"};
    case Code::kPatternArity:
      return {"the pattern does not match the value",
              R"(`let (a, b) = e` takes a tuple apart; the tuple must have exactly as
many elements as the pattern has names. `for (k, v) in m` needs a map, or a
list of pairs.

    let (a, b) = gather(f(), g(), h())    // error: three values, two names
    let (a, b, c) = gather(f(), g(), h()) // fixed

Patterns nest, and each part must fit: `for (i, (word, n)) in
enumerate(pairs)`. In `gather … for`, `race … for` and key functions a
pattern is one level deep; take the element apart with `let` instead.
)"};
    case Code::kBadReturn:
      return {"`return` does not match the declared result",
              R"(A task declared with `-> T` returns a T on every `return`; one without a
result type returns nothing.

    io task ping() { return 1 }            // error
    io task ping() -> int { return 1 }     // fixed
)"};
    case Code::kImmutable:
      return {"this cannot be changed", R"(Constants and loop variables cannot be assigned. A loop variable is bound
afresh on each step, so changing it would have no effect on the loop.

    const LIMIT = 10
    LIMIT = 20                 // error
    for x in xs { x += 1 }     // error
)"};
    case Code::kLoopControlOutsideLoop:
      return {"`break` or `continue` outside a loop",
              R"(`break` and `continue` only make sense inside `for` or `while`. To
leave a task early, use `return`.
)"};
    case Code::kMissingReturn:
      return {"a path through the body returns no value",
              R"(A task or flow declared with `-> T` must end every path with `return …`
(or `fail "…"`). The compiler checks `if`/`else`, `try`/`catch`, `with` and
`while true` loops without `break`.

    cpu task sign(x: int) -> int {
        if x < 0 { return -1 }
    }                                // error: nothing returned when x >= 0
)"};
    case Code::kBadFormatSpec:
      return {"a format spec that does not fit the value",
              R"(After a `:` inside `{…}`, a format spec says how to write the value, as in
Python: `[[fill]align][sign][#][0][width][,|_][.precision][type]`.

    align   `<` left, `>` right, `^` centred, `=` padding after the sign
    sign    `+` always, `-` only when negative (the default), ` ` a space for +
    ,  _    group thousands (`_` groups hex, octal and binary digits by four)
    type    ints: `d` `x` `X` `o` `b` (and `c`); floats, and ints promoted:
            `f` `F` `e` `E` `g` `G` `%`; any value: `s` or none

The spec is checked against the value's type when the program is compiled:

    print("{name:.2f}")        // error: `f` formats numbers, and `name` is a str
    print("{name:>10}")        // fixed: right-aligned in 10 characters
    print("{count:,}")         // 1,234,567
    print("{ratio:.1%}")       // 42.0%
    print("{n:08b}")           // 00001010

`format(value, spec)` takes the spec as a value, checked when it runs (a bad one
is a `ValueError`).
)"};
    case Code::kBadKeyFunction:
      return {"a key function where none can be, or one that cannot be a key",
              R"(`x => key` says what to order a list's elements by. It is an argument of
`sorted`, `min` and `max` only, and the key must be a value that can be
ordered (a number, str, bool, duration, or a tuple, list or record of them),
computed without waiting: no task calls.

    let by_age = sorted(people, p => p.age)               // youngest first
    let oldest = max(people, p => p.age)
    let top = sorted(counts_list, (word, n) => n, true)   // most frequent first
    let f = x => x + 1                                    // error: not an argument of sorted, min or max
    let s = sorted(urls, u => fetch(u))                   // error: the key calls a task
)"};
    case Code::kNotJson:
      return {"a type that JSON cannot hold",
              R"text(`json_decode[T](text)` and `json_encode(value)` work on the types JSON
can hold: int, float, bool, str, duration (as text: "250ms"), lists,
tuples (arrays), maps (objects; int keys are written as strings),
optionals (`null` for `none`) and records of those (objects, with fields
in the order they are declared). A channel, a `result[T]` from
`gather settle`, and the runtime's own `HttpResponse` and `ExecResult`
are not data that JSON can carry:

    let r = http_get(url)
    print(json_encode(r))                 // error: `HttpResponse` is not JSON

    type Reply { status: int, body: str }
    print(json_encode(Reply { status: r.status, body: r.body }))   // fixed

`json_decode` needs the type to decode into, written in brackets:
`json_decode[list[Event]](text)`.
)text"};
    case Code::kIntQuotientAsFloat:
      return {"a quotient of two ints used as a float (a warning)",
              R"text(`/` of two ints is an int, rounded toward zero (`7 / 2` is 3), as in C, Go
and Rust, not a fraction as in Python 3. When such a quotient then becomes
a float — in arithmetic with a float, beside a float in `min`, `max` or
`if … else`, or under a float's format spec — the fraction is already gone,
which is rarely what was meant:

    let share = hits / total * 100.0     // warning: 0.0 whenever hits < total
    print("{hits / total:.1%}")          // warning: prints 0.0%

    let share = float(hits) / total * 100.0   // fixed: a float quotient
    print("{float(hits) / total:.1%}")        // fixed

To keep the rounded quotient on purpose, say so: `float(hits / total)`.
)text"};
    case Code::kChannelInRace:
      return {"a channel operation as a competitor of a race",
              R"text(A race keeps the value of its first competitor to succeed and cancels the
others. A competitor that receives from a channel may take a value just
before it is cancelled, and that value is then dropped; one that sends may
deliver its value as another wins. So a race cannot choose one of several
channel operations (Go's `select`), and a competitor of a race may not send
or receive itself:

    let v = race(recv(orders), recv(refunds))      // error: may drop a value

To wait for a value with a time limit, `recv(ch) timeout D else none` never
loses one: a value handed over as the time runs out is kept. To wait on
several sources, let their producers send into one channel, with a record or
tuple that says where each value comes from:

    let events = channel[(str, int)](16)
    send(events, ("order", id))                    // in each producer
    let (kind, id) = recv(events)                  // one receiver
)text"};
    case Code::kBadRegex:
      return {"an invalid regular expression",
              R"text(A pattern written in the program (the second argument of `re_find`,
`re_find_all`, `re_matches`, `re_replace` or `re_split`) is compiled when the
program is, with RE2, and its message points into the pattern. Patterns are
RE2's syntax: Perl's, without backreferences and lookaround, which is what
makes every match take time linear in the text. In a `.task` string a
backslash is written twice:

    re_find(line, "(\d+")          // error: missing )
    re_find(line, "(\d+)")         // fixed
    re_find(line, "(?=x)")          // error: lookahead is not supported

A replacement refers to groups as `\1` … `\9` (`\0`: the whole match);
one that names a group the pattern does not have is this error too. A pattern
computed at run time is checked when it is first used (a `ValueError`).
)text"};
    case Code::kSharedWriteOutsideWith:
      return {"a shared value is written outside its `with`",
              R"(A `shared` value can be read anywhere, but written only inside
`with NAME { … }`, which holds its lock. Tasks run concurrently, and an
unguarded read-modify-write such as `counter += 1` loses updates: this is the
race condition of the classic threading example, which this rule makes
impossible to write.

    shared counter: int = 0
    io task hit() { counter += 1 }                  // error
    io task hit() { with counter { counter += 1 } } // fixed
)"};
    case Code::kCpuReachesIo:
      return {"a cpu task reaches I/O", R"(cpu tasks run on the CPU thread pool, one thread per core. A CPU worker
that waits for the network, a file, a timer or another task's channel stalls
every task queued behind it, so cpu tasks may call only cpu tasks and the pure
builtins (and print). Do the I/O in an io task or a flow and pass the data in:

    cpu task count(url: str) -> int {
        let page = http_get(url)            // error
        return len(split(page.body, " "))
    }

    cpu task count(text: str) -> int { return len(split(text, " ")) }
    flow main() {
        let page = http_get("http://127.0.0.1:8080/")
        print(count(page.body))            // fixed: I/O in the flow, CPU in the task
    }
)"};
    case Code::kBadClause:
      return {"a clause does not fit this task",
              R"(Clauses come after a task's signature: `uses S [n]` (hold n permits of
semaphore S), `uses R` (take a token of rate limit R), `timeout D`,
`retry N [backoff D] [on Kind, …]`, `in process` (cpu tasks only) and
`blocking` (extern io tasks only). Each may be given once, except that `uses`
names one semaphore and one rate limit: `uses net, api`. Permits must be at
least one and timeouts longer than zero; a call takes exactly one token.

    io task fetch(url: str) -> str in process { … }   // error: io task
    io task get(url: str) -> str uses api 2 { … }     // error: one token per call
)"};
    case Code::kBadWithTarget:
      return {"`with` needs a semaphore, a rate limit or a shared value",
              R"(`with S { … }` holds one permit of semaphore S, or the lock of shared
value S, for the duration of the block; `with R { … }` waits for a token of
rate limit R, then runs the block.

    let lock = 1
    with lock { … }       // error
)"};
    case Code::kSharedInProcess:
      return {"an `in process` task uses what lives in the main process",
              R"(An `in process` task runs in a worker process, with its own memory.
Shared values, semaphores and rate limits live in the main process, so the worker can neither
read them nor hold them. Pass values as arguments, and put `uses S` on the task
so that the caller holds the permit while the worker runs.
)"};
    case Code::kNotSerializable:
      return {"a value cannot cross to a worker process",
              R"(Arguments and results of `in process` tasks are copied between
processes. Channels are handles to queues in the main process and cannot be
copied there.
)"};
    case Code::kBadExternSymbol:
      return {"an extern task names no C++ function",
              R"(`extern io task f(…) = "ns::func"` binds a task to a C++ function,
named as C++ would name it, with its namespaces. `import` the header that
declares it.

    extern cpu task stem(w: str) -> str = "stem it"           // error
    extern cpu task stem(w: str) -> str = "wordstats::stem"   // fixed
)"};
    case Code::kBadImport:
      return {"an import is not a header's path",
              R"(`import "path/to/header.hpp"` becomes `#include "path/to/header.hpp"` in the
generated C++. The path may not contain a quote, a backslash, angle brackets
or control characters (a newline, a NUL): they would end the #include and let
the rest of the string be read as C++.

    import "wordstats.hpp\"\nint x;"     // error
    import "wordstats.hpp"                // fixed
)"};
    case Code::kBadSemaphore:
      return {"a semaphore or rate limit that could never let a call start",
              R"(`semaphore NAME = N` needs N of at least one; with none, every task
that uses it would wait forever. So does `ratelimit NAME = N per D`: at
least one call per period, and a period longer than zero.

    ratelimit api = 0 per 1s        // error
    ratelimit api = 10 per 1s       // fixed: a burst of 10, then one call every 100ms
)"};
    case Code::kPermitsExceedSemaphore:
      return {"a task needs more permits than its semaphore has",
              R"(`uses S n` holds n permits of S at once. If S has fewer than n, no call
could ever start.

    semaphore gpu = 2
    cpu task train() uses gpu 4 { … }      // error
)"};
    case Code::kUseBeforeDefinition:
      return {"a flow uses a value before its definition",
              R"(In a flow, each statement is a node of a graph and lets run as soon as
the values they read are ready, whatever their order in the source. A value
must still be defined above its first use: that is what keeps the graph free of
cycles.

    flow main() {
        print(total)                 // error
        let total = sum([1, 2])
    }
)"};
    case Code::kBadAfter:
      return {"`after` names no earlier let", R"(`let x = e after y, z` makes x wait for the lets that define y and z,
even though e does not read them. The names must be defined by earlier lets of
the same flow.
)"};
    case Code::kUnreachable:
      return {"a statement after a flow's `return`", R"(A flow returns once its return value is ready and every node has
finished; statements after `return` would never be part of its graph.
)"};
  }
  TASKC_UNREACHABLE("a diagnostic code without an explanation");
}

constexpr Code kAllCodes[] = {
#define TASKC_DIAGNOSTIC(name, number) Code::k##name,
#include "compiler/diag/codes.def"
#undef TASKC_DIAGNOSTIC
};

struct Registry {
  std::array<std::string, std::size(kAllCodes)> ids;
  std::array<CodeInfo, std::size(kAllCodes)> infos;

  Registry() {
    for (std::size_t i = 0; i < std::size(kAllCodes); ++i) {
      ids[i] = fmt::format("E{:04}", static_cast<int>(kAllCodes[i]));
      Text t = text(kAllCodes[i]);
      infos[i] = CodeInfo{kAllCodes[i], ids[i], t.title, t.explanation};
    }
  }
};

const Registry& registry() {
  static const Registry instance;
  return instance;
}

}  // namespace

std::span<const CodeInfo> all_codes() {
  return registry().infos;
}

const CodeInfo& info(Code code) {
  for (const CodeInfo& entry : registry().infos) {
    if (entry.code == code) return entry;
  }
  // Every enumerator comes from codes.def, like kAllCodes.
  TASKC_UNREACHABLE("a diagnostic code missing from the registry");
}

const CodeInfo* find_code(std::string_view text) {
  std::string digits(text);
  if (!digits.empty() && (digits[0] == 'E' || digits[0] == 'e')) digits.erase(0, 1);
  if (digits.empty() || digits.size() > 4 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return nullptr;
  }
  int number = std::stoi(digits);
  for (const CodeInfo& entry : registry().infos) {
    if (static_cast<int>(entry.code) == number) return &entry;
  }
  return nullptr;
}

}  // namespace taskc::diag
