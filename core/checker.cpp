#include "checker.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <Eigen/Geometry>

#include "compact_landmark_model.h"
#include "errors.h"

namespace posecheck {

Box canonical_face_box(const Landmarks& landmarks) {
  const LandmarkFrame f = landmark_frame(landmarks);
  const double half = 1.4 * f.spread;
  const double cy = f.centroid.y() - 0.1 * f.spread;
  return Box{f.centroid.x() - half, cy - half, f.centroid.x() + half, cy + half};
}

const char* status_name(FaceStatus s) { return s == FaceStatus::kOk ? "ok" : "cannot_judge"; }

const char* face_cue_name(FaceCue cue) {
  switch (cue) {
    case FaceCue::kPose: return "pose";
    case FaceCue::kBlend: return "blend";
    case FaceCue::kCombined: return "combined";
  }
  return "?";
}

Checker::Checker(LandmarkModel landmarks, FaceModel3D face, std::optional<Classifier> classifier,
                 std::optional<Classifier> track_classifier, std::optional<Classifier> blend_classifier,
                 std::optional<CueCombination> combination)
    : landmarks_(std::move(landmarks)),
      face_(std::move(face)),
      classifier_(std::move(classifier)),
      track_classifier_(std::move(track_classifier)),
      blend_classifier_(std::move(blend_classifier)),
      combination_(std::move(combination)) {
  if (classifier_ && classifier_->variant() == FeatureVariant::kTrack) {
    throw Error(ErrorCode::kModelFormat, "the face classifier is a track classifier (variant track): load it as the track classifier");
  }
  if (classifier_ && is_blend_variant(classifier_->variant())) {
    throw Error(ErrorCode::kModelFormat, "the pose classifier is a blend classifier (variant blend): load it as the blend classifier");
  }
  if (blend_classifier_ && !is_blend_variant(blend_classifier_->variant())) {
    throw Error(ErrorCode::kModelFormat, std::string("the blend classifier has variant '") + variant_name(blend_classifier_->variant()) +
                                             "', expected 'blend' or 'blend_sectors'");
  }
  if (track_classifier_ && track_classifier_->variant() != FeatureVariant::kTrack) {
    throw Error(ErrorCode::kModelFormat, std::string("the track classifier has variant '") + variant_name(track_classifier_->variant()) +
                                             "', expected 'track'");
  }
  if (combination_ && (!classifier_ || !blend_classifier_)) {
    throw Error(ErrorCode::kModelFormat, "the cue combination needs both the pose and the blend classifier");
  }
  if (combination_ && (combination_->pose_classifier_sha256() != classifier_->sha256() ||
                       combination_->blend_classifier_sha256() != blend_classifier_->sha256())) {
    throw Error(ErrorCode::kModelFormat, "the cue combination was fitted for other classifier files (pose " +
                                             combination_->pose_classifier_sha256().substr(0, 12) + "..., blend " +
                                             combination_->blend_classifier_sha256().substr(0, 12) +
                                             "...): load the classifiers it names, or fit it again (`posecheck combine`)");
  }
}

FaceCue Checker::face_cue() const {
  if (combination_ && combination_->decides()) return FaceCue::kCombined;
  return blend_classifier_ ? FaceCue::kBlend : FaceCue::kPose;
}

std::optional<EvidenceBands> Checker::face_bands() const {
  switch (face_cue()) {
    case FaceCue::kCombined: return combination_->bands();
    case FaceCue::kBlend: return blend_classifier_->bands();
    case FaceCue::kPose: return classifier_ ? std::optional<EvidenceBands>(classifier_->bands()) : std::nullopt;
  }
  return std::nullopt;
}

namespace {


// Adds the time since construction (or the last lap) to a stage's total.
class Lap {
 public:
  explicit Lap(StageTimings* t) : t_(t), start_(std::chrono::steady_clock::now()) {}
  void to(double StageTimings::*stage) {
    if (!t_) return;
    const auto now = std::chrono::steady_clock::now();
    t_->*stage += std::chrono::duration<double, std::milli>(now - start_).count();
    start_ = now;
  }

