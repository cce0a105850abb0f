// Track evidence (core/track_evidence.h) on synthetic tracks with a known
// answer: a rigid 3D head turning in front of a perspective camera, and the
// same head whose central points (nose, eyes) are replaced in every frame by
// a flat, frontal copy pasted with a 2D similarity warp (what a face swap's
// blending does). Also bad input: short tracks, NaN, no motion.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "face_model_3d.h"
#include "geometry.h"
#include "head_pose.h"
#include "synthetic_head.h"
#include "test_support.h"
#include "track_evidence.h"

using namespace posecheck;

using posecheck_test::face_points;
using posecheck_test::rigid_track;

TEST(TrackEvidence, APastedFlatCentreIsFlatterThanItsJawARigidHeadIsNot) {
  for (unsigned seed : {1u, 2u, 3u}) {
    const TrackEvidence rigid = track_evidence(rigid_track(12, 0.3, seed, false));
    const TrackEvidence spliced = track_evidence(rigid_track(12, 0.3, seed, true));
    ASSERT_TRUE(rigid.ok) << rigid.reason;
    ASSERT_TRUE(spliced.ok) << spliced.reason;
    EXPECT_EQ(rigid.frames, 12);
    // The 2D-pasted centre has (almost) no depth motion; the real one does.
    EXPECT_LT(spliced.central_depth, 0.35 * rigid.central_depth) << "seed " << seed;
    EXPECT_LT(spliced.flatness_ratio, 0.35 * rigid.flatness_ratio) << "seed " << seed;
    // The jaw is the same real jaw in both.
    EXPECT_NEAR(spliced.jaw_depth, rigid.jaw_depth, 0.1 * rigid.jaw_depth);
    // The rigid head leaves little non-rigid residual; the splice adds some.
    EXPECT_GT(spliced.nonrigid_rms, rigid.nonrigid_rms) << "seed " << seed;
  }
}

TEST(TrackEvidence, NoiseFreeRigidHeadUnderAnAffineCameraIsRankThree) {
  // With a very distant camera (nearly affine), a rigid head leaves no
  // residual beyond rank 3.
  const auto face = face_points();
  CameraIntrinsics cam{200000, 200000, 320, 240};
  std::vector<Landmarks> frames;
  for (int f = 0; f < 6; ++f) {
    Pose pose;
    pose.rotation = rotation_matrix(Eigen::Vector3d(0.1 * f, 0.2 - 0.07 * f, 0.02 * f));
    pose.translation = Eigen::Vector3d(0, 0, 1e6);
    const auto proj = project_points(face, pose, cam);
    Landmarks lm;
    for (int i = 0; i < kNumLandmarks; ++i) lm[i] = proj[i];
    frames.push_back(lm);
  }
  const TrackEvidence e = track_evidence(frames);
  ASSERT_TRUE(e.ok) << e.reason;
  EXPECT_LT(e.nonrigid_rms, 1e-4);
  EXPECT_GT(e.central_depth, 0.05);
}

TEST(TrackEvidence, BadTracksAreCannotJudgeNotCrashes) {
  const auto good = rigid_track(6, 0.3, 7, false);
  const TrackEvidence one = track_evidence({good[0]});
  EXPECT_FALSE(one.ok);
  EXPECT_NE(one.reason.find("track too short (1 frames, need 4)"), std::string::npos) << one.reason;
  EXPECT_FALSE(track_evidence({}).ok);
  auto nan = good;
  nan[2][30].x() = std::nan("");
  const TrackEvidence bad = track_evidence(nan);
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.reason.find("finite"), std::string::npos);
  const std::vector<Landmarks> still(5, good[0]);  // no motion at all: no depth to measure
  const TrackEvidence frozen = track_evidence(still);
  EXPECT_FALSE(frozen.ok);
  EXPECT_NE(frozen.reason.find("do not move"), std::string::npos) << frozen.reason;
  Landmarks point;
  point.fill(Point2(3, 4));
  EXPECT_FALSE(track_evidence(std::vector<Landmarks>(6, point)).ok);
}

TEST(TrackEvidence, Deterministic) {
  const auto t = rigid_track(9, 0.5, 11, true);
  const TrackEvidence a = track_evidence(t), b = track_evidence(t);
  EXPECT_EQ(a.flatness_ratio, b.flatness_ratio);
  EXPECT_EQ(a.nonrigid_rms, b.nonrigid_rms);
}
