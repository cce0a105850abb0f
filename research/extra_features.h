// Beyond the paper (project issue 4): extra per-face columns for the feature
// tables (`posecheck features --extra`) and the evaluation of named feature
// sets on them (`posecheck eval --ablation --variant SPEC...`). The paper's
// variants and the shipped classifier are unchanged; nothing here is used
// by the checker.
//
// Extra columns (per judged face; empty when the extra solve failed):
//   resid_0..3     one pose fitted to all 68 points: RMS reprojection error
//                  of the central points (18-36, 49, 55) / face width, of the
//                  jaw contour (1-17) / face width, log(central / jaw), and of
//                  all 68 / face width (face width: landmark bounding box)
//   jaw_rmat_0..8  Rjaw - Rc: jaw-contour pose (1-17) minus central pose
//   jaw_rotdiff_0  angle between those two rotations, degrees
//   cvpaper_rmat_0..8, cvpaper_rvec_0..2, cvpaper_behind_0..1
//                  only in builds with OpenCV (research/paper_solver.h): the
//                  paper code's solve (OpenCV iterative solvePnP from its
//                  default start, z-negated 3D face, whole and central solved
//                  independently): Ra - Rc, ra - rc, and whether the whole /
//                  central pose came out behind the camera (tz < 0; 1 / 0)
//   track_0..3     on every judged row of a person's track (same video, same
//                  face index; written by every `posecheck features` run,
//                  core/track_evidence.h): flatness ratio, central and jaw
//                  depth shares, non-rigid RMS; absent for tracks of fewer
//                  than 4 judged frames
//
// SPEC (a named feature set): parts joined by '+'. A part is a paper variant
// (vec, vec_t, rvec, rvec_t, rmat, rmat_t), "rotdiff" (rotation_difference_deg),
// "cos" (cosine_distance), or the prefix of extra columns (resid, jaw_rmat,
// jaw_rotdiff, cvpaper_rmat, ...: all columns PREFIX_0, PREFIX_1, ...).
// "video:SPEC" is a video-level feature set: per video (the `video` column),
// the mean and the standard deviation over its judged faces of SPEC's
// features; rows of the dataset are then videos, scored once per video.
#pragma once

#include <string>
#include <vector>

#include "checker.h"
#include "feature_table.h"
#include "svm_training.h"

namespace posecheck::research {

// Adds the extra columns above to row.extra from a judged face.
void add_extra_columns(FeatureRow& row, const FaceResult& face, const FaceModel3D& face_model, int width, int height,
                       const PoseSolverOptions& solver);

// The feature set SPEC over rows: labelled rows with status ok that have every
// column of SPEC (frame level), or one row per video (video: level).
// `skipped` receives the number of ok, labelled rows left out for a missing
// extra column. Throws Error kInvalidArgument on a SPEC naming no column.
Dataset make_spec_dataset(const std::vector<FeatureRow>& rows, const std::string& spec, int* skipped = nullptr);

// Column names of SPEC (frame level, without the video: prefix) in `rows`.
std::vector<std::string> spec_columns(const std::vector<FeatureRow>& rows, const std::string& spec);

struct SpecResult {
  std::string spec;
  int train_rows = 0, val_rows = 0, train_skipped = 0, val_skipped = 0;
  double cv_auroc = 0, log2c = 0, log2g = 0;
  std::vector<double> val_p_fake;  // per val dataset row
  Dataset val;
};

// Grid search and final model exactly as train_classifier (svm_training.h:
// grouped folds, standardisation, grid, selection, Platt final model), then
// P(fake) of the val rows.
SpecResult train_and_score_spec(const std::vector<FeatureRow>& train, const std::vector<FeatureRow>& val, const std::string& spec,
                                const TrainOptions& options);

}  // namespace posecheck::research
