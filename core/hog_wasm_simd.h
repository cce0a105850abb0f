// Internal to core/ (face_detector.cpp only): three of the HOG face
// detector's inner loops written with WebAssembly SIMD intrinsics, for the
// WebAssembly build only (POSECHECK_WASM_HOG_KERNELS, on by default).
// Natively nothing here is compiled: dlib's own SSE code runs.
//
// Why: through Emscripten's SSE emulation these loops ran 1.5-1.9x slower
// than the same dlib code natively (README "Build choices" has the figures).
//   - dlib::float_spatially_filter_image_separable on float planes: the
//     detector's 10x10 filters, rank 1-3 each, on every pyramid level (about
//     a third of detection). Here the taps are splatted once per call, the
//     loops are unrolled for 10 taps, and dlib's scalar tail columns (summed
//     tap by tap) run four columns at a time in the same order.
//   - dlib::impl_fhog::get_gradient for rgbx pixels: dlib gathers 96 single
//     bytes into vectors per 8 pixels; here 8 whole-pixel loads and a mask.
//   - dlib's bilinear resize_image for rgb images, which builds each pyramid
//     level: 48 single-byte loads per 4 pixels become 4 loads and shuffles.
//
// Contract: bit-exact with dlib's code. The same integer, float and double
// operations run in the same order on the same lanes (dlib's simd8f is two
// 4-lane halves; each half here is one v128), so every output is identical.
// Tested in WebAssembly against dlib's own code on photos and odd sizes
// (tests/wasm/hog_kernels_test.cpp, run by tests/node/hog_kernels.test.mjs),
// and through the module: every detection score equals native to 1e-9.
//
// How: explicit specialisations of dlib's templates for exactly the types the
// detector uses. They must be seen before the detector is instantiated, and
// face_detector.cpp is the only file of the module that instantiates it.
#pragma once

#if defined(__wasm_simd128__) && !defined(POSECHECK_DLIB_HOG_ONLY)

#include <wasm_simd128.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms/fhog.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/image_transforms/spatial_filtering.h>

#include "dlib_image.h"

