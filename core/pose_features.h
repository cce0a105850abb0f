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

// Ensures: "vec", "vec_t", "rvec", "rvec_t", "rmat", "rmat_t", "track",
// "blend", "blend_sectors" (the names model files and CSV columns use); "?"
// for a value outside the enum. Never throws.
const char* variant_name(FeatureVariant v);
// Ensures: the variant whose variant_name() is `name` (exact, case-sensitive).
// Throws Error kInvalidArgument on an unknown name.
FeatureVariant parse_variant(const std::string& name);
// Ensures: the length of the variant's feature vector: 3 (vec, rvec), 6
// (vec_t, rvec_t), 9 (rmat), 12 (rmat_t), 4 (track), kBlendFeatureCount
// (blend), kBlendSectorFeatureCount (blend_sectors); 0 outside the enum.
int variant_length(FeatureVariant v);
// Ensures: true for kBlend and kBlendSectors only.
bool is_blend_variant(FeatureVariant v);
// Ensures: the paper's six pose-difference variants in Table 1's order (vec,
// vec_t, rvec, rvec_t, rmat, rmat_t); the same list on every call.
const std::vector<FeatureVariant>& all_variants();

struct PoseFeatures {
  Eigen::Vector3d vec, rvec, tdiff;
  Eigen::Matrix<double, 9, 1> rmat;
  double cosine_distance = 0;

  // The feature vector of one paper variant (length variant_length(v));
  // kTrack, kBlend and kBlendSectors throw Error kInvalidArgument (not pose features).
  std::vector<double> of(FeatureVariant v) const;
};

// Requires: two valid poses (PoseEstimate::ok; else throws Error
//   kInvalidArgument), solved with the same camera so their frames agree.
// Ensures: the differences above, whole minus central; translations in the
//   poses' units (millimetres, geometry.h); cosine_distance in [0, 2].
PoseFeatures pose_features(const PoseEstimate& whole, const PoseEstimate& central);

}  // namespace posecheck
