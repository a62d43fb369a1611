// Randomness for programs (language.md, "Randomness"): random(), random_int
// and shuffle, from a fast generator (xoshiro256**) kept per thread, so no
// call takes a lock. Each thread's generator is seeded from the OS, or, after
// seed_random(N) (the `--seed N` of every program), from N and the order in
// which threads first draw: with --threads 1 a program's draws repeat.
// Worker processes of `in process` tasks draw from their own generators,
// seeded from the OS.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace taskrt {

// Seeds every thread's generator from `seed` (call before any draw).
void seed_random(std::uint64_t seed);

// The next 64 random bits of this thread's generator.
std::uint64_t random_bits();

// A float in [0, 1).
double random();
// An int in [lo, hi], both included, every one equally likely; ValueError
// when lo > hi.
std::int64_t random_int(std::int64_t lo, std::int64_t hi);

// Shuffles in place (Fisher-Yates): every order equally likely.
template <typename T>
void shuffle(std::vector<T>& xs) {
  for (std::size_t i = xs.size(); i > 1; --i) {
    auto j = static_cast<std::size_t>(random_int(0, static_cast<std::int64_t>(i - 1)));
    using std::swap;
    swap(xs[i - 1], xs[j]);
  }
}

}  // namespace taskrt
