// Trustworthy verdicts (issue 12), on real frames with the shipped models:
//  1. Non-faces never decide: false detections harvested from DeepfakeTIMIT
//     frames whose face has been painted over (the detector run with a
//     lowered threshold, so it finds what it would find on clothes, hair and
//     backgrounds) all come out cannot_judge, never with a P(fake); the real
//     faces of the same frames are judged.
//  2. The same face gets the same answer: padding and letterboxing a frame
//     move P(fake) by a median of at most 0.03 (issue 12's goal; measured
//     0.000 with the face camera and the refined landmark box). Rescaling
//     0.75x: the face's P(fake) (the blend cue) measured 0.027, the pose
//     cue's 0.069 (resampled pixels give other landmarks), so both are held
//     to 0.10 here and cannot get worse unnoticed. Both cues are held to
//     every bound. The full benchmark is scripts/score-stability.mjs.
//  3. The blend cue reads a pasted face, not the frame's quality: blurring
//     the inside of a real face and pasting it back (a self-blend) raises
//     its P(fake); blurring the whole frame does not.
//  4. Video tracking (person_tracks.h, check_video_frame): frames scanned
//     whole give exactly the results of a scan of every frame; frames scanned
//     only around the previous faces find the same faces with P(fake) within
//     the framing goal; a person who disappears makes that frame a whole scan.
// Needs ../shared/data/dftimit and dlib's model; skips with a message otherwise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include <dlib/image_transforms.h>

#include "checker.h"
#include "cli_common.h"
#include "decode_image.h"
#include "metrics.h"
#include "person_tracks.h"
#include "test_support.h"

using namespace posecheck;
using posecheck::research::median;

namespace {

const char* kDlibModel = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";

struct Frame {
  std::string path;
  cli::DecodedImage image;
};

class Trust : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string manifest = posecheck_test::shared_data_path("data/dftimit/manifest.csv");
    if (manifest.empty() || !posecheck_test::path_exists(kDlibModel)) return;
    cli::ModelOptions m;
    m.model_dir = posecheck_test::source_path("models");
    m.landmark_model = kDlibModel;
    checker_ = new Checker(cli::load_checker(m));
    // Every 12th frame of the manifest (both splits, both classes): 306 frames.
    std::istringstream in(posecheck_test::read_file(manifest));
    std::string line;
    std::getline(in, line);
    const std::string root = manifest.substr(0, manifest.find_last_of('/'));
    for (int i = 0; std::getline(in, line); ++i) {
      if (i % 12) continue;
      Frame f;
      f.path = root + "/" + line.substr(0, line.find(','));
      f.image = cli::decode_image(posecheck_test::read_bytes(f.path));
      frames_->push_back(std::move(f));
    }
  }
  static void TearDownTestSuite() {
    delete checker_;
    checker_ = nullptr;
  }
  void SetUp() override {
    if (!checker_) GTEST_SKIP() << "needs ../shared/data/dftimit (POSECHECK_SHARED) and " << kDlibModel;
  }
  static Checker* checker_;
  static std::vector<Frame>* frames_;
};
Checker* Trust::checker_ = nullptr;
std::vector<Frame>* Trust::frames_ = new std::vector<Frame>;

// A copy of `src` placed at (ox, oy) on a black canvas of w x h.
cli::DecodedImage place(const cli::DecodedImage& src, int w, int h, int ox, int oy) {
  cli::DecodedImage out;
  out.width = w;
  out.height = h;
  out.rgba.assign(std::size_t(w) * h * 4, 0);
  for (std::size_t i = 3; i < out.rgba.size(); i += 4) out.rgba[i] = 255;
  for (int y = 0; y < src.height; ++y) {
    const int ty = y + oy;
    if (ty < 0 || ty >= h) continue;
    for (int x = 0; x < src.width; ++x) {
      const int tx = x + ox;
      if (tx < 0 || tx >= w) continue;
      std::copy_n(&src.rgba[(std::size_t(y) * src.width + x) * 4], 4, &out.rgba[(std::size_t(ty) * w + tx) * 4]);
    }
  }
  return out;
}

