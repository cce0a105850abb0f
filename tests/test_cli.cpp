// The native CLI end to end: good photos give complete results; bad files and
// bad models give a clear JSON error or message and a non-zero exit, never a
// crash. Inputs are generated here from a photo of the face-api npm package.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <random>

#include "face_model_3d.h"
#include "head_pose.h"
#include "test_support.h"

namespace {

struct CliRun {
  int exit_code = -1;
  bool crashed = false;
  std::string out;  // stdout and stderr, stderr after stdout
};

std::string temp_dir() {
  static std::string dir = [] {
    char tmpl[] = "/tmp/posecheck-cli-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  return dir;
}

CliRun run(const std::string& args) {
  const std::string err_path = temp_dir() + "/stderr.txt";
  const std::string cmd = std::string(POSECHECK_CLI) + " " + args + " 2>" + err_path;
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[65536];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.out += posecheck_test::read_file(err_path);
  std::remove(err_path.c_str());
  r.crashed = WIFSIGNALED(status);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string write_temp(const std::string& name, const std::string& bytes) {
  const std::string path = temp_dir() + "/" + name;
  posecheck_test::write_file(path, bytes);
  return path;
}

std::string demo_photo() { return posecheck_test::source_path("node_modules/@vladmandic/face-api/demo/sample2.jpg"); }

std::uint32_t crc32(const std::string& s) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char ch : s) {
    c ^= ch;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

std::string be32(std::uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }

// A minimal valid PNG header + IHDR chunk of the given size (no image data:
// enough to test that the size is refused before decoding).
std::string png_header(std::uint32_t w, std::uint32_t h) {
  std::string ihdr = "IHDR" + be32(w) + be32(h) + std::string("\x08\x06\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + ihdr + be32(crc32(ihdr));
}

std::uint32_t adler32(const std::string& s) {
  std::uint32_t a = 1, b = 0;
  for (unsigned char c : s) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

// A complete small RGBA PNG of one colour (zlib "stored" blocks, no compression).
std::string png_image(std::uint32_t w, std::uint32_t h) {
  std::string raw;
  for (std::uint32_t y = 0; y < h; ++y) {
    raw += '\0';  // filter: none
    for (std::uint32_t x = 0; x < w; ++x) raw += std::string("\x80\x60\x40\xff", 4);
  }
  std::string z = "\x78\x01";
  for (std::size_t off = 0; off < raw.size() || off == 0; off += 65535) {
    const std::size_t n = std::min<std::size_t>(65535, raw.size() - off);
    const bool last = off + n >= raw.size();
    z += char(last ? 1 : 0);
    z += char(n & 0xff);
    z += char(n >> 8);
    z += char(~n & 0xff);
    z += char((~n >> 8) & 0xff);
    z += raw.substr(off, n);
    if (last) break;
  }
  z += be32(adler32(raw));
  const std::string idat = "IDAT" + z;
  const std::string iend = "IEND";
  return png_header(w, h) + be32(std::uint32_t(z.size())) + idat + be32(crc32(idat)) + be32(0) + iend + be32(crc32(iend));
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (demo_photo().empty()) GTEST_SKIP() << "needs node_modules/@vladmandic/face-api (npm install)";
    if (!posecheck_test::path_exists("/usr/share/dlib/shape_predictor_68_face_landmarks.dat"))
      GTEST_SKIP() << "needs Debian libdlib-data";
  }
};

}  // namespace

TEST_F(Cli, PhotoGivesFacesLandmarksPosesFeaturesAndStatus) {
  const CliRun r = run("check " + demo_photo());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("\"type\":\"image\""), std::string::npos);
  EXPECT_NE(r.out.find("\"faces_found\":1"), std::string::npos) << r.out.substr(0, 400);
  for (const char* field : {"\"landmarks\":[[", "\"pose_whole\":{\"ok\":true", "\"pose_central\":{\"ok\":true", "\"rmat_t\":[",
                            "\"vec\":[", "\"vec_t\":[", "\"rvec\":[", "\"rvec_t\":[", "\"rmat\":[", "\"cosine_distance\":",
                            "\"status\":", "\"p_fake\":", "\"score\":", "\"verdict\":", "\"rotation_matrix\":[", "\"translation\":["}) {
    EXPECT_NE(r.out.find(field), std::string::npos) << "missing " << field;
  }
  // 68 landmark pairs in the first face.
  const auto start = r.out.find("\"landmarks\":[[");
  const auto end = r.out.find("]]", start);
  const std::string lm = r.out.substr(start, end - start);
  EXPECT_EQ(std::count(lm.begin(), lm.end(), '['), 1 + 68);
}

// The shipped classifier scores the face (not conditional: no classifier, no
// pass), says which camera it used, and carries what its bands mean.
TEST_F(Cli, ShippedModelScoresWithTheFaceCameraAndSaysWhatBandsMean) {
  const CliRun r = run("check " + demo_photo());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("\"models\":{\"camera\":\"face\""), std::string::npos) << r.out.substr(0, 300);
  EXPECT_EQ(r.out.find("\"p_fake\":null"), std::string::npos) << "the face was not scored";
  EXPECT_NE(r.out.find("\"camera\":{\"fx\":"), std::string::npos);
  EXPECT_NE(r.out.find("\"bands\":{\"low\":"), std::string::npos);
  const auto held = r.out.find("\"held_out\":{\"real\":{");
  ASSERT_NE(held, std::string::npos) << "the shipped classifier has no held-out band shares";
  for (const char* band : {"\"little_evidence\":", "\"uncertain\":", "\"substantial_evidence\":", "\"fake\":{"}) {
    EXPECT_NE(r.out.find(band, held), std::string::npos) << band;
  }
  bool known_verdict = false;
  for (const char* v : {"\"verdict\":\"little_evidence\"", "\"verdict\":\"uncertain\"", "\"verdict\":\"substantial_evidence\""})
    known_verdict |= r.out.find(v) != std::string::npos;
  EXPECT_TRUE(known_verdict) << r.out.substr(r.out.find("\"verdict\""), 60);
  // The blend cue decides; the pose cue and both cues combined (models/combination.txt, which does not
  // decide) are reported beside it.
  EXPECT_NE(r.out.find("\"face_cue\":\"blend\""), std::string::npos) << r.out.substr(0, 600);
  EXPECT_NE(r.out.find("\"combination\":{\"sha256\":\""), std::string::npos) << r.out.substr(0, 600);
  EXPECT_NE(r.out.find("\"decides\":false,\"bands\":{\"low\":"), std::string::npos) << r.out.substr(0, 800);
  EXPECT_NE(r.out.find("\"blend_p_fake\":0"), std::string::npos) << "the blend cue was not scored";
  EXPECT_NE(r.out.find("\"combined_p_fake\":0"), std::string::npos) << "the combination was not reported";
  EXPECT_NE(r.out.find("\"blend\":{\"ok\":true,\"detail_ratio\":["), std::string::npos);
  EXPECT_EQ(r.out.find("\"pose_p_fake\":null"), std::string::npos) << "the pose cue was not scored";
  EXPECT_NE(r.out.find("\"pose_bands\":{\"low\":"), std::string::npos);
}

// `version` names the very models `check` reports in its results' `models`
// (format and hash prefix of each), and the package's version.
TEST_F(Cli, VersionNamesTheModelsCheckLoads) {
  const CliRun v = run("version");
  ASSERT_EQ(v.exit_code, 0) << v.out;
  const CliRun c = run("check " + demo_photo());
  ASSERT_EQ(c.exit_code, 0) << c.out;
  // The first 12 hex digits of the hash after `"key":"` in the check's result.
  const auto hash_prefix = [&](const std::string& key) {
    const auto at = c.out.find("\"" + key + "\":\"");
    return at == std::string::npos ? std::string("(no " + key + " in the result)") : c.out.substr(at + key.size() + 4, 12);
  };
  const std::string package = posecheck_test::read_file(posecheck_test::source_path("package.json"));
  const auto version_at = package.find("\"version\": \"");
  ASSERT_NE(version_at, std::string::npos) << "package.json has no version";
  const std::string version = package.substr(version_at + 12, package.find('"', version_at + 12) - version_at - 12);
  EXPECT_EQ(v.out.rfind("posecheck " + version + " (", 0), 0u) << v.out;
  for (const std::string& slot : {"landmarks: dlib-shape-predictor-v1 " + hash_prefix("landmarks"),
                                  "face3d: posecheck-face3d 1 " + hash_prefix("face3d"),
                                  "; classifier: posecheck-classifier 1 " + hash_prefix("classifier"),
                                  "blend_classifier: posecheck-classifier 1 " + hash_prefix("blend_classifier"),
                                  "track_classifier: posecheck-classifier 1 " + hash_prefix("track_classifier"),
                                  "combination: posecheck-combination 1 " + hash_prefix("sha256")}) {
    EXPECT_NE(v.out.find(slot), std::string::npos) << "missing '" << slot << "' in " << v.out;
  }
  const CliRun without = run("version --no-classifier");
  EXPECT_NE(without.out.find("; classifier: none; blend_classifier: none; track_classifier: none; combination: none)"),
            std::string::npos) << without.out;
}

// The paper's camera stays selectable, with the paper-camera classifier; a
// camera the loaded classifier was not trained with is refused.
TEST_F(Cli, PaperCameraIsSelectableAndMismatchesAreRefused) {
  const std::string paper_dir = posecheck_test::source_path("models/paper");
  ASSERT_FALSE(paper_dir.empty()) << "models/paper is missing";
  const CliRun paper = run("check --camera paper --model-dir " + paper_dir + " " + demo_photo());
  ASSERT_EQ(paper.exit_code, 0) << paper.out;
  EXPECT_NE(paper.out.find("\"models\":{\"camera\":\"paper\""), std::string::npos);
  EXPECT_EQ(paper.out.find("\"p_fake\":null"), std::string::npos);
  // The paper pipeline has no blend classifier: the pose cue decides, as in the paper.
  EXPECT_NE(paper.out.find("\"face_cue\":\"pose\""), std::string::npos);
  EXPECT_NE(paper.out.find("\"blend\":null"), std::string::npos);
  const CliRun mismatch = run("check --camera paper " + demo_photo());
  EXPECT_EQ(mismatch.exit_code, 2);
  EXPECT_NE(mismatch.out.find("differs from the classifier's"), std::string::npos) << mismatch.out;
  const CliRun bad = run("check --camera fisheye " + demo_photo());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("unknown camera 'fisheye'"), std::string::npos) << bad.out;
  const CliRun unscored = run("check --no-classifier --camera paper " + demo_photo());
  EXPECT_EQ(unscored.exit_code, 0);
  EXPECT_NE(unscored.out.find("\"camera\":\"paper\""), std::string::npos);
}

