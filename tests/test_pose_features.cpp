// Pose-difference features (Table 1 of the paper): lengths, names, the
// "whole minus central" sign convention and values on hand-built poses.
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <Eigen/Geometry>
#include <gtest/gtest.h>

#include "classifier.h"
#include "errors.h"
#include "pose_features.h"
#include "test_support.h"

namespace {

using posecheck::FeatureVariant;
using posecheck::PoseEstimate;

PoseEstimate estimate(const Eigen::Matrix3d& R, const Eigen::Vector3d& t) {
  PoseEstimate e;
  e.ok = true;
  e.pose.rotation = R;
  e.pose.translation = t;
  e.rotation_vector = posecheck::rotation_vector(R);
  return e;
}

Eigen::Matrix3d rot(double angle, const Eigen::Vector3d& axis) {
  return Eigen::AngleAxisd(angle, axis.normalized()).toRotationMatrix();
}

TEST(PoseFeatures, VariantLengthsAndNames) {
  const std::vector<std::pair<std::string, int>> expected = {{"vec", 3}, {"vec_t", 6}, {"rvec", 3},
                                                             {"rvec_t", 6}, {"rmat", 9}, {"rmat_t", 12}};
  ASSERT_EQ(posecheck::all_variants().size(), expected.size());
  std::set<std::string> seen;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const FeatureVariant v = posecheck::all_variants()[i];
    EXPECT_EQ(posecheck::variant_name(v), expected[i].first);
    EXPECT_EQ(posecheck::variant_length(v), expected[i].second) << expected[i].first;
    EXPECT_EQ(posecheck::parse_variant(expected[i].first), v);
    seen.insert(posecheck::variant_name(v));
  }
  EXPECT_EQ(seen.size(), 6u);
}

// The default variant is a fact about the shipped pose classifier, not a constant of its own.
TEST(PoseFeatures, TheDefaultVariantIsTheShippedClassifiers) {
  const auto c = posecheck::Classifier::parse(posecheck_test::read_file(posecheck_test::source_path("models/classifier.txt")));
  EXPECT_EQ(std::string(posecheck::variant_name(c.variant())), posecheck::variant_name(posecheck::kDefaultVariant));
}

TEST(PoseFeatures, UnknownVariantNameThrows) {
  for (const std::string bad : {"", "RMAT", "rmat ", " rmat", "rmat_tt", "tvec", "vec-t"}) {
    try {
      posecheck::parse_variant(bad);
      ADD_FAILURE() << "no error for '" << bad << "'";
    } catch (const posecheck::Error& e) {
      EXPECT_EQ(e.code(), posecheck::ErrorCode::kInvalidArgument) << bad;
      EXPECT_NE(std::string(e.what()).find("rmat_t"), std::string::npos) << "message should list the valid names";
    }
  }
}

// Whole face: identity, looking at the camera. Central face: yawed by theta
// about the y axis (perpendicular to z).
TEST(PoseFeatures, YawAgainstIdentity) {
  const double th = 0.3, c = std::cos(th), s = std::sin(th);
  const auto whole = estimate(Eigen::Matrix3d::Identity(), Eigen::Vector3d(1, 2, 500));
  const auto central = estimate(rot(th, Eigen::Vector3d::UnitY()), Eigen::Vector3d(4, -1, 510));
  const auto f = posecheck::pose_features(whole, central);
  // va = w = (0,0,1); vc = Rc^T w = (-s, 0, c).
  EXPECT_NEAR(f.vec(0), s, 1e-15);
  EXPECT_NEAR(f.vec(1), 0, 1e-15);
  EXPECT_NEAR(f.vec(2), 1 - c, 1e-15);
  EXPECT_NEAR(f.rvec(0), 0, 1e-15);
  EXPECT_NEAR(f.rvec(1), -th, 1e-15);
  EXPECT_NEAR(f.rvec(2), 0, 1e-15);
  const double rmat[9] = {1 - c, 0, -s, 0, 0, 0, s, 0, 1 - c};  // I - Ry(th), row-major
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(f.rmat(i), rmat[i], 1e-15) << "rmat[" << i << "]";
  EXPECT_EQ(f.tdiff, Eigen::Vector3d(-3, 3, -10));
  EXPECT_NEAR(f.cosine_distance, 1 - c, 1e-15);

  // of(): the variant's numbers, translation appended for the *_t variants.
  const std::vector<double> rmat_t = f.of(FeatureVariant::kRmatT);
  ASSERT_EQ(rmat_t.size(), 12u);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(rmat_t[i], f.rmat(i));
  EXPECT_EQ(rmat_t[9], -3);
  EXPECT_EQ(rmat_t[10], 3);
  EXPECT_EQ(rmat_t[11], -10);
  const std::vector<double> vec = f.of(FeatureVariant::kVec);
  ASSERT_EQ(vec.size(), 3u);
  EXPECT_EQ(vec[0], f.vec(0));
  EXPECT_EQ(vec[2], f.vec(2));
  const std::vector<double> rvec_t = f.of(FeatureVariant::kRvecT);
  ASSERT_EQ(rvec_t.size(), 6u);
  EXPECT_EQ(rvec_t[1], f.rvec(1));
  EXPECT_EQ(rvec_t[5], -10);
  for (auto v : posecheck::all_variants()) EXPECT_EQ(int(f.of(v).size()), posecheck::variant_length(v)) << posecheck::variant_name(v);
}

