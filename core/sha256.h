// SHA-256 of a byte buffer (FIPS 180-4), used to pin model files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace posecheck {

// Ensures: returns the digest as 64 lowercase hex characters.
std::string sha256_hex(const std::uint8_t* data, std::size_t size);

}  // namespace posecheck
