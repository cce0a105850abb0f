// Internal to core/ (and the research tools): a std::istream source over
// caller bytes, without copying them, for dlib's deserialise functions.
#pragma once

#include <cstddef>
#include <streambuf>

namespace posecheck {

struct ByteStreamBuf : std::streambuf {
  ByteStreamBuf(const void* data, std::size_t size) {
    // streambuf's get area is non-const, but nothing writes through it.
    char* p = const_cast<char*>(static_cast<const char*>(data));
    setg(p, p, p + size);
  }
};

}  // namespace posecheck
