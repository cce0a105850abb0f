// CueCombination: one P(fake) for a face from its two cues' P(fake), the
// pose cue (the paper's method, classifier.h) and the blend cue (the face
// against its own surroundings, blend_evidence.h):
//
//   log-odds(combined) = bias + pose_weight * log-odds(pose P) + blend_weight * log-odds(blend P)
//
// with log-odds(p) = ln(p / (1 - p)), p clamped to [1e-6, 1 - 1e-6]. The
// weights are a logistic regression fitted on held-out P(fake) of both cues
// (stacking: `posecheck combine`, research/cue_stacking.h), so a cue that adds
// nothing gets a weight near 0 and the weights say how much each cue counts.
//
// File format (text):
//   posecheck-combination 1
//   pose_classifier <sha256>    the classifier files the weights were fitted
//   blend_classifier <sha256>   for (the checker refuses other ones)
//   weights <pose> <blend>
//   bias <b>
//   bands <lo> <hi>             as classifier.h: P < lo little evidence,
//                               >= hi substantial evidence, else uncertain
//   band_rates <6 numbers>      optional, as classifier.h
//   decides <0|1>               optional, default 0: whether the combination
//                               gives each face its P(fake) and band (1), or
//                               is reported beside the blend cue, which
//                               decides (0). Why the shipped one does not
//                               decide: docs/results.md, "Combining the cues".
#pragma once

#include <string>
#include <vector>

#include "classifier.h"

namespace posecheck {

// The first line of the file format above: its name and the one version read.
constexpr const char* kCueCombinationFormat = "posecheck-combination 1";

// The clamp of every log-odds above (a Platt probability never reaches 0 or 1,
// but a stray 0 must not become -infinity).
constexpr double kLogOddsClamp = 1e-6;
// Ensures: ln(q / (1 - q)) with q = p clamped to [kLogOddsClamp, 1 -
// kLogOddsClamp]: finite (|result| < 14) for every p but NaN. Never throws.
double log_odds(double p);
// The formula above (the one definition, used by CueCombination and by the
// fitting in research/cue_stacking.h).
// Requires: nothing checked (probability_fake() checks its inputs).
// Ensures: the logistic of the weighted log-odds sum, in [0, 1]; never throws.
double combined_probability(double pose_weight, double blend_weight, double bias, double pose_p_fake, double blend_p_fake);

// Represents: an immutable fitted combination. Thread safety: const calls are safe.
class CueCombination {
 public:
  // Requires: the format above, finite numbers, weights and bias within
  // +-1000, 0 <= lo <= hi <= 1, two 64-hex-digit hashes. Otherwise throws
  // Error kModelFormat naming the line.
  // Ensures: the combination, with sha256() the digest of `text`.
  static CueCombination parse(const std::string& text);
  // Builds the file text (used by `posecheck combine`).
  // Requires: the values parse() accepts (not checked here: parse() of the
  //   result is the check). Ensures: the file text; never throws but std::bad_alloc.
  static std::string format(const std::string& pose_classifier_sha256, const std::string& blend_classifier_sha256,
                            double pose_weight, double blend_weight, double bias, double band_low, double band_high,
                            const std::vector<double>& band_rates, bool decides);

  // Requires: both in [0, 1] (else Error kInvalidArgument). Ensures: in [0, 1],
  //   combined_probability() with this file's weights and bias.
  double probability_fake(double pose_p_fake, double blend_p_fake) const;
  // Ensures: the band of p_fake by this file's bands (EvidenceBands::of).
  EvidenceBand band(double p_fake) const { return bands().of(p_fake); }
  // The accessors below return what the file said and never throw; sha256()
  // is the digest of the parsed text, the *_classifier_sha256() the hashes
  // of the classifier files it was fitted for.
  EvidenceBands bands() const { return {band_low_, band_high_, band_rates_}; }

  double pose_weight() const { return pose_weight_; }
  double blend_weight() const { return blend_weight_; }
  double bias() const { return bias_; }
  bool decides() const { return decides_; }
  double band_low() const { return band_low_; }
  double band_high() const { return band_high_; }
  const std::vector<double>& band_rates() const { return band_rates_; }
  const std::string& pose_classifier_sha256() const { return pose_sha_; }
  const std::string& blend_classifier_sha256() const { return blend_sha_; }
  const std::string& sha256() const { return sha256_; }

 private:
  double pose_weight_ = 0, blend_weight_ = 0, bias_ = 0, band_low_ = 0.5, band_high_ = 0.5;
  bool decides_ = false;
  std::vector<double> band_rates_;
  std::string pose_sha_, blend_sha_, sha256_;
};

}  // namespace posecheck
