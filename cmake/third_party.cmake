# dlib and libsvm sources, unpacked by scripts/setup.sh with `apt-get source`
# into third_party/src (never committed). Only the files used are compiled.
file(GLOB _dlib_dirs "${CMAKE_SOURCE_DIR}/third_party/src/dlib-*")
file(GLOB _libsvm_dirs "${CMAKE_SOURCE_DIR}/third_party/src/libsvm-*")
if(NOT _dlib_dirs OR NOT _libsvm_dirs)
  message(FATAL_ERROR "dlib/libsvm sources missing: run scripts/setup.sh (npm run build does)")
endif()
list(GET _dlib_dirs 0 DLIB_SOURCE_DIR)
list(GET _libsvm_dirs 0 LIBSVM_SOURCE_DIR)

find_package(Eigen3 3.3 REQUIRED NO_MODULE)

add_library(posecheck_third_party STATIC
  ${DLIB_SOURCE_DIR}/dlib/base64/base64_kernel_1.cpp               # detector model is base64 text
  ${DLIB_SOURCE_DIR}/dlib/entropy_decoder/entropy_decoder_kernel_2.cpp  # ... and compressed
  ${LIBSVM_SOURCE_DIR}/svm.cpp
)
# System includes: third-party warnings are not ours to fix.
target_include_directories(posecheck_third_party SYSTEM PUBLIC ${DLIB_SOURCE_DIR} ${LIBSVM_SOURCE_DIR})
target_link_libraries(posecheck_third_party PUBLIC Eigen3::Eigen)
target_compile_options(posecheck_third_party PRIVATE -w)
