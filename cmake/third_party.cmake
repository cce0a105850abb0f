# dlib and libsvm sources, unpacked by scripts/setup.sh with `apt-get source`
# into third_party/src (never committed). Only the files used are compiled.
file(GLOB _dlib_dirs "${CMAKE_SOURCE_DIR}/third_party/src/dlib-*")
file(GLOB _libsvm_dirs "${CMAKE_SOURCE_DIR}/third_party/src/libsvm-*")
if(NOT _dlib_dirs OR NOT _libsvm_dirs)
  message(FATAL_ERROR "dlib/libsvm sources missing: run scripts/setup.sh (npm run build does)")
endif()
list(GET _dlib_dirs 0 DLIB_SOURCE_DIR)
list(GET _libsvm_dirs 0 LIBSVM_SOURCE_DIR)

if(EMSCRIPTEN)
  # Emscripten's toolchain confines find_package to its sysroot; Eigen is
  # header-only, so point at Debian's headers directly (and only those).
  find_path(EIGEN3_INCLUDE_DIR Eigen/Core PATHS /usr/include/eigen3 NO_CMAKE_FIND_ROOT_PATH REQUIRED)
  add_library(Eigen3::Eigen INTERFACE IMPORTED)
  set_target_properties(Eigen3::Eigen PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${EIGEN3_INCLUDE_DIR})
else()
  find_package(Eigen3 3.3 REQUIRED NO_MODULE)
endif()

add_library(posecheck_third_party STATIC
  ${DLIB_SOURCE_DIR}/dlib/base64/base64_kernel_1.cpp               # detector model is base64 text
  ${DLIB_SOURCE_DIR}/dlib/entropy_decoder/entropy_decoder_kernel_2.cpp  # ... and compressed
  ${LIBSVM_SOURCE_DIR}/svm.cpp
)
# System includes: third-party warnings are not ours to fix.
target_include_directories(posecheck_third_party SYSTEM PUBLIC ${DLIB_SOURCE_DIR} ${LIBSVM_SOURCE_DIR})
target_link_libraries(posecheck_third_party PUBLIC Eigen3::Eigen)
target_compile_options(posecheck_third_party PRIVATE -w)
