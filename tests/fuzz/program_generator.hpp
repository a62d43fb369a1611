// Random well-typed .task programs for the differential test of the two
// backends (fuzz_backends.cpp): integers near overflow, floats, strings
// and their functions, format specs, lists, maps, records, optionals,
// control flow, io tasks, cpu tasks on the pool and in worker processes,
// gathers, races, timeouts, channels, a shared value, failures and `try`.
// Deterministic output by construction: a program prints only from one task
// at a time, its gathers run one call at a time (limit 1), and its channels
// have one reader, so both backends must print exactly the same.
#pragma once

#include <cstdint>
#include <string>

namespace taskc::fuzz {

// The program for `seed`: the same seed gives the same program.
std::string generate_program(std::uint64_t seed);

// A flow and its sequential twin (fuzz_flows.cpp): `flow` has a random body
// of lets and effects in `flow main`; `sequential` has the same body in an io
// task that `flow main` calls. A flow reads top to bottom (language.md §7):
// its lets print nothing, so the two must print the same.
struct FlowPair {
  std::string flow;
  std::string sequential;
};
FlowPair generate_flow_pair(std::uint64_t seed);

}  // namespace taskc::fuzz
