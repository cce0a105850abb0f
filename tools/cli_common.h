// What the CLI commands share: option parsing and model loading.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checker.h"
#include "commands.h"

namespace posecheck::cli {

// Thrown for bad command lines; main prints it with the usage (exit 2).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses "--name value" options (and bare flags listed in `flags`) out of
// args; everything else is positional. Unknown options are usage errors.
struct ParsedArgs {
  std::map<std::string, std::vector<std::string>> options;  // repeated options keep all values
  std::vector<std::string> positional;
  bool has(const std::string& name) const { return options.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback) const;
  double get_number(const std::string& name, double fallback) const;
};
ParsedArgs parse_args(const Args& args, const std::vector<std::string>& valued, const std::vector<std::string>& flags = {});

// --name as a whole number in [lo, hi] (fallback when absent); else throws
// UsageError "--name must be a whole number in lo..hi".
long whole_number_option(const ParsedArgs& parsed, const std::string& name, long fallback, long lo, long hi);

struct ModelOptions {
  std::string model_dir;        // face3d.txt, classifier.txt, SHA256SUMS
  std::string landmark_model;   // dlib .dat
  bool use_classifier = true;
};

// Defaults: $POSECHECK_MODEL_DIR or <source tree>/models, and /usr/share/dlib/shape_predictor_68_face_landmarks.dat.
ModelOptions model_options(const ParsedArgs& parsed);

// Loads and checks the models: each file listed in <model_dir>/SHA256SUMS
// must match its hash; dlib's default model must match kDlib68ModelSha256.
// classifier.txt is optional (absent: results carry no P(fake)).
Checker load_checker(const ModelOptions& options);

// Options of the checker common to commands (--upsample, --max-faces).
CheckerOptions checker_options(const ParsedArgs& parsed);

std::string read_text_file(const std::string& path);

// Appends `path` to out, or, for a directory, every file below it (sorted,
// recursively, skipping hidden entries).
void expand_inputs(const std::string& path, std::vector<std::string>& out);

}  // namespace posecheck::cli
