# The one place for compiler flags (native and Emscripten).
#
# SIMD: dlib's HOG detector and shape predictor have SSE2/SSE4.1/AVX paths
# chosen from the compiler's predefined macros (dlib/simd/simd_check.h).
# POSECHECK_SIMD picks the instruction set natively; measured with
# `posecheck bench` (see README, "Build choices"). SSE4.1 is the default:
# every x86-64 CPU of the last 15 years has it, and AVX measured no faster.
set(POSECHECK_SIMD "sse41" CACHE STRING "Native SIMD level for dlib: sse2, sse41 or avx")
set_property(CACHE POSECHECK_SIMD PROPERTY STRINGS sse2 sse41 avx)

add_compile_options(-Wall -Wextra -Wno-unused-parameter)

# dlib is used header-only plus two source files: no GUI, no BLAS/LAPACK
# (the detector and shape predictor use neither), no dlib::thread_pool.
add_compile_definitions(
  DLIB_NO_GUI_SUPPORT
  DLIB_DISABLE_ASSERTS      # dlib's debug asserts cost 2-3x in the detector
)

if(EMSCRIPTEN)
  # See wasm/CMakeLists.txt for the link flags; these are the compile flags.
  # The two choices below were measured (README, "Build choices"); the
  # alternatives stay selectable for re-measuring.
  set(POSECHECK_WASM_SIMD "sse41" CACHE STRING "dlib SIMD path in WebAssembly: sse41, sse2 or none")
  set(POSECHECK_WASM_EXCEPTIONS "wasm" CACHE STRING "Exception model: wasm (-fwasm-exceptions) or js (-fexceptions)")
  add_compile_options(-O3)
  if(POSECHECK_WASM_SIMD STREQUAL "sse41")
    add_compile_options(-msimd128 -msse4.1)  # dlib's SSE4.1 code compiles to WebAssembly SIMD
  elseif(POSECHECK_WASM_SIMD STREQUAL "sse2")
    add_compile_options(-msimd128 -msse2)
  endif()
  # The HOG detector's WebAssembly SIMD kernels (core/hog_wasm_simd.h), bit-exact
  # with dlib; OFF runs dlib's own code through the SSE emulation (re-measuring).
  option(POSECHECK_WASM_HOG_KERNELS "Use core/hog_wasm_simd.h in the WebAssembly build" ON)
  if(NOT POSECHECK_WASM_HOG_KERNELS)
    add_compile_definitions(POSECHECK_DLIB_HOG_ONLY)
  endif()
  if(POSECHECK_WASM_EXCEPTIONS STREQUAL "js")
    add_compile_options(-fexceptions)
    add_link_options(-fexceptions)
  else()
    add_compile_options(-fwasm-exceptions)   # native wasm exceptions: small, fast, real messages
    add_link_options(-fwasm-exceptions)
  endif()
  # Eigen's own SSE code does not build against Emscripten's SSE emulation.
  add_compile_definitions(EIGEN_DONT_VECTORIZE)
else()
  if(POSECHECK_SIMD STREQUAL "avx")
    add_compile_options(-mavx)
  elseif(POSECHECK_SIMD STREQUAL "sse41")
    add_compile_options(-msse4.1)
  endif()
  if(CMAKE_BUILD_TYPE STREQUAL "Release")
    add_compile_options(-O3)
  endif()
endif()

option(POSECHECK_SANITIZE "Build with AddressSanitizer and UBSan" OFF)
if(POSECHECK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer targets (fuzz/, scripts/fuzz.sh): clang only, in a separate build
# directory (build-fuzz). Everything, dlib and libsvm included, is built with
# coverage instrumentation, ASan and UBSan (UB aborts, so the fuzzer sees it).
option(POSECHECK_FUZZ "Build only the core and the libFuzzer targets in fuzz/ (clang)" OFF)
if(POSECHECK_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
