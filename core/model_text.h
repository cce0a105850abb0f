// What the text model formats (classifier.h, cue_combination.h) share: the
// reading of one line's numbers.
#pragma once

#include <sstream>
#include <string>
#include <vector>

namespace posecheck {

// Reads the rest of `line` as finite numbers into `out`. Returns false, with
// the offending token in `bad_token`, at the first one that is not a finite
// number (the caller names the file and line in its error).
bool read_finite_numbers(std::istringstream& line, std::vector<double>& out, std::string& bad_token);

}  // namespace posecheck
