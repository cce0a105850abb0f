// The WebAssembly SIMD kernels of the HOG detector (core/hog_wasm_simd.h)
// against dlib's own code, in the same WebAssembly build: dlib's generic
// templates still run for types the kernels do not specialise (rgb_pixel
// images, filters given as expressions), so each comparison is kernel vs dlib
// on the same pixels. Every float must be identical (compared as bits).
//
// Usage (Node, built with NODERAWFS): hog_kernels_test.cjs [W H RGBA_FILE]...
// Prints one JSON line per case: {"case":..,"compared":N,"different":N}.
// Besides the given photos it checks synthetic images of odd sizes (1x1 up,
// widths not a multiple of 8 or 16), resizes to several sizes and filters of
// 1 to 40 taps.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <dlib/image_transforms/fhog.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/image_transforms/spatial_filtering.h>

#include "dlib_image.h"
#include "hog_wasm_simd.h"

#if !defined(__wasm_simd128__)
#error "hog_kernels_test checks the WebAssembly SIMD kernels: build it with Emscripten and -msimd128"
#endif

namespace {

using posecheck::rgbx_pixel;
using Hog = dlib::array<dlib::array2d<float>>;

struct Count {
  long compared = 0, different = 0;
};

void compare(const float* a, const float* b, long n, Count& count) {
  for (long i = 0; i < n; ++i) count.different += std::memcmp(a + i, b + i, sizeof(float)) != 0;
  count.compared += n;
}

void compare(const dlib::array2d<float>& a, const dlib::array2d<float>& b, Count& count) {
  if (a.nr() != b.nr() || a.nc() != b.nc()) {
    count.different += 1 + a.size() + b.size();
    return;
  }
  for (long r = 0; r < a.nr(); ++r) compare(&a[r][0], &b[r][0], a.nc(), count);
}

void compare(const Hog& a, const Hog& b, Count& count) {
  if (a.size() != b.size()) {
    count.different += 1;
    return;
  }
  for (std::size_t i = 0; i < a.size(); ++i) compare(a[i], b[i], count);
}

void report(const std::string& name, const Count& count) {
  std::printf("{\"case\":\"%s\",\"compared\":%ld,\"different\":%ld}\n", name.c_str(), count.compared, count.different);
}

// The separable filter on one plane, kernel against dlib, for filters of
// several lengths (10 taps is the detector's; 40 takes the kernel's heap
// path), writing and adding to the output.
void check_filter(const dlib::array2d<float>& plane, std::mt19937& rng, Count& count) {
  std::uniform_real_distribution<float> tap(-1.0f, 1.0f);
  for (int taps : {10, 1, 2, 3, 5, 11, 40}) {
    dlib::matrix<float, 0, 1> row(taps), col(taps);
    for (int k = 0; k < taps; ++k) row(k) = tap(rng), col(k) = tap(rng);
    for (bool add_to : {false, true}) {
      dlib::array2d<float> mine, theirs, scratch;
      // Same starting output for add_to: the plane itself.
      dlib::assign_image(mine, plane);
      dlib::assign_image(theirs, plane);
      const auto r1 = dlib::float_spatially_filter_image_separable(plane, mine, row, col, scratch, add_to);
      // dlib::mat(...) is an expression, not a matrix<float,0,1>: dlib's generic code runs.
      const auto r2 = dlib::float_spatially_filter_image_separable(plane, theirs, dlib::mat(&row(0), taps),
                                                                   dlib::mat(&col(0), taps), scratch, add_to);
      if (r1 != r2) count.different += 1;
      compare(mine, theirs, count);
    }
  }
}

// Bilinear resizes, kernel against dlib's rgb_pixel path: to the pyramid's
// next level (5/6) and to other sizes (smaller than 1/2 takes the kernel's
// byte-by-byte gather; larger and 1x1 as edge cases); from an array2d and from
// a view over caller memory. Compares red, green and blue, and that alpha is
// left as it was.
template <typename In>
void check_resize(const In& in, const dlib::array2d<dlib::rgb_pixel>& reference_in, Count& count) {
  const long nr = dlib::num_rows(reference_in), nc = dlib::num_columns(reference_in);
  const long sizes[][2] = {{(5 * nr) / 6 + (5 * nr % 6 >= 3), (5 * nc) / 6 + (5 * nc % 6 >= 3)},
                           {nr / 2 + 1, nc / 2 + 1}, {nr * 10 / 37 + 1, nc * 10 / 37 + 1}, {nr * 3 / 2, nc * 3 / 2 + 1},
                           {1, 1}, {nr, 1}, {1, nc}};
  for (const auto& size : sizes) {
    dlib::array2d<rgbx_pixel> mine(size[0], size[1]);
    dlib::array2d<dlib::rgb_pixel> theirs(size[0], size[1]);
    dlib::resize_image(in, mine, dlib::interpolate_bilinear());
    dlib::resize_image(reference_in, theirs, dlib::interpolate_bilinear());
    for (long r = 0; r < size[0]; ++r) {
      for (long c = 0; c < size[1]; ++c) {
        const rgbx_pixel a = mine[r][c];
        const dlib::rgb_pixel b = theirs[r][c];
        count.different += (a.red != b.red) + (a.green != b.green) + (a.blue != b.blue) + (a.ignored_alpha != 255);
        count.compared += 4;
      }
    }
  }
}

// Checks one RGBA image: HOG through both specialised gradient paths (an
// array2d of rgbx pixels, and a view over caller memory as the detector's
// first level) against dlib's rgb_pixel path; then the separable filter on
// that HOG's planes against dlib's, for several filter lengths.
void check_image(const std::string& name, long width, long height, const std::vector<unsigned char>& rgba,
                 std::mt19937& rng) {
  dlib::array2d<rgbx_pixel> rgbx(height, width);
  dlib::array2d<dlib::rgb_pixel> rgb(height, width);
  for (long r = 0; r < height; ++r) {
    for (long c = 0; c < width; ++c) {
      const unsigned char* p = &rgba[4 * (r * width + c)];
      rgbx[r][c] = rgbx_pixel{p[0], p[1], p[2], p[3]};
      rgb[r][c] = dlib::rgb_pixel(p[0], p[1], p[2]);
    }
  }
  const posecheck::RgbaDlibView view{rgba.data(), height, width, 4 * width};
  Hog reference, from_array, from_view;
  dlib::extract_fhog_features(rgb, reference, 8, 10, 10);
  dlib::extract_fhog_features(rgbx, from_array, 8, 10, 10);
  dlib::extract_fhog_features(view, from_view, 8, 10, 10);
  Count hog;
  compare(reference, from_array, hog);
  compare(reference, from_view, hog);
  report(name + " hog", hog);

  Count resized;
  check_resize(rgbx, rgb, resized);
  check_resize(view, rgb, resized);
  report(name + " resize", resized);

  Count filtered;
  for (std::size_t i = 0; i < reference.size(); i += 5) check_filter(reference[i], rng, filtered);
  report(name + " filter", filtered);
}

std::vector<unsigned char> synthetic(long width, long height, int pattern, std::mt19937& rng) {
  std::vector<unsigned char> rgba(4 * width * height);
  std::uniform_int_distribution<int> byte(0, 255);
  for (long r = 0; r < height; ++r) {
    for (long c = 0; c < width; ++c) {
      unsigned char* p = &rgba[4 * (r * width + c)];
      for (int k = 0; k < 3; ++k) {
        // 0: noise (every channel wins somewhere); 1: smooth ramps with ties
        // between channels (dlib's tie rules); 2: flat (zero gradients).
        p[k] = pattern == 0 ? byte(rng) : pattern == 1 ? (unsigned char)((r * 7 + c * (k + 3)) % 256) : 128;
      }
      p[3] = 255;
    }
  }
  return rgba;
}

}  // namespace