// RGBA pixels to a dlib RGB image and back (opaque).
dlib::array2d<dlib::rgb_pixel> to_dlib(const cli::DecodedImage& src) {
  dlib::array2d<dlib::rgb_pixel> a(src.height, src.width);
  for (int y = 0; y < src.height; ++y)
    for (int x = 0; x < src.width; ++x) {
      const auto* p = &src.rgba[(std::size_t(y) * src.width + x) * 4];
      a[y][x] = dlib::rgb_pixel(p[0], p[1], p[2]);
    }
  return a;
}

cli::DecodedImage from_dlib(const dlib::array2d<dlib::rgb_pixel>& b) {
  cli::DecodedImage out;
  out.width = int(b.nc());
  out.height = int(b.nr());
  out.rgba.resize(std::size_t(out.width) * out.height * 4);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) {
      auto* q = &out.rgba[(std::size_t(y) * out.width + x) * 4];
      q[0] = b[y][x].red;
      q[1] = b[y][x].green;
      q[2] = b[y][x].blue;
      q[3] = 255;
    }
  return out;
}

// Bilinear rescale (dlib's resize_image).
cli::DecodedImage rescale(const cli::DecodedImage& src, double s) {
  const dlib::array2d<dlib::rgb_pixel> a = to_dlib(src);
  dlib::array2d<dlib::rgb_pixel> b(long(std::lround(src.height * s)), long(std::lround(src.width * s)));
  dlib::resize_image(a, b);
  return from_dlib(b);
}

}  // namespace

TEST_F(Trust, HarvestedFalseDetectionsAreNeverScored) {
  CheckerOptions harvest;
  harvest.detection.threshold_adjust = -1.0;  // find what the detector nearly takes for a face
  int harvested = 0, real_judged = 0;
  for (const Frame& f : *frames_) {
    const ImageResult real = checker_->check(f.image.view());
    ASSERT_FALSE(real.faces.empty()) << f.path;
    real_judged += real.faces[0].status == FaceStatus::kOk && real.faces[0].p_fake.has_value();
    // Paint the face (and hair, ears) over with grey: what is left has no face.
    const Box& b = real.faces[0].box;
    cli::DecodedImage masked = f.image;
    const int x0 = std::max(0, int(b.left - 0.4 * b.width())), x1 = std::min(masked.width, int(b.right + 0.4 * b.width()));
    const int y0 = std::max(0, int(b.top - 0.6 * b.height())), y1 = std::min(masked.height, int(b.bottom + 0.4 * b.height()));
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) std::fill_n(&masked.rgba[(std::size_t(y) * masked.width + x) * 4], 3, 128);
    const ImageResult r = checker_->check(masked.view(), harvest);
    for (const auto& face : r.faces) {
      ++harvested;
      EXPECT_EQ(face.status, FaceStatus::kCannotJudge) << f.path << ": a non-face was judged";
      EXPECT_FALSE(face.p_fake.has_value()) << f.path << ": a non-face got a P(fake)";
      EXPECT_NE(face.reason.find("not clearly a face"), std::string::npos) << face.reason;
    }
    EXPECT_FALSE(r.score.has_value()) << f.path << ": a non-face decided the image score";
  }
  std::printf("[ harvest  ] %zu frames: %d false detections, none scored; real faces judged %d\n", frames_->size(), harvested,
              real_judged);
  EXPECT_GE(harvested, 3) << "the harvest found too few false detections to test anything";
  EXPECT_EQ(real_judged, int(frames_->size())) << "the gate must not reject DeepfakeTIMIT's real faces";
}

