#include "cli_common.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <dirent.h>
#include <sys/stat.h>

#include "decode_image.h"
#include "errors.h"
#include "sha256.h"

namespace posecheck::cli {

std::string ParsedArgs::get(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() || it->second.empty() ? fallback : it->second.back();
}

long whole_number_option(const ParsedArgs& parsed, const std::string& name, long fallback, long lo, long hi) {
  const double x = parsed.get_number(name, double(fallback));
  if (!(x >= double(lo) && x <= double(hi)) || x != std::floor(x)) {
    throw UsageError("--" + name + " must be a whole number in " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return long(x);
}

double ParsedArgs::get_number(const std::string& name, double fallback) const {
  const std::string s = get(name, "");
  if (s.empty()) return fallback;
  char* end = nullptr;
  const double x = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(x)) throw UsageError("--" + name + " needs a number, got '" + s + "'");
  return x;
}

ParsedArgs parse_args(const Args& args, const std::vector<std::string>& valued, const std::vector<std::string>& flags) {
  ParsedArgs p;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      const std::string name = a.substr(2);
      if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
        p.options[name].push_back("1");
      } else if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
        if (i + 1 >= args.size()) throw UsageError("option " + a + " needs a value");
        p.options[name].push_back(args[++i]);
      } else {
        throw UsageError("unknown option " + a);
      }
    } else {
      p.positional.push_back(a);
    }
  }
  return p;
}

ModelOptions model_options(const ParsedArgs& parsed) {
  ModelOptions m;
  const char* env_dir = std::getenv("POSECHECK_MODEL_DIR");
  m.model_dir = parsed.get("model-dir", env_dir && *env_dir ? env_dir : std::string(POSECHECK_SOURCE_DIR) + "/models");
  m.landmark_model = parsed.get("landmark-model", "/usr/share/dlib/shape_predictor_68_face_landmarks.dat");
  m.use_classifier = !parsed.has("no-classifier");
  return m;
}

void expand_inputs(const std::string& path, std::vector<std::string>& out) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::vector<std::string> names;
    if (DIR* d = opendir(path.c_str())) {
      while (dirent* e = readdir(d)) {
        if (e->d_name[0] != '.') names.push_back(e->d_name);
      }
      closedir(d);
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names) expand_inputs(path + "/" + n, out);
  } else {
    out.push_back(path);
  }
}

std::string read_text_file(const std::string& path) {
  const auto bytes = read_file_bytes(path, 64u << 20);
  return std::string(bytes.begin(), bytes.end());
}

namespace {

bool file_exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// sha256sum's format: "<hex>  <name>".
std::map<std::string, std::string> read_checksums(const std::string& dir) {
  std::map<std::string, std::string> sums;
  const std::string path = dir + "/SHA256SUMS";
  if (!file_exists(path)) return sums;
  std::istringstream in(read_text_file(path));
  std::string hex, name;
  while (in >> hex >> name) sums[name[0] == '*' ? name.substr(1) : name] = hex;
  return sums;
}

std::string checked_text(const std::string& dir, const std::string& name, const std::map<std::string, std::string>& sums) {
  const std::string text = read_text_file(dir + "/" + name);
  auto it = sums.find(name);
  if (it != sums.end()) {
    const std::string got = sha256_hex(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    if (got != it->second) {
      throw Error(ErrorCode::kModelChecksum, dir + "/" + name + " does not match its SHA-256 in SHA256SUMS (expected " + it->second +
                                                 ", got " + got + "): restore the file or re-run the command in models/README.md");
    }
  }
  return text;
}

}  // namespace

Checker load_checker(const ModelOptions& options) {
  const auto sums = read_checksums(options.model_dir);
  const std::string face_path = options.model_dir + "/face3d.txt";
  if (!file_exists(face_path)) throw Error(ErrorCode::kIo, "no 3D face model at " + face_path);
  FaceModel3D face = parse_face_model(checked_text(options.model_dir, "face3d.txt", sums));

  std::optional<Classifier> classifier, track_classifier, blend_classifier;
  if (options.use_classifier && file_exists(options.model_dir + "/classifier.txt")) {
    classifier = Classifier::parse(checked_text(options.model_dir, "classifier.txt", sums));
  }
  if (options.use_classifier && file_exists(options.model_dir + "/track_classifier.txt")) {
    track_classifier = Classifier::parse(checked_text(options.model_dir, "track_classifier.txt", sums));
  }
  if (options.use_classifier && file_exists(options.model_dir + "/blend_classifier.txt")) {
    blend_classifier = Classifier::parse(checked_text(options.model_dir, "blend_classifier.txt", sums));
  }

  std::optional<CueCombination> combination;
  if (options.use_classifier && file_exists(options.model_dir + "/combination.txt")) {
    combination = CueCombination::parse(checked_text(options.model_dir, "combination.txt", sums));
  }

  if (!file_exists(options.landmark_model)) {
    throw Error(ErrorCode::kIo, "no landmark model at " + options.landmark_model +
                                    " (install Debian's libdlib-data, or pass --landmark-model FILE)");
  }
  const auto bytes = read_file_bytes(options.landmark_model, 1u << 30);
  const bool is_default = options.landmark_model == "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
  LandmarkModel landmarks = LandmarkModel::from_bytes(bytes.data(), bytes.size(), is_default ? kDlib68ModelSha256 : "");
  return Checker(std::move(landmarks), std::move(face), std::move(classifier), std::move(track_classifier), std::move(blend_classifier),
                 std::move(combination));
}

CheckerOptions checker_options(const ParsedArgs& parsed) {
  CheckerOptions o;
  const double up = parsed.get_number("upsample", 0);
  if (up != 0 && up != 1 && up != 2) throw UsageError("--upsample must be 0, 1 or 2");
  o.detection.upsample = int(up);
  const double mf = parsed.get_number("max-faces", o.max_faces);
  if (mf < 0 || mf != std::floor(mf)) throw UsageError("--max-faces must be a whole number >= 0");
  o.max_faces = int(mf);
  if (parsed.has("landmark-box")) {
    // detector: landmarks from the detector's box only (the paper's pipeline);
    // refined (default): then again from the box the landmarks imply.
    const std::string b = parsed.get("landmark-box", "");
    if (b != "detector" && b != "refined") throw UsageError("--landmark-box must be detector or refined");
    o.refine_landmark_box = b == "refined";
  }
  if (parsed.has("threshold-adjust")) {
    // Research: harvesting false detections (lower = more detections).
    o.detection.threshold_adjust = parsed.get_number("threshold-adjust", 0);
    if (!(std::abs(o.detection.threshold_adjust) <= 5)) throw UsageError("--threshold-adjust must be in [-5, 5]");
  }
  if (parsed.has("camera")) {
    try {
      o.camera = parse_camera_model(parsed.get("camera", ""));
    } catch (const Error& e) {
      throw UsageError(std::string("--camera: ") + e.what());
    }
  }
  return o;
}

}  // namespace posecheck::cli
