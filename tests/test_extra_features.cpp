// Tests of the features beyond the paper: research/pose_extras (region residuals
// of one 68-point pose, jaw-contour vs central pose) and the named feature
// sets of research/extra_features (columns, video-level mean/std).
#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Geometry>
#include <gtest/gtest.h>

#include "extra_features.h"
#include "feature_table.h"
#include "errors.h"
#include "face_model_3d.h"
#include "pose_extras.h"
#include "test_support.h"

using namespace posecheck;

namespace {

FaceModel3D face() { return parse_face_model(posecheck_test::read_file(posecheck_test::source_path("models/face3d.txt"))); }

Pose head_pose(double yaw, double pitch) {
  Pose p;
  p.rotation = (Eigen::AngleAxisd(yaw, Eigen::Vector3d::UnitY()) * Eigen::AngleAxisd(pitch, Eigen::Vector3d::UnitX())).toRotationMatrix();
  p.translation = Eigen::Vector3d(5, -10, 600);
  return p;
}

Landmarks project(const FaceModel3D& f, const Pose& pose, const CameraIntrinsics& cam) {
  const std::vector<Point3> m(f.points.begin(), f.points.end());
  const auto img = project_points(m, pose, cam);
  Landmarks lm;
  for (int i = 0; i < kNumLandmarks; ++i) lm[i] = img[i];
  return lm;
}

}  // namespace

TEST(PoseExtras, ExactProjectionHasNoResidualAndNoJawCentralDifference) {
  const FaceModel3D f = face();
  const CameraIntrinsics cam = camera_for_image(512, 384);
  const Landmarks lm = project(f, head_pose(0.2, -0.1), cam);
  const RegionResiduals r = region_residuals(lm, f, cam);
  ASSERT_TRUE(r.ok);
  EXPECT_LT(r.rms_all_px, 1e-6);
  EXPECT_LT(r.rms_central_px, 1e-6);
  EXPECT_LT(r.rms_jaw_px, 1e-6);
  const JawCentralDifference d = jaw_central_difference(lm, f, cam);
  ASSERT_TRUE(d.ok);
  EXPECT_LT(d.rmat.cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_LT(d.rotation_difference_deg, 1e-4);
  EXPECT_TRUE(d.jaw.pose.rotation.isApprox(head_pose(0.2, -0.1).rotation, 1e-8));
}

TEST(PoseExtras, SwappedCentreTurnsTheCentralPoseAndRaisesItsResidual) {
  // Centre (18-36, 49, 55 and the rest of the inner face) from a head turned
  // 8 degrees further than the jaw contour (1-17): a crude face swap.
  const FaceModel3D f = face();
  const CameraIntrinsics cam = camera_for_image(512, 384);
  const Landmarks outer = project(f, head_pose(0.1, 0), cam);
  Landmarks lm = project(f, head_pose(0.1 + 8 * M_PI / 180, 0), cam);
  for (int i : jaw_indices()) lm[i] = outer[i];
  const JawCentralDifference d = jaw_central_difference(lm, f, cam);
  ASSERT_TRUE(d.ok);
  EXPECT_NEAR(d.rotation_difference_deg, 8, 0.05);
  // Sign: jaw minus central. The jaw rotation is the smaller yaw.
  const Eigen::Matrix3d expect = head_pose(0.1, 0).rotation - head_pose(0.1 + 8 * M_PI / 180, 0).rotation;
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(d.rmat[i], expect(i / 3, i % 3), 1e-6) << i;
  const RegionResiduals r = region_residuals(lm, f, cam);
  ASSERT_TRUE(r.ok);
  EXPECT_GT(r.rms_all_px, 0.1);
  EXPECT_GT(r.rms_jaw_px, 0);
  EXPECT_GT(r.rms_central_px, 0);
  // The single pose mixes both: the RMS over all 68 lies between the two regions' extremes.
  EXPECT_LE(r.rms_all_px, std::max(r.rms_jaw_px, r.rms_central_px) * 1.5);
}

TEST(ExtraFeatures, NamedFeatureSetsAndVideoStatistics) {
  using research::FeatureRow;
  std::vector<FeatureRow> rows;
  const double val[3] = {1, 2, 6};
  for (int i = 0; i < 3; ++i) {
    FeatureRow r;
    r.group = "g";
    r.label = i < 2 ? "fake" : "real";
    r.video = i < 2 ? "fake/v1" : "real/v2";
    r.status = "ok";
    r.has_features = true;
    for (auto v : all_variants()) r.variants[int(v)].assign(variant_length(v), double(i));
    r.rotation_difference_deg = val[i];
    r.extra["resid_0"] = val[i];
    r.extra["resid_1"] = -val[i];
    if (i != 1) r.extra["jaw_rotdiff_0"] = 10 * val[i];
    rows.push_back(r);
  }
  EXPECT_EQ(research::spec_columns(rows, "rmat+resid").size(), 11u);
  EXPECT_EQ(research::spec_columns(rows, "resid")[1], "resid_1");
  int skipped = -1;
  const auto d = research::make_spec_dataset(rows, "rvec+resid+rotdiff", &skipped);
  EXPECT_EQ(skipped, 0);
  ASSERT_EQ(d.x.size(), 3u);
  EXPECT_EQ(d.x[2], (std::vector<double>{2, 2, 2, 6, -6, 6}));
  EXPECT_EQ(d.y, (std::vector<int>{1, 1, 0}));
  // A row lacking an extra column is left out and counted.
  const auto j = research::make_spec_dataset(rows, "jaw_rotdiff", &skipped);
  EXPECT_EQ(j.x.size(), 2u);
  EXPECT_EQ(skipped, 1);
  // Video level: mean then population std per video.
  const auto vs = research::make_spec_dataset(rows, "video:rotdiff", nullptr);
  ASSERT_EQ(vs.x.size(), 2u);
  EXPECT_EQ(vs.video[0], "fake/v1");
  EXPECT_DOUBLE_EQ(vs.x[0][0], 1.5);
  EXPECT_DOUBLE_EQ(vs.x[0][1], 0.5);
  EXPECT_DOUBLE_EQ(vs.x[1][0], 6);
  EXPECT_DOUBLE_EQ(vs.x[1][1], 0);
  EXPECT_EQ(vs.y, (std::vector<int>{1, 0}));
  // Unknown names are errors; the extra columns survive a CSV round trip.
  EXPECT_THROW(research::make_spec_dataset(rows, "nosuch", nullptr), Error);
  EXPECT_THROW(research::make_spec_dataset(rows, "rmat++resid", nullptr), Error);
  std::string csv = research::csv_line([] {
    auto h = research::feature_columns();
    h.push_back("jaw_rotdiff_0");
    h.push_back("resid_0");
    h.push_back("resid_1");
    return h;
  }()) + "\n";
  for (const auto& r : rows) csv += research::format_row(r, {"jaw_rotdiff_0", "resid_0", "resid_1"}) + "\n";
  const auto back = research::parse_feature_csv(csv, "t.csv");
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].extra.at("resid_1"), -1);
  EXPECT_EQ(back[1].extra.count("jaw_rotdiff_0"), 0u);
  EXPECT_EQ(back[2].extra.at("jaw_rotdiff_0"), 60);
}