TEST_F(Trust, FramingAndScaleKeepTheScore) {
  struct Change { const char* what; double goal; };
  // Goal 0.03 where met; the rescale bound is a regression guard, not the goal (see the header).
  const Change changes[] = {{"pad one side 50%", 0.03}, {"pad all round 25%", 0.03}, {"letterbox 16:9", 0.03}, {"rescale 0.75x", 0.10}};
  for (int c = 0; c < 4; ++c) {
    std::vector<double> deltas, pose_deltas, combined_deltas;
    int lost = 0;
    for (std::size_t i = 0; i < frames_->size(); i += 3) {
      const auto& img = (*frames_)[i].image;
      const ImageResult base = checker_->check(img.view());
      if (base.faces.empty() || !base.faces[0].p_fake) continue;
      cli::DecodedImage moved;
      double s = 1, ox = 0, oy = 0;
      switch (c) {
        case 0: moved = place(img, img.width * 3 / 2, img.height, 0, 0); break;
        case 1: ox = img.width / 4; oy = img.height / 4; moved = place(img, img.width * 3 / 2, img.height * 3 / 2, int(ox), int(oy)); break;
        case 2: ox = (img.height * 16 / 9 - img.width) / 2; moved = place(img, img.height * 16 / 9, img.height, int(ox), 0); break;
        default: s = 0.75; moved = rescale(img, s); break;
      }
      const ImageResult r = checker_->check(moved.view());
      const Box& b = base.faces[0].box;
      const FaceResult* match = nullptr;
      for (const auto& f : r.faces) {
        const double dx = (f.box.left + f.box.right) / 2 - (s * (b.left + b.right) / 2 + ox);
        const double dy = (f.box.top + f.box.bottom) / 2 - (s * (b.top + b.bottom) / 2 + oy);
        if (std::hypot(dx, dy) < 0.3 * s * b.width()) match = &f;
      }
      if (!match || !match->p_fake) {
        ++lost;
        continue;
      }
      deltas.push_back(std::abs(*match->p_fake - *base.faces[0].p_fake));
      if (match->pose_p_fake && base.faces[0].pose_p_fake) pose_deltas.push_back(std::abs(*match->pose_p_fake - *base.faces[0].pose_p_fake));
      if (match->combined_p_fake && base.faces[0].combined_p_fake)
        combined_deltas.push_back(std::abs(*match->combined_p_fake - *base.faces[0].combined_p_fake));
    }
    const double med = median(deltas), pose_med = median(pose_deltas), combined_med = median(combined_deltas);
    std::printf("[ framing  ] %s: %zu faces, median |dP(fake)| %.4f (pose cue %.4f, both combined %.4f), %d lost\n", changes[c].what,
                deltas.size(), med, pose_med, combined_med, lost);
    EXPECT_GE(deltas.size(), 90u) << changes[c].what;
    EXPECT_GE(pose_deltas.size(), 90u) << changes[c].what;
    EXPECT_GE(combined_deltas.size(), 90u) << changes[c].what;
    EXPECT_LE(med, changes[c].goal) << changes[c].what;
    EXPECT_LE(pose_med, changes[c].goal) << changes[c].what << " (pose cue)";
    EXPECT_LE(combined_med, changes[c].goal) << changes[c].what << " (both combined)";
  }
}

namespace {

// Whole-frame Gaussian blur (dlib).
cli::DecodedImage blurred(const cli::DecodedImage& src, double sigma) {
  const dlib::array2d<dlib::rgb_pixel> a = to_dlib(src);
  dlib::array2d<dlib::rgb_pixel> b;
  dlib::gaussian_blur(a, b, sigma);
  return from_dlib(b);
}

// Is (x, y) inside the face outline (face_outline_indices()) shrunk to `shrink` about the centroid?
bool inside_contour(const Landmarks& lm, double shrink, double x, double y) {
  const LandmarkFrame f = landmark_frame(lm);
  std::vector<Point2> poly;
  for (int i : face_outline_indices()) poly.push_back(f.centroid + shrink * (lm[i] - f.centroid));
  bool in = false;
  for (std::size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
    if ((poly[i].y() > y) != (poly[j].y() > y) &&
        x < (poly[j].x() - poly[i].x()) * (y - poly[i].y()) / (poly[j].y() - poly[i].y()) + poly[i].x())
      in = !in;
  }
  return in;
}

}  // namespace

