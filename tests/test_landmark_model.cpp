// LandmarkModel::from_bytes: dlib's 68-point model (Debian libdlib-data,
// installed by setup) loads with and without its pinned SHA-256; a wrong pin
// is kModelChecksum before any parsing; empty, random and truncated bytes are
// kModelFormat, never a crash. The 99.7 MB file is parsed three times in
// all (pinned, unpinned, minus its last byte), ~1 s each.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "errors.h"
#include "image_view.h"
#include "landmark_model.h"
#include "sha256.h"
#include "test_support.h"

namespace {

using posecheck::ErrorCode;
using posecheck::LandmarkModel;

const char* kModelPath = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";

// Expects from_bytes to throw posecheck::Error with `code`; returns its message.
std::string expect_error(const std::uint8_t* data, std::size_t size, const std::string& pin, ErrorCode code,
                         const std::string& what) {
  try {
    LandmarkModel::from_bytes(data, size, pin);
    ADD_FAILURE() << what << ": loaded without error";
  } catch (const posecheck::Error& e) {
    EXPECT_EQ(e.code(), code) << what << ": " << e.what();
    EXPECT_FALSE(std::string(e.what()).empty());
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": non-posecheck exception " << e.what();
  }
  return {};
}

std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng() & 0xff);
  return v;
}

// Tests that need no model file.
TEST(LandmarkModelBytes, Empty) {
  expect_error(nullptr, 0, "", ErrorCode::kModelFormat, "null, 0 bytes");
  const std::uint8_t one = 0x01;
  expect_error(&one, 0, "", ErrorCode::kModelFormat, "non-null, 0 bytes");
  expect_error(&one, 1, "", ErrorCode::kModelFormat, "1 byte");
  const std::uint8_t hdr[2] = {0x01, 0x01};
  expect_error(hdr, 2, "", ErrorCode::kModelFormat, "header only");
}

TEST(LandmarkModelBytes, RandomBytes) {
  for (std::size_t n : {std::size_t(3), std::size_t(100), std::size_t(4096), std::size_t(1) << 20}) {
    for (std::uint32_t seed : {1u, 2u, 3u, 42u}) {
      auto bytes = random_bytes(n, seed);
      if (bytes[0] == 0x01 && bytes[1] == 0x01) bytes[0] = 0x7f;
      const std::string msg = expect_error(bytes.data(), bytes.size(), "", ErrorCode::kModelFormat,
                                           "random, n=" + std::to_string(n) + " seed=" + std::to_string(seed));
      EXPECT_NE(msg.find("header"), std::string::npos) << msg;
      // With dlib's version header the bytes reach dlib's parser.
      bytes[0] = bytes[1] = 0x01;
      expect_error(bytes.data(), bytes.size(), "", ErrorCode::kModelFormat,
                   "01 01 + random, n=" + std::to_string(n) + " seed=" + std::to_string(seed));
    }
  }
}

TEST(LandmarkModelBytes, WrongPinIsChecksumErrorBeforeParsing) {
  const auto bytes = random_bytes(1000, 9);
  const std::string msg = expect_error(bytes.data(), bytes.size(), posecheck::kDlib68ModelSha256, ErrorCode::kModelChecksum, "random with dlib pin");
  EXPECT_NE(msg.find(posecheck::sha256_hex(bytes.data(), bytes.size())), std::string::npos) << "message should name the actual digest: " << msg;
}

// ctest runs every test in its own process (gtest_discover_tests), so the
// file is read, and the pinned model parsed, lazily: only by the tests that
// need them, and at most once per process.
class Dlib68 : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!posecheck_test::path_exists(kModelPath)) {
      GTEST_SKIP() << kModelPath << " absent (Debian package libdlib-data, installed by scripts/setup.sh)";
    }
    bytes_ = &model_bytes();
    ASSERT_EQ(bytes_->size(), 99693937u) << kModelPath << " is not Debian's libdlib-data 19.24 model";
  }
  static const std::vector<std::uint8_t>& model_bytes() {
    static const std::vector<std::uint8_t> bytes = posecheck_test::read_bytes(kModelPath);
    return bytes;
  }
  static const LandmarkModel& pinned() {
    static const LandmarkModel model =
        LandmarkModel::from_bytes(model_bytes().data(), model_bytes().size(), posecheck::kDlib68ModelSha256);
    return model;
  }
  const std::vector<std::uint8_t>* bytes_ = nullptr;
};

