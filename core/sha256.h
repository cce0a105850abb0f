// SHA-256 of a byte buffer (FIPS 180-4), used to pin model files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace posecheck {

// Requires: data points to `size` readable bytes (data may be null only when
//   size == 0).
// Ensures: returns the SHA-256 digest of those bytes as 64 lowercase hex
//   characters. Pure; safe on several threads at once; throws only
//   std::bad_alloc.
std::string sha256_hex(const std::uint8_t* data, std::size_t size);

}  // namespace posecheck
