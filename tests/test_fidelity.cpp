// Port fidelity of the detector and landmark stages:
//  1. The zero-copy RGBA view gives exactly what dlib gives on its own
//     array2d<rgb_pixel> (the paper's path), on photos from the npm package
//     @vladmandic/face-api (a dev dependency; no ../shared needed).
//  2. dlib_faces: landmarks on the XML boxes reproduce the XML landmarks that
//     dlib's own model produced (Debian dlib 19.24: 36 of 43 faces exact).
//  3. HELEN test (300-W): mean inter-ocular normalised error <= 0.035.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include <dlib/image_io.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_processing/shape_predictor.h>

#include "decode_image.h"
#include "face_detector.h"
#include "landmark_model.h"
#include "test_support.h"

using namespace posecheck;

namespace {

const char* kDlibModel = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";

class Fidelity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!posecheck_test::path_exists(kDlibModel)) return;
    const auto bytes = posecheck_test::read_bytes(kDlibModel);
    model_ = new LandmarkModel(LandmarkModel::from_bytes(bytes.data(), bytes.size(), kDlib68ModelSha256));
    reference_ = new dlib::shape_predictor;
    dlib::deserialize(kDlibModel) >> *reference_;
  }
  static void TearDownTestSuite() {
    delete model_;
    delete reference_;
  }
  void SetUp() override {
    if (!model_) GTEST_SKIP() << "needs " << kDlibModel << " (Debian libdlib-data; scripts/setup.sh installs it)";
  }
  static LandmarkModel* model_;
  static dlib::shape_predictor* reference_;
};
LandmarkModel* Fidelity::model_ = nullptr;
dlib::shape_predictor* Fidelity::reference_ = nullptr;

Box to_box(const dlib::rectangle& r) { return Box{double(r.left()), double(r.top()), double(r.right() + 1), double(r.bottom() + 1)}; }

}  // namespace

TEST_F(Fidelity, RgbaViewMatchesDlibRgbPathExactly) {
  const std::string demo = posecheck_test::source_path("node_modules/@vladmandic/face-api/demo");
  if (demo.empty()) GTEST_SKIP() << "needs node_modules/@vladmandic/face-api (npm install)";
  FaceDetector ours;
  dlib::frontal_face_detector theirs = dlib::get_frontal_face_detector();
  int faces = 0;
  for (int k : {1, 2, 3}) {
    const std::string path = demo + "/sample" + std::to_string(k) + ".jpg";
    const auto image = cli::decode_image(posecheck_test::read_bytes(path));
    dlib::array2d<dlib::rgb_pixel> rgb;
    dlib::load_image(rgb, path);
    // No downscaling, so both scan the same pixels.
    DetectionOptions opts;
    opts.max_detection_side = 0;
    const auto got = ours.detect(image.view(), opts);
    std::vector<dlib::rect_detection> want;
    theirs(rgb, want, 0.0);
    ASSERT_EQ(got.size(), want.size()) << path;
    ASSERT_GT(got.size(), 0u) << path;
    for (std::size_t i = 0; i < want.size(); ++i) {
      // ours is sorted by confidence; dlib's is too.
      const Box b = to_box(want[i].rect);
      EXPECT_EQ(got[i].box.left, b.left);
      EXPECT_EQ(got[i].box.top, b.top);
      EXPECT_EQ(got[i].box.right, b.right);
      EXPECT_EQ(got[i].box.bottom, b.bottom);
      EXPECT_NEAR(got[i].confidence, want[i].detection_confidence, 1e-12);
      const Landmarks lm = model_->predict(image.view(), got[i].box);
      const auto shape = (*reference_)(rgb, want[i].rect);
      for (int p = 0; p < kNumLandmarks; ++p) {
        EXPECT_EQ(lm[p].x(), shape.part(p).x()) << path << " face " << i << " point " << p + 1;
        EXPECT_EQ(lm[p].y(), shape.part(p).y()) << path << " face " << i << " point " << p + 1;
      }
      ++faces;
    }
  }
  EXPECT_GE(faces, 5);
}

TEST_F(Fidelity, DownscaledDetectionMapsBoxesToFullResolution) {
  const std::string demo = posecheck_test::source_path("node_modules/@vladmandic/face-api/demo");
  if (demo.empty()) GTEST_SKIP() << "needs node_modules/@vladmandic/face-api (npm install)";
  const auto image = cli::decode_image(posecheck_test::read_bytes(demo + "/sample2.jpg"));
  FaceDetector det;
  DetectionOptions full, small;
  full.max_detection_side = 0;
  small.max_detection_side = 960;  // half of 1920
  const auto a = det.detect(image.view(), full);
  const auto b = det.detect(image.view(), small);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  // Boxes agree to within the detector's cell size at the smaller scale.
  EXPECT_NEAR(a[0].box.left, b[0].box.left, 0.15 * a[0].box.width());
  EXPECT_NEAR(a[0].box.right, b[0].box.right, 0.15 * a[0].box.width());
  EXPECT_NEAR(a[0].box.top, b[0].box.top, 0.15 * a[0].box.width());
}

