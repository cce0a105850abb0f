// `posecheck features`: pose-difference feature tables (CSV) for training and
// evaluation. One row per judged face; images without a face and faces that
// cannot be judged are written too (status no_face / cannot_judge, empty
// features) and counted on stderr, so nothing is dropped silently.
//
// Inputs: images, videos (every frame or --fps N), directories (sorted,
// recursive), a dataset manifest (--manifest, DF-TIMIT's layout), or
// bring-your-own landmarks (--landmarks CSV; pose + features only).
//
// Groups (for grouped cross-validation in `train`): --group NAME for plain
// inputs (default: the image's folder / the video file). For a manifest,
// --group-by pair (default) puts a speaker together with its face-swap
// partner (from a `donor` column when the manifest has one, else the
// DeepfakeTIMIT pair listing below), so neither face identity can appear on
// both sides of a fold; --group-by subject uses the target speaker only.
#include <cstdio>
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "cli_common.h"
#include "blend_evidence.h"
#include "track_evidence.h"
#include "own_face.h"
#include "decode_image.h"
#include "decode_video.h"
#include "errors.h"
#include "extra_features.h"
#include "feature_table.h"
#include "degrade.h"
#include "paste_centre.h"
#include "self_blend.h"

namespace posecheck::cli {
namespace {

using research::FeatureRow;

// DeepfakeTIMIT face-swap pairs (target <- donor; all mutual), from
// shared/data/dftimit/README.md. mpgl0's donor is outside the release.
const char* kDfTimitPairs[][2] = {
    {"fadg0", "fram1"}, {"faks0", "fedw0"}, {"fcft0", "fdrd1"}, {"fcmh0", "fjre0"}, {"fdac1", "felc0"},
    {"fjas0", "fjwb0"}, {"fjem0", "fkms0"}, {"mccs0", "mmdm2"}, {"mcem0", "mdld0"}, {"mdab0", "mpdf0"},
    {"mdbb0", "mrcz0"}, {"mgwt0", "mjar0"}, {"mjsw0", "mmdb1"},
};

std::string known_partner(const std::string& subject) {
  for (const auto& p : kDfTimitPairs) {
    if (subject == p[0]) return p[1];
    if (subject == p[1]) return p[0];
  }
  return "";
}

std::string pair_group(const std::string& a, const std::string& b) {
  if (b.empty() || a == b) return a;
  return a < b ? a + "+" + b : b + "+" + a;
}

struct Counts {
  int inputs = 0, ok = 0, cannot_judge = 0, no_face = 0, errors = 0;
};

struct Sink {
  std::vector<FeatureRow> rows;
  Counts counts;
  // --extra: also the columns of research/extra_features.h (needs the 3D face).
  const FaceModel3D* extra_face = nullptr;
  PoseSolverOptions solver;
  // Landmarks and picture size of each judged row (by row index), for the
  // track columns and --paste-centre.
  std::map<std::size_t, Landmarks> landmarks;
  std::map<std::size_t, std::pair<int, int>> sizes;
  // --self-blend SEED: rows of self-blended copies of the real inputs
  // (research/self_blend.h) instead of rows of the inputs.
  std::optional<std::uint64_t> self_blend_seed;
  int self_blend_skipped = 0;  // fake inputs, and real ones without a judged face
  // --degrade SEED: rows of whole-frame degraded copies of every input
  // (research/degrade.h; same label) instead of rows of the inputs.
  std::optional<std::uint64_t> degrade_seed;
  // --paste-centre SEED: rows of landmark pseudo-fakes made from the real
  // tracks (research/paste_centre.h) instead of rows of the inputs.
  std::optional<std::uint64_t> paste_seed;
};

// Track columns (core/track_evidence.h): for every video, per face index,
// the evidence of its judged frames, written on each of those rows:
// track_0 flatness ratio, track_1 central depth share, track_2 jaw depth
// share, track_3 non-rigid RMS. Rows of tracks that cannot be judged (fewer
// than kMinTrackFrames frames, ...) get no track columns.
//
// Own-face columns (core/own_face.h), from the same tracks in frame order:
// own_rmat_0..8 and own_rotdiff_0, each frame's whole-vs-central pose
// difference against the person's own 3D face; ownt_0..5 the track's
// own_face_track_features(). Tracks that cannot be judged get none.
void add_track_columns(Sink& sink, const FaceModel3D& mean_face) {
  std::map<std::string, std::vector<std::size_t>> tracks;
  for (const auto& [i, lm] : sink.landmarks) tracks[sink.rows[i].video + "#" + std::to_string(sink.rows[i].face)].push_back(i);
  for (auto& [key, members] : tracks) {
    std::stable_sort(members.begin(), members.end(),
                     [&](std::size_t a, std::size_t b) { return sink.rows[a].frame < sink.rows[b].frame; });
    std::vector<Landmarks> frames;
    for (auto i : members) frames.push_back(sink.landmarks.at(i));
    const TrackEvidence e = track_evidence(frames);
    if (e.ok) {
      for (auto i : members) {
        auto& x = sink.rows[i].extra;
        x["track_0"] = e.flatness_ratio;
        x["track_1"] = e.central_depth;
        x["track_2"] = e.jaw_depth;
        x["track_3"] = e.nonrigid_rms;
      }
    }
    const OwnFaceEvidence own = own_face_evidence(frames, mean_face, {}, sink.solver);
    if (!own.ok) continue;
    const auto track = own_face_track_features(own);
    for (std::size_t k = 0; k < members.size(); ++k) {
      auto& x = sink.rows[members[k]].extra;
      for (std::size_t j = 0; j < track.size(); ++j) x["ownt_" + std::to_string(j)] = track[j];
      const FramePoseDifference& d = own.frames[k];
      if (!d.ok) continue;
      for (std::size_t j = 0; j < d.rmat.size(); ++j) x["own_rmat_" + std::to_string(j)] = d.rmat[j];
      x["own_rotdiff_0"] = d.rotation_difference_deg;
    }
  }
}

// Blend columns (core/blend_evidence.h): blend_0..5 = blend_features() and
// blendsec_0..5 = BlendEvidence::sectors, for
// faces whose surroundings are inside the image.
void add_blend_columns(FeatureRow& row, const ImageView& image, const Landmarks& landmarks) {
  const BlendEvidence e = blend_evidence(image, landmarks);
  if (!e.ok) return;
  const auto x = blend_features(e);
  for (int k = 0; k < kBlendFeatureCount; ++k) row.extra["blend_" + std::to_string(k)] = x[std::size_t(k)];
  // The sector measures (BlendEvidence::sectors): with blend_0..5, variant blend_sectors.
  for (std::size_t k = 0; k < e.sectors.size(); ++k) row.extra["blendsec_" + std::to_string(k)] = e.sectors[k];
}

// `image` is null for bring-your-own landmarks (no pixels: no blend columns).
void add_image_result(Sink& sink, const ImageResult& r, FeatureRow base, const ImageView* image = nullptr) {
  base.camera = camera_model_name(r.camera);
  if (r.faces.empty()) {
    base.status = "no_face";
    base.reason = r.faces_found > 0 ? "faces found but none analysed (--max-faces)" : "no face detected";
    ++sink.counts.no_face;
    sink.rows.push_back(base);
    return;
  }
  for (std::size_t i = 0; i < r.faces.size(); ++i) {
    const FaceResult& f = r.faces[i];
    FeatureRow row = base;
    row.face = int(i);
    if (f.status == FaceStatus::kOk && f.features) {
      row.status = "ok";
      row.set_features(*f.features, f.rotation_difference_deg);
      sink.landmarks[sink.rows.size()] = f.landmarks;
      sink.sizes[sink.rows.size()] = {r.width, r.height};
      if (image) add_blend_columns(row, *image, f.landmarks);
      if (sink.extra_face) research::add_extra_columns(row, f, *sink.extra_face, r.width, r.height, sink.solver);
      ++sink.counts.ok;
    } else {
      row.status = "cannot_judge";
      row.reason = f.reason;
      ++sink.counts.cannot_judge;
    }
    sink.rows.push_back(row);
  }
}

// FNV-1a of a string: each input's self-blend or degradation recipe depends on the seed
// and the input alone, not on the order of the inputs.
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// One decoded picture -> rows: its own; with --self-blend those of a
// self-blend of its first judged face (labelled fake, video "<video>#self-blend",
// split "self-blend"; landmarks found again on the blended picture); with
// --degrade those of a degraded copy (same label, video "<video>#degraded",
// split "degraded"; faces and landmarks found again on the copy).
void check_picture(Checker& checker, const CheckerOptions& options, const ImageView& view, const FeatureRow& base, Sink& sink) {
  if (sink.degrade_seed) {
    const auto recipe = research::draw_degrade_recipe(*sink.degrade_seed ^ fnv1a(base.file + "#" + std::to_string(base.frame)));
    const research::RgbaImage degraded = research::degrade(view, recipe);
    FeatureRow row = base;
    row.video = base.video + "#degraded";
    row.split = "degraded";
    const ImageView degraded_view = degraded.view();
    add_image_result(sink, checker.check(degraded_view, options), row, &degraded_view);
    return;
  }
  if (sink.self_blend_seed && base.label != "real") {
    ++sink.self_blend_skipped;
    return;
  }
  const ImageResult r = checker.check(view, options);
  if (!sink.self_blend_seed) {
    add_image_result(sink, r, base, &view);
    return;
  }
  const auto face = std::find_if(r.faces.begin(), r.faces.end(), [](const FaceResult& f) { return f.status == FaceStatus::kOk; });
  if (face == r.faces.end()) {
    ++sink.self_blend_skipped;
    return;
  }
  const auto recipe = research::draw_self_blend_recipe(*sink.self_blend_seed ^ fnv1a(base.file + "#" + std::to_string(base.frame)));
  const research::RgbaImage blended = research::self_blend(view, face->landmarks, recipe);
  FeatureRow row = base;
  row.label = "fake";
  row.video = base.video + "#self-blend";
  row.split = "self-blend";
  const ImageView blended_view = blended.view();
  add_image_result(sink, checker.check(blended_view, options), row, &blended_view);
}

// --paste-centre: replaces the rows by pseudo-fakes of the real tracks
// (video and face index; at least 2 judged frames): each track's inner face
// pasted as a swap pipeline would (research/paste_centre.h, recipe from the
// seed and the video), then judged again on those landmarks. Rows: label
// fake, video "<video>#paste", split "paste", the real rows' group.
void replace_by_pasted_tracks(Sink& sink, Checker& checker, const CheckerOptions& options) {
  std::map<std::string, std::vector<std::size_t>> tracks;
  for (const auto& [i, lm] : sink.landmarks) {
    if (sink.rows[i].label != "real") continue;
    tracks[sink.rows[i].video + "#" + std::to_string(sink.rows[i].face)].push_back(i);
  }
  std::vector<FeatureRow> rows;
  std::map<std::size_t, Landmarks> landmarks;
  std::map<std::size_t, std::pair<int, int>> sizes;
  Counts counts;
  for (const auto& [key, members] : tracks) {
    if (members.size() < 2) continue;
    std::vector<Landmarks> track;
    for (auto i : members) track.push_back(sink.landmarks.at(i));
    const auto pasted = research::paste_centre(track, research::draw_paste_recipe(*sink.paste_seed ^ fnv1a(key)));
    for (std::size_t k = 0; k < members.size(); ++k) {
      const auto [w, h] = sink.sizes.at(members[k]);
      ImageResult r;
      r.width = w;
      r.height = h;
      r.faces_found = 1;
      r.camera = checker.camera(options);
      r.faces.push_back(checker.judge_landmarks(pasted[k], w, h, options));
      FeatureRow row = sink.rows[members[k]];
      row.label = "fake";
      row.video += "#paste";
      row.split = "paste";
      row.extra.clear();
      row.has_features = false;
      Sink one;
      add_image_result(one, r, row);
      for (auto& out : one.rows) {
        out.face = row.face;
        if (out.status == "ok") {
          landmarks[rows.size()] = pasted[k];
          sizes[rows.size()] = {w, h};
        }
        rows.push_back(out);
      }
      counts.ok += one.counts.ok;
      counts.cannot_judge += one.counts.cannot_judge;
    }
  }
  counts.inputs = sink.counts.inputs;
  counts.errors = sink.counts.errors;
  sink.rows = std::move(rows);
  sink.landmarks = std::move(landmarks);
  sink.sizes = std::move(sizes);
  sink.counts = counts;
}

// File name "016.jpg" -> 16; else -1.
int frame_number(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const std::string base = path.substr(slash == std::string::npos ? 0 : slash + 1);
  int n = 0;
  std::size_t i = 0;
  for (; i < base.size() && base[i] >= '0' && base[i] <= '9' && i < 9; ++i) n = n * 10 + (base[i] - '0');
  return i > 0 && i < base.size() && base[i] == '.' ? n : -1;
}

std::string parent_dir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

bool has_image_extension(const std::string& path) {
  const auto dot = path.find_last_of('.');
  if (dot == std::string::npos) return false;
  std::string ext = path.substr(dot + 1);
  for (char& ch : ext) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  return ext == "jpg" || ext == "jpeg" || ext == "png" || ext == "webp";
}


// One input file (image or video) -> rows.
void process_file(Checker& checker, const CheckerOptions& options, double fps, const std::string& path, const FeatureRow& base,
                  Sink& sink) {
  ++sink.counts.inputs;
  try {
    const auto bytes = read_file_bytes(path);
    if (sniff_image_format(bytes) != ImageFormat::kUnknown) {
      const DecodedImage image = decode_image(bytes);
      check_picture(checker, options, image.view(), base, sink);
    } else if (!bytes.empty() && looks_like_video(path)) {
      decode_video(path, fps, [&](int index, double, const ImageView& frame) {
        FeatureRow row = base;
        row.frame = index;
        check_picture(checker, options, frame, row, sink);
        return true;
      });
    } else {
      throw Error(ErrorCode::kImageDecode, bytes.empty() ? "file is empty" : "not a supported image (JPEG, PNG, WebP) or video");
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "posecheck features: %s: %s (skipped)\n", path.c_str(), e.what());
    ++sink.counts.errors;
  }
}

struct ManifestEntry {
  std::string path, label, split, subject, video, donor;
};

std::vector<ManifestEntry> read_manifest(const std::string& path) {
  const std::string text = research::read_whole_file(path);
  std::vector<ManifestEntry> out;
  std::size_t start = 0;
  int ln = 0;
  std::map<std::string, int> col;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++ln;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto f = research::split_csv_line(line);
    if (col.empty()) {
      for (int i = 0; i < int(f.size()); ++i) col[f[i]] = i;
      for (const char* need : {"path", "label", "split", "subject", "video"}) {
        if (!col.count(need)) throw Error(ErrorCode::kInvalidArgument, path + ", line 1: missing column '" + need + "'");
      }
      continue;
    }
    if (f.size() < col.size()) throw Error(ErrorCode::kInvalidArgument, path + ", line " + std::to_string(ln) + ": too few fields");
    ManifestEntry e;
    e.path = f[col["path"]];
    try { e.label = research::normalise_label(f[col["label"]]); }
    catch (const Error& err) { throw Error(ErrorCode::kInvalidArgument, path + ", line " + std::to_string(ln) + ": " + err.what()); }
    e.split = f[col["split"]];
    e.subject = f[col["subject"]];
    e.video = f[col["video"]];
    if (col.count("donor")) e.donor = f[col["donor"]];
    out.push_back(e);
  }
  return out;
}

int usage(const std::string& why) {
  std::fprintf(stderr,
               "posecheck features: %s\n"
               "usage: posecheck features --out FILE.csv [--label real|fake] [--group NAME] [--fps N] INPUT...\n"
               "       posecheck features --out FILE.csv --manifest CSV [--split NAME]... [--group-by pair|subject]\n"
               "       posecheck features --out FILE.csv --landmarks FILE.csv [--group-chars N]   (group = first N characters of the CSV's group)\n"
               "  common: [--model-dir DIR] [--landmark-model FILE] [--upsample 0|1|2] [--max-faces N] [--camera paper|face] [--landmark-box detector|refined]\n"
               "  --extra: also write the extra columns of research/extra_features.h (beyond the paper)\n"
               "  --self-blend SEED: instead of the inputs' rows, rows of self-blended copies of the real inputs (pseudo-fakes,\n"
               "    research/self_blend.h; labelled fake, split self-blend) for `train`/`eval --nested --train-extra`\n"
               "  --degrade SEED: instead of the inputs' rows, rows of a whole-frame degraded copy of every input (blur, shrink,\n"
               "    JPEG; research/degrade.h; same label, split degraded) for `train`/`eval --nested --train-extra`\n"
               "  --paste-centre SEED: instead of the inputs' rows, landmark pseudo-fakes of the real tracks: the inner face pasted\n"
               "    as a swap pipeline does (research/paste_centre.h; labelled fake, split paste)\n",
               why.c_str());
  return 2;
}

}  // namespace