TEST_F(Cli, BadImagesGiveJsonErrorsAndOthersStillFinish) {
  const std::string photo = posecheck_test::read_file(demo_photo());
  std::string flipped = photo;
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) flipped[1000 + rng() % (flipped.size() - 2000)] ^= char(1 << (rng() % 8));
  const std::string files[] = {
      write_temp("empty.jpg", ""),
      write_temp("text.jpg", "this is not an image\n"),
      write_temp("truncated.jpg", photo.substr(0, 3000)),
      write_temp("header_only.jpg", photo.substr(0, 3)),
      write_temp("huge.png", png_header(100000, 100000)),
      write_temp("zero.png", png_header(0, 10)),
      write_temp("flipped.jpg", flipped),
      temp_dir() + "/does-not-exist.jpg",
  };
  std::string args = "check";
  for (const auto& f : files) args += " " + f;
  args += " " + demo_photo();  // a good file after the bad ones
  const CliRun r = run(args);
  EXPECT_FALSE(r.crashed) << r.out;
  EXPECT_EQ(r.exit_code, 1) << r.out;
  std::istringstream lines(r.out);
  std::string line;
  std::vector<std::string> docs;
  while (std::getline(lines, line))
    if (!line.empty() && line[0] == '{') docs.push_back(line);  // stdout's JSON lines, not decoder warnings
  ASSERT_EQ(docs.size(), 9u) << r.out;
  EXPECT_NE(docs[0].find("\"error\""), std::string::npos);
  EXPECT_NE(docs[0].find("empty"), std::string::npos) << docs[0];
  EXPECT_NE(docs[1].find("not a supported image"), std::string::npos) << docs[1];
  EXPECT_NE(docs[2].find("\"code\":\"image_decode\""), std::string::npos) << docs[2];
  EXPECT_NE(docs[3].find("\"error\""), std::string::npos) << docs[3];
  EXPECT_NE(docs[4].find("\"code\":\"image_too_large\""), std::string::npos) << docs[4];
  EXPECT_NE(docs[5].find("\"error\""), std::string::npos) << docs[5];
  // A bit-flipped JPEG may still decode (with damage): either outcome is fine, not a crash.
  EXPECT_TRUE(docs[6].find("\"error\"") != std::string::npos || docs[6].find("\"verdict\"") != std::string::npos) << docs[6];
  EXPECT_NE(docs[7].find("\"code\":\"io\""), std::string::npos) << docs[7];
  EXPECT_NE(docs[8].find("\"verdict\""), std::string::npos) << docs[8];
}

