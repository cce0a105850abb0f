// Classifier: our parse of libsvm's model text must give exactly libsvm's own
// Platt probabilities (svm_predict_probability on svm_load_model, and the
// stock `svm-predict -b 1` binary), malformed files must be rejected with
// kModelFormat, and the evidence bands must have the documented boundaries.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <svm.h>

#include "classifier.h"
#include "errors.h"
#include "sha256.h"
#include "test_support.h"

namespace {

using posecheck::CameraModel;
using posecheck::Classifier;
using posecheck::ErrorCode;
using posecheck::EvidenceBand;
using posecheck::FeatureVariant;

constexpr int kDim = 12;  // rmat_t
const char* kSvmPredict = "/usr/bin/svm-predict";

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "posecheck_test_classifier_" + std::to_string(::getpid()) + "_" + name;
}

void quiet(const char*) {}

struct Trained {
  std::string libsvm_text;            // svm_save_model output
  std::string model_path;             // the same text on disk
  std::vector<double> mean, std;      // standardisation given to Classifier::format
  std::vector<std::vector<double>> queries;  // raw (unstandardised) feature vectors to score
};

std::vector<double> standardise(const std::vector<double>& x, const Trained& t) {
  std::vector<double> z(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) z[i] = (x[i] - t.mean[i]) / t.std[i];
  return z;
}

std::vector<svm_node> nodes(const std::vector<double>& z) {
  std::vector<svm_node> n;
  for (std::size_t i = 0; i < z.size(); ++i) n.push_back(svm_node{int(i) + 1, z[i]});
  n.push_back(svm_node{-1, 0});
  return n;
}

// Trains a small 2-class RBF C-SVC with probability estimates on overlapping
// Gaussian classes. first_label decides libsvm's label order (the order of
// first appearance): {0, 1} or {1, 0}.
Trained train(int first_label, const std::string& tag) {
  Trained t;
  std::mt19937 rng(1234 + first_label);
  std::normal_distribution<double> g(0, 1);
  for (int i = 0; i < kDim; ++i) {
    t.mean.push_back(0.01 * (i + 1) - 0.05);
    t.std.push_back(0.02 + 0.005 * i);
  }
  const int n = 120;
  std::vector<std::vector<double>> raw;
  std::vector<double> labels;
  for (int k = 0; k < n; ++k) {
    const int label = (k % 2 == 0) ? first_label : 1 - first_label;
    std::vector<double> x(kDim);
    for (int i = 0; i < kDim; ++i) {
      const double shift = (label == 1 && i < 4) ? 1.5 : 0.0;
      x[i] = t.mean[i] + t.std[i] * (g(rng) + shift);
    }
    raw.push_back(x);
    labels.push_back(label);
  }
  std::vector<std::vector<svm_node>> store;
  std::vector<svm_node*> ptrs;
  for (const auto& x : raw) store.push_back(nodes(standardise(x, t)));
  for (auto& s : store) ptrs.push_back(s.data());
  svm_problem prob{};
  prob.l = n;
  prob.y = labels.data();
  prob.x = ptrs.data();
  svm_parameter param{};
  param.svm_type = C_SVC;
  param.kernel_type = RBF;
  param.gamma = 1.0 / kDim;
  param.C = 1;
  param.cache_size = 20;
  param.eps = 1e-3;
  param.shrinking = 1;
  param.probability = 1;
  EXPECT_EQ(svm_check_parameter(&prob, &param), nullptr);
  svm_set_print_string_function(&quiet);
  std::srand(7);  // libsvm's probability cross-validation uses rand()
  svm_model* model = svm_train(&prob, &param);
  t.model_path = temp_path(tag + ".model");
  EXPECT_EQ(svm_save_model(t.model_path.c_str(), model), 0);
  svm_free_and_destroy_model(&model);
  t.libsvm_text = posecheck_test::read_file(t.model_path);
  // Queries: points of both classes, between them, and far away (where the
  // RBF decision value tends to -rho).
  for (int k = 0; k < 40; ++k) {
    std::vector<double> x(kDim);
    const double shift = (k % 3 == 0) ? 1.5 : (k % 3 == 1 ? 0.0 : 0.75);
    for (int i = 0; i < kDim; ++i) x[i] = t.mean[i] + t.std[i] * (g(rng) + (i < 4 ? shift : 0.0));
    t.queries.push_back(x);
  }
  for (double far : {-6.0, 6.0, 30.0}) {
    std::vector<double> x(kDim);
    for (int i = 0; i < kDim; ++i) x[i] = t.mean[i] + t.std[i] * (i < 4 ? far : 0.0);
    t.queries.push_back(x);
  }
  return t;
}

