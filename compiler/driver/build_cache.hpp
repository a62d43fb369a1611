// The build cache: one directory per program build, named by a hash of
// everything that determines the executable (generated code, compiler, flags,
// runtime). Headers the program includes from the user's tree (extern tasks)
// are not known before compiling, so each entry records the ones the compiler
// read, with their hashes, and a later lookup rebuilds when one has changed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace taskc::driver {

// FNV-1a, 64 bits: a cache key, not a security boundary.
std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 1469598103934665603ull);

// Where cached builds live: $TASKC_CACHE_DIR, else $XDG_CACHE_HOME/taskc,
// else ~/.cache/taskc.
std::filesystem::path cache_root();

// Whether every input recorded for the entry in `dir` still has the content
// it had when the entry was built. An entry without a record is unchanged.
bool recorded_inputs_unchanged(const std::filesystem::path& dir);

// Records, for the entry in `dir`, the inputs listed in the compiler's
// dependency file `depfile` (make syntax), except those under `ignored`
// (the entry's own generated files, the runtime's headers).
void record_inputs(const std::filesystem::path& dir, const std::filesystem::path& depfile,
                   const std::vector<std::filesystem::path>& ignored);

}  // namespace taskc::driver
