// `posecheck compact-model`: converts dlib's 68-point .dat into posecheck's
// compact PCLM format (core/compact_landmark_model.h), and with --evaluate
// measures every level: size (raw, gzip -9), native load time, and landmark
// deviation from the float model on HELEN test faces (.pts and detector boxes)
// and DF-TIMIT val faces (detector, upsample 1); beside them the precision
// study (tools/leaf_precision.h) and the float model's own 1 px sensitivity.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include <unistd.h>

#include "cli_common.h"
#include "compact_landmark_model.h"
#include "decode_image.h"
#include "errors.h"
#include "face_detector.h"
#include "feature_table.h"
#include "landmark_model.h"
#include "leaf_precision.h"
#include "sha256.h"

namespace posecheck::cli {
namespace {

const char* kUsage =
    "usage: posecheck compact-model --in FILE.dat --out FILE.pclm [--level NAME]\n"
    "       posecheck compact-model --evaluate [--in FILE.dat] [--levels A,B,...] [--steps S1,S2,...]\n"
    "                               [--klt] [--helen DIR] [--dftimit DIR] [--max-images N] [--write-dir DIR]\n";

using Clock = std::chrono::steady_clock;
using research::split_csv_line;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  f.close();
  if (!f) throw Error(ErrorCode::kIo, "cannot write '" + path + "'");
}

// gzip -9 size of bytes (through the gzip tool; 0 if it is unavailable).
std::size_t gzip_size(const std::vector<std::uint8_t>& bytes) {
  char tmpl[] = "/tmp/posecheck-pclm-XXXXXX";
  const int fd = mkstemp(tmpl);
  if (fd < 0) return 0;
  close(fd);
  write_file(tmpl, bytes);
  std::size_t n = 0;
  if (FILE* p = popen(("gzip -9n -c '" + std::string(tmpl) + "' | wc -c").c_str(), "r")) {
    unsigned long long v = 0;
    if (std::fscanf(p, "%llu", &v) == 1) n = std::size_t(v);
    pclose(p);
  }
  std::remove(tmpl);
  return n;
}

struct Face {
  int set;  // index into kSets
  std::string image;
  Box box;
};
const char* const kSets[] = {"HELEN test, .pts boxes", "HELEN test, detector boxes", "DF-TIMIT val, detector boxes"};
constexpr int kNumSets = 3;

// HELEN: the box of the annotated points, and the detector's face around the
// points' centre (as the product finds it). DF-TIMIT val: the detector's best
// face. Detector: upsample 1.
std::vector<Face> collect_faces(const std::string& helen, const std::string& dftimit, std::size_t max_images) {
  std::vector<Face> faces;
  FaceDetector detector;
  DetectionOptions opt;
  opt.upsample = 1;
  {
    std::ifstream m(helen + "/manifest.csv");
    if (!m) throw Error(ErrorCode::kIo, "cannot read " + helen + "/manifest.csv");
    std::string line;
    std::getline(m, line);
    std::size_t n = 0;
    while (std::getline(m, line) && n < max_images) {
      const auto f = split_csv_line(line);
      if (f.size() < 2) continue;
      std::ifstream pts(helen + "/" + f[1]);
      std::string l;
      Box b{1e9, 1e9, -1e9, -1e9};
      int count = 0;
      while (std::getline(pts, l)) {
        double x, y;
        char extra;
        if (std::sscanf(l.c_str(), "%lf %lf %c", &x, &y, &extra) == 2) {
          b.left = std::min(b.left, x), b.top = std::min(b.top, y);
          b.right = std::max(b.right, x), b.bottom = std::max(b.bottom, y);
          ++count;
        }
      }
      if (count != 68) continue;
      const std::string path = helen + "/" + f[0];
      faces.push_back({0, path, b});
      ++n;
      const DecodedImage img = decode_image(read_file_bytes(path));
      const double cx = (b.left + b.right) / 2, cy = (b.top + b.bottom) / 2;
      for (const auto& d : detector.detect(img.view(), opt)) {
        if (cx > d.box.left && cx < d.box.right && cy > d.box.top && cy < d.box.bottom) {
          faces.push_back({1, path, d.box});
          break;
        }
      }
    }
  }
  {
    std::ifstream m(dftimit + "/manifest.csv");
    if (!m) throw Error(ErrorCode::kIo, "cannot read " + dftimit + "/manifest.csv");
    std::string line;
    std::getline(m, line);
    std::size_t n = 0;
    while (std::getline(m, line) && n < max_images) {
      const auto f = split_csv_line(line);
      if (f.size() < 3 || f[2] != "val") continue;
      const std::string path = dftimit + "/" + f[0];
      const DecodedImage img = decode_image(read_file_bytes(path));
      const auto found = detector.detect(img.view(), opt);
      ++n;
      if (!found.empty()) faces.push_back({2, path, found[0].box});
    }
  }
  return faces;
}

struct Stats {
  double sum_px = 0, max_px = 0, sum_iod = 0, max_iod = 0;
  std::size_t points = 0, faces = 0, faces_over_limit = 0;
};

// One row of the tables: a compact level, a rounded-leaf model of the
// precision study, or the float model's own sensitivity to a 1 px box shift.
struct Row {
  std::string name;
  std::vector<std::uint8_t> bytes;  // PCLM levels only
  std::size_t gz = 0;
  double load_s = 0;
  double plain_mb = 0, klt_mb = 0;  // precision study: estimated entropy-coded sizes
  std::unique_ptr<LandmarkModel> model;
  Stats sets[kNumSets];
};

// Deviation limits of project issue 7, per face: max over its 68 points.
constexpr double kMaxDeviationPx = 1.5;

int evaluate(const ParsedArgs& parsed) {
  const std::string in = parsed.get("in", "/usr/share/dlib/shape_predictor_68_face_landmarks.dat");
  const std::string shared = std::string(POSECHECK_SOURCE_DIR) + "/../shared/data";
  const std::string helen = parsed.get("helen", shared + "/faces300w/helen_test");
  const std::string dftimit = parsed.get("dftimit", shared + "/dftimit");
  const std::string write_dir = parsed.get("write-dir", "");
  const std::size_t max_images = std::size_t(parsed.get_number("max-images", 1e9));
  std::vector<std::string> levels;
  if (parsed.has("levels")) {
    levels = split_csv_line(parsed.get("levels", ""));
  } else {
    for (const auto& l : compact_levels()) levels.push_back(l.name);
  }
  std::vector<double> steps;
  for (const auto& s : split_csv_line(parsed.get("steps", "1e-4,1e-5,1e-6,1e-7,1e-8"))) {
    if (!s.empty()) steps.push_back(std::stod(s));
  }

  const auto dat = read_file_bytes(in, 1u << 30);
  // Loads timed as the product loads its models: pinned (for the .dat that
  // is dlib's own parser; for PCLM one SHA-256 instead of two).
  auto time_load = [](const std::vector<std::uint8_t>& bytes, int repeats) {
    const std::string pin = sha256_hex(bytes.data(), bytes.size());
    std::vector<double> t;
    for (int i = 0; i < repeats; ++i) {
      const auto t0 = Clock::now();
      LandmarkModel m = LandmarkModel::from_bytes(bytes.data(), bytes.size(), pin);
      t.push_back(seconds_since(t0));
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
  };
  const double dat_load = time_load(dat, 1);
  LandmarkModel reference = LandmarkModel::from_bytes(dat.data(), dat.size(), sha256_hex(dat.data(), dat.size()));
  const ShapePredictorParts parts = read_shape_predictor_parts(dat.data(), dat.size());  // parsed once for all rows
  auto encode = [&](const ShapePredictorParts& p, const std::string& level) {
    return encode_compact_landmark_model(p.initial_shape, p.forests, p.anchor_idx, p.deltas, level);
  };

  std::vector<Row> rows;
  for (const auto& name : levels) {
    Row r;
    r.name = name;
    r.bytes = encode(parts, name);
    r.gz = gzip_size(r.bytes);
    r.load_s = time_load(r.bytes, 3);
    r.model = std::make_unique<LandmarkModel>(LandmarkModel::from_bytes(r.bytes.data(), r.bytes.size(), ""));
    if (!write_dir.empty()) write_file(write_dir + "/landmarks68-" + name + ".pclm", r.bytes);
    std::fprintf(stderr, "level %s: %zu bytes, native load %.3f s\n", name.c_str(), r.bytes.size(), r.load_s);
    rows.push_back(std::move(r));
  }
  // Precision study: leaves rounded to a grid, stored as float32 (PCLM f32).
  const double rest_mb =  // what a PCLM file holds besides leaf values (splits, pixels, scales)
      double(encode(parts, "f32").size() -
             parts.forests.size() * parts.forests[0].size() * parts.forests[0][0].leaf_values.size() *
                 std::size_t(parts.initial_shape.size()) * 4) / 1e6;
  for (double step : steps) {
    for (const Rounding rounding : {Rounding::kPlain, Rounding::kKlt}) {
      if (rounding == Rounding::kKlt && !parsed.has("klt")) continue;
      const bool klt = rounding == Rounding::kKlt;
      const RoundedLeaves rounded = round_leaves(parts, step, rounding);
      const auto bytes = encode(rounded.parts, "f32");
      Row r;
      char name[64];
      std::snprintf(name, sizeof name, "%s rounded to %g", klt ? "KLT coefficients" : "leaves", step);
      r.name = name;
      r.plain_mb = rest_mb + rounded.plain_entropy_bytes / 1e6;
      r.klt_mb = rest_mb + rounded.klt_entropy_bytes / 1e6;
      r.model = std::make_unique<LandmarkModel>(LandmarkModel::from_bytes(bytes.data(), bytes.size(), ""));
      if (!write_dir.empty()) {  // float32 PCLM of the rounded leaves, for `features --landmark-model`
        char file[96];
        std::snprintf(file, sizeof file, "/landmarks68-%s-%g.pclm", klt ? "klt" : "rounded", step);
        write_file(write_dir + file, bytes);
      }
      std::fprintf(stderr, "%s: estimated %.2f MB (KLT %.2f MB)\n", name, r.plain_mb, r.klt_mb);
      rows.push_back(std::move(r));
    }
  }
  {
    Row floor;
    floor.name = "float model, box moved 1 px";
    rows.push_back(std::move(floor));
  }

  const auto faces = collect_faces(helen, dftimit, max_images);
  std::fprintf(stderr, "%zu faces\n", faces.size());
  std::string current;
  DecodedImage img;
  for (const auto& face : faces) {
    if (face.image != current) {
      img = decode_image(read_file_bytes(face.image));
      current = face.image;
    }
    const Landmarks ref = reference.predict(img.view(), face.box);
    const double iod = (ref[36] - ref[45]).norm();
    // The float model's own sensitivity: its box moved 1 px right, result moved back.
    Box shifted = face.box;
    shifted.left += 1, shifted.right += 1;
    Landmarks moved = reference.predict(img.view(), shifted);
    for (auto& p : moved) p.x() -= 1;
    for (auto& r : rows) {
      const Landmarks got = r.model ? r.model->predict(img.view(), face.box) : moved;
      Stats& s = r.sets[face.set];
      double face_sum = 0, face_max = 0;
      for (int i = 0; i < kNumLandmarks; ++i) {
        const double dev = (got[i] - ref[i]).norm();
        face_sum += dev;
        face_max = std::max(face_max, dev);
      }
      s.sum_px += face_sum;
      s.max_px = std::max(s.max_px, face_max);
      s.max_iod = std::max(s.max_iod, face_max / iod);
      s.sum_iod += face_sum / kNumLandmarks / iod;
      s.points += kNumLandmarks;
      s.faces_over_limit += face_max > kMaxDeviationPx ? 1 : 0;
      ++s.faces;
    }
  }

  std::printf("float model: %s, %zu bytes, gzip %zu, native load %.3f s\n\n", in.c_str(), dat.size(), gzip_size(dat),
              dat_load);
  std::printf("Sizes. PCLM levels: the file (raw, gzip -9) and its native load time (WebAssembly: scripts/bench-compact.mjs).\n"
              "Precision study: leaves rounded to a grid; estimated size with ideal zero-order entropy coding of the\n"
              "rounded leaves (per cascade and coordinate), plainly or as per-cascade KLT coefficients, plus the rest\n"
              "of a PCLM file (%.2f MB).\n\n", rest_mb);
  std::printf("| model | MB | gzip MB | native load s | est. MB, entropy-coded | est. MB, KLT + entropy-coded |\n|---|---|---|---|---|---|\n");
  for (const auto& r : rows) {
    if (!r.bytes.empty()) {
      std::printf("| %s | %.2f | %.2f | %.3f | - | - |\n", r.name.c_str(), r.bytes.size() / 1e6, r.gz / 1e6, r.load_s);
    } else if (r.model) {
      std::printf("| %s | - | - | - | %.2f | %.2f |\n", r.name.c_str(), r.plain_mb, r.klt_mb);
    }
  }
  std::printf("| dlib .dat (float) | %.2f | - | %.3f | - | - |\n", dat.size() / 1e6, dat_load);
  for (int set = 0; set < kNumSets; ++set) {
    std::printf("\nDeviation from the float model, %s: mean and max over all 68 points of all faces, in px and as a\n"
                "fraction of the inter-ocular distance (outer eye corners 37-46); faces whose worst point moves over %.1f px.\n\n",
                kSets[set], kMaxDeviationPx);
    std::printf("| model | faces | mean px | max px | mean/IOD | max/IOD | faces over %.1f px |\n|---|---|---|---|---|---|---|\n",
                kMaxDeviationPx);
    for (const auto& r : rows) {
      const Stats& s = r.sets[set];
      const double np = s.points ? double(s.points) : 1.0, nf = s.faces ? double(s.faces) : 1.0;
      std::printf("| %s | %zu | %.3f | %.2f | %.5f | %.4f | %zu (%.1f%%) |\n", r.name.c_str(), s.faces, s.sum_px / np,
                  s.max_px, s.sum_iod / nf, s.max_iod, s.faces_over_limit, 100.0 * double(s.faces_over_limit) / nf);
    }
  }
  return 0;
}

}  // namespace

int command_compact_model(const Args& args) {
  ParsedArgs parsed;
  try {
    parsed = parse_args(args, {"in", "out", "level", "levels", "steps", "helen", "dftimit", "max-images", "write-dir"}, {"evaluate", "klt"});
    if (!parsed.positional.empty()) throw UsageError("unexpected argument '" + parsed.positional[0] + "'");
    if (!parsed.has("evaluate") && (!parsed.has("in") || !parsed.has("out")))
      throw UsageError("compact-model needs --in FILE.dat and --out FILE.pclm (or --evaluate)");
  } catch (const UsageError& e) {
    std::fprintf(stderr, "posecheck compact-model: %s\n%s", e.what(), kUsage);
    return 2;
  }
  if (parsed.has("evaluate")) return evaluate(parsed);
  const std::string level = parsed.get("level", default_compact_level());
  const auto dat = read_file_bytes(parsed.get("in", ""), 1u << 30);
  const auto bytes = encode_compact_landmark_model(dat.data(), dat.size(), level);
  // The result must load as a 68-point model before it is written.
  const LandmarkModel check = LandmarkModel::from_bytes(bytes.data(), bytes.size(), "");
  const std::string out = parsed.get("out", "");
  write_file(out, bytes);
  std::printf("{\"out\":\"%s\",\"level\":\"%s\",\"format\":\"%s\",\"bytes\":%zu,\"sha256\":\"%s\"}\n", out.c_str(),
              level.c_str(), check.format().c_str(), bytes.size(), check.sha256().c_str());
  return 0;
}

}  // namespace posecheck::cli
