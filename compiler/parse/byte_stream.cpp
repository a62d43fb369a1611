#include "compiler/parse/byte_stream.hpp"

namespace taskc::parse {

ByteStream::ByteStream(std::string_view bytes) {
  _data.reserve(bytes.size());
  for (char c : bytes) _data.push_back(static_cast<unsigned char>(c));
  p = 0;
}

}  // namespace taskc::parse
