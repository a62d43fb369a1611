// Regular expressions (language.md, "Regular expressions"), on RE2: linear
// time in the text whatever the pattern, so no input can make a match take
// exponential time. Patterns use RE2's syntax (Perl's, without
// backreferences and lookaround); strings are matched as UTF-8.
//
// Each thread keeps the patterns it has compiled, so a pattern is compiled
// once per thread however often it is used (a pattern written in the program
// has already been checked by the compiler). A pattern that does not compile
// is a ValueError with RE2's message.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace taskrt {

// The first match anywhere in `s`: the whole match, then each group ("" for a
// group that did not take part); none without a match.
std::optional<std::vector<std::string>> re_find(const std::string& s, const std::string& pattern);
// Every match, left to right, each as re_find gives it; after an empty match
// the search moves on by one character, as Python's finditer.
std::vector<std::vector<std::string>> re_find_all(const std::string& s, const std::string& pattern);
// Whether the whole of `s` matches.
bool re_matches(const std::string& s, const std::string& pattern);
// Every match replaced by `replacement`, in which \1 … \9 are the groups and
// \0 the whole match (\\ is a backslash).
std::string re_replace(const std::string& s, const std::string& pattern, const std::string& replacement);
// The pieces of `s` between the matches re_find_all finds (Python's re.split
// of a pattern without groups).
std::vector<std::string> re_split(const std::string& s, const std::string& pattern);

// Why `pattern` does not compile (RE2's message), or empty when it does,
// with the part of the pattern at fault in `fragment`; and the same for a
// replacement against a pattern. The compiler checks literal patterns with
// these.
std::string regex_error(const std::string& pattern, std::string* fragment = nullptr);
std::string replacement_error(const std::string& pattern, const std::string& replacement);

}  // namespace taskrt
