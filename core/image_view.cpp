#include "image_view.h"

#include <string>

#include "errors.h"

namespace posecheck {

int bytes_per_pixel(PixelFormat format) {
  switch (format) {
    case PixelFormat::kGray8: return 1;
    case PixelFormat::kRgba32: return 4;
  }
  return 0;
}

ImageView packed_view(const std::uint8_t* data, int width, int height, PixelFormat format) {
  ImageView v;
  v.data = data;
  v.width = width;
  v.height = height;
  v.format = format;
  v.stride_bytes = static_cast<std::size_t>(width > 0 ? width : 0) * bytes_per_pixel(format);
  return v;
}

void validate_size(std::int64_t width, std::int64_t height) {
  if (width < 1 || height < 1) {
    throw Error(ErrorCode::kInvalidArgument,
                "image size " + std::to_string(width) + "x" + std::to_string(height) + " is empty: width and height must be at least 1");
  }
  if (width > kMaxImageSide || height > kMaxImageSide || width * height > kMaxImagePixels) {
    throw Error(ErrorCode::kImageTooLarge,
                "image of " + std::to_string(width) + "x" + std::to_string(height) + " pixels is over the limit (" +
                    std::to_string(kMaxImagePixels / 1000000) + " megapixels, " + std::to_string(kMaxImageSide) +
                    " pixels a side): downscale it first");
  }
}

void validate(const ImageView& image) {
  if (image.data == nullptr) throw Error(ErrorCode::kInvalidArgument, "image has no pixel data");
  validate_size(image.width, image.height);
  const std::size_t min_stride = static_cast<std::size_t>(image.width) * bytes_per_pixel(image.format);
  if (image.stride_bytes < min_stride) {
    throw Error(ErrorCode::kInvalidArgument, "image row stride " + std::to_string(image.stride_bytes) +
                                                 " bytes is smaller than width x bytes per pixel (" + std::to_string(min_stride) + ")");
  }
}

}  // namespace posecheck
