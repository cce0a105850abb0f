// Fitting the cue combination (core/cue_combination.h): a logistic
// regression of the label on the two cues' held-out log-odds (stacking).
//
// Why held-out: a cue's P(fake) on its own training rows is overconfident;
// the combination must learn how far each cue can be trusted on people it
// never saw, so it is fitted on out-of-fold P(fake) of each cue's recipe
// (train_classifier's oof_probability, same grouped folds for both cues).
//
// Fit: Newton's method on the mean log-loss plus a small ridge on the two
// weights (kStackingRidge: keeps the fit finite when the classes separate);
// the bias is not penalised. Deterministic.
#pragma once

#include <vector>

namespace posecheck::research {

constexpr double kStackingRidge = 1e-3;

struct StackingFit {
  double pose_weight = 0, blend_weight = 0, bias = 0;
  int iterations = 0;
};

// Requires: three vectors of one length, P in [0, 1], labels 0/1 with both
// classes (else throws Error kInvalidArgument).
StackingFit fit_cue_stacking(const std::vector<double>& pose_p_fake, const std::vector<double>& blend_p_fake,
                             const std::vector<int>& labels);

// The rows where both cues have a held-out P(fake) (train_classifier leaves
// NaN for a fold it could not train: one class only).
struct HeldOutPair {
  std::vector<double> pose, blend;
  std::vector<int> label;
};
HeldOutPair held_out_pair(const std::vector<double>& pose_oof, const std::vector<double>& blend_oof, const std::vector<int>& labels);

// The combined P(fake) of the fit (as CueCombination::probability_fake).
double stacked_probability(const StackingFit& fit, double pose_p_fake, double blend_p_fake);

}  // namespace posecheck::research
