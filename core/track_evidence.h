// Track evidence: does one person's central face move as a 3D body with the
// jaw line around it, or as a flat picture pasted onto it? (issue 18, "a
// person's own face over the video"; measured in docs/results.md.)
//
// Under an affine camera, the centred 2D positions of n points of a rigid 3D
// body seen in T frames form a 2T x n matrix W of rank <= 3
// (Tomasi-Kanade factorisation); points on a plane, such as a face image
// pasted with a 2D warp, give rank <= 2. So the ratio of W's third to second
// singular value, s3/s2, is the share of depth motion in a point set's
// movement: near 0 for a flat set (or a head that does not turn), larger for
// a turning 3D head. A face swap generates the central face per frame and
// pastes it with a 2D warp onto a real head whose jaw line it keeps: its
// central points show less depth motion than the real jaw around them. The
// jaw's own s3/s2 calibrates how much the head turned in this track.
//
// Conventions: landmarks in image pixels (geometry.h), one Landmarks per
// frame of one person, in any order (the statistics ignore time order).
#pragma once

#include <string>
#include <vector>

#include "geometry.h"

namespace posecheck {

// A track needs at least this many frames: W must have more rows (2T) than
// the rank-3 model has freedom to absorb noise.
constexpr int kMinTrackFrames = 4;

struct TrackEvidence {
  bool ok = false;
  std::string reason;          // why not ok (too short, degenerate, not finite)
  int frames = 0;
  double central_depth = 0;    // s3/s2 of the nose (28-36) and eyes (37-48)
  double jaw_depth = 0;        // s3/s2 of the jaw line (1-17)
  // central_depth / jaw_depth: below 1 when the centre moves flatter than
  // the jaw. Measured direction: lower in face swaps on both DeepfakeTIMIT
  // and UADFV (docs/results.md).
  double flatness_ratio = 0;
  // RMS residual of all 68 points after the best rank-3 (rigid, affine)
  // fit, divided by the landmarks' RMS spread: expression and noise.
  double nonrigid_rms = 0;
};

// Requires nothing: a track shorter than kMinTrackFrames, non-finite points,
// or point sets without motion give ok = false with a reason.
TrackEvidence track_evidence(const std::vector<Landmarks>& frames);

// The 4 inputs of a track classifier (FeatureVariant::kTrack), in this
// order: flatness_ratio, central_depth, jaw_depth, nonrigid_rms.
// Requires evidence.ok (else throws Error kInvalidArgument).
std::vector<double> track_features(const TrackEvidence& evidence);

// The central index set used above (0-based; the jaw is jaw_indices()).
// Requires nothing. Ensures: the same list on every call. Never throws.
const std::vector<int>& track_central_indices();

}  // namespace posecheck
