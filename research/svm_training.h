// Training the classifier of `posecheck train`: standardisation, libsvm
// C-SVC with an RBF kernel and Platt probabilities (-b 1), grid search over
// (C, gamma) by cross-validation grouped by the `group` column, and the
// evidence bands.
//
// Grouped folds: every distinct group goes to exactly one fold, so a speaker
// (or a face-swap pair) never appears on both sides of a split. Assignment is
// deterministic from the seed: groups are shuffled by a seeded mt19937_64
// Fisher-Yates, then, largest first (stable), each is given to the fold with
// the fewest rows so far (lowest fold index on ties).
//
// Grid selection: for each (C, gamma), each fold's model is trained on the
// other folds (standardised with their mean/std), scored by its decision
// value on the held-out fold; the cell's CV AUROC is the mean over folds of
// the held-out frame-level AUROC (folds lacking a class are skipped). Highest
// mean wins; ties go to the smaller C, then the smaller gamma.
//
// Evidence bands (rule), from held-out P(fake) with labels, per class so the
// class balance of the data does not move them. A band must be evidence, not
// just a tail: "substantial evidence" (P >= high) takes the lowest threshold
// at which at most 10% of reals land there, at least 10 fakes do, and fakes
// land there at least 3 times as often as reals (likelihood ratio >= 3,
// reals counted with +0.5 so an empty tail is not infinite evidence);
// "little evidence" (P < low) is the mirror image (highest threshold; at
// most 10% of fakes; reals at least 3 times as often). When no threshold
// keeps the rule, that band does not exist (high = 1 or low = 0: Platt
// probabilities never reach either). A weak classifier gets a wide
// uncertain band, possibly nothing else.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "feature_table.h"
#include "pose_features.h"

namespace posecheck::research {

struct Dataset {
  CameraModel camera = CameraModel::kPaper;  // the camera all its rows' features were computed with
  std::vector<std::vector<double>> x;
  std::vector<int> y;  // 1 fake, 0 real
  std::vector<std::string> group, video;
};

// Rows with status "ok" and a known label; the features of `variant`.
// Throws Error kInvalidArgument when the rows mix cameras.
Dataset make_dataset(const std::vector<FeatureRow>& rows, FeatureVariant variant);

// Fold index (0..k-1) of every row. Requires k >= 2 and at least k distinct
// groups (else throws Error kInvalidArgument).
std::vector<int> grouped_folds(const std::vector<std::string>& groups, int k, std::uint64_t seed);

struct Standardiser {
  std::vector<double> mean, std;  // std floored at 1e-12 (a constant feature stays 0)
  static Standardiser fit(const std::vector<std::vector<double>>& x);
  std::vector<double> apply(const std::vector<double>& v) const;
};

// A trained libsvm model with its training data kept alive.
class SvmModel {
 public:
  // Trains C-SVC RBF on standardised features. probability: Platt scaling
  // (libsvm's internal 5-fold CV, seeded by `seed` via srand).
  static SvmModel train(const std::vector<std::vector<double>>& x, const std::vector<int>& y, double c, double gamma,
                        bool probability, unsigned seed = 1);
  // Larger = more fake. Decision value oriented so that fake is positive.
  double decision(const std::vector<double>& x) const;
  // Requires a probability model.
  double probability_fake(const std::vector<double>& x) const;
  // libsvm's model file text.
  std::string text() const;

  SvmModel(SvmModel&&) noexcept;
  SvmModel& operator=(SvmModel&&) noexcept;
  ~SvmModel();

 private:
  SvmModel();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct GridCell {
  double log2c = 0, log2g = 0;
  double cv_auroc = 0;                // mean over folds
  std::vector<double> fold_auroc;     // NaN for a skipped fold
};

struct TrainOptions {
  FeatureVariant variant = kDefaultVariant;
  int folds = 5;
  std::uint64_t seed = 1;
  std::vector<double> log2c = {-3, -1, 1, 3, 5, 7, 9};
  std::vector<double> log2g = {-11, -9, -7, -5, -3, -1, 1};
  bool verbose = false;  // progress on stderr
  // Written into the classifier file (Classifier::format): the held-out band
  // shares measured by nested CV of this recipe; empty = none.
  std::vector<double> band_rates;
  // Write and check the classifier file text (TrainResult::classifier_text);
  // false for datasets that are not a paper variant's features.
  bool classifier_file = true;
};

constexpr double kBandMaxWrongShare = 0.10;
constexpr double kBandMinLikelihoodRatio = 3.0;
constexpr double kBandMinSupport = 10;

struct Bands {
  double low = 0, high = 1;
  std::string source;  // what data they were chosen on
};

struct TrainResult {
  FeatureVariant variant;
  std::vector<GridCell> grid;
  GridCell chosen;
  std::vector<int> fold_of_row;
  int rows = 0, real = 0, fake = 0, groups = 0, videos = 0;
  std::vector<double> oof_probability;  // held-out P(fake) of the chosen cell (per row)
  Standardiser standardiser;
  std::string libsvm_text;  // final model, trained on all rows
  std::shared_ptr<const SvmModel> final_model;  // the same model, to score with
  Bands bands;
  std::string classifier_text;  // Classifier::format(...)
};

// Grid search + final model. Bands from held-out fold probabilities of the
// chosen cell unless band_data is non-empty (then from the final model's
// P(fake) on band_data, e.g. a validation split).
TrainResult train_classifier(const Dataset& data, const TrainOptions& options, const Dataset* band_data = nullptr);

// The band rule above.
Bands choose_bands(const std::vector<double>& p_fake, const std::vector<int>& labels);

}  // namespace posecheck::research
