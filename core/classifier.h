// Classifier: standardisation + libsvm RBF SVM with Platt probabilities,
// turning one face's pose-difference features into P(fake).
//
// File format (text, one file per trained model):
//   posecheck-classifier 1
//   variant <vec|vec_t|rvec|rvec_t|rmat|rmat_t>
//   camera <paper|face>        optional: the camera the poses were solved
//                              with in training (geometry.h); absent = paper
//   mean <d numbers>           per-feature training mean
//   std <d numbers>            per-feature training standard deviation (> 0)
//   bands <lo> <hi>            P(fake) < lo: little evidence (of a face swap);
//                              >= hi: substantial evidence; between: uncertain
//   band_rates <6 numbers>     optional: what each band means, as measured on
//                              people the training never saw (nested grouped
//                              CV, `posecheck eval --nested`): the shares of
//                              real faces in little / uncertain / substantial,
//                              then the shares of fake faces (each triple sums to 1)
//   libsvm
//   <libsvm's own model text: svm_type c_svc, kernel_type rbf, probA/probB>
// Labels: libsvm label 1 = fake, 0 = real.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pose_features.h"

namespace posecheck {

// The first line of the file format above: its name and the one version read.
constexpr const char* kClassifierFormat = "posecheck-classifier 1";

enum class EvidenceBand { kLittleEvidence, kUncertain, kSubstantialEvidence };
// Ensures: "little_evidence", "uncertain", "substantial_evidence" (the
// results' band words); "?" outside the enum. Never throws.
const char* band_name(EvidenceBand b);

// A score's bands and what they mean: P(fake) < low little evidence, >= high
// substantial evidence, else uncertain; held_out_rates: empty, or the shares
// of real faces per band (little, uncertain, substantial) then of fake faces,
// measured on people the training never saw.
struct EvidenceBands {
  double low = 0.5, high = 0.5;
  std::vector<double> held_out_rates;
  EvidenceBand of(double p_fake) const {
    return p_fake < low ? EvidenceBand::kLittleEvidence : p_fake >= high ? EvidenceBand::kSubstantialEvidence : EvidenceBand::kUncertain;
  }
};

// Represents: an immutable trained model. Thread safety: const calls are safe.
class Classifier {
 public:
  // Requires: the text format above, finite numbers, std > 0, a two-class
  //   (labels 0 and 1) C-SVC with probability information, support vectors
  //   of dimension <= d. Otherwise throws Error kModelFormat naming the line.
  // Ensures: the model, with sha256() the digest of `text`.
  static Classifier parse(const std::string& text);

  // Builds the file text from parts (used by `posecheck train`).
  // Requires: the parts parse() accepts (mean and std of
  //   variant_length(variant) values, std > 0, 0 <= band_low <= band_high
  //   <= 1; band_rates empty or the 6 shares of the format above;
  //   libsvm_model_text libsvm's saved model). Not checked here: parse() of
  //   the result is the check. Ensures: the file text; never throws but
  //   std::bad_alloc.
  static std::string format(FeatureVariant variant, CameraModel camera, const std::vector<double>& mean,
                            const std::vector<double>& std, double band_low, double band_high,
                            const std::vector<double>& band_rates, const std::string& libsvm_model_text);

  // The accessors below return what the file said and never throw.
  // The features it scores (the file's `variant`).
  FeatureVariant variant() const;
  // The camera its features must be computed with (the checker uses it).
  CameraModel camera() const;
  // Requires: features.size() == variant_length(variant()) and every value
  //   finite (else throws Error kInvalidArgument).
  // Ensures: P(fake) in [0, 1] (libsvm's Platt probability of label 1),
  //   from the features standardised with the file's mean and std.
  double probability_fake(const std::vector<double>& features) const;
  // Ensures: the band of p_fake: < band_low() little evidence, >=
  // band_high() substantial evidence, else uncertain (as bands().of()).
  EvidenceBand band(double p_fake) const;
  EvidenceBands bands() const { return {band_low(), band_high(), band_rates()}; }
  double band_low() const;
  double band_high() const;
  // The held-out shares of real faces per band (little, uncertain,
  // substantial), then of fake faces; empty when the file has none.
  const std::vector<double>& band_rates() const;
  // The SHA-256 (64 lowercase hex) of the text it was parsed from.
  const std::string& sha256() const;

  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;
  ~Classifier();

 private:
  Classifier();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Ensures: a loaded classifier's bands, or nullopt when c is empty.
inline std::optional<EvidenceBands> bands_of(const std::optional<Classifier>& c) {
  return c ? std::optional<EvidenceBands>(c->bands()) : std::nullopt;
}

}  // namespace posecheck