// The blend cue alone (blend_p_fake) and both cues combined
// (combined_p_fake) on real faces.
TEST_F(Trust, SelfBlendRaisesTheBlendCueAndWholeFrameBlurDoesNot) {
  std::vector<double> self_blend, whole_blur, combined_self_blend, combined_whole_blur;
  for (const Frame& f : *frames_) {
    if (f.path.find("/real/") == std::string::npos) continue;
    const ImageResult base = checker_->check(f.image.view());
    if (base.faces.empty() || !base.faces[0].blend_p_fake || !base.faces[0].combined_p_fake) continue;
    const double b0 = *base.faces[0].blend_p_fake, p0 = *base.faces[0].combined_p_fake;
    // Self-blend: the face's inside, blurred (a low-resolution face), pasted back.
    const cli::DecodedImage soft = blurred(f.image, 2.0);
    cli::DecodedImage pasted = f.image;
    for (int y = 0; y < pasted.height; ++y)
      for (int x = 0; x < pasted.width; ++x)
        if (inside_contour(base.faces[0].landmarks, 0.9, x + 0.5, y + 0.5))
          std::copy_n(&soft.rgba[(std::size_t(y) * pasted.width + x) * 4], 3, &pasted.rgba[(std::size_t(y) * pasted.width + x) * 4]);
    const ImageResult a = checker_->check(pasted.view());
    if (!a.faces.empty() && a.faces[0].blend_p_fake) self_blend.push_back(*a.faces[0].blend_p_fake - b0);
    if (!a.faces.empty() && a.faces[0].combined_p_fake) combined_self_blend.push_back(*a.faces[0].combined_p_fake - p0);
    const ImageResult b = checker_->check(blurred(f.image, 1.0).view());
    if (!b.faces.empty() && b.faces[0].blend_p_fake) whole_blur.push_back(*b.faces[0].blend_p_fake - b0);
    if (!b.faces.empty() && b.faces[0].combined_p_fake) combined_whole_blur.push_back(*b.faces[0].combined_p_fake - p0);
  }
  const double up = median(self_blend), blur = median(whole_blur);
  const double combined_up = median(combined_self_blend), combined_blur = median(combined_whole_blur);
  std::printf("[ blend    ] real faces: self-blend median dP(fake) %+.3f (%zu), whole-frame blur %+.3f (%zu); "
              "combined with the pose cue %+.3f / %+.3f\n",
              up, self_blend.size(), blur, whole_blur.size(), combined_up, combined_blur);
  ASSERT_GE(self_blend.size(), 100u);
  ASSERT_GE(whole_blur.size(), 100u);
  ASSERT_GE(combined_self_blend.size(), 100u);
  ASSERT_GE(combined_whole_blur.size(), 100u);
  EXPECT_GE(up, 0.15) << "a pasted blurred face must look more like a swap";
  EXPECT_LE(blur, 0.02) << "a blurred frame must not look more like a swap (the cue must not read the frame's sharpness)";
  EXPECT_GE(combined_up, 0.15) << "both cues combined too";
  EXPECT_LE(combined_blur, 0.02) << "both cues combined too";
}

