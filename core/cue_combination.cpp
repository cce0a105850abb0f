#include "cue_combination.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>

#include "errors.h"
#include "model_text.h"
#include "sha256.h"

namespace posecheck {
namespace {

[[noreturn]] void bad(int line, const std::string& what) {
  throw Error(ErrorCode::kModelFormat, "cue combination, line " + std::to_string(line) + ": " + what);
}

std::vector<double> numbers(std::istringstream& ls, int line, std::size_t count) {
  std::vector<double> v;
  std::string tok;
  if (!read_finite_numbers(ls, v, tok)) bad(line, "'" + tok + "' is not a finite number");
  if (v.size() != count) bad(line, "needs " + std::to_string(count) + " number(s)");
  return v;
}

// Far beyond any fit (the shipped weights are near 1), and small enough that
// the log-odds sum stays finite (|log-odds| <= 14).
constexpr double kMaxWeight = 1000;

bool is_sha256(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

double log_odds(double p) {
  const double q = std::clamp(p, kLogOddsClamp, 1 - kLogOddsClamp);
  return std::log(q / (1 - q));
}

double combined_probability(double pose_weight, double blend_weight, double bias, double pose_p_fake, double blend_p_fake) {
  const double z = bias + pose_weight * log_odds(pose_p_fake) + blend_weight * log_odds(blend_p_fake);
  return 1 / (1 + std::exp(-z));
}

CueCombination CueCombination::parse(const std::string& text) {
  CueCombination c;
  c.sha256_ = sha256_hex(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  bool have_weights = false, have_bias = false, have_bands = false;
  const auto on_line = [&](int ln, const std::string& key, std::istringstream& ls) {
    if (key == "pose_classifier" || key == "blend_classifier") {
      std::string sha, extra;
      ls >> sha;
      if (!is_sha256(sha) || (ls >> extra)) bad(ln, key + " needs one SHA-256 (64 lowercase hex digits)");
      (key == "pose_classifier" ? c.pose_sha_ : c.blend_sha_) = sha;
    } else if (key == "weights") {
      const auto w = numbers(ls, ln, 2);
      if (std::abs(w[0]) > kMaxWeight || std::abs(w[1]) > kMaxWeight) bad(ln, "weights must lie within +-1000");
      c.pose_weight_ = w[0];
      c.blend_weight_ = w[1];
      have_weights = true;
    } else if (key == "bias") {
      c.bias_ = numbers(ls, ln, 1)[0];
      if (std::abs(c.bias_) > kMaxWeight) bad(ln, "bias must lie within +-1000");
      have_bias = true;
    } else if (key == "bands") {
      const auto b = numbers(ls, ln, 2);
      if (const std::string why = band_thresholds_problem(b); !why.empty()) bad(ln, why);
      c.band_low_ = b[0];
      c.band_high_ = b[1];
      have_bands = true;
    } else if (key == "band_rates") {
      const auto r = numbers(ls, ln, 6);
      if (const std::string why = band_rates_problem(r); !why.empty()) bad(ln, why);
      c.band_rates_ = r;
    } else if (key == "decides") {
      std::string v, extra;
      ls >> v;
      if ((v != "0" && v != "1") || (ls >> extra)) bad(ln, "decides must be 0 or 1");
      c.decides_ = v == "1";
    } else {
      bad(ln, "unknown key '" + key + "'");
    }
  };
  const int ln = for_each_model_line(text, kCueCombinationFormat, "posecheck cue combination (version 1)", on_line);
  if (c.pose_sha_.empty() || c.blend_sha_.empty()) bad(ln, "missing pose_classifier or blend_classifier");
  if (!have_weights || !have_bias || !have_bands) bad(ln, "missing weights, bias or bands");
  return c;
}

std::string CueCombination::format(const std::string& pose_sha, const std::string& blend_sha, double pose_weight,
                                   double blend_weight, double bias, double band_low, double band_high,
                                   const std::vector<double>& band_rates, bool decides) {
  std::ostringstream out;
  out.precision(12);
  out << kCueCombinationFormat << "\npose_classifier " << pose_sha << "\nblend_classifier " << blend_sha << "\nweights "
      << pose_weight << ' ' << blend_weight << "\nbias " << bias << "\nbands " << band_low << ' ' << band_high << '\n';
  if (!band_rates.empty()) {
    out << "band_rates";
    for (double x : band_rates) out << ' ' << x;
    out << '\n';
  }
  out << "decides " << (decides ? 1 : 0) << '\n';
  return out.str();
}

double CueCombination::probability_fake(double pose_p_fake, double blend_p_fake) const {
  if (!(pose_p_fake >= 0 && pose_p_fake <= 1 && blend_p_fake >= 0 && blend_p_fake <= 1)) {
    throw Error(ErrorCode::kInvalidArgument, "cue combination: both cues' P(fake) must be in [0, 1]");
  }
  return combined_probability(pose_weight_, blend_weight_, bias_, pose_p_fake, blend_p_fake);
}

}  // namespace posecheck
