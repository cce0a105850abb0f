// The paper's features: differences between the whole-face pose (a) and the
// central-face pose (c). Table 1 and Fig. 3 of Yang, Li, Lyu (ICASSP 2019).
//
//   vec    = va - vc, with va = Ra^T w, vc = Rc^T w, w = [0, 0, 1]^T   (3)
//   rvec   = ra - rc, Rodrigues rotation vectors                       (3)
//   rmat   = Ra - Rc, flattened row-major                              (9)
//   X_t    = X followed by ta - tc (millimetres)                       (+3)
//   cosine_distance = 1 - va . vc  (0 when the poses agree, up to 2)
//
// Sign convention: always "whole minus central".
#pragma once

#include <string>
#include <vector>

#include "head_pose.h"

namespace posecheck {

// kTrack and kBlend are not pose differences: kTrack is the 4 numbers of a
// person's track (track_features() in track_evidence.h), for the per-person
// video classifier; kBlend the 6 numbers of a face against its surroundings
// (blend_features() in blend_evidence.h), for the blend classifier.
// all_variants() lists the paper's six only. is_blend_variant(): kBlend or kBlendSectors.
// kBlendSectors: those 6 and the 6 sector measures (blend_sector_features()).
enum class FeatureVariant { kVec, kVecT, kRvec, kRvecT, kRmat, kRmatT, kTrack, kBlend, kBlendSectors };

// The pose cue's variant when none is named (`posecheck train`): the one the
// shipped classifier (models/classifier.txt) uses; a test holds them equal.
constexpr FeatureVariant kDefaultVariant = FeatureVariant::kRmat;

// "vec", "vec_t", "rvec", "rvec_t", "rmat", "rmat_t", "track", "blend", "blend_sectors".
const char* variant_name(FeatureVariant v);
// Throws Error kInvalidArgument on an unknown name.
FeatureVariant parse_variant(const std::string& name);
int variant_length(FeatureVariant v);
bool is_blend_variant(FeatureVariant v);
const std::vector<FeatureVariant>& all_variants();

struct PoseFeatures {
  Eigen::Vector3d vec, rvec, tdiff;
  Eigen::Matrix<double, 9, 1> rmat;
  double cosine_distance = 0;

  // The feature vector of one paper variant (length variant_length(v));
  // kTrack, kBlend and kBlendSectors throw Error kInvalidArgument (not pose features).
  std::vector<double> of(FeatureVariant v) const;
};

// Requires: two valid poses (PoseEstimate::ok).
PoseFeatures pose_features(const PoseEstimate& whole, const PoseEstimate& central);

}  // namespace posecheck