TEST_F(Cli, TinyAndOddSizedImagesHaveNoFace) {
  // 1x1, 7x3 and 1x300 images are valid inputs without faces, not errors.
  const CliRun r = run("check " + write_temp("one.png", png_image(1, 1)) + " " + write_temp("odd.png", png_image(7, 3)) + " " +
                    write_temp("thin.png", png_image(1, 300)));
  EXPECT_FALSE(r.crashed);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::size_t n = 0;
  for (std::size_t pos = 0; (pos = r.out.find("\"verdict\":\"no_face\"", pos)) != std::string::npos; ++pos) ++n;
  EXPECT_EQ(n, 3u) << r.out;
}

TEST_F(Cli, BadModelsAreRefusedWithAClearMessage) {
  const std::string dir = temp_dir() + "/models";
  std::system(("mkdir -p " + dir).c_str());
  const std::string face = posecheck_test::read_file(posecheck_test::source_path("models/face3d.txt"));
  ASSERT_FALSE(face.empty()) << "models/face3d.txt is missing";

  // Random bytes and a truncated copy as the landmark model.
  std::string random(1 << 20, '\0');
  std::mt19937 rng(1);
  for (auto& c : random) c = char(rng());
  posecheck_test::write_file(dir + "/face3d.txt", face);
  CliRun r = run("check --model-dir " + dir + " --landmark-model " + write_temp("random.dat", random) + " " + demo_photo());
  EXPECT_FALSE(r.crashed);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("not a dlib shape predictor"), std::string::npos) << r.out;

  const std::string dat = posecheck_test::read_file("/usr/share/dlib/shape_predictor_68_face_landmarks.dat");
  r = run("check --model-dir " + dir + " --landmark-model " + write_temp("truncated.dat", dat.substr(0, 5 << 20)) + " " + demo_photo());
  EXPECT_FALSE(r.crashed);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("truncated or corrupt"), std::string::npos) << r.out;

  // A 3D face of a future version, and one whose checksum does not match SHA256SUMS.
  posecheck_test::write_file(dir + "/face3d.txt", "posecheck-face3d 2\n");
  r = run("check --model-dir " + dir + " " + demo_photo());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("unsupported version"), std::string::npos) << r.out;

  posecheck_test::write_file(dir + "/face3d.txt", face + "\n");
  posecheck_test::write_file(dir + "/SHA256SUMS", std::string(64, '0') + "  face3d.txt\n");
  r = run("check --model-dir " + dir + " " + demo_photo());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("does not match its SHA-256"), std::string::npos) << r.out;

  posecheck_test::write_file(dir + "/SHA256SUMS", "");
  posecheck_test::write_file(dir + "/classifier.txt", "posecheck-classifier 1\nvariant rmat_t\n");
  r = run("check --model-dir " + dir + " " + demo_photo());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("classifier model"), std::string::npos) << r.out;

  // Classifiers in the wrong slot: a pose classifier as the blend classifier, and the other way round.
  const std::string pose = posecheck_test::read_file(posecheck_test::source_path("models/classifier.txt"));
  const std::string blend = posecheck_test::read_file(posecheck_test::source_path("models/blend_classifier.txt"));
  ASSERT_FALSE(pose.empty() || blend.empty()) << "models/classifier.txt or models/blend_classifier.txt is missing";
  posecheck_test::write_file(dir + "/face3d.txt", face);
  posecheck_test::write_file(dir + "/classifier.txt", pose);
  posecheck_test::write_file(dir + "/blend_classifier.txt", pose);
  r = run("check --model-dir " + dir + " " + demo_photo());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("expected 'blend' or 'blend_sectors'"), std::string::npos) << r.out;
  posecheck_test::write_file(dir + "/classifier.txt", blend);
  posecheck_test::write_file(dir + "/blend_classifier.txt", blend);
  r = run("check --model-dir " + dir + " " + demo_photo());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("load it as the blend classifier"), std::string::npos) << r.out;

  // The cue combination: only with the very classifiers it was fitted for, and a well-formed file.
  const std::string combination = posecheck_test::read_file(posecheck_test::source_path("models/combination.txt"));
  ASSERT_FALSE(combination.empty()) << "models/combination.txt is missing";
  posecheck_test::write_file(dir + "/classifier.txt", pose);
  posecheck_test::write_file(dir + "/blend_classifier.txt", blend);
  std::string deciding = combination;
  deciding.replace(deciding.find("decides 0"), 9, "decides 1");
  posecheck_test::write_file(dir + "/combination.txt", deciding);
  r = run("check --model-dir " + dir + " " + demo_photo());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("\"face_cue\":\"combined\""), std::string::npos) << r.out.substr(0, 600);
  posecheck_test::write_file(dir + "/combination.txt", combination);
  posecheck_test::write_file(dir + "/classifier.txt", posecheck_test::read_file(posecheck_test::source_path("models/paper/classifier.txt")));
  r = run("check --model-dir " + dir + " " + demo_photo());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("fitted for other classifier files"), std::string::npos) << r.out;
  posecheck_test::write_file(dir + "/classifier.txt", pose);
  std::remove((dir + "/blend_classifier.txt").c_str());
  r = run("check --model-dir " + dir + " " + demo_photo());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("needs both the pose and the blend classifier"), std::string::npos) << r.out;
  posecheck_test::write_file(dir + "/blend_classifier.txt", blend);
  posecheck_test::write_file(dir + "/combination.txt", "posecheck-combination 1\nweights 1\n");
  r = run("check --model-dir " + dir + " " + demo_photo());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("cue combination, line 2"), std::string::npos) << r.out;
  std::remove((dir + "/combination.txt").c_str());
}

