#include "compiler/driver/cache_size.hpp"

#include <stdlib.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/compiler/driver/scratch_dir.hpp"

namespace fs = std::filesystem;
using taskc::driver::mark_cache_entry_used;
using taskc::driver::parse_cache_size;
using taskc::driver::trim_cache;

namespace {

struct TempCache {
  taskc::test::ScratchDir scratch{"taskc-cache-size"};
  const fs::path& root = scratch.path;
  // An entry of `bytes` last used `age` ago.
  fs::path entry(const std::string& key, std::size_t bytes, std::chrono::minutes age) {
    fs::path dir = root / key;
    fs::create_directories(dir);
    std::ofstream(dir / "program") << std::string(bytes, 'x');
    fs::last_write_time(dir, fs::file_time_type::clock::now() - age);
    return dir;
  }
};

struct CacheSize {
  explicit CacheSize(const char* size) { ::setenv("TASKC_CACHE_SIZE", size, 1); }
  ~CacheSize() { ::unsetenv("TASKC_CACHE_SIZE"); }
};

}  // namespace

TEST_CASE("cache sizes are bytes or K, M and G") {
  CHECK(parse_cache_size("1000") == 1000u);
  CHECK(parse_cache_size("4K") == 4096u);
  CHECK(parse_cache_size("500M") == 500u << 20);
  CHECK(parse_cache_size("4g") == std::uintmax_t{4} << 30);
  CHECK_FALSE(parse_cache_size(""));
  CHECK_FALSE(parse_cache_size("M"));
  CHECK_FALSE(parse_cache_size("4GB"));
  CHECK_FALSE(parse_cache_size("-1"));
  CHECK_FALSE(parse_cache_size("1.5G"));
  CHECK_FALSE(parse_cache_size("99999999999999999999"));
  CHECK_FALSE(parse_cache_size("99999999999G"));
}

TEST_CASE("a cache over its limit loses its least recently used entries, down to three quarters") {
  TempCache cache;
  CacheSize size("10K");
  cache.entry("00000000000000a1", 3000, std::chrono::minutes(60));
  cache.entry("00000000000000a2", 3000, std::chrono::minutes(50));
  fs::path used = cache.entry("00000000000000a3", 3000, std::chrono::minutes(40));
  cache.entry("00000000000000a4", 3000, std::chrono::minutes(30));
  std::ofstream(cache.root / "link-0000000000000001.args") << std::string(20000, 'x');
  mark_cache_entry_used(used);
  std::ostringstream err;
  // 12000 bytes of entries over 10240: the oldest two go, leaving 6000 <= 7680.
  CHECK(trim_cache(cache.root, err) == 2);
  CHECK_FALSE(fs::exists(cache.root / "00000000000000a1"));
  CHECK_FALSE(fs::exists(cache.root / "00000000000000a2"));
  CHECK(fs::exists(used / "program"));
  CHECK(fs::exists(cache.root / "00000000000000a4" / "program"));
  CHECK(fs::exists(cache.root / "link-0000000000000001.args"));
  CHECK(err.str().empty());
  CHECK(trim_cache(cache.root, err) == 0);
}

TEST_CASE("entries used in the last minutes stay, over the limit or not") {
  TempCache cache;
  CacheSize size("1K");
  cache.entry("00000000000000b1", 3000, std::chrono::minutes(1));
  cache.entry("00000000000000b2", 3000, std::chrono::minutes(0));
  std::ostringstream err;
  CHECK(trim_cache(cache.root, err) == 0);
  CHECK(fs::exists(cache.root / "00000000000000b1" / "program"));
}

TEST_CASE("a bad TASKC_CACHE_SIZE is a warning, and the default limit holds") {
  TempCache cache;
  CacheSize size("lots");
  cache.entry("00000000000000c1", 3000, std::chrono::minutes(60));
  std::ostringstream err;
  CHECK(trim_cache(cache.root, err) == 0);
  CHECK(err.str().find("TASKC_CACHE_SIZE=`lots` is not a size") != std::string::npos);
  CHECK(fs::exists(cache.root / "00000000000000c1" / "program"));
}

TEST_CASE("one new entry in 32, chosen by its key, trims the cache") {
  TempCache cache;
  CacheSize size("1K");
  cache.entry("00000000000000d1", 3000, std::chrono::minutes(60));
  std::ostringstream err;
  taskc::driver::after_new_cache_entry(cache.root, 33, err);
  CHECK(fs::exists(cache.root / "00000000000000d1"));
  taskc::driver::after_new_cache_entry(cache.root, 64, err);
  CHECK_FALSE(fs::exists(cache.root / "00000000000000d1"));
}
