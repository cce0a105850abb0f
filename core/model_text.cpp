#include "model_text.h"

#include <cmath>
#include <cstdlib>

namespace posecheck {

bool read_finite_numbers(std::istringstream& line, std::vector<double>& out, std::string& bad_token) {
  std::string tok;
  while (line >> tok) {
    char* end = nullptr;
    const double x = std::strtod(tok.c_str(), &end);
    if (end == tok.c_str() || *end != '\0' || !std::isfinite(x)) {
      bad_token = tok;
      return false;
    }
    out.push_back(x);
  }
  return true;
}

std::string band_thresholds_problem(const std::vector<double>& bands) {
  if (bands.size() != 2 || !(bands[0] >= 0 && bands[0] <= bands[1] && bands[1] <= 1)) return "bands need 0 <= low <= high <= 1";
  return "";
}

std::string band_rates_problem(const std::vector<double>& rates) {
  if (rates.size() != 6) return "band_rates needs 6 shares (real: 3 bands, fake: 3 bands)";
  for (double x : rates)
    if (!(x >= 0 && x <= 1)) return "band_rates must be shares in [0, 1]";
  if (std::abs(rates[0] + rates[1] + rates[2] - 1) > 1e-3 || std::abs(rates[3] + rates[4] + rates[5] - 1) > 1e-3) {
    return "band_rates of each class must sum to 1";
  }
  return "";
}

}  // namespace posecheck