TEST_F(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  EXPECT_EQ(run("check").exit_code, 2);
  EXPECT_EQ(run("check --upsample 7 x.jpg").exit_code, 2);
  EXPECT_EQ(run("check --no-such-option x.jpg").exit_code, 2);
  EXPECT_EQ(run("help").exit_code, 0);
}

// (People, their means and the verdict rule: tests/node/video_people.test.mjs.)
TEST_F(Cli, VideoIsCheckedFrameByFrameAndLinkedIntoPeople) {
  if (std::system("command -v ffmpeg >/dev/null 2>&1") != 0) GTEST_SKIP() << "needs the ffmpeg command (Debian ffmpeg) to make the clip";
  const std::string clip = temp_dir() + "/clip.webm";
  const std::string make = "ffmpeg -loglevel error -y -loop 1 -framerate 5 -t 2 -i " + demo_photo() +
                           " -vf scale=640:-2 -c:v libvpx -b:v 1M -pix_fmt yuv420p " + clip;
  ASSERT_EQ(std::system(make.c_str()), 0);
  CliRun r = run("check --fps 2 " + clip);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("\"type\":\"video\""), std::string::npos);
  EXPECT_NE(r.out.find("\"frames_analysed\":4"), std::string::npos) << r.out.substr(0, 600);
  EXPECT_NE(r.out.find("\"frames\":[{\"frame\":0,\"time_s\":0"), std::string::npos);
  EXPECT_NE(r.out.find("\"pose_whole\":{\"ok\":true"), std::string::npos);
  // One person, seen in all 4 analysed frames, with head-motion evidence.
  EXPECT_NE(r.out.find("\"people\":[{\"id\":1,\"frames_seen\":4,\"frames_judged\":4,\"main\":true,"), std::string::npos)
      << r.out.substr(r.out.find("\"people\""), 300);
  EXPECT_EQ(r.out.find("\"id\":2,"), std::string::npos) << "a second person in a one-person clip";
  // Every frame: all 10 frames without --fps.
  r = run("check " + clip);
  EXPECT_NE(r.out.find("\"frames_analysed\":10"), std::string::npos) << r.out.substr(0, 600);

  // A WebM cut off after its header has no decodable frame: a clear error.
  const std::string bytes = posecheck_test::read_file(clip);
  const std::string cut = write_temp("cut.webm", bytes.substr(0, 200));
  r = run("check " + cut);
  EXPECT_FALSE(r.crashed);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("\"error\""), std::string::npos) << r.out;
}

