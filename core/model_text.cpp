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

}  // namespace posecheck
