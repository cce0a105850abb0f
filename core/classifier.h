// Classifier: standardisation + libsvm RBF SVM with Platt probabilities,
// turning one face's pose-difference features into P(fake).
//
// File format (text, one file per trained model):
//   posecheck-classifier 1
//   variant <vec|vec_t|rvec|rvec_t|rmat|rmat_t>
//   mean <d numbers>           per-feature training mean
//   std <d numbers>            per-feature training standard deviation (> 0)
//   bands <lo> <hi>            P(fake) < lo: likely real; >= hi: likely fake
//   libsvm
//   <libsvm's own model text: svm_type c_svc, kernel_type rbf, probA/probB>
// Labels: libsvm label 1 = fake, 0 = real.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pose_features.h"

namespace posecheck {

enum class EvidenceBand { kLikelyReal, kInconclusive, kLikelyFake };
const char* band_name(EvidenceBand b);  // "likely_real", "inconclusive", "likely_fake"

// Represents: an immutable trained model. Thread safety: const calls are safe.
class Classifier {
 public:
  // Requires: the text format above, finite numbers, std > 0, a two-class
  //   (labels 0 and 1) C-SVC with probability information, support vectors
  //   of dimension <= d. Otherwise throws Error kModelFormat naming the line.
  static Classifier parse(const std::string& text);

  // Builds the file text from parts (used by `posecheck train`).
  static std::string format(FeatureVariant variant, const std::vector<double>& mean, const std::vector<double>& std,
                            double band_low, double band_high, const std::string& libsvm_model_text);

  FeatureVariant variant() const;
  // Requires: features.size() == variant_length(variant()) (else kInvalidArgument).
  // Ensures: P(fake) in [0, 1].
  double probability_fake(const std::vector<double>& features) const;
  EvidenceBand band(double p_fake) const;
  double band_low() const;
  double band_high() const;
  const std::string& sha256() const;

  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;
  ~Classifier();

 private:
  Classifier();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace posecheck
