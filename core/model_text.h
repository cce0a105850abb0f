// What the text model formats (classifier.h, cue_combination.h) share: the
// walk over their "key values..." lines, the reading of one line's numbers,
// and the checks of their evidence bands.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "errors.h"

namespace posecheck {

// Walks a text model's lines after its first.
// Requires: the first line of `text` is exactly `format_line` (else throws
//   Error kModelFormat "not a <what>: first line must be '<format_line>'").
// Ensures: on_line(line_number, key, rest) was called, in order, for every
//   later non-empty line (line_number counts from 1 at the format line; key
//   is the line's first word; rest reads what follows it); returns the number
//   of the last line. Whatever on_line throws propagates.
template <typename OnLine>
int for_each_model_line(const std::string& text, const std::string& format_line, const std::string& what, OnLine&& on_line) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != format_line) {
    throw Error(ErrorCode::kModelFormat, "not a " + what + ": first line must be '" + format_line + "'");
  }
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    std::istringstream rest(line);
    std::string key;
    rest >> key;
    on_line(line_number, key, rest);
  }
  return line_number;
}

// Reads the rest of `line` as finite numbers into `out`. Returns false, with
// the offending token in `bad_token`, at the first one that is not a finite
// number (the caller names the file and line in its error).
bool read_finite_numbers(std::istringstream& line, std::vector<double>& out, std::string& bad_token);

// Why `bands` are not a "bands <low> <high>" line's values (two numbers,
// 0 <= low <= high <= 1), or "" when they are.
std::string band_thresholds_problem(const std::vector<double>& bands);

// Why `rates` are not a "band_rates" line's values (six shares in [0, 1]:
// real faces per band, then fake faces; each three sum to 1 within 1e-3), or
// "" when they are.
std::string band_rates_problem(const std::vector<double>& rates);

}  // namespace posecheck
