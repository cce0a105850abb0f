// Nested grouped cross-validation: a leak-free estimate of how the whole
// training recipe (`posecheck train`: variant choice, grid search, Platt,
// evidence bands) does on people it never saw.
//
// Outer loop: rows are split into `outer_folds` grouped folds (the `group`
// column: a face-swap pair, or a UADFV video id, so a face never sits on both
// sides). For each outer fold, everything is chosen on the other folds alone:
// each candidate feature set runs train_classifier (its own inner grouped CV
// grid search and bands from the inner held-out P(fake)); the candidate with
// the highest inner CV AUROC wins (ties: the earlier one); its final model
// scores the held-out fold. The held-out P(fake) and band of every row are the
// estimate: no choice ever saw them.
//
// Combination (`--combine-with POSE`): the candidates above are the blend
// cue; POSE (a pose variant, e.g. "rmat") is trained on the same inner rows;
// the cue combination (cue_combination.h) is fitted on both models' inner
// held-out P(fake) (cue_stacking.h), the bands on the combined inner
// held-out P(fake); the outer fold is scored by the combination, and each
// cue alone is kept beside it (NestedResult::pose_p_fake, blend_p_fake).
//
// Extra training rows (`--train-extra CSV`, e.g. self-blends from
// `features --self-blend`): added to the training rows of every outer fold
// whose held-out fold holds none of their groups (a self-blend carries its
// real's group, so it never trains a model that scores its own person), and
// never scored. With ExtraUse::kFakesOnly, the training fakes are the extra
// rows alone (the real fakes are only scored): how well pseudo-fakes alone
// teach the cue. With ExtraUse::kOnly, the extra rows are all the training
// rows (the rows are only scored): e.g. a model trained on original frames,
// scored on held-out people's degraded copies (`features --degrade`). Not
// with combine_with.
//
// Candidates: paper variants ("rmat", ...) or named feature sets of
// research/extra_features.h ("rmat+track", "video:rmat+track", ...). All
// candidates of one run must cover the same rows (frame level, or all
// "video:" sets at video level); rows are then faces or videos.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "classifier.h"
#include "cue_stacking.h"
#include "feature_table.h"
#include "svm_training.h"

namespace posecheck::research {

// How the extra rows train (above).
enum class ExtraUse {
  kAdd,        // the rows of the training folds plus the extra rows
  kFakesOnly,  // the training folds' reals plus the extra rows (pseudo-fakes alone)
  kOnly,       // the extra rows alone; the rows are only scored
};

struct NestedOptions {
  std::vector<std::string> candidates = {"rmat"};
  int outer_folds = 5;
  std::uint64_t outer_seed = 7;  // differs from the inner seed, so inner folds are not the outer ones
  TrainOptions inner;            // inner folds, seed and grid (variant is set per candidate)
  bool verbose = false;          // progress on stderr
  std::string combine_with;      // empty, or the pose cue's variant (above)
  std::vector<FeatureRow> train_extra;  // training-only rows (above)
  ExtraUse extra_use = ExtraUse::kAdd;  // (above)
};

struct NestedChoice {
  std::string candidate;
  double log2c = 0, log2g = 0, inner_cv_auroc = 0;
  Bands bands;
  int train_rows = 0, test_rows = 0;
  int extra_train_rows = 0;  // of train_rows, rows from train_extra
  // With combine_with: the pose model's inner CV and the fitted combination.
  double pose_log2c = 0, pose_log2g = 0, pose_inner_cv_auroc = 0;
  StackingFit stacking;
};

struct NestedResult {
  // Per scored row (a judged, labelled face, or a video), in dataset order:
  std::vector<double> p_fake;         // held-out P(fake)
  std::vector<EvidenceBand> band;     // held-out band (thresholds chosen inside)
  std::vector<int> label, outer_fold;
  std::vector<std::string> group, video;
  std::vector<NestedChoice> choices;  // one per outer fold
  // With combine_with: held-out P(fake) of each cue alone (p_fake is the
  // combination's); empty otherwise.
  std::vector<double> pose_p_fake, blend_p_fake;
};

// Requires: rows with at least outer_folds distinct groups and both classes;
// all candidates computed with one camera and covering the same rows (else
// throws Error kInvalidArgument).
NestedResult nested_cross_validation(const std::vector<FeatureRow>& rows, const NestedOptions& options);

// The predictions file (`eval --nested --predictions`): one row per scored
// row, `group,video,label,outer_fold,p_fake,band` (outer_fold 1-based).
constexpr const char* kNestedPredictionsHeader = "group,video,label,outer_fold,p_fake,band";
std::string nested_predictions_csv(const NestedResult& result);
// Reads it back (choices are not stored). Throws Error kInvalidArgument
// naming the file and line on anything else.
NestedResult parse_nested_predictions(const std::string& text, const std::string& path);

// The held-out shares of real rows in little / uncertain / substantial, then
// of fake rows (Classifier's band_rates). Throws when a class is missing.
std::vector<double> held_out_band_rates(const NestedResult& result);

}  // namespace posecheck::research