TEST(PoseFeatures, SignIsWholeMinusCentral) {
  const auto a = estimate(rot(0.2, Eigen::Vector3d(1, 2, 3)), Eigen::Vector3d(10, 20, 600));
  const auto b = estimate(rot(-0.5, Eigen::Vector3d(-2, 1, 0.5)), Eigen::Vector3d(-5, 25, 640));
  const auto ab = posecheck::pose_features(a, b), ba = posecheck::pose_features(b, a);
  for (auto v : posecheck::all_variants()) {
    const auto x = ab.of(v), y = ba.of(v);
    for (std::size_t i = 0; i < x.size(); ++i) EXPECT_DOUBLE_EQ(x[i], -y[i]) << posecheck::variant_name(v) << "[" << i << "]";
  }
  EXPECT_EQ(ab.tdiff, Eigen::Vector3d(15, -5, -40));
  EXPECT_NEAR(ab.cosine_distance, ba.cosine_distance, 1e-15);
  // rvec is the difference of the two rotation vectors themselves.
  EXPECT_TRUE(ab.rvec.isApprox(0.2 * Eigen::Vector3d(1, 2, 3).normalized() + 0.5 * Eigen::Vector3d(-2, 1, 0.5).normalized(), 1e-14));
  // Identical poses: all features zero.
  const auto same = posecheck::pose_features(a, a);
  for (auto v : posecheck::all_variants())
    for (double x : same.of(v)) EXPECT_EQ(x, 0.0) << posecheck::variant_name(v);
  EXPECT_NEAR(same.cosine_distance, 0, 1e-15);
}

TEST(PoseFeatures, CosineDistanceIsOneMinusCosOfTiltAwayFromZ) {
  // Rotations about an axis perpendicular to z tilt the view direction by
  // the full angle; a rotation about z (roll) does not move it at all.
  for (double deg : {1.0, 10.0, 45.0, 90.0, 135.0, 180.0}) {
    const double th = deg * M_PI / 180;
    for (const Eigen::Vector3d& axis : {Eigen::Vector3d(1, 0, 0), Eigen::Vector3d(0, 1, 0), Eigen::Vector3d(1, -1, 0)}) {
      const auto f = posecheck::pose_features(estimate(Eigen::Matrix3d::Identity(), Eigen::Vector3d(0, 0, 500)),
                                              estimate(rot(th, axis), Eigen::Vector3d(0, 0, 500)));
      EXPECT_NEAR(f.cosine_distance, 1 - std::cos(th), 1e-14) << deg << " deg about " << axis.transpose();
      EXPECT_NEAR(f.vec.norm(), 2 * std::sin(th / 2), 1e-14);
    }
  }
  const auto roll = posecheck::pose_features(estimate(Eigen::Matrix3d::Identity(), Eigen::Vector3d(0, 0, 500)),
                                             estimate(rot(0.7, Eigen::Vector3d::UnitZ()), Eigen::Vector3d(0, 0, 500)));
  EXPECT_NEAR(roll.cosine_distance, 0, 1e-15);
  EXPECT_NEAR(roll.vec.norm(), 0, 1e-15);
  EXPECT_NEAR(roll.rvec(2), -0.7, 1e-15);
  EXPECT_GT(roll.rmat.norm(), 0.5);  // rmat sees the roll that vec cannot
}

TEST(PoseFeatures, PitchAgainstIdentity) {
  // Rx(th) = [[1,0,0],[0,c,-s],[0,s,c]]: vc = (0, s, c), so vec = (0, -s, 1-c).
  const double th = -0.25, c = std::cos(th), s = std::sin(th);
  const auto f = posecheck::pose_features(estimate(Eigen::Matrix3d::Identity(), Eigen::Vector3d::Zero()),
                                          estimate(rot(th, Eigen::Vector3d::UnitX()), Eigen::Vector3d::Zero()));
  EXPECT_NEAR(f.vec(0), 0, 1e-15);
  EXPECT_NEAR(f.vec(1), -s, 1e-15);
  EXPECT_NEAR(f.vec(2), 1 - c, 1e-15);
  EXPECT_NEAR(f.rvec(0), -th, 1e-15);
  const double rmat[9] = {0, 0, 0, 0, 1 - c, s, 0, -s, 1 - c};
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(f.rmat(i), rmat[i], 1e-15) << "rmat[" << i << "]";
}

TEST(PoseFeatures, InvalidPoseThrows) {
  auto good = estimate(Eigen::Matrix3d::Identity(), Eigen::Vector3d(0, 0, 500));
  PoseEstimate bad;
  bad.failure = "x";
  try {
    posecheck::pose_features(good, bad);
    ADD_FAILURE() << "no error";
  } catch (const posecheck::Error& e) {
    EXPECT_EQ(e.code(), posecheck::ErrorCode::kInvalidArgument);
  }
  EXPECT_THROW(posecheck::pose_features(bad, good), posecheck::Error);
}

}  // namespace