std::string classifier_text(const Trained& t, double lo = 0.3, double hi = 0.7) {
  return Classifier::format(FeatureVariant::kRmatT, CameraModel::kPaper, t.mean, t.std, lo, hi, {}, t.libsvm_text);
}

class ClassifierTest : public ::testing::TestWithParam<int> {};

TEST_P(ClassifierTest, MatchesLibsvmDirectly) {
  const Trained t = train(GetParam(), "direct" + std::to_string(GetParam()));
  const std::string text = classifier_text(t);
  const Classifier c = Classifier::parse(text);
  EXPECT_EQ(c.variant(), FeatureVariant::kRmatT);
  EXPECT_EQ(c.sha256(), posecheck::sha256_hex(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  svm_model* ref = svm_load_model(t.model_path.c_str());
  ASSERT_NE(ref, nullptr);
  ASSERT_EQ(svm_get_nr_class(ref), 2);
  int labels[2];
  svm_get_labels(ref, labels);
  EXPECT_EQ(labels[0], GetParam()) << "label order follows first appearance";
  const int fake = labels[0] == 1 ? 0 : 1;
  double lo = 1, hi = 0;
  for (const auto& x : t.queries) {
    double prob[2];
    const auto z = nodes(standardise(x, t));
    svm_predict_probability(ref, z.data(), prob);
    const double p = c.probability_fake(x);
    EXPECT_NEAR(p, prob[fake], 1e-12);
    EXPECT_GE(p, 0.0);
    EXPECT_LE(p, 1.0);
    lo = std::min(lo, p);
    hi = std::max(hi, p);
  }
  svm_free_and_destroy_model(&ref);
  // The queries must exercise both ends, or the comparison proves little.
  EXPECT_LT(lo, 0.1);
  EXPECT_GT(hi, 0.9);
  std::remove(t.model_path.c_str());
}

TEST_P(ClassifierTest, MatchesSvmPredictBinary) {
  if (!posecheck_test::path_exists(kSvmPredict)) GTEST_SKIP() << kSvmPredict << " absent (Debian package libsvm-tools)";
  const Trained t = train(GetParam(), "binary" + std::to_string(GetParam()));
  const Classifier c = Classifier::parse(classifier_text(t));
  const std::string data_path = temp_path("binary" + std::to_string(GetParam()) + ".data");
  const std::string out_path = temp_path("binary" + std::to_string(GetParam()) + ".out");
  {
    std::ofstream data(data_path);
    data.precision(17);
    for (const auto& x : t.queries) {
      data << "0";
      const auto z = standardise(x, t);
      for (int i = 0; i < kDim; ++i) data << ' ' << i + 1 << ':' << z[i];
      data << '\n';
    }
  }
  const std::string cmd = std::string(kSvmPredict) + " -b 1 -q '" + data_path + "' '" + t.model_path + "' '" + out_path + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::istringstream out(posecheck_test::read_file(out_path));
  std::string word;
  int l0, l1;
  ASSERT_TRUE(out >> word >> l0 >> l1) << "svm-predict output lacks its 'labels' line";
  ASSERT_EQ(word, "labels");
  ASSERT_TRUE((l0 == 0 && l1 == 1) || (l0 == 1 && l1 == 0));
  std::size_t rows = 0;
  double predicted, p0, p1;
  while (out >> predicted >> p0 >> p1) {
    ASSERT_LT(rows, t.queries.size());
    const double theirs = l0 == 1 ? p0 : p1;
    // svm-predict prints %g: 6 significant digits.
    EXPECT_NEAR(c.probability_fake(t.queries[rows]), theirs, 5.01e-6 * std::fabs(theirs) + 1e-12) << "row " << rows;
    ++rows;
  }
  EXPECT_EQ(rows, t.queries.size());
  std::remove(data_path.c_str());
  std::remove(out_path.c_str());
  std::remove(t.model_path.c_str());
}

INSTANTIATE_TEST_SUITE_P(LabelOrder, ClassifierTest, ::testing::Values(0, 1),
                         [](const ::testing::TestParamInfo<int>& i) { return i.param == 0 ? "RealFirst" : "FakeFirst"; });

// ---- malformed files -------------------------------------------------------

class MalformedClassifier : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    trained_ = new Trained(train(0, "malformed"));
    std::remove(trained_->model_path.c_str());
  }
  static void TearDownTestSuite() {
    delete trained_;
    trained_ = nullptr;
  }
  static std::string good() { return classifier_text(*trained_); }

  // Applies `edit` to the lines of the good text and expects kModelFormat.
  static void expect_bad(const std::string& what, const std::function<void(std::vector<std::string>&)>& edit) {
    std::vector<std::string> lines;
    std::istringstream in(good());
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    edit(lines);
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    expect_bad_text(what, text);
  }
  static void expect_bad_text(const std::string& what, const std::string& text) {
    try {
      Classifier::parse(text);
      ADD_FAILURE() << what << ": parsed without error";
    } catch (const posecheck::Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kModelFormat) << what << ": " << e.what();
      EXPECT_FALSE(std::string(e.what()).empty());
    } catch (const std::exception& e) {
      ADD_FAILURE() << what << ": threw a non-posecheck exception: " << e.what();
    }
  }
  static int find(const std::vector<std::string>& lines, const std::string& prefix) {
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (lines[i].rfind(prefix, 0) == 0) return int(i);
    ADD_FAILURE() << "no line starting with '" << prefix << "'";
    return 0;
  }
  static Trained* trained_;
};
Trained* MalformedClassifier::trained_ = nullptr;