// A frame whose RGBA row (360 px: 1440 bytes) is not a multiple of swscale's
// vector block was overrun into the heap and the CLI aborted (found on a
// 360x300 clip). Every width must decode: 360, 362 and 366 px rows.
TEST_F(Cli, VideoOfAnyWidthIsDecodedWithoutOverrun) {
  if (demo_photo().empty()) GTEST_SKIP() << "needs node_modules/@vladmandic/face-api (npm install)";
  if (std::system("command -v ffmpeg >/dev/null 2>&1") != 0) GTEST_SKIP() << "needs the ffmpeg command (Debian ffmpeg) to make the clip";
  for (const int width : {360, 362, 366}) {
    const std::string clip = temp_dir() + "/width" + std::to_string(width) + ".webm";
    const std::string make = "ffmpeg -loglevel error -y -loop 1 -framerate 10 -t 3 -i " + demo_photo() + " -vf scale=" +
                             std::to_string(width) + ":300 -c:v libvpx -b:v 1M -pix_fmt yuv420p " + clip;
    ASSERT_EQ(std::system(make.c_str()), 0);
    const CliRun r = run("check " + clip);
    EXPECT_FALSE(r.crashed) << width;
    ASSERT_EQ(r.exit_code, 0) << width << ": " << r.out.substr(0, 300);
    EXPECT_NE(r.out.find("\"frames_analysed\":30"), std::string::npos) << width << ": " << r.out.substr(0, 300);
    EXPECT_NE(r.out.find("\"width\":" + std::to_string(width) + ","), std::string::npos) << r.out.substr(0, 300);
  }
}

