/* Emscripten 3.1.6's _mm_cvttps_epi32 converts one lane at a time through
 * lrint() (marked "TODO: optimize" in its emmintrin.h). dlib's bilinear resize,
 * which builds every level of the HOG detector's image pyramid, calls it four
 * times per four output pixels. This header wraps the system one and replaces
 * that function by WebAssembly SIMD with SSE2's exact semantics: truncation
 * toward zero, and 0x80000000 for NaN and for values outside int's range
 * (tested through the module: detections equal native; README "Build
 * choices" has the measured gain). Every other intrinsic is Emscripten's. */
#ifndef POSECHECK_SHIM_EMMINTRIN_H
#define POSECHECK_SHIM_EMMINTRIN_H

#define _mm_cvttps_epi32 posecheck_emscripten_mm_cvttps_epi32
#include_next <emmintrin.h>
#undef _mm_cvttps_epi32

static __inline__ __m128i __attribute__((__always_inline__, __nodebug__)) _mm_cvttps_epi32(__m128 a) {
  const v128_t truncated = wasm_i32x4_trunc_sat_f32x4((v128_t)a);
  /* False for NaN and for a >= 2^31; below -2^31 truncation already saturates to 0x80000000. */
  const v128_t in_range = wasm_f32x4_lt((v128_t)a, wasm_f32x4_splat(2147483648.0f));
  return (__m128i)wasm_v128_bitselect(truncated, wasm_i32x4_splat((int)0x80000000), in_range);
}

#endif
