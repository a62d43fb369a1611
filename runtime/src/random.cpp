#include "taskrt/random.hpp"

#include <fmt/format.h>

#include <atomic>
#include <random>

#include "taskrt/error.hpp"

namespace taskrt {
namespace {

std::atomic<bool> seeded{false};
std::atomic<std::uint64_t> seed_base{0};
std::atomic<std::uint64_t> threads_seeded{0};

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

// xoshiro256** (Blackman and Vigna): fast, 256 bits of state, passes BigCrush.
struct Generator {
  std::uint64_t s[4];

  Generator() {
    std::uint64_t state;
    if (seeded.load(std::memory_order_acquire)) {
      // The n-th thread to draw gets the n-th stream of the seed.
      std::uint64_t index = threads_seeded.fetch_add(1, std::memory_order_relaxed);
      state = seed_base.load(std::memory_order_relaxed) ^ (index * 0xD1B54A32D192ED03ULL);
    } else {
      std::random_device device;
      state = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    }
    for (std::uint64_t& word : s) word = splitmix64(state);
  }

  std::uint64_t next() {
    std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
};

Generator& generator() {
  thread_local Generator g;
  return g;
}

}  // namespace

void seed_random(std::uint64_t seed) {
  seed_base.store(seed, std::memory_order_relaxed);
  threads_seeded.store(0, std::memory_order_relaxed);
  seeded.store(true, std::memory_order_release);
}

std::uint64_t random_bits() {
  return generator().next();
}

double random() {
  // The top 53 bits: every double of the form k / 2^53.
  return static_cast<double>(random_bits() >> 11) * 0x1.0p-53;
}

std::int64_t random_int(std::int64_t lo, std::int64_t hi) {
  if (lo > hi) throw ValueError(fmt::format("random_int({}, {}): the low end is above the high end", lo, hi));
  std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<std::int64_t>(random_bits());
  // Lemire's nearly divisionless method: unbiased.
  std::uint64_t range = span + 1;
  unsigned __int128 product = static_cast<unsigned __int128>(random_bits()) * range;
  auto low = static_cast<std::uint64_t>(product);
  if (low < range) {
    std::uint64_t threshold = (0 - range) % range;
    while (low < threshold) {
      product = static_cast<unsigned __int128>(random_bits()) * range;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + static_cast<std::uint64_t>(product >> 64));
}

}  // namespace taskrt
