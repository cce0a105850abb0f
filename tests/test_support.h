// Shared helpers for the core test suite.
//
// Data in ../shared (research-only, never shipped) is optional: a test that
// needs it calls POSECHECK_REQUIRE_SHARED, which skips with a clear message
// when the file is absent. The environment variable POSECHECK_SHARED
// overrides the compiled default location (POSECHECK_SHARED_DIR).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <gtest/gtest.h>

#ifndef POSECHECK_SOURCE_DIR
#error "POSECHECK_SOURCE_DIR must be defined by tests/CMakeLists.txt"
#endif
#ifndef POSECHECK_SHARED_DIR
#error "POSECHECK_SHARED_DIR must be defined by tests/CMakeLists.txt"
#endif

namespace posecheck_test {

inline bool path_exists(const std::string& path) {
  struct stat st;
  return !path.empty() && ::stat(path.c_str(), &st) == 0;
}

// The root of ../shared: $POSECHECK_SHARED if set and non-empty, else the
// compiled default.
inline std::string shared_root() {
  const char* env = std::getenv("POSECHECK_SHARED");
  if (env != nullptr && *env != '\0') return env;
  return POSECHECK_SHARED_DIR;
}

// Full path of `rel` (relative to the shared root, e.g. "data/reference/model_landmark.txt"),
// or "" when it does not exist.
inline std::string shared_data_path(const std::string& rel) {
  const std::string p = shared_root() + "/" + rel;
  return path_exists(p) ? p : std::string();
}

// Full path of `rel` inside the source tree, or "" when it does not exist.
inline std::string source_path(const std::string& rel) {
  const std::string p = std::string(POSECHECK_SOURCE_DIR) + "/" + rel;
  return path_exists(p) ? p : std::string();
}

// Whole file as bytes in a string. Fails the calling test (and returns "")
// when the file cannot be read.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::uint8_t> read_bytes(const std::string& path) {
  const std::string s = read_file(path);
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

}  // namespace posecheck_test

// Declares `var` = path of ../shared/<rel>, or skips the current test with
// "needs ../shared/<rel> (absent): <what>". Use at test-body level (GTEST_SKIP
// returns from the enclosing function).
#define POSECHECK_REQUIRE_SHARED(var, rel, what)                                                        \
  const std::string var = ::posecheck_test::shared_data_path(rel);                                      \
  if (var.empty()) {                                                                                    \
    GTEST_SKIP() << "needs ../shared/" << (rel) << " (absent under " << ::posecheck_test::shared_root() \
                 << "; set POSECHECK_SHARED to override): " << (what);                                  \
  }
