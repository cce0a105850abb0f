// ImageView: a non-owning view of caller-owned 8-bit pixels (gray or
// RGBA, rows top to bottom, any row stride). dlib reads it in place through
// the adapters in dlib_image.h; the core never copies the input pixels.
#pragma once

#include <cstddef>
#include <cstdint>

namespace posecheck {

enum class PixelFormat { kGray8, kRgba32 };

// Ensures: 1 for kGray8, 4 for kRgba32 (R, G, B, A bytes in that order).
int bytes_per_pixel(PixelFormat format);

// Largest image the checker accepts: 40 megapixels, and no side over 16384
// pixels. Larger images are refused with ErrorCode::kImageTooLarge before any
// allocation that scales with the image. (A 40 MP RGBA image is 160 MB of
// caller memory already; dlib's HOG pyramid would need several times that.)
constexpr std::int64_t kMaxImagePixels = 40'000'000;
constexpr int kMaxImageSide = 16384;

// Represents: width x height pixels at `data`, row r starting at
//   data + r * stride_bytes. The memory stays owned by the caller and must
//   outlive every use of the view.
struct ImageView {
  const std::uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  std::size_t stride_bytes = 0;
  PixelFormat format = PixelFormat::kRgba32;
};

// A tightly packed view (stride = width * bytes per pixel; 0 for width <= 0).
// Requires: nothing (it only fills in the fields; validate() checks them).
// Ensures: the view of data, width x height in `format`; never throws.
ImageView packed_view(const std::uint8_t* data, int width, int height, PixelFormat format);

// Ensures: returns normally only if the view is usable: data non-null,
//   1 <= width, height; width, height <= kMaxImageSide; width * height <=
//   kMaxImagePixels; stride_bytes >= width * bytes_per_pixel. Otherwise throws
//   posecheck::Error (kInvalidArgument or kImageTooLarge) saying which.
void validate(const ImageView& image);

// As validate(), for a size alone (e.g. read from a file header before
// decoding): throws Error kInvalidArgument when a side is below 1, and
// kImageTooLarge when a side is over kMaxImageSide or the area over
// kMaxImagePixels; returns normally otherwise.
void validate_size(std::int64_t width, std::int64_t height);

}  // namespace posecheck