int main(int argc, char** argv) {
  std::mt19937 rng(20261201);
  for (int i = 1; i + 2 < argc; i += 3) {
    const long width = std::stol(argv[i]), height = std::stol(argv[i + 1]);
    std::ifstream in(argv[i + 2], std::ios::binary);
    std::vector<unsigned char> rgba(4 * width * height);
    if (!in.read(reinterpret_cast<char*>(rgba.data()), rgba.size())) {
      std::fprintf(stderr, "cannot read %ld x %ld RGBA from %s\n", width, height, argv[i + 2]);
      return 2;
    }
    check_image(argv[i + 2], width, height, rgba, rng);
  }
  const long sizes[][2] = {{1, 1}, {2, 2}, {3, 3}, {9, 9}, {17, 11}, {23, 41}, {33, 31}, {63, 65}, {127, 97}, {200, 1}, {1, 200}};
  for (const auto& s : sizes) {
    for (int pattern = 0; pattern < 3; ++pattern) {
      check_image("synthetic " + std::to_string(s[0]) + "x" + std::to_string(s[1]) + " pattern " + std::to_string(pattern),
                  s[0], s[1], synthetic(s[0], s[1], pattern, rng), rng);
    }
  }
  // Planes of odd sizes, smaller and larger than the filters.
  std::normal_distribution<float> value(0.0f, 1.0f);
  for (const auto& s : sizes) {
    dlib::array2d<float> plane(s[1], s[0]);
    for (long r = 0; r < plane.nr(); ++r)
      for (long c = 0; c < plane.nc(); ++c) plane[r][c] = value(rng);
    Count filtered;
    check_filter(plane, rng, filtered);
    report("synthetic plane " + std::to_string(s[0]) + "x" + std::to_string(s[1]) + " filter", filtered);
  }
  return 0;
}
