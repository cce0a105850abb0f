#include "classifier.h"

#include <cmath>
#include <map>
#include <sstream>

#include <svm.h>

#include "errors.h"
#include "model_text.h"
#include "sha256.h"

namespace posecheck {

const char* band_name(EvidenceBand b) {
  switch (b) {
    case EvidenceBand::kLittleEvidence: return "little_evidence";
    case EvidenceBand::kUncertain: return "uncertain";
    case EvidenceBand::kSubstantialEvidence: return "substantial_evidence";
  }
  return "?";
}

// The libsvm model is rebuilt in memory from our own parse of libsvm's text
// format (libsvm only loads from a file path, and trusts its input).
struct Classifier::Impl {
  FeatureVariant variant = kDefaultVariant;
  CameraModel camera = CameraModel::kPaper;
  std::vector<double> mean, std;
  double band_low = 0.5, band_high = 0.5;
  std::vector<double> band_rates;
  std::string sha256;
  int fake_index = 0;  // position of label 1 in libsvm's probability output

  std::vector<std::vector<svm_node>> sv_nodes;
  std::vector<svm_node*> sv_ptrs;
  std::vector<double> coef;
  double* coef_ptr = nullptr;
  double rho = 0, prob_a = 0, prob_b = 0;
  int labels[2] = {0, 0}, n_sv[2] = {0, 0};
  svm_model model{};
};

Classifier::Classifier() : impl_(std::make_unique<Impl>()) {}
Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;

namespace {

[[noreturn]] void bad(int line, const std::string& what) {
  throw Error(ErrorCode::kModelFormat, "classifier model, line " + std::to_string(line) + ": " + what);
}

std::vector<double> numbers(std::istringstream& ls, int line) {
  std::vector<double> v;
  std::string tok;
  if (!read_finite_numbers(ls, v, tok)) bad(line, "'" + tok + "' is not a finite number");
  return v;
}

}  // namespace

Classifier Classifier::parse(const std::string& text) {
  Classifier c;
  Impl& m = *c.impl_;
  m.sha256 = sha256_hex(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  bool have_variant = false, have_bands = false, in_svm = false, in_sv = false;
  std::map<std::string, std::vector<double>> header;
  std::string svm_type, kernel;
  int nr_class = 0, total_sv = -1;
  std::vector<double> svm_labels;
  for_each_model_line(text, kClassifierFormat, "posecheck classifier (version 1)", [&](int ln, const std::string& key, std::istringstream& ls) {
    if (!in_svm) {
      if (key == "variant") {
        std::string name;
        ls >> name;
        try { m.variant = parse_variant(name); } catch (const Error& e) { bad(ln, e.what()); }
        have_variant = true;
      } else if (key == "camera") {
        std::string name;
        ls >> name;
        try { m.camera = parse_camera_model(name); } catch (const Error& e) { bad(ln, e.what()); }
      } else if (key == "mean") {
        m.mean = numbers(ls, ln);
      } else if (key == "std") {
        m.std = numbers(ls, ln);
        for (double s : m.std) if (!(s > 0)) bad(ln, "std values must be positive");
      } else if (key == "bands") {
        auto b = numbers(ls, ln);
        if (const std::string why = band_thresholds_problem(b); !why.empty()) bad(ln, why);
        m.band_low = b[0];
        m.band_high = b[1];
        have_bands = true;
      } else if (key == "band_rates") {
        auto r = numbers(ls, ln);
        if (const std::string why = band_rates_problem(r); !why.empty()) bad(ln, why);
        m.band_rates = r;
      } else if (key == "libsvm") {
        in_svm = true;
      } else {
        bad(ln, "unknown key '" + key + "'");
      }
      return;
    }
    if (!in_sv) {
      if (key == "svm_type") ls >> svm_type;
      else if (key == "kernel_type") ls >> kernel;
      else if (key == "gamma") { auto v = numbers(ls, ln); if (v.size() != 1 || !(v[0] > 0)) bad(ln, "gamma must be one positive number"); m.model.param.gamma = v[0]; }
      // Counts are range-checked before the conversion to int (fuzz_classifier:
      // converting an out-of-range double is undefined behaviour).
      else if (key == "nr_class") { auto v = numbers(ls, ln); nr_class = v.size() == 1 && v[0] >= 0 && v[0] <= 1e6 ? int(v[0]) : 0; }
      else if (key == "total_sv") { auto v = numbers(ls, ln); if (v.size() != 1 || v[0] < 1 || v[0] > 1e6) bad(ln, "total_sv out of range"); total_sv = int(v[0]); }
      else if (key == "rho") { auto v = numbers(ls, ln); if (v.size() != 1) bad(ln, "rho needs one value"); m.rho = v[0]; }
      else if (key == "label") { svm_labels = numbers(ls, ln); }
      else if (key == "probA") { auto v = numbers(ls, ln); if (v.size() != 1) bad(ln, "probA needs one value"); m.prob_a = v[0]; header["probA"] = v; }
      else if (key == "probB") { auto v = numbers(ls, ln); if (v.size() != 1) bad(ln, "probB needs one value"); m.prob_b = v[0]; header["probB"] = v; }
      else if (key == "nr_sv") { auto v = numbers(ls, ln); if (v.size() != 2 || !(v[0] >= 0 && v[0] <= 1e6 && v[1] >= 0 && v[1] <= 1e6)) bad(ln, "nr_sv needs two counts"); m.n_sv[0] = int(v[0]); m.n_sv[1] = int(v[1]); }
      else if (key == "SV") {
        in_sv = true;
        if (svm_type != "c_svc") bad(ln, "svm_type must be c_svc");
        if (kernel != "rbf") bad(ln, "kernel_type must be rbf");
        if (nr_class != 2 || svm_labels.size() != 2) bad(ln, "need a two-class model (nr_class 2, two labels)");
        if (!((svm_labels[0] == 0 && svm_labels[1] == 1) || (svm_labels[0] == 1 && svm_labels[1] == 0))) bad(ln, "labels must be 0 (real) and 1 (fake)");
        if (!header.count("probA") || !header.count("probB")) bad(ln, "model has no probability information (train with -b 1)");
        if (total_sv < 1 || m.n_sv[0] + m.n_sv[1] != total_sv) bad(ln, "nr_sv does not add up to total_sv");
        if (!(m.model.param.gamma > 0)) bad(ln, "missing gamma");
      } else bad(ln, "unknown libsvm header key '" + key + "'");
      return;
    }
    // Support vector line: coef index:value ...
    char* end = nullptr;
    const double coef = std::strtod(key.c_str(), &end);
    if (end == key.c_str() || *end != '\0' || !std::isfinite(coef)) bad(ln, "support vector coefficient is not a number");
    std::vector<svm_node> nodes;
    std::string tok;
    int last = 0;
    while (ls >> tok) {
      const auto colon = tok.find(':');
      if (colon == std::string::npos) bad(ln, "expected index:value");
      // Named, not a temporary: `end` points into it (fuzz_classifier found
      // the temporary's use after its scope).
      const std::string index_text = tok.substr(0, colon);
      const long idx = std::strtol(index_text.c_str(), &end, 10);
      if (*end != '\0' || idx <= last || idx > 64) bad(ln, "feature indices must increase within 1..64");
      const double val = std::strtod(tok.c_str() + colon + 1, &end);
      if (*end != '\0' || !std::isfinite(val)) bad(ln, "feature value is not a finite number");
      nodes.push_back(svm_node{int(idx), val});
      last = int(idx);
    }
    nodes.push_back(svm_node{-1, 0});
    m.coef.push_back(coef);
    m.sv_nodes.push_back(std::move(nodes));
  });
  if (!have_variant || !have_bands) throw Error(ErrorCode::kModelFormat, "classifier model lacks 'variant' or 'bands'");
  if (!in_sv) throw Error(ErrorCode::kModelFormat, "classifier model lacks the libsvm section (or its 'SV' line)");
  const std::size_t d = variant_length(m.variant);
  if (m.mean.size() != d || m.std.size() != d) {
    throw Error(ErrorCode::kModelFormat, "mean/std must have " + std::to_string(d) + " values for variant " + variant_name(m.variant));
  }
  if (int(m.sv_nodes.size()) != total_sv) {
    throw Error(ErrorCode::kModelFormat, "classifier model has " + std::to_string(m.sv_nodes.size()) + " support vectors, header says " + std::to_string(total_sv) + " (truncated?)");
  }
  for (const auto& sv : m.sv_nodes)
    if (sv.size() > 1 && std::size_t(sv[sv.size() - 2].index) > d) throw Error(ErrorCode::kModelFormat, "support vector longer than the feature vector");

  for (auto& sv : m.sv_nodes) m.sv_ptrs.push_back(sv.data());
  m.coef_ptr = m.coef.data();
  m.labels[0] = int(svm_labels[0]);
  m.labels[1] = int(svm_labels[1]);
  m.fake_index = m.labels[0] == 1 ? 0 : 1;
  svm_model& sm = m.model;
  sm.param.svm_type = C_SVC;
  sm.param.kernel_type = RBF;
  sm.nr_class = 2;
  sm.l = total_sv;
  sm.SV = m.sv_ptrs.data();
  sm.sv_coef = &m.coef_ptr;
  sm.rho = &m.rho;
  sm.probA = &m.prob_a;
  sm.probB = &m.prob_b;
  sm.sv_indices = nullptr;
  sm.label = m.labels;
  sm.nSV = m.n_sv;
  sm.free_sv = 0;
  return c;
}

std::string Classifier::format(FeatureVariant variant, CameraModel camera, const std::vector<double>& mean,
                               const std::vector<double>& std, double band_low, double band_high,
                               const std::vector<double>& band_rates, const std::string& libsvm_model_text) {
  std::ostringstream out;
  out.precision(17);
  out << kClassifierFormat << "\nvariant " << variant_name(variant);
  // Written only for the face camera, so the paper's camera keeps the
  // original file bytes (Table 1's models reproduce byte for byte).
  if (camera != CameraModel::kPaper) out << "\ncamera " << camera_model_name(camera);
  out << "\nmean";
  for (double x : mean) out << ' ' << x;
  out << "\nstd";
  for (double x : std) out << ' ' << x;
  out << "\nbands " << band_low << ' ' << band_high;
  if (!band_rates.empty()) {
    out << "\nband_rates";
    for (double x : band_rates) out << ' ' << x;
  }
  out << "\nlibsvm\n" << libsvm_model_text;
  return out.str();
}

FeatureVariant Classifier::variant() const { return impl_->variant; }
CameraModel Classifier::camera() const { return impl_->camera; }
double Classifier::band_low() const { return impl_->band_low; }
double Classifier::band_high() const { return impl_->band_high; }
const std::vector<double>& Classifier::band_rates() const { return impl_->band_rates; }
const std::string& Classifier::sha256() const { return impl_->sha256; }

double Classifier::probability_fake(const std::vector<double>& features) const {
  const Impl& m = *impl_;
  if (features.size() != m.mean.size()) {
    throw Error(ErrorCode::kInvalidArgument, "classifier expects " + std::to_string(m.mean.size()) + " features, got " + std::to_string(features.size()));
  }
  std::vector<svm_node> x;
  x.reserve(features.size() + 1);
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (!std::isfinite(features[i])) throw Error(ErrorCode::kInvalidArgument, "features must be finite");
    x.push_back(svm_node{int(i) + 1, (features[i] - m.mean[i]) / m.std[i]});
  }
  x.push_back(svm_node{-1, 0});
  double prob[2] = {0, 0};
  svm_predict_probability(&m.model, x.data(), prob);
  return prob[m.fake_index];
}

EvidenceBand Classifier::band(double p) const {
  if (p < impl_->band_low) return EvidenceBand::kLittleEvidence;
  if (p >= impl_->band_high) return EvidenceBand::kSubstantialEvidence;
  return EvidenceBand::kUncertain;
}

}  // namespace posecheck
