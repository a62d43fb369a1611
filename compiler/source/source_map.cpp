#include "compiler/source/source_map.hpp"

#include <sys/stat.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace taskc::source {

const SourceFile& SourceMap::add(std::string path, std::string text) {
  FileId id = static_cast<FileId>(files_.size());
  return files_.emplace_back(id, std::move(path), std::move(text));
}

const SourceFile* SourceMap::load(const std::string& path, std::string& error) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    error = "cannot read `" + path + "`: " + std::strerror(errno);
    return nullptr;
  }
  if (S_ISDIR(info.st_mode)) {
    error = "cannot read `" + path + "`: it is a directory";
    return nullptr;
  }
  // A device or a pipe could be read forever (/dev/zero); a program is a file.
  if (!S_ISREG(info.st_mode)) {
    error = "cannot read `" + path + "`: it is not a regular file";
    return nullptr;
  }
  if (info.st_size > kMaxSourceSize) {
    error = "cannot read `" + path + "`: it is larger than 16 MiB, the most a .task file may be";
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read `" + path + "`: " + std::strerror(errno);
    return nullptr;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = "cannot read `" + path + "`: read failed";
    return nullptr;
  }
  return &add(path, std::move(text).str());
}

const SourceFile* SourceMap::find(const std::string& path) const {
  for (const SourceFile& file : files_) {
    if (file.path() == path) return &file;
  }
  return nullptr;
}

}  // namespace taskc::source