TEST_F(Trust, TrackingBetweenFullScansKeepsTheFacesAndTheirScores) {
  // Whole videos of the manifest (7 frames each): every 12th video, both classes.
  const std::string manifest = posecheck_test::shared_data_path("data/dftimit/manifest.csv");
  const std::string root = manifest.substr(0, manifest.find_last_of('/'));
  std::istringstream in(posecheck_test::read_file(manifest));
  std::string line;
  std::getline(in, line);
  std::vector<std::pair<std::string, std::vector<std::string>>> videos;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    const std::string key = f[1] + "/" + f[4];
    if (videos.empty() || videos.back().first != key) videos.push_back({key, {}});
    videos.back().second.push_back(root + "/" + f[0]);
  }
  std::vector<double> deltas;
  int full_frames = 0, region_frames = 0, band_changes = 0;
  for (std::size_t v = 0; v < videos.size(); v += 12) {
    PersonTracker every, tracked;
    for (std::size_t i = 0; i < videos[v].second.size(); ++i) {
      const auto img = cli::decode_image(posecheck_test::read_bytes(videos[v].second[i]));
      const ImageResult a = check_video_frame(*checker_, every, int(i), img.view(), {}, 1);
      const ImageResult b = check_video_frame(*checker_, tracked, int(i), img.view(), {}, 4);
      EXPECT_EQ(a.search_regions, 0);
      ASSERT_EQ(a.faces.size(), b.faces.size()) << videos[v].second[i];
      if (b.search_regions == 0) {
        ++full_frames;
        for (std::size_t k = 0; k < a.faces.size(); ++k) {
          EXPECT_EQ(a.faces[k].p_fake, b.faces[k].p_fake) << videos[v].second[i];
          EXPECT_EQ(a.faces[k].landmarks, b.faces[k].landmarks) << videos[v].second[i];
        }
        continue;
      }
      ++region_frames;
      for (std::size_t k = 0; k < a.faces.size(); ++k) {
        EXPECT_GT(box_overlap(a.faces[k].box, b.faces[k].box), 0.5) << videos[v].second[i];
        if (a.faces[k].p_fake && b.faces[k].p_fake) {
          deltas.push_back(std::abs(*a.faces[k].p_fake - *b.faces[k].p_fake));
          band_changes += *a.faces[k].band != *b.faces[k].band;
        }
      }
    }
  }
  std::vector<double> sorted = deltas;
  std::sort(sorted.begin(), sorted.end());
  std::printf("[ tracking ] %d frames scanned whole, %d around the previous faces: |dP(fake)| median %.4f, p90 %.4f, max %.4f, "
              "band changed %d of %zu faces\n",
              full_frames, region_frames, median(deltas), sorted.empty() ? 0.0 : sorted[sorted.size() * 9 / 10],
              sorted.empty() ? 0.0 : sorted.back(), band_changes, deltas.size());
  EXPECT_LE(band_changes, int(deltas.size()) / 20) << "bands change for at most 5% of tracked faces (issue 12's framing goal)";
  EXPECT_GE(region_frames, 3 * full_frames / 2) << "most frames between full scans are tracked";
  EXPECT_GE(deltas.size(), 100u);
  EXPECT_LE(median(deltas), 0.03);

  // A person who disappears: the region scan finds nobody, so that frame is
  // scanned whole, and so is the next.
  const auto& face = (*frames_)[0].image;
  cli::DecodedImage blank = face;
  for (std::size_t i = 0; i < blank.rgba.size(); ++i) blank.rgba[i] = i % 4 == 3 ? 255 : 0;
  PersonTracker tracker;
  const ImageResult first = check_video_frame(*checker_, tracker, 0, face.view(), {}, 10);
  ASSERT_EQ(first.faces_found, 1);
  EXPECT_EQ(first.search_regions, 0);
  EXPECT_EQ(tracker.search_boxes(10).size(), 1u);
  const ImageResult gone = check_video_frame(*checker_, tracker, 1, blank.view(), {}, 10);
  EXPECT_EQ(gone.faces_found, 0);
  EXPECT_EQ(gone.search_regions, 0) << "a region scan that finds nobody is redone over the whole frame";
  EXPECT_TRUE(tracker.search_boxes(10).empty());
  const ImageResult back = check_video_frame(*checker_, tracker, 2, face.view(), {}, 10);
  EXPECT_EQ(back.faces_found, 1);
  EXPECT_EQ(back.search_regions, 0);
  const ImageResult next = check_video_frame(*checker_, tracker, 3, face.view(), {}, 10);
  EXPECT_EQ(next.search_regions, 1);
  EXPECT_EQ(next.faces[0].p_fake.has_value(), back.faces[0].p_fake.has_value());
}