TEST_F(MalformedClassifier, GoodTextParses) {
  EXPECT_NO_THROW(Classifier::parse(good()));
  // The libsvm section is what svm_save_model wrote, with the fields we rely on.
  for (const char* key : {"svm_type c_svc", "kernel_type rbf", "nr_class 2", "probA", "probB", "SV\n"})
    EXPECT_NE(good().find(key), std::string::npos) << key;
}

TEST_F(MalformedClassifier, HeaderLines) {
  expect_bad_text("empty", "");
  expect_bad("wrong version", [](auto& l) { l[0] = "posecheck-classifier 2"; });
  expect_bad("no version line", [](auto& l) { l.erase(l.begin()); });
  expect_bad("missing variant", [&](auto& l) { l.erase(l.begin() + find(l, "variant")); });
  expect_bad("unknown variant", [&](auto& l) { l[find(l, "variant")] = "variant rmat_x"; });
  expect_bad("missing mean", [&](auto& l) { l.erase(l.begin() + find(l, "mean")); });
  expect_bad("missing std", [&](auto& l) { l.erase(l.begin() + find(l, "std")); });
  expect_bad("missing bands", [&](auto& l) { l.erase(l.begin() + find(l, "bands")); });
  expect_bad("missing libsvm marker", [&](auto& l) { l.erase(l.begin() + find(l, "libsvm")); });
  expect_bad("unknown key", [&](auto& l) { l.insert(l.begin() + 1, "colour blue"); });
  expect_bad("bands reversed", [&](auto& l) { l[find(l, "bands")] = "bands 0.7 0.3"; });
  expect_bad("bands above 1", [&](auto& l) { l[find(l, "bands")] = "bands 0.3 1.5"; });
  expect_bad("one band", [&](auto& l) { l[find(l, "bands")] = "bands 0.3"; });
}

TEST_F(MalformedClassifier, NonFiniteNumbers) {
  for (const std::string bad : {"nan", "inf", "-inf", "1e999", "abc", "0x"}) {
    SCOPED_TRACE(bad);
    expect_bad("mean " + bad, [&](auto& l) { l[find(l, "mean")] += " " + bad; });
    expect_bad("std " + bad, [&](auto& l) { l[find(l, "std")] = "std " + bad + l[find(l, "std")].substr(3); });
    expect_bad("bands " + bad, [&](auto& l) { l[find(l, "bands")] = "bands 0.3 " + bad; });
    expect_bad("rho " + bad, [&](auto& l) { l[find(l, "rho")] = "rho " + bad; });
    expect_bad("probA " + bad, [&](auto& l) { l[find(l, "probA")] = "probA " + bad; });
    expect_bad("gamma " + bad, [&](auto& l) { l[find(l, "gamma")] = "gamma " + bad; });
    expect_bad("SV coefficient " + bad, [&](auto& l) {
      const int i = find(l, "SV") + 1;
      l[i] = bad + l[i].substr(l[i].find(' '));
    });
    expect_bad("SV value " + bad, [&](auto& l) { l[find(l, "SV") + 2] += " 12:" + bad; });
  }
  expect_bad("std zero", [&](auto& l) { l[find(l, "std")] = "std 0" + l[find(l, "std")].substr(l[find(l, "std")].find(' ', 4)); });
  expect_bad("std negative", [&](auto& l) { l[find(l, "std")] = "std -1" + l[find(l, "std")].substr(l[find(l, "std")].find(' ', 4)); });
}