TEST_F(Dlib68, LoadsWithPinAndPredictsInsideTheBox) {
  const LandmarkModel& model = pinned();
  EXPECT_EQ(model.sha256(), posecheck::kDlib68ModelSha256);
  EXPECT_EQ(model.format(), "dlib-shape-predictor-v1");
  // On a flat image the cascade's output stays near the mean shape, which
  // fills the box: a cheap check that the loaded model is usable and that
  // the points come back in image pixels.
  std::vector<std::uint8_t> gray(320 * 240, 128);
  const auto view = posecheck::packed_view(gray.data(), 320, 240, posecheck::PixelFormat::kGray8);
  const posecheck::Box box{100, 60, 200, 160};
  const posecheck::Landmarks pts = model.predict(view, box);
  for (int i = 0; i < posecheck::kNumLandmarks; ++i) {
    EXPECT_GT(pts[i].x(), box.left - 20) << "point " << i + 1;
    EXPECT_LT(pts[i].x(), box.right + 20) << "point " << i + 1;
    EXPECT_GT(pts[i].y(), box.top - 20) << "point " << i + 1;
    EXPECT_LT(pts[i].y(), box.bottom + 20) << "point " << i + 1;
  }
  // Face-like order: jaw point 1 left of jaw point 17, chin (9) below the nose tip (31).
  EXPECT_LT(pts[posecheck::landmark_index(1)].x(), pts[posecheck::landmark_index(17)].x());
  EXPECT_GT(pts[posecheck::landmark_index(9)].y(), pts[posecheck::landmark_index(31)].y());
  EXPECT_THROW(model.predict(view, posecheck::Box{10, 10, 10, 50}), posecheck::Error);
}

TEST_F(Dlib68, LoadsWithoutPin) {
  const LandmarkModel m = LandmarkModel::from_bytes(bytes_->data(), bytes_->size(), "");
  EXPECT_EQ(m.sha256(), posecheck::kDlib68ModelSha256);
  EXPECT_EQ(m.format(), "dlib-shape-predictor-v1");
}

TEST_F(Dlib68, WrongPin) {
  std::string pin = posecheck::kDlib68ModelSha256;
  pin[10] = pin[10] == '0' ? '1' : '0';
  const std::string msg = expect_error(bytes_->data(), bytes_->size(), pin, ErrorCode::kModelChecksum, "one hex digit off");
  EXPECT_NE(msg.find(posecheck::kDlib68ModelSha256), std::string::npos) << msg;
  expect_error(bytes_->data(), bytes_->size(), "not-a-digest", ErrorCode::kModelChecksum, "garbage pin");
  // The pin is checked before parsing: corrupt bytes with a wrong pin are a checksum error.
  expect_error(bytes_->data(), 1u << 20, posecheck::kDlib68ModelSha256, ErrorCode::kModelChecksum, "first 1 MB, pinned");
}

TEST_F(Dlib68, Truncated) {
  expect_error(bytes_->data(), 1u << 20, "", ErrorCode::kModelFormat, "first 1 MB");
  expect_error(bytes_->data(), 1000, "", ErrorCode::kModelFormat, "first 1000 bytes");
  expect_error(bytes_->data(), bytes_->size() - 1, "", ErrorCode::kModelFormat, "all but the last byte");
}

TEST_F(Dlib68, CorruptedHeaderAndSizes) {
  // Version bytes other than 01 01.
  std::vector<std::uint8_t> head(bytes_->begin(), bytes_->begin() + 4096);
  head[1] = 0x02;
  expect_error(head.data(), head.size(), "", ErrorCode::kModelFormat, "version 2");
  // The real header followed by random bytes in place of the initial shape.
  std::vector<std::uint8_t> mixed(bytes_->begin(), bytes_->begin() + 4096);
  const auto noise = random_bytes(4094, 5);
  std::copy(noise.begin(), noise.end(), mixed.begin() + 2);
  expect_error(mixed.data(), mixed.size(), "", ErrorCode::kModelFormat, "header + noise");
}

}  // namespace
