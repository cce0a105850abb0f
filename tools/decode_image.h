// Native image decoding for the CLI (JPEG, PNG, WebP) into RGBA, with the
// size checked from the file header before any pixel memory is allocated.
// The browser decodes images itself; this exists only for native tools.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "image_view.h"

namespace posecheck::cli {

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp };

// Identifies the format from the first bytes ("magic"), never the file name.
ImageFormat sniff_image_format(const std::vector<std::uint8_t>& bytes);
const char* image_format_name(ImageFormat f);

struct DecodedImage {
  std::vector<std::uint8_t> rgba;  // width * height * 4 bytes
  int width = 0, height = 0;
  ImageView view() const { return packed_view(rgba.data(), width, height, PixelFormat::kRgba32); }
};

// Reads width and height from the header. Throws Error kImageDecode when the
// header is missing or malformed.
void read_image_size(const std::vector<std::uint8_t>& bytes, ImageFormat format, int& width, int& height);

// Requires: bytes of a JPEG, PNG or WebP image within the pixel limits.
// Ensures: decoded RGBA (alpha 255 for opaque formats), or throws Error
//   (kImageDecode: not decodable / truncated / unsupported; kImageTooLarge).
DecodedImage decode_image(const std::vector<std::uint8_t>& bytes);

// Reads a whole file. Throws Error kIo with the path on failure; files larger
// than max_bytes are refused (kImageTooLarge) without reading them.
std::vector<std::uint8_t> read_file_bytes(const std::string& path, std::uint64_t max_bytes = 1ull << 31);

}  // namespace posecheck::cli
