// `posecheck compact-model`: converts dlib's 68-point .dat into posecheck's
// compact PCLM format (core/compact_landmark_model.h), and with --evaluate
// measures every level: size (raw, gzip -9), landmark deviation from the
// float model on HELEN test faces (.pts boxes) and DF-TIMIT val faces
// (detector, upsample 1), and load time.
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
#include "landmark_model.h"
#include "sha256.h"

namespace posecheck::cli {
namespace {

const char* kUsage =
    "usage: posecheck compact-model --in FILE.dat --out FILE.pclm [--level NAME]\n"
    "       posecheck compact-model --evaluate [--in FILE.dat] [--levels A,B,...] [--helen DIR] [--dftimit DIR]\n"
    "                               [--max-images N]\n";

using Clock = std::chrono::steady_clock;
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

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, ',')) out.push_back(f);
  return out;
}

struct Face {
  std::string set, image;
  Box box;
};

// HELEN: the box of the annotated points. DF-TIMIT val: the detector's best face.
std::vector<Face> collect_faces(const std::string& helen, const std::string& dftimit, std::size_t max_images) {
  std::vector<Face> faces;
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
      faces.push_back({"helen", helen + "/" + f[0], b});
      ++n;
    }
  }
  {
    std::ifstream m(dftimit + "/manifest.csv");
    if (!m) throw Error(ErrorCode::kIo, "cannot read " + dftimit + "/manifest.csv");
    std::string line;
    std::getline(m, line);
    FaceDetector detector;
    DetectionOptions opt;
    opt.upsample = 1;
    std::size_t n = 0;
    while (std::getline(m, line) && n < max_images) {
      const auto f = split_csv_line(line);
      if (f.size() < 3 || f[2] != "val") continue;
      const std::string path = dftimit + "/" + f[0];
      const DecodedImage img = decode_image(read_file_bytes(path));
      const auto found = detector.detect(img.view(), opt);
      ++n;
      if (!found.empty()) faces.push_back({"dftimit", path, found[0].box});
    }
  }
  return faces;
}

struct Stats {
  double sum_px = 0, max_px = 0, sum_iod = 0, max_iod = 0;
  std::size_t points = 0, faces = 0;
};

int evaluate(const ParsedArgs& parsed) {
  const std::string in = parsed.get("in", "/usr/share/dlib/shape_predictor_68_face_landmarks.dat");
  const std::string shared = std::string(POSECHECK_SOURCE_DIR) + "/../shared/data";
  const std::string helen = parsed.get("helen", shared + "/faces300w/helen_test");
  const std::string dftimit = parsed.get("dftimit", shared + "/dftimit");
  const std::size_t max_images = std::size_t(parsed.get_number("max-images", 1e9));
  std::vector<std::string> levels;
  if (parsed.has("levels")) {
    levels = split_csv_line(parsed.get("levels", ""));
  } else {
    for (const auto& l : compact_levels()) levels.push_back(l.name);
  }

  const auto dat = read_file_bytes(in, 1u << 30);
  auto time_load = [](const std::vector<std::uint8_t>& bytes, int repeats) {
    std::vector<double> t;
    for (int i = 0; i < repeats; ++i) {
      const auto t0 = Clock::now();
      LandmarkModel m = LandmarkModel::from_bytes(bytes.data(), bytes.size(), "");
      t.push_back(seconds_since(t0));
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
  };
  const double dat_load = time_load(dat, 1);
  LandmarkModel reference = LandmarkModel::from_bytes(dat.data(), dat.size(), "");

  struct Level {
    std::string name;
    std::vector<std::uint8_t> bytes;
    std::size_t gz = 0;
    double load_s = 0, encode_s = 0;
    std::unique_ptr<LandmarkModel> model;
    Stats helen, dftimit;
  };
  std::vector<Level> ls;
  for (const auto& name : levels) {
    Level l;
    l.name = name;
    const auto t0 = Clock::now();
    l.bytes = encode_compact_landmark_model(dat.data(), dat.size(), name);
    l.encode_s = seconds_since(t0);
    l.gz = gzip_size(l.bytes);
    l.load_s = time_load(l.bytes, 3);
    l.model = std::make_unique<LandmarkModel>(LandmarkModel::from_bytes(l.bytes.data(), l.bytes.size(), ""));
    std::fprintf(stderr, "level %s: %zu bytes, encode %.2f s, load %.3f s\n", name.c_str(), l.bytes.size(), l.encode_s, l.load_s);
    ls.push_back(std::move(l));
  }

  {
    Level floor;
    floor.name = "(float model, box +1 px)";
    ls.push_back(std::move(floor));
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
    for (auto& l : ls) {
      const Landmarks got = l.model ? l.model->predict(img.view(), face.box) : moved;
      Stats& s = face.set == "helen" ? l.helen : l.dftimit;
      double face_sum = 0;
      for (int i = 0; i < kNumLandmarks; ++i) {
        const double dev = (got[i] - ref[i]).norm();
        face_sum += dev;
        s.sum_px += dev;
        s.max_px = std::max(s.max_px, dev);
        s.max_iod = std::max(s.max_iod, dev / iod);
      }
      s.sum_iod += face_sum / kNumLandmarks / iod;
      s.points += kNumLandmarks;
      ++s.faces;
    }
  }

  std::printf("float model: %s, %zu bytes, gzip %zu, load %.3f s\n", in.c_str(), dat.size(), gzip_size(dat), dat_load);
  std::printf("deviation from the float model: mean / max over all 68 points of all faces, px and fraction of the\n"
              "inter-ocular distance (outer eye corners 37-46); HELEN test: .pts boxes; DF-TIMIT val: detector (upsample 1)\n");
  std::printf("| level | bytes | MB | gzip MB | HELEN faces | HELEN mean px | HELEN max px | HELEN mean/IOD | HELEN max/IOD |"
              " DF-TIMIT faces | DF-TIMIT mean px | DF-TIMIT max px | DF-TIMIT mean/IOD | DF-TIMIT max/IOD | load s (native) |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& l : ls) {
    if (l.model) {
      std::printf("| %s | %zu | %.2f | %.2f", l.name.c_str(), l.bytes.size(), l.bytes.size() / 1e6, l.gz / 1e6);
    } else {
      std::printf("| %s | - | - | -", l.name.c_str());
    }
    for (const Stats* s : {&l.helen, &l.dftimit}) {
      const double np = s->points ? double(s->points) : 1.0, nf = s->faces ? double(s->faces) : 1.0;
      std::printf(" | %zu | %.3f | %.3f | %.5f | %.5f", s->faces, s->sum_px / np, s->max_px, s->sum_iod / nf, s->max_iod);
    }
    if (l.model) std::printf(" | %.3f |\n", l.load_s); else std::printf(" | %.3f (.dat) |\n", dat_load);
  }
  return 0;
}

}  // namespace

int command_compact_model(const Args& args) {
  ParsedArgs parsed;
  try {
    parsed = parse_args(args, {"in", "out", "level", "levels", "helen", "dftimit", "max-images"}, {"evaluate"});
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