TEST_F(Fidelity, DlibFacesXmlLandmarksReproduced) {
  POSECHECK_REQUIRE_SHARED(dir, "data/dlib_faces", "dlib's example faces with reference landmarks");
  int faces = 0, exact = 0;
  double worst = 0;
  for (const char* xml : {"training_with_face_landmarks.xml", "testing_with_face_landmarks.xml"}) {
    const std::string text = posecheck_test::read_file(dir + "/" + xml);
    const std::regex image_re("<image file='([^']+)'");
    const std::regex box_re("<box top='(-?\\d+)' left='(-?\\d+)' width='(\\d+)' height='(\\d+)'>");
    const std::regex part_re("<part name='(\\d+)' x='(-?\\d+)' y='(-?\\d+)'/>");
    // Walk the file image by image, box by box.
    std::size_t pos = 0;
    cli::DecodedImage image;
    while (true) {
      const std::size_t next_image = text.find("<image file=", pos);
      const std::size_t next_box = text.find("<box ", pos);
      if (next_box == std::string::npos) break;
      if (next_image != std::string::npos && next_image < next_box) {
        std::smatch m;
        const std::string tail = text.substr(next_image, 300);
        ASSERT_TRUE(std::regex_search(tail, m, image_re));
        image = cli::decode_image(posecheck_test::read_bytes(dir + "/" + m[1].str()));
        pos = next_image + 1;
        continue;
      }
      const std::size_t end = text.find("</box>", next_box);
      const std::string block = text.substr(next_box, end - next_box);
      std::smatch bm;
      ASSERT_TRUE(std::regex_search(block, bm, box_re));
      const double top = std::stod(bm[1]), left = std::stod(bm[2]), w = std::stod(bm[3]), h = std::stod(bm[4]);
      const Landmarks lm = model_->predict(image.view(), Box{left, top, left + w, top + h});
      double face_max = 0;
      int parts = 0;
      for (auto it = std::sregex_iterator(block.begin(), block.end(), part_re); it != std::sregex_iterator(); ++it) {
        const int idx = std::stoi((*it)[1]);
        const double dx = lm[idx].x() - std::stod((*it)[2]), dy = lm[idx].y() - std::stod((*it)[3]);
        face_max = std::max(face_max, std::hypot(dx, dy));
        ++parts;
      }
      ASSERT_EQ(parts, 68);
      ++faces;
      if (face_max == 0) ++exact;
      worst = std::max(worst, face_max);
      pos = end;
    }
  }
  std::cout << "dlib_faces: " << exact << " of " << faces << " faces exact, worst point " << worst << " px\n";
  RecordProperty("exact_faces", exact);
  EXPECT_EQ(faces, 43);
  EXPECT_GE(exact, 36);
  EXPECT_LE(worst, 3.5);
}

TEST_F(Fidelity, HelenTestMeanNormalisedError) {
  POSECHECK_REQUIRE_SHARED(dir, "data/faces300w/helen_test", "HELEN test images with 68-point annotations");
  const std::string manifest = posecheck_test::read_file(dir + "/manifest.csv");
  std::istringstream in(manifest);
  std::string line;
  std::getline(in, line);  // header: image,pts,width,height,scale
  FaceDetector det;
  DetectionOptions opts;
  opts.upsample = 1;
  double sum = 0;
  int matched = 0, images = 0;
  while (std::getline(in, line)) {
    const std::string image_name = line.substr(0, line.find(','));
    const std::string rest = line.substr(line.find(',') + 1);
    const std::string pts_name = rest.substr(0, rest.find(','));
    ++images;
    Landmarks truth;
    std::istringstream ps(posecheck_test::read_file(dir + "/" + pts_name));
    for (auto& p : truth) {
      double x, y;
      ps >> x >> y;
      p = Point2(x - 1, y - 1);  // .pts are 1-based pixel coordinates
    }
    const auto image = cli::decode_image(posecheck_test::read_bytes(dir + "/" + image_name));
    const auto faces = det.detect(image.view(), opts);
    // The detection whose centre is nearest the annotated face's centre, if it lies inside it.
    Point2 centre = Point2::Zero();
    for (const auto& p : truth) centre += p;
    centre /= kNumLandmarks;
    const DetectedFace* best = nullptr;
    for (const auto& f : faces) {
      if (centre.x() > f.box.left && centre.x() < f.box.right && centre.y() > f.box.top && centre.y() < f.box.bottom) {
        if (!best || f.box.width() > best->box.width()) best = &f;
      }
    }
    if (!best) continue;
    const Landmarks lm = model_->predict(image.view(), best->box);
    const double iod = (truth[landmark_index(37)] - truth[landmark_index(46)]).norm();
    double err = 0;
    for (int i = 0; i < kNumLandmarks; ++i) err += (lm[i] - truth[i]).norm();
    sum += err / kNumLandmarks / iod;
    ++matched;
  }
  const double nme = sum / std::max(1, matched);
  std::cout << "HELEN test: " << matched << " of " << images << " images with a matching face, mean NME " << nme << "\n";
  RecordProperty("helen_nme_x1e4", int(nme * 1e4));
  EXPECT_GE(matched, 300);
  EXPECT_LE(nme, 0.035);
}
