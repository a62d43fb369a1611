// The runtime's headers, precompiled. A C++ build of even a small program
// spends about half its time parsing taskrt.hpp (110,000 lines once
// preprocessed: 1.7 s of 3.9 s at -O0). The header is precompiled once per
// compiler, flags and version of the headers into the build cache, and every
// later build reads it with -include-pch. Clang only: GCC's precompiled
// headers are a different mechanism, not worth a second path.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace taskc::driver {

// The precompiled runtime header for clang `cxx` building with `flags`
// (`compiler_identity` is what it says of its version), precompiled first when
// the cache has none. Empty when there is none to be had: the build then
// parses the headers itself, as it would without. A header that cannot be
// precompiled is remembered, so as not to be tried again by every build;
// under `verbose`, the commands and the reason are said.
std::string runtime_pch(const std::string& cxx, const std::string& flags, const std::string& compiler_identity,
                        const std::string& include_dir, bool verbose, std::ostream& err);

// Whether a failed compile's `output` says the precompiled header was refused
// (changed since it was made, or damaged): the build is then tried again
// without it, and it goes, to be made again by the next build.
bool pch_was_refused(std::string_view output);

// Removes the precompiled header `pch`.
void forget_pch(const std::string& pch);

}  // namespace taskc::driver