namespace posecheck {
namespace hog_wasm_simd {

using FloatPlane = dlib::array2d<float>;
using FloatFilter = dlib::matrix<float, 0, 1>;

// One 4-lane half of dlib's 8-wide tap loop: three accumulators over taps
// n = 0,3,6,..; 1,4,7,..; 2,5,8,..; the taps left over go to the first; then
// first + (second + third). `step` is 1 along a row, the row stride down a column.
template <int kTaps>
inline v128_t taps(const float* in, long step, const v128_t* f, long runtime_taps) {
  const long n_taps = kTaps > 0 ? kTaps : runtime_taps;
  v128_t t1 = wasm_f32x4_splat(0.0f), t2 = t1, t3 = t1;
  long n = 0;
  for (; n < n_taps - 2; n += 3) {
    t1 = wasm_f32x4_add(t1, wasm_f32x4_mul(wasm_v128_load(in + n * step), f[n]));
    t2 = wasm_f32x4_add(t2, wasm_f32x4_mul(wasm_v128_load(in + (n + 1) * step), f[n + 1]));
    t3 = wasm_f32x4_add(t3, wasm_f32x4_mul(wasm_v128_load(in + (n + 2) * step), f[n + 2]));
  }
  for (; n < n_taps; ++n) t1 = wasm_f32x4_add(t1, wasm_f32x4_mul(wasm_v128_load(in + n * step), f[n]));
  return wasm_f32x4_add(t1, wasm_f32x4_add(t2, t3));
}

// dlib's scalar tail loop for four neighbouring columns: taps summed in order.
inline v128_t in_order(const float* in, long step, const v128_t* f, long n_taps) {
  v128_t sum = wasm_f32x4_splat(0.0f);
  for (long n = 0; n < n_taps; ++n) sum = wasm_f32x4_add(sum, wasm_f32x4_mul(wasm_v128_load(in + n * step), f[n]));
  return sum;
}

// dlib::float_spatially_filter_image_separable's two passes (same border,
// same split between 8-wide columns and tail columns, each tail column summed
// in order as dlib's scalar loop does). kTaps > 0: both filters have kTaps.
template <int kTaps>
dlib::rectangle separable_filter(const FloatPlane& in, FloatPlane& out, const FloatFilter& row_filter,
                                 const FloatFilter& col_filter, FloatPlane& scratch, bool add_to) {
  const long row_taps = row_filter.size(), col_taps = col_filter.size();
  const long nr = in.nr(), nc = in.nc();
  out.set_size(nr, nc);
  const long first_row = col_taps / 2, first_col = row_taps / 2;
  const long last_row = nr - (col_taps - 1) / 2, last_col = nc - (row_taps - 1) / 2;
  const dlib::rectangle non_border(first_col, first_row, last_col - 1, last_row - 1);
  if (!add_to) dlib::zero_border_pixels(out, non_border);
  scratch.set_size(nr, nc);

  // The taps, each splatted once per call (on the stack up to 32 taps).
  constexpr long kOnStack = 32;
  v128_t rf_stack[kOnStack], cf_stack[kOnStack];
  std::vector<v128_t> rf_heap, cf_heap;
  v128_t* rf = row_taps <= kOnStack ? rf_stack : (rf_heap.resize(row_taps), rf_heap.data());
  v128_t* cf = col_taps <= kOnStack ? cf_stack : (cf_heap.resize(col_taps), cf_heap.data());
  for (long n = 0; n < row_taps; ++n) rf[n] = wasm_f32x4_splat(row_filter(n));
  for (long n = 0; n < col_taps; ++n) cf[n] = wasm_f32x4_splat(col_filter(n));

  for (long r = 0; r < nr; ++r) {
    const float* in_row = &in[r][0];
    float* s = &scratch[r][0];
    long c = first_col;
    for (; c < last_col - 7; c += 8) {
      wasm_v128_store(s + c, taps<kTaps>(in_row + c - first_col, 1, rf, row_taps));
      wasm_v128_store(s + c + 4, taps<kTaps>(in_row + c - first_col + 4, 1, rf, row_taps));
    }
    // dlib's scalar tail sums taps in order; four such columns at once.
    for (; c + 4 <= last_col; c += 4) wasm_v128_store(s + c, in_order(in_row + c - first_col, 1, rf, row_taps));
    for (; c < last_col; ++c) {
      float sum = 0;
      for (long n = 0; n < row_taps; ++n) sum += in_row[c - first_col + n] * row_filter(n);
      s[c] = sum;
    }
  }
  const long stride = nc;  // array2d rows are contiguous
  for (long r = first_row; r < last_row; ++r) {
    const float* s = &scratch[r - first_row][0];
    float* o = &out[r][0];
    long c = first_col;
    for (; c < last_col - 7; c += 8) {
      v128_t low = taps<kTaps>(s + c, stride, cf, col_taps);
      v128_t high = taps<kTaps>(s + c + 4, stride, cf, col_taps);
      if (add_to) {
        low = wasm_f32x4_add(low, wasm_v128_load(o + c));
        high = wasm_f32x4_add(high, wasm_v128_load(o + c + 4));
      }
      wasm_v128_store(o + c, low);
      wasm_v128_store(o + c + 4, high);
    }
    for (; c + 4 <= last_col; c += 4) {
      v128_t sum = in_order(s + c, stride, cf, col_taps);
      if (add_to) sum = wasm_f32x4_add(wasm_v128_load(o + c), sum);
      wasm_v128_store(o + c, sum);
    }
    for (; c < last_col; ++c) {
      float sum = 0;
      for (long m = 0; m < col_taps; ++m) sum += s[c + m * stride] * col_filter(m);
      if (add_to) o[c] += sum; else o[c] = sum;
    }
  }
  return non_border;
}

// Bytes 0-2 of each rgbx pixel (red, green, blue) as 32-bit lanes.
inline v128_t channel(v128_t pixels, int shift) {
  return wasm_v128_and(wasm_u32x4_shr(pixels, shift), wasm_i32x4_splat(0xFF));
}

// dlib's rgb get_gradient for four pixels: per channel the central
// differences and squared length, then the channel with the longest gradient
// (red over green on ties, then that over blue), as dlib's select() does.
inline void gradient4(const std::uint8_t* above, const std::uint8_t* row, const std::uint8_t* below, long c,
                      v128_t& gx, v128_t& gy, v128_t& len) {
  const v128_t left = wasm_v128_load(row + 4 * (c - 1)), right = wasm_v128_load(row + 4 * (c + 1));
  const v128_t top = wasm_v128_load(above + 4 * c), bottom = wasm_v128_load(below + 4 * c);
  v128_t dx[3], dy[3], l[3];
  for (int k = 0; k < 3; ++k) {
    dx[k] = wasm_i32x4_sub(channel(right, 8 * k), channel(left, 8 * k));
    dy[k] = wasm_i32x4_sub(channel(bottom, 8 * k), channel(top, 8 * k));
    l[k] = wasm_i32x4_add(wasm_i32x4_mul(dx[k], dx[k]), wasm_i32x4_mul(dy[k], dy[k]));
  }
  v128_t cmp = wasm_i32x4_gt(l[0], l[1]);
  const v128_t tx = wasm_v128_bitselect(dx[0], dx[1], cmp), ty = wasm_v128_bitselect(dy[0], dy[1], cmp);
  const v128_t tl = wasm_v128_bitselect(l[0], l[1], cmp);
  cmp = wasm_i32x4_gt(tl, l[2]);
  gx = wasm_f32x4_convert_i32x4(wasm_v128_bitselect(tx, dx[2], cmp));
  gy = wasm_f32x4_convert_i32x4(wasm_v128_bitselect(ty, dy[2], cmp));
  len = wasm_f32x4_convert_i32x4(wasm_v128_bitselect(tl, l[2], cmp));
}

template <typename View>
inline void rgbx_gradient8(int r, int c, const View& img, dlib::simd8f& grad_x, dlib::simd8f& grad_y, dlib::simd8f& len) {
  const auto* above = reinterpret_cast<const std::uint8_t*>(&img[r - 1][0]);
  const auto* row = reinterpret_cast<const std::uint8_t*>(&img[r][0]);
  const auto* below = reinterpret_cast<const std::uint8_t*>(&img[r + 1][0]);
  v128_t gx[2], gy[2], l[2];
  gradient4(above, row, below, c, gx[0], gy[0], l[0]);
  gradient4(above, row, below, c + 4, gx[1], gy[1], l[1]);
  grad_x = dlib::simd8f(dlib::simd4f(__m128(gx[0])), dlib::simd4f(__m128(gx[1])));
  grad_y = dlib::simd8f(dlib::simd4f(__m128(gy[0])), dlib::simd4f(__m128(gy[1])));
  len = dlib::simd8f(dlib::simd4f(__m128(l[0])), dlib::simd4f(__m128(l[1])));
}


// The bytes of four pixels picked by `index` (byte 0..31 of the 32 bytes
// lo:hi, one index per 32-bit lane), as 32-bit lanes.
inline v128_t pick_bytes(v128_t lo, v128_t hi, v128_t index) {
  const v128_t others_zero = wasm_i32x4_splat(int(0x80808000));  // swizzle gives 0 for indices >= 16
  const v128_t from_lo = wasm_v128_or(index, others_zero);
  const v128_t from_hi = wasm_v128_or(wasm_v128_and(wasm_i32x4_sub(index, wasm_i32x4_splat(16)), wasm_i32x4_splat(0xFF)), others_zero);
  return wasm_v128_or(wasm_i8x16_swizzle(lo, from_lo), wasm_i8x16_swizzle(hi, from_hi));
}

// dlib's bilinear resize_image for rgb images (interpolation.h), which builds
// each level of the detector's image pyramid: the same double and float
// arithmetic, but each 4-pixel block reads its source pixels with two 16-byte
// loads per row and byte shuffles instead of 48 single-byte loads. Blocks
// whose source pixels do not fit in 8 neighbouring pixels (downscaling by
// more than 2) or would read past the row end gather byte by byte, as dlib.
template <typename InImage>
void resize_rgbx_bilinear(const InImage& in_img_, dlib::array2d<rgbx_pixel>& out_img) {
  const dlib::const_image_view<InImage> in_img(in_img_);
  if (out_img.size() == 0 || in_img.size() == 0) return;
  const long in_nc = in_img.nc();
  const double x_scale = (in_img.nc() - 1) / (double)std::max<long>((out_img.nc() - 1), 1);
  const double y_scale = (in_img.nr() - 1) / (double)std::max<long>((out_img.nr() - 1), 1);
  double y = -y_scale;
  for (long r = 0; r < out_img.nr(); ++r) {
    y += y_scale;
    const long top = static_cast<long>(std::floor(y));
    const long bottom = std::min(top + 1, in_img.nr() - 1);
    const double tb_frac = y - top;
    double x = -4 * x_scale;
    const v128_t v_tb_frac = wasm_f32x4_splat(float(tb_frac));
    const v128_t v_inv_tb_frac = wasm_f32x4_splat(float(1 - tb_frac));
    const v128_t v_x_scale = wasm_f32x4_splat(float(4 * x_scale));
    v128_t v_x = wasm_f32x4_make(float(x), float(x + x_scale), float(x + 2 * x_scale), float(x + 3 * x_scale));
    const auto* top_row = reinterpret_cast<const std::uint8_t*>(&in_img[top][0]);
    const auto* bottom_row = reinterpret_cast<const std::uint8_t*>(&in_img[bottom][0]);
    auto* out_row = reinterpret_cast<std::uint8_t*>(&out_img[r][0]);
    long c = 0;
    for (;; c += 4) {
      v_x = wasm_f32x4_add(v_x, v_x_scale);
      const v128_t left = wasm_i32x4_trunc_sat_f32x4(v_x);  // _mm_cvttps_epi32 for these values
      const v128_t lr_frac = wasm_f32x4_sub(v_x, wasm_f32x4_convert_i32x4(left));
      const v128_t inv_lr_frac = wasm_f32x4_sub(wasm_f32x4_splat(1.0f), lr_frac);
      const v128_t tlf = wasm_f32x4_mul(v_inv_tb_frac, inv_lr_frac), trf = wasm_f32x4_mul(v_inv_tb_frac, lr_frac);
      const v128_t blf = wasm_f32x4_mul(v_tb_frac, inv_lr_frac), brf = wasm_f32x4_mul(v_tb_frac, lr_frac);
      const long left0 = wasm_i32x4_extract_lane(left, 0), right3 = wasm_i32x4_extract_lane(left, 3) + 1;
      if (right3 >= in_nc) break;
      // Per channel, the four source pixels of each corner as float lanes.
      v128_t tl[3], tr[3], bl[3], br[3];
      if (right3 - left0 < 8 && left0 + 8 <= in_nc) {
        const v128_t top_lo = wasm_v128_load(top_row + 4 * left0), top_hi = wasm_v128_load(top_row + 4 * left0 + 16);
        const v128_t bot_lo = wasm_v128_load(bottom_row + 4 * left0), bot_hi = wasm_v128_load(bottom_row + 4 * left0 + 16);
        const v128_t byte_of_left = wasm_i32x4_shl(wasm_i32x4_sub(left, wasm_i32x4_splat(int(left0))), 2);
        for (int k = 0; k < 3; ++k) {
          const v128_t at_left = wasm_i32x4_add(byte_of_left, wasm_i32x4_splat(k));
          const v128_t at_right = wasm_i32x4_add(at_left, wasm_i32x4_splat(4));
          tl[k] = wasm_f32x4_convert_i32x4(pick_bytes(top_lo, top_hi, at_left));
          tr[k] = wasm_f32x4_convert_i32x4(pick_bytes(top_lo, top_hi, at_right));
          bl[k] = wasm_f32x4_convert_i32x4(pick_bytes(bot_lo, bot_hi, at_left));
          br[k] = wasm_f32x4_convert_i32x4(pick_bytes(bot_lo, bot_hi, at_right));
        }
      } else {
        int l[4];
        wasm_v128_store(l, left);
        for (int k = 0; k < 3; ++k) {
          tl[k] = wasm_f32x4_make(top_row[4 * l[0] + k], top_row[4 * l[1] + k], top_row[4 * l[2] + k], top_row[4 * l[3] + k]);
          tr[k] = wasm_f32x4_make(top_row[4 * l[0] + 4 + k], top_row[4 * l[1] + 4 + k], top_row[4 * l[2] + 4 + k], top_row[4 * l[3] + 4 + k]);
          bl[k] = wasm_f32x4_make(bottom_row[4 * l[0] + k], bottom_row[4 * l[1] + k], bottom_row[4 * l[2] + k], bottom_row[4 * l[3] + k]);
          br[k] = wasm_f32x4_make(bottom_row[4 * l[0] + 4 + k], bottom_row[4 * l[1] + 4 + k], bottom_row[4 * l[2] + 4 + k], bottom_row[4 * l[3] + 4 + k]);
        }
      }
      // tlf*tl + trf*tr + blf*bl + brf*br, left to right, truncated to bytes.
      v128_t pixels = wasm_v128_and(wasm_v128_load(out_row + 4 * c), wasm_i32x4_splat(int(0xFF000000)));  // alpha kept
      for (int k = 0; k < 3; ++k) {
        v128_t v = wasm_f32x4_add(wasm_f32x4_mul(tlf, tl[k]), wasm_f32x4_mul(trf, tr[k]));
        v = wasm_f32x4_add(v, wasm_f32x4_mul(blf, bl[k]));
        v = wasm_f32x4_add(v, wasm_f32x4_mul(brf, br[k]));
        const v128_t byte = wasm_v128_and(wasm_i32x4_trunc_sat_f32x4(v), wasm_i32x4_splat(0xFF));  // static_cast<unsigned char>
        pixels = wasm_v128_or(pixels, wasm_i32x4_shl(byte, 8 * k));
      }
      wasm_v128_store(out_row + 4 * c, pixels);
    }
    // dlib's scalar tail, as written there.
    x = -x_scale + c * x_scale;
    for (; c < out_img.nc(); ++c) {
      x += x_scale;
      const long left = static_cast<long>(std::floor(x));
      const long right = std::min(left + 1, in_img.nc() - 1);
      const double lr_frac = x - left;
      const rgbx_pixel tl = in_img[top][left], tr = in_img[top][right];
      const rgbx_pixel bl = in_img[bottom][left], br = in_img[bottom][right];
      rgbx_pixel temp;
      dlib::assign_pixel(temp, 0);
      dlib::vector_to_pixel(temp, (1 - tb_frac) * ((1 - lr_frac) * dlib::pixel_to_vector<double>(tl) + lr_frac * dlib::pixel_to_vector<double>(tr)) +
                                      tb_frac * ((1 - lr_frac) * dlib::pixel_to_vector<double>(bl) + lr_frac * dlib::pixel_to_vector<double>(br)));
      dlib::assign_pixel(out_img[r][c], temp);
    }
  }
}

}  // namespace hog_wasm_simd
}  // namespace posecheck

