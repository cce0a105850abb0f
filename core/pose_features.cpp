#include "pose_features.h"

#include "blend_evidence.h"
#include "errors.h"

namespace posecheck {

const char* variant_name(FeatureVariant v) {
  switch (v) {
    case FeatureVariant::kVec: return "vec";
    case FeatureVariant::kVecT: return "vec_t";
    case FeatureVariant::kRvec: return "rvec";
    case FeatureVariant::kRvecT: return "rvec_t";
    case FeatureVariant::kRmat: return "rmat";
    case FeatureVariant::kRmatT: return "rmat_t";
    case FeatureVariant::kTrack: return "track";
    case FeatureVariant::kBlend: return "blend";
    case FeatureVariant::kBlendSectors: return "blend_sectors";
  }
  return "?";
}

const std::vector<FeatureVariant>& all_variants() {
  static const std::vector<FeatureVariant> v = {FeatureVariant::kVec,  FeatureVariant::kVecT, FeatureVariant::kRvec,
                                                FeatureVariant::kRvecT, FeatureVariant::kRmat, FeatureVariant::kRmatT};
  return v;
}

FeatureVariant parse_variant(const std::string& name) {
  for (auto v : all_variants()) if (name == variant_name(v)) return v;
  if (name == variant_name(FeatureVariant::kTrack)) return FeatureVariant::kTrack;
  if (name == variant_name(FeatureVariant::kBlend)) return FeatureVariant::kBlend;
  if (name == variant_name(FeatureVariant::kBlendSectors)) return FeatureVariant::kBlendSectors;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown feature variant '" + name + "' (use vec, vec_t, rvec, rvec_t, rmat, rmat_t, track, blend or blend_sectors)");
}

int variant_length(FeatureVariant v) {
  switch (v) {
    case FeatureVariant::kVec:
    case FeatureVariant::kRvec: return 3;
    case FeatureVariant::kVecT:
    case FeatureVariant::kRvecT: return 6;
    case FeatureVariant::kRmat: return 9;
    case FeatureVariant::kRmatT: return 12;
    case FeatureVariant::kTrack: return 4;
    case FeatureVariant::kBlend: return kBlendFeatureCount;
    case FeatureVariant::kBlendSectors: return kBlendSectorFeatureCount;
  }
  return 0;
}

bool is_blend_variant(FeatureVariant v) { return v == FeatureVariant::kBlend || v == FeatureVariant::kBlendSectors; }

std::vector<double> PoseFeatures::of(FeatureVariant v) const {
  std::vector<double> out;
  auto append = [&out](const auto& m) { for (int i = 0; i < m.size(); ++i) out.push_back(m(i)); };
  switch (v) {
    case FeatureVariant::kVec: case FeatureVariant::kVecT: append(vec); break;
    case FeatureVariant::kRvec: case FeatureVariant::kRvecT: append(rvec); break;
    case FeatureVariant::kRmat: case FeatureVariant::kRmatT: append(rmat); break;
    case FeatureVariant::kTrack:
      throw Error(ErrorCode::kInvalidArgument, "'track' features belong to a person's track, not to one face (track_features)");
    case FeatureVariant::kBlend:
    case FeatureVariant::kBlendSectors:
      throw Error(ErrorCode::kInvalidArgument, "'blend' features come from the image, not from the poses (blend_features)");
  }
  if (v == FeatureVariant::kVecT || v == FeatureVariant::kRvecT || v == FeatureVariant::kRmatT) append(tdiff);
  return out;
}

PoseFeatures pose_features(const PoseEstimate& whole, const PoseEstimate& central) {
  if (!whole.ok || !central.ok) throw Error(ErrorCode::kInvalidArgument, "pose_features needs two valid poses");
  const Eigen::Vector3d w(0, 0, 1);
  const Eigen::Matrix3d& Ra = whole.pose.rotation;
  const Eigen::Matrix3d& Rc = central.pose.rotation;
  PoseFeatures f;
  const Eigen::Vector3d va = Ra.transpose() * w, vc = Rc.transpose() * w;
  f.vec = va - vc;
  f.rvec = whole.rotation_vector - central.rotation_vector;
  const Eigen::Matrix3d D = Ra - Rc;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) f.rmat(3 * r + c) = D(r, c);
  f.tdiff = whole.pose.translation - central.pose.translation;
  f.cosine_distance = 1.0 - va.dot(vc);
  return f;
}

}  // namespace posecheck