TEST_F(MalformedClassifier, WrongModelKind) {
  expect_bad("labels 0 2", [&](auto& l) { l[find(l, "label")] = "label 0 2"; });
  expect_bad("labels 1 1", [&](auto& l) { l[find(l, "label")] = "label 1 1"; });
  expect_bad("labels -1 1", [&](auto& l) { l[find(l, "label")] = "label -1 1"; });
  expect_bad("one label", [&](auto& l) { l[find(l, "label")] = "label 0"; });
  expect_bad("nr_class 3", [&](auto& l) { l[find(l, "nr_class")] = "nr_class 3"; });
  expect_bad("nu_svc", [&](auto& l) { l[find(l, "svm_type")] = "svm_type nu_svc"; });
  expect_bad("linear kernel", [&](auto& l) { l[find(l, "kernel_type")] = "kernel_type linear"; });
  expect_bad("no probA", [&](auto& l) { l.erase(l.begin() + find(l, "probA")); });
  expect_bad("no probB", [&](auto& l) { l.erase(l.begin() + find(l, "probB")); });
  expect_bad("no gamma", [&](auto& l) { l.erase(l.begin() + find(l, "gamma")); });
  expect_bad("no SV line", [&](auto& l) { l.erase(l.begin() + find(l, "SV"), l.end()); });
}

TEST_F(MalformedClassifier, SupportVectorSection) {
  expect_bad("truncated by one SV", [](auto& l) { l.pop_back(); });
  expect_bad("half the SVs", [&](auto& l) { l.resize(find(l, "SV") + 1 + (l.size() - find(l, "SV") - 1) / 2); });
  expect_bad("extra SV", [](auto& l) { l.push_back(l.back()); });
  expect_bad("nr_sv does not add up", [&](auto& l) { l[find(l, "nr_sv")] = "nr_sv 1 1"; });
  expect_bad("total_sv 0", [&](auto& l) { l[find(l, "total_sv")] = "total_sv 0"; });
  expect_bad("index out of order", [&](auto& l) { l[find(l, "SV") + 1] = "0.5 3:1 2:1"; });
  expect_bad("index 0", [&](auto& l) { l[find(l, "SV") + 1] = "0.5 0:1"; });
  expect_bad("no colon", [&](auto& l) { l[find(l, "SV") + 1] = "0.5 3 1"; });
  // Wrong dimensions: a support vector longer than the 12 rmat_t features,
  // and mean/std of the wrong length.
  expect_bad("SV dimension 13", [&](auto& l) { l[find(l, "SV") + 1] += " 13:0.25"; });
  expect_bad("mean has 11 values", [&](auto& l) {
    std::string& m = l[find(l, "mean")];
    m = m.substr(0, m.rfind(' '));
  });
  expect_bad("std has 13 values", [&](auto& l) { l[find(l, "std")] += " 1"; });
  expect_bad("variant vec with 12 means", [&](auto& l) { l[find(l, "variant")] = "variant vec"; });
}

TEST_F(MalformedClassifier, FeatureArgumentChecks) {
  const Classifier c = Classifier::parse(good());
  for (std::size_t n : {0u, 11u, 13u}) {
    try {
      c.probability_fake(std::vector<double>(n, 0.0));
      ADD_FAILURE() << n << " features accepted";
    } catch (const posecheck::Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    }
  }
  std::vector<double> x(kDim, 0.0);
  x[5] = std::numeric_limits<double>::quiet_NaN();
  try {
    c.probability_fake(x);
    ADD_FAILURE() << "NaN feature accepted";
  } catch (const posecheck::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

TEST_F(MalformedClassifier, Bands) {
  const Classifier c = Classifier::parse(good());
  EXPECT_EQ(c.band_low(), 0.3);
  EXPECT_EQ(c.band_high(), 0.7);
  EXPECT_EQ(c.band(0.0), EvidenceBand::kLittleEvidence);
  EXPECT_EQ(c.band(std::nextafter(0.3, 0.0)), EvidenceBand::kLittleEvidence);
  EXPECT_EQ(c.band(0.3), EvidenceBand::kUncertain);
  EXPECT_EQ(c.band(0.5), EvidenceBand::kUncertain);
  EXPECT_EQ(c.band(std::nextafter(0.7, 0.0)), EvidenceBand::kUncertain);
  EXPECT_EQ(c.band(0.7), EvidenceBand::kSubstantialEvidence);
  EXPECT_EQ(c.band(1.0), EvidenceBand::kSubstantialEvidence);
  EXPECT_STREQ(posecheck::band_name(EvidenceBand::kLittleEvidence), "little_evidence");
  EXPECT_STREQ(posecheck::band_name(EvidenceBand::kUncertain), "uncertain");
  EXPECT_STREQ(posecheck::band_name(EvidenceBand::kSubstantialEvidence), "substantial_evidence");
  // Equal bands: no uncertain zone.
  const Classifier d = Classifier::parse(classifier_text(*trained_, 0.5, 0.5));
  EXPECT_EQ(d.band(std::nextafter(0.5, 0.0)), EvidenceBand::kLittleEvidence);
  EXPECT_EQ(d.band(0.5), EvidenceBand::kSubstantialEvidence);
}

}  // namespace
