// Internal to core/: exposes an ImageView to dlib's generic image interface
// (dlib/image_processing/generic_image.h) without copying pixels.
//
// RGBA memory is read as `rgbx_pixel`, a 4-byte pixel whose pixel_traits say
// "RGB": dlib's HOG then takes the strongest gradient over the three colour
// channels exactly as for an array2d<rgb_pixel> loaded from a file, and the
// shape predictor reads the same (r+g+b)/3 intensity. Alpha is ignored.
#pragma once

#include <dlib/image_processing/generic_image.h>
#include <dlib/pixel.h>

#include "image_view.h"

namespace posecheck {

struct rgbx_pixel {
  unsigned char red = 0, green = 0, blue = 0, ignored_alpha = 255;
};
static_assert(sizeof(rgbx_pixel) == 4, "rgbx_pixel must match RGBA memory");

// A read-only dlib image over caller memory. Pixel must match the view's format.
template <typename Pixel>
struct DlibView {
  const std::uint8_t* data = nullptr;
  long rows = 0, cols = 0, stride = 0;
};

using RgbaDlibView = DlibView<rgbx_pixel>;
using GrayDlibView = DlibView<unsigned char>;

// Requires: Pixel is rgbx_pixel for a kRgba32 view, unsigned char for kGray8
//   (not checked); the view's memory outlives the returned view.
// Ensures: a dlib image of v.height rows and v.width columns over v's
//   memory (no copy, no allocation, never throws). Call validate(v) first:
//   this does not check the view.
template <typename Pixel>
DlibView<Pixel> dlib_view(const ImageView& v) {
  return DlibView<Pixel>{v.data, v.height, v.width, static_cast<long>(v.stride_bytes)};
}

// dlib's generic image interface (generic_image.h): sizes, row stride in
// bytes, and the first pixel. Constant time, never throw.
template <typename Pixel> long num_rows(const DlibView<Pixel>& img) { return img.rows; }
template <typename Pixel> long num_columns(const DlibView<Pixel>& img) { return img.cols; }
template <typename Pixel> long width_step(const DlibView<Pixel>& img) { return img.stride; }
template <typename Pixel> const void* image_data(const DlibView<Pixel>& img) { return img.data; }
// dlib's const_image_view needs the non-const overload to exist; nothing writes.
template <typename Pixel> void* image_data(DlibView<Pixel>& img) { return const_cast<std::uint8_t*>(img.data); }

}  // namespace posecheck

namespace dlib {

template <>
struct pixel_traits<posecheck::rgbx_pixel> {
  constexpr static bool rgb = true;
  constexpr static bool bgr_layout = false;
  constexpr static bool rgb_alpha = false;
  constexpr static bool grayscale = false;
  constexpr static bool hsi = false;
  constexpr static bool lab = false;
  enum { num = 3 };
  typedef unsigned char basic_pixel_type;
  static basic_pixel_type min() { return 0; }
  static basic_pixel_type max() { return 255; }
  constexpr static bool is_unsigned = true;
  constexpr static bool has_alpha = false;
};

template <typename Pixel>
struct image_traits<posecheck::DlibView<Pixel>> {
  typedef Pixel pixel_type;
};
template <typename Pixel>
struct image_traits<const posecheck::DlibView<Pixel>> {
  typedef Pixel pixel_type;
};

}  // namespace dlib
