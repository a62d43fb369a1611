// Value types of the language that C++ lacks: Map, a hash map that iterates in
// insertion order (as the language's maps do). Lists are std::vector, tuples
// std::tuple, optionals std::optional, durations std::chrono::nanoseconds.
//
// Thread-compatible, like the standard containers.
#pragma once

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace taskrt {

template <typename K, typename V>
class Map {
 public:
  using Entry = std::pair<K, V>;
  using key_type = K;
  using mapped_type = V;

  Map() = default;
  Map(std::initializer_list<Entry> entries) {
    for (const Entry& entry : entries) (*this)[entry.first] = entry.second;
  }

  // The value for `key`, inserted (default-constructed) at the end if absent.
  V& operator[](const K& key) {
    auto [it, inserted] = index_.try_emplace(key, entries_.size());
    if (inserted) entries_.emplace_back(key, V{});
    return entries_[it->second].second;
  }
  const V* find(const K& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &entries_[it->second].second;
  }
  V* find(const K& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &entries_[it->second].second;
  }
  bool contains(const K& key) const { return index_.count(key) != 0; }
  // Removes the entry for `key`, if there is one; the others keep their
  // order. Linear in the entries after it.
  void erase(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    std::size_t at = it->second;
    index_.erase(it);
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(at));
    for (std::size_t i = at; i < entries_.size(); ++i) index_[entries_[i].first] = i;
  }
  std::size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }

  auto begin() const noexcept { return entries_.begin(); }
  auto end() const noexcept { return entries_.end(); }
  auto begin() noexcept { return entries_.begin(); }
  auto end() noexcept { return entries_.end(); }

  friend bool operator==(const Map& a, const Map& b) { return a.entries_ == b.entries_; }

 private:
  std::vector<Entry> entries_;
  std::unordered_map<K, std::size_t> index_;
};

}  // namespace taskrt
