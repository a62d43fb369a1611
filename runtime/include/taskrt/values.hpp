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
    if (V* value = find(key)) return *value;
    entries_.emplace_back(key, V{});
    added();
    return entries_.back().second;
  }
  const V* find(const K& key) const {
    std::size_t at = position(key);
    return at == kAbsent ? nullptr : &entries_[at].second;
  }
  V* find(const K& key) {
    std::size_t at = position(key);
    return at == kAbsent ? nullptr : &entries_[at].second;
  }
  bool contains(const K& key) const { return position(key) != kAbsent; }
  // Removes the entry for `key`, if there is one; the others keep their
  // order. Linear in the entries after it.
  void erase(const K& key) {
    std::size_t at = position(key);
    if (at == kAbsent) return;
    if (indexed()) index_.erase(entries_[at].first);
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(at));
    if (!indexed()) {
      index_.clear();
    } else {
      for (std::size_t i = at; i < entries_.size(); ++i) index_[entries_[i].first] = i;
    }
  }
  std::size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }

  auto begin() const noexcept { return entries_.begin(); }
  auto end() const noexcept { return entries_.end(); }
  auto begin() noexcept { return entries_.begin(); }
  auto end() noexcept { return entries_.end(); }

  friend bool operator==(const Map& a, const Map& b) { return a.entries_ == b.entries_; }

 private:
  // Up to this many entries a key is found by walking them: most maps are
  // small (headers, a query, options), and there a walk beats hashing and the
  // index's allocations.
  static constexpr std::size_t kIndexedFrom = 9;
  static constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);

  bool indexed() const noexcept { return entries_.size() >= kIndexedFrom; }
  std::size_t position(const K& key) const {
    if (!indexed()) {
      for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].first == key) return i;
      }
      return kAbsent;
    }
    auto it = index_.find(key);
    return it == index_.end() ? kAbsent : it->second;
  }
  // Indexes the entry just added, or all of them once there are enough.
  void added() {
    if (entries_.size() == kIndexedFrom) {
      for (std::size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
    } else if (indexed()) {
      index_.emplace(entries_.back().first, entries_.size() - 1);
    }
  }

  std::vector<Entry> entries_;
  std::unordered_map<K, std::size_t> index_;  // only while indexed()
};

}  // namespace taskrt