int command_features(const Args& args) {
  ParsedArgs parsed;
  try {
    parsed = parse_args(args, {"out", "label", "group", "manifest", "split", "group-by", "landmarks", "model-dir", "landmark-model",
                               "upsample", "fps", "max-faces", "camera", "landmark-box", "group-chars", "self-blend", "degrade", "paste-centre"}, {"extra"});
    if (!parsed.has("out")) throw UsageError("--out FILE.csv is required");
    const int sources = int(parsed.has("manifest")) + int(parsed.has("landmarks")) + int(!parsed.positional.empty());
    if (sources != 1) throw UsageError("give exactly one of: INPUT files, --manifest CSV, --landmarks CSV");
    if (parsed.has("split") && !parsed.has("manifest")) throw UsageError("--split needs --manifest");
    if (parsed.has("group-chars")) {
      if (!parsed.has("landmarks")) throw UsageError("--group-chars needs --landmarks");
      const double n = parsed.get_number("group-chars", 0);
      if (n < 1 || n != std::floor(n)) throw UsageError("--group-chars must be a whole number >= 1");
    }
    const std::string gb = parsed.get("group-by", "pair");
    if (gb != "pair" && gb != "subject") throw UsageError("--group-by must be pair or subject");
    if (parsed.has("label")) research::normalise_label(parsed.get("label", ""));
    if (parsed.has("self-blend")) {
      if (parsed.has("landmarks")) throw UsageError("--self-blend needs pictures (not --landmarks)");
      const double seed = parsed.get_number("self-blend", -1);
      if (seed < 0 || seed != std::floor(seed) || seed > 9e15) throw UsageError("--self-blend SEED must be a whole number >= 0");
    }
    if (parsed.has("paste-centre")) {
      if (parsed.has("degrade") || parsed.has("self-blend")) throw UsageError("give one of --paste-centre, --degrade and --self-blend");
      const double seed = parsed.get_number("paste-centre", -1);
      if (seed < 0 || seed != std::floor(seed) || seed > 9e15) throw UsageError("--paste-centre SEED must be a whole number >= 0");
    }
    if (parsed.has("degrade")) {
      if (parsed.has("landmarks")) throw UsageError("--degrade needs pictures (not --landmarks)");
      if (parsed.has("self-blend")) throw UsageError("give one of --degrade and --self-blend");
      const double seed = parsed.get_number("degrade", -1);
      if (seed < 0 || seed != std::floor(seed) || seed > 9e15) throw UsageError("--degrade SEED must be a whole number >= 0");
    }
  } catch (const UsageError& e) {
    return usage(e.what());
  } catch (const Error& e) {
    return usage(e.what());
  }
  CheckerOptions options;
  double fps = 0;
  try {
    options = checker_options(parsed);
    fps = parsed.get_number("fps", 0);
  } catch (const UsageError& e) {
    return usage(e.what());
  }
  ModelOptions models = model_options(parsed);
  models.use_classifier = false;  // features do not depend on a trained classifier
  Checker checker = load_checker(models);

  Sink sink;
  if (parsed.has("self-blend")) sink.self_blend_seed = std::uint64_t(parsed.get_number("self-blend", 0));
  if (parsed.has("degrade")) sink.degrade_seed = std::uint64_t(parsed.get_number("degrade", 0));
  if (parsed.has("paste-centre")) sink.paste_seed = std::uint64_t(parsed.get_number("paste-centre", 0));
  sink.solver = options.solver;
  if (parsed.has("extra")) sink.extra_face = &checker.face_model();
  if (parsed.has("landmarks")) {
    const std::string path = parsed.get("landmarks", "");
    for (const auto& lr : research::read_landmark_csv(path)) {
      ++sink.counts.inputs;
      FeatureRow row;
      row.group = lr.group;
      // UADFV: folders 0000 and 0000_fake are a real and its swap; --group-chars 4 keeps them in one fold.
      if (parsed.has("group-chars")) row.group = lr.group.substr(0, std::size_t(parsed.get_number("group-chars", 0)));
      row.label = lr.label;
      row.video = lr.video;
      row.frame = lr.frame;
      row.file = lr.file;
      ImageResult r;
      r.width = lr.width;
      r.height = lr.height;
      r.faces_found = 1;
      r.camera = checker.camera(options);
      r.faces.push_back(checker.judge_landmarks(lr.points, lr.width, lr.height, options));
      add_image_result(sink, r, row);
    }
  } else if (parsed.has("manifest")) {
    const std::string mpath = parsed.get("manifest", "");
    const std::string root = parent_dir(mpath);
    std::set<std::string> splits;
    if (parsed.has("split")) for (const auto& s : parsed.options.at("split")) splits.insert(s);
    const bool by_pair = parsed.get("group-by", "pair") == "pair";
    std::map<std::string, int> order_in_video;
    const auto entries = read_manifest(mpath);
    int done = 0, total = 0;
    for (const auto& e : entries) total += splits.empty() || splits.count(e.split);
    for (const auto& e : entries) {
      if (!splits.empty() && !splits.count(e.split)) continue;
      FeatureRow base;
      const std::string partner = !e.donor.empty() ? e.donor : known_partner(e.subject);
      base.group = by_pair ? pair_group(e.subject, partner) : e.subject;
      base.label = e.label;
      base.split = e.split;
      base.video = e.label + "/" + e.video;  // real and fake of one sentence share the manifest's video id
      base.file = e.path;
      const int n = frame_number(e.path);
      const int k = order_in_video[base.video]++;
      base.frame = n >= 0 ? n : k;
      process_file(checker, options, fps, root + "/" + e.path, base, sink);
      if (++done % 250 == 0) std::fprintf(stderr, "posecheck features: %d / %d images\n", done, total);
    }
  } else {
    std::string label;
    label = research::normalise_label(parsed.get("label", ""));
    for (const auto& input : parsed.positional) {
      std::vector<std::string> files;
      expand_inputs(input, files);
      for (const auto& path : files) {
        FeatureRow base;
        base.label = label;
        base.file = path;
        // Frames of one video are usually a folder of images: the folder is the video.
        base.video = has_image_extension(path) ? parent_dir(path) : path;
        base.group = parsed.get("group", base.video);
        const int n = frame_number(path);
        base.frame = n >= 0 ? n : 0;
        process_file(checker, options, fps, path, base, sink);
      }
    }
  }

  if (sink.paste_seed) replace_by_pasted_tracks(sink, checker, options);
  add_track_columns(sink, checker.face_model());
  research::write_feature_csv(parsed.get("out", ""), sink.rows);
  const Counts& c = sink.counts;
  std::fprintf(stderr,
               "posecheck features: %d inputs -> %zu rows: %d ok, %d cannot_judge, %d no_face; %d unreadable inputs; wrote %s\n",
               c.inputs, sink.rows.size(), c.ok, c.cannot_judge, c.no_face, c.errors, parsed.get("out", "").c_str());
  if (sink.self_blend_seed) std::fprintf(stderr, "posecheck features: self-blends of the real inputs; %d pictures skipped (fake, or no judged face)\n", sink.self_blend_skipped);
  return c.errors ? 1 : 0;
}

}  // namespace posecheck::cli
