// Keeping the build cache within its size. Every distinct program built is an
// entry of about a megabyte (more under sanitizers); without a bound, a user's
// cache grows with every edit. After one new entry in 32, the least recently
// used ones go until the cache is within three quarters of its limit:
// TASKC_CACHE_SIZE (`500M`, `4G`, or bytes), 4G unless set. A soft limit: entries
// used in the last ten minutes are never removed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string_view>

namespace taskc::driver {

// The size `text` names: digits with an optional K, M or G (powers of 1024).
std::optional<std::uintmax_t> parse_cache_size(std::string_view text);

// Marks the entry in `dir` as just used, for the order in which entries go.
void mark_cache_entry_used(const std::filesystem::path& dir);

// Removes least recently used entries under `root` while the cache is over
// its limit. Entries used in the last ten minutes stay: another taskc may be
// about to run the program it has just found there. Returns how many went.
int trim_cache(const std::filesystem::path& root, std::ostream& err);

// After the entry `key` is stored: trims the cache for one new entry in 32,
// chosen by the key. Measuring the cache reads every file in it (0.3 s for
// 3,000 entries), too much for each build; the limit is exceeded by a few
// dozen entries at most.
void after_new_cache_entry(const std::filesystem::path& root, std::uint64_t key, std::ostream& err);

}  // namespace taskc::driver