 private:
  StageTimings* t_;
  std::chrono::steady_clock::time_point start_;
};

Box bounding_box(const Landmarks& lm) {
  Box b{lm[0].x(), lm[0].y(), lm[0].x(), lm[0].y()};
  for (const auto& p : lm) {
    b.left = std::min(b.left, p.x());
    b.top = std::min(b.top, p.y());
    b.right = std::max(b.right, p.x());
    b.bottom = std::max(b.bottom, p.y());
  }
  return b;
}

// The faces found in the search regions around `boxes` (CheckerOptions::
// search_around), in full-image pixels; a face found in two overlapping
// regions is kept once (the more confident detection).
std::vector<DetectedFace> detect_around(FaceDetector& detector, const ImageView& image, const std::vector<Box>& boxes,
                                        const DetectionOptions& base) {
  std::vector<DetectedFace> found;
  for (const Box& b : boxes) {
    const double face = std::max(b.width(), b.height());
    if (!(face > 0) || !std::isfinite(face)) throw Error(ErrorCode::kInvalidArgument, "search boxes must have a positive size");
    const double half = 0.5 * kSearchRegionPerFace * face;
    const double cx = 0.5 * (b.left + b.right), cy = 0.5 * (b.top + b.bottom);
    const int left = std::max(0, int(std::floor(cx - half))), top = std::max(0, int(std::floor(cy - half)));
    const int right = std::min(image.width, int(std::ceil(cx + half))), bottom = std::min(image.height, int(std::ceil(cy + half)));
    if (right - left < 1 || bottom - top < 1) continue;  // the box is outside the image
    ImageView region = image;
    region.data = image.data + std::size_t(top) * image.stride_bytes + std::size_t(left) * bytes_per_pixel(image.format);
    region.width = right - left;
    region.height = bottom - top;
    DetectionOptions o = base;
    const int longer = std::max(region.width, region.height);
    const int wanted = int(std::ceil(longer * kSearchFacePx / face));
    if (wanted < longer && (o.max_detection_side == 0 || wanted < o.max_detection_side)) o.max_detection_side = wanted;
    for (DetectedFace d : detector.detect(region, o)) {
      d.box.left += left;
      d.box.right += left;
      d.box.top += top;
      d.box.bottom += top;
      found.push_back(d);
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const DetectedFace& a, const DetectedFace& b) { return a.confidence > b.confidence; });
  std::vector<DetectedFace> kept;
  for (const auto& d : found) {
    bool duplicate = false;
    for (const auto& k : kept) duplicate = duplicate || box_overlap(k.box, d.box) > 0.5;
    if (!duplicate) kept.push_back(d);
  }
  return kept;
}

}  // namespace

FaceResult Checker::judge(const Landmarks& lm, const Box& box, int width, int height, const CheckerOptions& options,
                          StageTimings* timings) const {
  Lap lap(timings);
  FaceResult r;
  r.box = box;
  r.landmarks = lm;
  const CameraModel camera_model = camera(options);
  if (camera_model == CameraModel::kFace && !(landmark_frame(lm).spread > 1e-6)) {
    r.reason = "landmarks are degenerate (all at one point)";
    return r;  // cannot judge; no camera can be centred on such a face
  }
  const CameraIntrinsics cam = camera_for(camera_model, lm, width, height);
  r.camera = cam;
  std::vector<Point3> model;
  std::vector<Point2> image;
  select_correspondences(whole_face_indices(), lm, face_, model, image);
  r.pose_whole = solve_pose(model, image, cam, options.solver);
  select_correspondences(central_face_indices(), lm, face_, model, image);
  // Start the central solve from the whole-face pose: both describe one head,
  // and this keeps the pair on the same (front-facing) branch.
  r.pose_central = solve_pose(model, image, cam, options.solver, r.pose_whole.ok ? &r.pose_whole.pose : nullptr);

  auto cannot = [&r](const std::string& why) {
    if (r.reason.empty()) r.reason = why;
  };
  if (!r.pose_whole.ok) cannot("whole-face pose failed: " + r.pose_whole.failure);
  if (!r.pose_central.ok) cannot("central-face pose failed: " + r.pose_central.failure);
  lap.to(&StageTimings::pose_ms);
  if (r.pose_whole.ok && r.pose_central.ok) {
    r.features = pose_features(r.pose_whole, r.pose_central);
    const Eigen::AngleAxisd diff(r.pose_whole.pose.rotation * r.pose_central.pose.rotation.transpose());
    r.rotation_difference_deg = diff.angle() * 180.0 / M_PI;
    if (!r.pose_whole.converged || !r.pose_central.converged) cannot("pose solver did not converge");
    const double bound = options.max_rms_fraction * box.width();
    if (r.pose_whole.rms_px > bound || r.pose_central.rms_px > bound) {
      cannot("landmarks do not fit a rigid head (reprojection error over " +
             std::to_string(int(std::lround(options.max_rms_fraction * 100))) + "% of the face width)");
    }
  }
  if (box.width() < options.min_face_width_px) {
    cannot("face too small (" + std::to_string(int(box.width())) + " px wide, need " +
           std::to_string(int(options.min_face_width_px)) + ")");
  }
  r.status = r.reason.empty() ? FaceStatus::kOk : FaceStatus::kCannotJudge;
  lap.to(&StageTimings::features_ms);
  if (r.status == FaceStatus::kOk && classifier_) {
    r.pose_p_fake = classifier_->probability_fake(r.features->of(classifier_->variant()));
    r.pose_band = classifier_->band(*r.pose_p_fake);
  }
  if (face_cue() == FaceCue::kPose) {
    r.p_fake = r.pose_p_fake;
    r.band = r.pose_band;
  }
  lap.to(&StageTimings::svm_ms);
  return r;
}

void Checker::judge_blend(const ImageView& image, FaceResult& face, StageTimings* timings) const {
  if (!blend_classifier_) return;
  Lap lap(timings);
  face.blend = blend_evidence(image, face.landmarks);
  lap.to(&StageTimings::features_ms);
  if (face.status != FaceStatus::kOk) return;
  if (!face.blend->ok) {
    face.status = FaceStatus::kCannotJudge;
    face.reason = face.blend->reason;
    return;
  }
  std::vector<double> x;
  if (blend_classifier_->variant() == FeatureVariant::kBlendSectors) {
    const auto all = blend_sector_features(*face.blend);
    x.assign(all.begin(), all.end());
  } else {
    const auto base = blend_features(*face.blend);
    x.assign(base.begin(), base.end());
  }
  face.blend_p_fake = blend_classifier_->probability_fake(x);
  face.blend_band = blend_classifier_->band(*face.blend_p_fake);
  if (combination_) {
    // Both cues judged the face: status ok needs the pose checks, and the
    // combination needs the pose classifier (constructor).
    face.combined_p_fake = combination_->probability_fake(*face.pose_p_fake, *face.blend_p_fake);
    face.combined_band = combination_->band(*face.combined_p_fake);
  }
  if (face_cue() == FaceCue::kCombined) {
    face.p_fake = face.combined_p_fake;
    face.band = face.combined_band;
  } else {
    face.p_fake = face.blend_p_fake;
    face.band = face.blend_band;
  }
  lap.to(&StageTimings::svm_ms);
}

CameraModel Checker::camera(const CheckerOptions& options) const {
  const std::optional<CameraModel> trained = classifier_ ? std::optional<CameraModel>(classifier_->camera()) : std::nullopt;
  if (options.camera && trained && *options.camera != *trained) {
    throw Error(ErrorCode::kInvalidArgument, std::string("camera '") + camera_model_name(*options.camera) +
                                                 "' differs from the classifier's ('" + camera_model_name(*trained) +
                                                 "'): load a classifier trained with that camera");
  }
  return options.camera ? *options.camera : trained.value_or(CameraModel::kFace);
}

FaceResult Checker::judge_landmarks(const Landmarks& landmarks, int width, int height, const CheckerOptions& options) const {
  validate_size(width, height);
  for (const auto& p : landmarks)
    if (!p.allFinite()) throw Error(ErrorCode::kInvalidArgument, "landmarks must be finite numbers");
  FaceResult r = judge(landmarks, bounding_box(landmarks), width, height, options, nullptr);
  if (face_cue() != FaceCue::kPose && r.status == FaceStatus::kOk) {
    r.status = FaceStatus::kCannotJudge;
    r.reason = "the blend cue needs the image's pixels (landmarks only were given)";
  }
  return r;
}

ImageResult Checker::check(const ImageView& image, const CheckerOptions& options, StageTimings* timings) {
  validate(image);
  if (timings) *timings = StageTimings{};
  Lap lap(timings);
  if (options.max_faces < 0) throw Error(ErrorCode::kInvalidArgument, "max_faces must be >= 0");
  ImageResult result;
  result.width = image.width;
  result.height = image.height;
  result.camera = camera(options);
  auto detected = options.search_around.empty() ? detector_.detect(image, options.detection)
                                                : detect_around(detector_, image, options.search_around, options.detection);
  result.search_regions = int(options.search_around.size());
  lap.to(&StageTimings::detect_ms);
  result.faces_found = static_cast<int>(detected.size());
  // Largest first: in a group photo the faces worth judging are the large
  // ones (small faces give coarse landmarks), and max_faces keeps those.
  std::stable_sort(detected.begin(), detected.end(), [](const DetectedFace& a, const DetectedFace& b) {
    return a.box.width() * a.box.height() > b.box.width() * b.box.height();
  });
  for (std::size_t i = 0; i < detected.size() && int(i) < options.max_faces; ++i) {
    Landmarks lm = landmarks_.predict(image, detected[i].box);
    if (options.refine_landmark_box) {
      const Box canonical = canonical_face_box(lm);
      if (canonical.width() >= 2) lm = landmarks_.predict(image, canonical);
    }
    lap.to(&StageTimings::landmarks_ms);
    FaceResult face = judge(lm, detected[i].box, image.width, image.height, options, timings);
    judge_blend(image, face, timings);
    lap = Lap(timings);
    face.detection_confidence = detected[i].confidence;
    if (face.detection_confidence < options.min_detection_confidence) {
      char why[160];
      std::snprintf(why, sizeof why, "not clearly a face (detection score %.2f, below %.2f)", face.detection_confidence,
                    options.min_detection_confidence);
      face.status = FaceStatus::kCannotJudge;
      face.reason = why;
      face.p_fake.reset();
      face.band.reset();
      face.pose_p_fake.reset();
      face.pose_band.reset();
      face.blend_p_fake.reset();
      face.blend_band.reset();
      face.combined_p_fake.reset();
      face.combined_band.reset();
    }
    if (face.p_fake) result.score = std::max(result.score.value_or(0.0), *face.p_fake);
    result.faces.push_back(std::move(face));
  }
  return result;
}

std::string version_line(const std::string& module_version, const Checker* loaded) {
  const std::string head = "posecheck " + module_version + " (";
  if (!loaded) {
    return head + "no models loaded; reads landmarks: " + kDlibLandmarkFormat + ", " + kCompactLandmarkFormat +
           "; face3d: " + kFaceModelFormat + "; classifiers: " + kClassifierFormat + "; combination: " + kCueCombinationFormat + ")";
  }
  const auto slot = [](const char* name, const char* format, const std::string& sha256) {
    return std::string(name) + ": " + format + " " + sha256.substr(0, kVersionHashDigits);
  };
  const auto classifier_slot = [&](const char* name, const std::optional<Classifier>& c) {
    return c ? slot(name, kClassifierFormat, c->sha256()) : std::string(name) + ": none";
  };
  const auto& combination = loaded->combination();
  return head + slot("landmarks", loaded->landmark_model().format().c_str(), loaded->landmark_model().sha256()) + "; " +
         slot("face3d", kFaceModelFormat, loaded->face_model().sha256) + "; " + classifier_slot("classifier", loaded->classifier()) +
         "; " + classifier_slot("blend_classifier", loaded->blend_classifier()) + "; " +
         classifier_slot("track_classifier", loaded->track_classifier()) + "; " +
         (combination ? slot("combination", kCueCombinationFormat, combination->sha256()) : std::string("combination: none")) + ")";
}

std::string verdict(const std::optional<double>& score, int faces_found, const Checker& checker) {
  if (faces_found == 0) return "no_face";
  const auto bands = checker.face_bands();
  if (!bands) return "not_scored";
  if (!score) return "cannot_judge";
  return band_name(bands->of(*score));
}

}  // namespace posecheck