namespace dlib {

template <>
inline rectangle float_spatially_filter_image_separable<array2d<float>, array2d<float>, matrix<float, 0, 1>,
                                                         matrix<float, 0, 1>>(
    const array2d<float>& in_img, array2d<float>& out_img, const matrix_exp<matrix<float, 0, 1>>& row_filter,
    const matrix_exp<matrix<float, 0, 1>>& col_filter, array2d<float>& scratch, bool add_to) {
  namespace k = posecheck::hog_wasm_simd;
  const auto& rows = row_filter.ref();
  const auto& cols = col_filter.ref();
  if (in_img.size() == 0) {
    out_img.clear();
    return rectangle();
  }
  // The frontal face detector's filters are all 10x10: unrolled for that.
  if (rows.size() == 10 && cols.size() == 10) return k::separable_filter<10>(in_img, out_img, rows, cols, scratch, add_to);
  return k::separable_filter<0>(in_img, out_img, rows, cols, scratch, add_to);
}

template <>
inline void resize_image<array2d<posecheck::rgbx_pixel>, array2d<posecheck::rgbx_pixel>>(
    const array2d<posecheck::rgbx_pixel>& in_img, array2d<posecheck::rgbx_pixel>& out_img, interpolate_bilinear) {
  posecheck::hog_wasm_simd::resize_rgbx_bilinear(in_img, out_img);
}

template <>
inline void resize_image<posecheck::DlibView<posecheck::rgbx_pixel>, array2d<posecheck::rgbx_pixel>>(
    const posecheck::DlibView<posecheck::rgbx_pixel>& in_img, array2d<posecheck::rgbx_pixel>& out_img, interpolate_bilinear) {
  posecheck::hog_wasm_simd::resize_rgbx_bilinear(in_img, out_img);
}

namespace impl_fhog {

template <>
inline void get_gradient<const_image_view<array2d<posecheck::rgbx_pixel>>>(
    const int r, const int c, const const_image_view<array2d<posecheck::rgbx_pixel>>& img, simd8f& grad_x,
    simd8f& grad_y, simd8f& len) {
  posecheck::hog_wasm_simd::rgbx_gradient8(r, c, img, grad_x, grad_y, len);
}

template <>
inline void get_gradient<const_image_view<posecheck::DlibView<posecheck::rgbx_pixel>>>(
    const int r, const int c, const const_image_view<posecheck::DlibView<posecheck::rgbx_pixel>>& img,
    simd8f& grad_x, simd8f& grad_y, simd8f& len) {
  posecheck::hog_wasm_simd::rgbx_gradient8(r, c, img, grad_x, grad_y, len);
}

}  // namespace impl_fhog
}  // namespace dlib

#endif  // __wasm_simd128__ && !POSECHECK_DLIB_HOG_ONLY
