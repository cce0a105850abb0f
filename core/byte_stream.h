// Internal to core/ (and the research tools): a std::istream source over
// caller bytes, without copying them, for dlib's deserialise functions.
#pragma once

#include <cstddef>
#include <streambuf>

namespace posecheck {

// Represents: a read-only stream buffer over `size` bytes at `data`.
// Requires: data points to size readable bytes (or size == 0) that outlive
//   the buffer and every stream reading it; nothing writes through it.
// Ensures: a std::istream over it reads exactly those bytes, then EOF. No
//   copy is made and nothing throws.
struct ByteStreamBuf : std::streambuf {
  ByteStreamBuf(const void* data, std::size_t size) {
    // streambuf's get area is non-const, but nothing writes through it.
    char* p = const_cast<char*>(static_cast<const char*>(data));
    setg(p, p, p + size);
  }
};

}  // namespace posecheck