// Bring-your-own landmarks (`features --landmarks`): a video's rows carry its
// person's track and own-face columns (the same evaluation runs on landmark
// files as on images); a NaN in the file is a clear error naming the line.
TEST_F(Cli, FeaturesFromLandmarksCarryTrackAndOwnFaceColumns) {
  std::string csv = "group,label,frame,width,height";
  for (int k = 1; k <= 68; ++k) csv += ",x" + std::to_string(k) + ",y" + std::to_string(k);
  csv += "\n";
  // The project's mean face turning in front of a camera, 10 frames.
  using namespace posecheck;
  const FaceModel3D face = parse_face_model(posecheck_test::read_file(posecheck_test::source_path("models/face3d.txt")));
  const std::vector<Point3> points(face.points.begin(), face.points.end());
  const int frames = 10;
  for (int f = 0; f < frames; ++f) {
    Pose pose;
    pose.rotation = rotation_matrix(Eigen::Vector3d(0.1 * std::sin(f), 0.3 * std::sin(0.7 * f), 0.02 * f));
    pose.translation = Eigen::Vector3d(0, 0, 600);
    csv += "v1,real," + std::to_string(f) + ",640,480";
    for (const auto& p : project_points(points, pose, CameraIntrinsics{900, 900, 320, 240}))
      csv += "," + std::to_string(p.x()) + "," + std::to_string(p.y());
    csv += "\n";
  }
  const std::string out = temp_dir() + "/landmark_features.csv";
  const CliRun r = run("features --landmarks " + write_temp("landmarks.csv", csv) + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string table = posecheck_test::read_file(out);
  std::vector<std::vector<std::string>> lines;
  std::size_t start = 0;
  while (start < table.size()) {
    const std::size_t end = table.find('\n', start);
    std::vector<std::string> fields;
    std::size_t a = start;
    const std::size_t stop = end == std::string::npos ? table.size() : end;
    while (a <= stop) {
      const std::size_t b = std::min(table.find(',', a), stop);
      fields.push_back(table.substr(a, b - a));
      a = b + 1;
    }
    lines.push_back(fields);
    start = stop + 1;
  }
  ASSERT_EQ(lines.size(), std::size_t(frames) + 1);
  for (const std::string column : {"track_0", "ownt_0", "ownt_5", "own_rmat_0", "own_rotdiff_0"}) {
    const auto& header = lines[0];
    const auto at = std::find(header.begin(), header.end(), column);
    ASSERT_NE(at, header.end()) << column << " missing from " << table.substr(0, 400);
    const std::size_t k = std::size_t(at - header.begin());
    for (std::size_t row = 1; row < lines.size(); ++row) {
      ASSERT_LT(k, lines[row].size());
      EXPECT_TRUE(std::isfinite(std::strtod(lines[row][k].c_str(), nullptr)) && !lines[row][k].empty())
          << column << " row " << row << ": '" << lines[row][k] << "'";
    }
  }

  std::string with_nan = csv;
  with_nan.replace(with_nan.find(",640,480,") + 9, 0, "nan");
  const CliRun bad = run("features --landmarks " + write_temp("landmarks_nan.csv", with_nan) + " --out " + out + ".nan");
  EXPECT_FALSE(bad.crashed);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("line 2"), std::string::npos) << bad.out;
}
