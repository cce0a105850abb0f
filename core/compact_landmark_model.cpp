#include "compact_landmark_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "dlib_image.h"
#include "errors.h"
#include "sha256.h"

namespace posecheck {

namespace {

constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderSize = 80;
constexpr std::uint32_t kMaxParts = 255, kMaxCascades = 64, kMaxTrees = 10000, kMaxDepth = 10, kMaxFeatures = 65535;

[[noreturn]] void fail(const std::string& what) {
  throw Error(ErrorCode::kModelFormat, "compact landmark model (PCLM): " + what);
}

bool valid_leaf_bits(std::uint32_t b) { return (b >= 2 && b <= 8) || b == 32; }

// ---- little-endian writing ----
struct Writer {
  std::vector<std::uint8_t> out;
  void u8(std::uint8_t v) { out.push_back(v); }
  void u16(std::uint16_t v) { u8(std::uint8_t(v & 0xff)); u8(std::uint8_t(v >> 8)); }
  void u32(std::uint32_t v) { for (int i = 0; i < 4; ++i) u8(std::uint8_t((v >> (8 * i)) & 0xff)); }
  void u64(std::uint64_t v) { for (int i = 0; i < 8; ++i) u8(std::uint8_t((v >> (8 * i)) & 0xff)); }
  void f32(float f) {
    std::uint32_t b;
    std::memcpy(&b, &f, 4);
    u32(b);
  }
};

// ---- bounds-checked little-endian reading ----
struct Reader {
  const std::uint8_t* p;
  std::size_t n, pos = 0;
  void need(std::size_t k, const char* what) const {
    if (k > n - pos) fail(std::string("truncated while reading ") + what);
  }
  std::uint8_t u8() { need(1, "a byte"); return p[pos++]; }
  std::uint16_t u16() { need(2, "a u16"); std::uint16_t v = std::uint16_t(p[pos] | (p[pos + 1] << 8)); pos += 2; return v; }
  std::uint32_t u32() {
    need(4, "a u32");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t(p[pos + i]) << (8 * i);
    pos += 4;
    return v;
  }
  std::uint64_t u64() {
    std::uint64_t lo = u32(), hi = u32();
    return lo | (hi << 32);
  }
  float f32(const char* what) {
    const std::uint32_t b = u32();
    float f;
    std::memcpy(&f, &b, 4);
    if (!std::isfinite(f)) fail(std::string("non-finite value in ") + what);
    return f;
  }
};

struct Dims {
  std::uint32_t parts, cascades, trees, depth, features, leaf_bits;
  std::uint64_t splits() const { return (std::uint64_t(1) << depth) - 1; }
  std::uint64_t leaves() const { return std::uint64_t(1) << depth; }
  std::uint64_t leaf_value_bytes() const {
    const std::uint64_t values = std::uint64_t(trees) * leaves() * 2 * parts;
    return leaf_bits == 32 ? values * 4 : (values * leaf_bits + 7) / 8;
  }
  std::uint64_t payload_size() const {
    std::uint64_t per_cascade = std::uint64_t(features) * 8 + std::uint64_t(parts) * 8 +
                                std::uint64_t(trees) * splits() * 5 + leaf_value_bytes();
    if (leaf_bits != 32) per_cascade += std::uint64_t(trees) * leaves() * 4;
    return std::uint64_t(parts) * 8 + std::uint64_t(cascades) * per_cascade;
  }
};

}  // namespace

bool is_compact_landmark_model(const std::uint8_t* data, std::size_t size) {
  return data != nullptr && size >= 4 && std::memcmp(data, "PCLM", 4) == 0;
}

const std::vector<CompactLevel>& compact_levels() {
  static const std::vector<CompactLevel> levels = {
      {"f32", 32, false, "float32 leaves (reference: only splits and layout compacted)"},
      {"q8", 8, true, "8-bit leaves, per-leaf x per-coordinate scale"},
      {"q6", 6, true, "6-bit leaves, per-leaf x per-coordinate scale"},
      {"q5", 5, true, "5-bit leaves, per-leaf x per-coordinate scale"},
      {"q4-flat", 4, false, "4-bit leaves, per-leaf scale only"},
      {"q4", 4, true, "4-bit leaves, per-leaf x per-coordinate scale"},
      {"q3", 3, true, "3-bit leaves, per-leaf x per-coordinate scale"},
  };
  return levels;
}

const char* default_compact_level() { return "q4"; }

std::vector<std::uint8_t> encode_compact_landmark_model(
    const dlib::matrix<float, 0, 1>& initial_shape,
    const std::vector<std::vector<dlib::impl::regression_tree>>& forests,
    const std::vector<std::vector<unsigned long>>& anchor_idx,
    const std::vector<std::vector<dlib::vector<float, 2>>>& deltas, const std::string& level_name) {
  const CompactLevel* level = nullptr;
  for (const auto& l : compact_levels())
    if (l.name == level_name) level = &l;
  if (level == nullptr) throw Error(ErrorCode::kInvalidArgument, "unknown compact level '" + level_name + "'");

  auto bad = [](const std::string& what) -> void {
    throw Error(ErrorCode::kModelFormat, "shape predictor cannot be stored as PCLM v1: " + what);
  };
  if (initial_shape.size() < 2 || initial_shape.size() % 2 != 0 || initial_shape.size() / 2 > long(kMaxParts))
    bad("initial shape has " + std::to_string(initial_shape.size()) + " values (need 2 x 1..255 parts)");
  Dims d{};
  d.parts = std::uint32_t(initial_shape.size() / 2);
  d.cascades = std::uint32_t(forests.size());
  if (d.cascades < 1 || d.cascades > kMaxCascades) bad("number of cascades out of range");
  if (anchor_idx.size() != forests.size() || deltas.size() != forests.size()) bad("anchor/delta lists do not match the cascades");
  d.trees = std::uint32_t(forests[0].size());
  if (d.trees < 1 || d.trees > kMaxTrees) bad("trees per cascade out of range");
  if (forests[0][0].leaf_values.empty()) bad("tree without leaves");
  const std::size_t leaves = forests[0][0].leaf_values.size();
  d.depth = 0;
  while ((std::size_t(1) << d.depth) < leaves) ++d.depth;
  if ((std::size_t(1) << d.depth) != leaves || d.depth < 1 || d.depth > kMaxDepth) bad("leaf count not a power of 2 in 2..1024");
  d.features = std::uint32_t(anchor_idx[0].size());
  if (d.features < 1 || d.features > kMaxFeatures) bad("feature pool size out of range");
  d.leaf_bits = std::uint32_t(level->leaf_bits);
  for (float v : initial_shape)
    if (!std::isfinite(v)) bad("non-finite initial shape");

  Writer w;
  const std::uint64_t payload_size = d.payload_size();
  w.out.reserve(kHeaderSize + payload_size);
  for (float v : initial_shape) w.f32(v);
  const std::size_t nvals = 2 * d.parts;
  const int qmax = d.leaf_bits == 32 ? 0 : (1 << (d.leaf_bits - 1)) - 1;
  for (std::size_t c = 0; c < forests.size(); ++c) {
    const auto& forest = forests[c];
    if (forest.size() != d.trees) bad("cascades with different tree counts");
    if (anchor_idx[c].size() != d.features || deltas[c].size() != d.features) bad("cascades with different feature pools");
    // Reference pixels: dlib's constructor turns them back into anchor + delta.
    for (std::size_t i = 0; i < d.features; ++i) {
      if (anchor_idx[c][i] >= d.parts) bad("anchor index out of range");
      const dlib::vector<float, 2> pc = dlib::impl::location(initial_shape, anchor_idx[c][i]) + deltas[c][i];
      if (!std::isfinite(pc.x()) || !std::isfinite(pc.y())) bad("non-finite delta");
      if (dlib::impl::nearest_shape_point(initial_shape, pc) != anchor_idx[c][i])
        bad("a reference pixel's anchor is not its nearest shape point");
      w.f32(pc.x());
      w.f32(pc.y());
    }
    // Per-coordinate weight: RMS of that coordinate over the cascade's leaves.
    std::vector<float> weight(nvals, 1.0f);
    for (const auto& tree : forest) {
      if (tree.splits.size() != d.splits() || tree.leaf_values.size() != d.leaves()) bad("trees of different depths");
      for (const auto& leaf : tree.leaf_values) {
        if (std::size_t(leaf.size()) != nvals) bad("leaf vector of the wrong length");
        for (float v : leaf)
          if (!std::isfinite(v)) bad("non-finite leaf value");
      }
    }
    if (level->coord_weights) {
      std::vector<double> ss(nvals, 0.0);
      for (const auto& tree : forest)
        for (const auto& leaf : tree.leaf_values)
          for (std::size_t j = 0; j < nvals; ++j) ss[j] += double(leaf(j)) * leaf(j);
      double mx = 0;
      for (double s : ss) mx = std::max(mx, s);
      for (std::size_t j = 0; j < nvals; ++j) weight[j] = mx > 0 ? float(std::sqrt(ss[j] / mx)) : 1.0f;
    }
    for (float v : weight) w.f32(v);
    for (const auto& tree : forest)
      for (const auto& s : tree.splits) {
        if (s.idx1 >= d.features) bad("split pixel index out of range");
        w.u16(std::uint16_t(s.idx1));
      }
    for (const auto& tree : forest)
      for (const auto& s : tree.splits) {
        if (s.idx2 >= d.features) bad("split pixel index out of range");
        w.u16(std::uint16_t(s.idx2));
      }
    for (const auto& tree : forest)
      for (const auto& s : tree.splits) {
        const float t = std::floor(s.thresh);
        if (!(t >= -128.0f && t <= 127.0f)) bad("split threshold outside [-128, 128)");
        w.u8(std::uint8_t(std::int8_t(t)));
      }
    if (d.leaf_bits == 32) {
      for (const auto& tree : forest)
        for (const auto& leaf : tree.leaf_values)
          for (float v : leaf) w.f32(v);
      continue;
    }
    // Per-leaf scale, then the codes.
    std::vector<float> scales;
    for (const auto& tree : forest)
      for (const auto& leaf : tree.leaf_values) {
        float m = 0;
        for (std::size_t j = 0; j < nvals; ++j)
          if (weight[j] > 0) m = std::max(m, std::abs(leaf(j)) / weight[j]);
        const float s = m / float(qmax);
        scales.push_back(s);
        w.f32(s);
      }
    std::uint64_t acc = 0;
    int nbits = 0;
    std::size_t k = 0;
    for (const auto& tree : forest)
      for (const auto& leaf : tree.leaf_values) {
        const float s = scales[k++];
        for (std::size_t j = 0; j < nvals; ++j) {
          const float step = s * weight[j];
          long q = step > 0 ? std::lround(double(leaf(j)) / double(step)) : 0;
          q = std::clamp(q, long(-qmax), long(qmax));
          acc |= std::uint64_t(q + qmax + 1) << nbits;
          nbits += int(d.leaf_bits);
          while (nbits >= 8) {
            w.u8(std::uint8_t(acc & 0xff));
            acc >>= 8;
            nbits -= 8;
          }
        }
      }
    if (nbits > 0) w.u8(std::uint8_t(acc & 0xff));
  }
  if (w.out.size() != payload_size) bad("internal error: payload size mismatch");

  Writer h;
  for (char ch : std::string("PCLM")) h.u8(std::uint8_t(ch));
  h.u32(kVersion);
  h.u32(std::uint32_t(kHeaderSize));
  h.u32(d.parts);
  h.u32(d.cascades);
  h.u32(d.trees);
  h.u32(d.depth);
  h.u32(d.features);
  h.u32(d.leaf_bits);
  h.u32(0);
  h.u64(payload_size);
  const std::string hex = sha256_hex(w.out.data(), w.out.size());
  for (int i = 0; i < 32; ++i) h.u8(std::uint8_t(std::stoi(hex.substr(2 * i, 2), nullptr, 16)));
  h.out.insert(h.out.end(), w.out.begin(), w.out.end());
  return std::move(h.out);
}

std::vector<std::uint8_t> encode_compact_landmark_model(const std::uint8_t* dat, std::size_t size,
                                                        const std::string& level) {
  const ShapePredictorParts p = read_shape_predictor_parts(dat, size);
  return encode_compact_landmark_model(p.initial_shape, p.forests, p.anchor_idx, p.deltas, level);
}

CompactShapePredictor CompactShapePredictor::parse(const std::uint8_t* data, std::size_t size,
                                                   bool verify_payload_digest) {
  if (!is_compact_landmark_model(data, size)) fail("wrong magic (not a PCLM file)");
  if (size < kHeaderSize) fail("truncated: " + std::to_string(size) + " bytes, shorter than the 80-byte header");
  Reader r{data, size, 4};
  const std::uint32_t version = r.u32();
  if (version != kVersion)
    fail("unsupported version " + std::to_string(version) + " (this build reads version 1)");
  if (r.u32() != kHeaderSize) fail("header size is not 80");
  Dims d{};
  d.parts = r.u32();
  d.cascades = r.u32();
  d.trees = r.u32();
  d.depth = r.u32();
  d.features = r.u32();
  d.leaf_bits = r.u32();
  const std::uint32_t flags = r.u32();
  const std::uint64_t payload_size = r.u64();
  if (d.parts < 1 || d.parts > kMaxParts) fail("part count " + std::to_string(d.parts) + " outside 1..255");
  if (d.cascades < 1 || d.cascades > kMaxCascades) fail("cascade count " + std::to_string(d.cascades) + " outside 1..64");
  if (d.trees < 1 || d.trees > kMaxTrees) fail("trees per cascade " + std::to_string(d.trees) + " outside 1..10000");
  if (d.depth < 1 || d.depth > kMaxDepth) fail("tree depth " + std::to_string(d.depth) + " outside 1..10");
  if (d.features < 1 || d.features > kMaxFeatures) fail("feature pool size " + std::to_string(d.features) + " outside 1..65535");
  if (!valid_leaf_bits(d.leaf_bits)) fail("leaf bits " + std::to_string(d.leaf_bits) + " not 2..8 or 32");
  if (flags != 0) fail("unknown flags " + std::to_string(flags));
  if (payload_size != d.payload_size())
    fail("header counts imply " + std::to_string(d.payload_size()) + " payload bytes but it declares " +
         std::to_string(payload_size));
  if (payload_size != size - kHeaderSize)
    fail("truncated or padded: header declares " + std::to_string(payload_size) + " payload bytes, file has " +
         std::to_string(size - kHeaderSize));
  const std::uint8_t* payload = data + kHeaderSize;
  if (verify_payload_digest) {
    const std::string digest = sha256_hex(payload, std::size_t(payload_size));
    static const char* hexd = "0123456789abcdef";
    std::string stored;
    for (int i = 0; i < 32; ++i) {
      stored += hexd[data[48 + i] >> 4];
      stored += hexd[data[48 + i] & 15];
    }
    if (digest != stored) fail("corrupt: payload SHA-256 " + digest + " does not match the header's " + stored);
  }

  CompactShapePredictor m;
  m.parts_ = d.parts;
  m.trees_ = d.trees;
  m.depth_ = d.depth;
  m.leaf_bits_ = d.leaf_bits;
  Reader p{payload, std::size_t(payload_size), 0};
  const std::size_t nvals = 2 * std::size_t(d.parts);
  const std::size_t nsplits = std::size_t(d.trees) * std::size_t(d.splits());
  const std::size_t nleaves = std::size_t(d.trees) * std::size_t(d.leaves());
  m.initial_shape_.set_size(long(nvals));
  for (std::size_t j = 0; j < nvals; ++j) m.initial_shape_(long(j)) = p.f32("initial shape");
  // Value ranges (found by fuzz_compact_model: finite but huge or degenerate
  // values made dlib convert out-of-range floats to long when predicting,
  // undefined behaviour). dlib's shapes live in a face box normalised to
  // [0, 1], so bounded coordinates, a non-degenerate initial shape and leaf
  // updates of at most one box keep every predicted point finite and far
  // inside the range of long.
  auto in_range = [](float v, float bound) { return std::isfinite(v) && std::fabs(v) <= bound; };
  constexpr float kMaxCoord = 10.0f, kMaxLeaf = 1.0f, kMinSpread = 0.01f;
  float lo[2] = {m.initial_shape_(0), m.initial_shape_(1)}, hi[2] = {lo[0], lo[1]};
  for (std::size_t j = 0; j < nvals; ++j) {
    const float v = m.initial_shape_(long(j));
    if (!in_range(v, kMaxCoord)) fail("initial shape value outside [-10, 10]");
    lo[j % 2] = std::min(lo[j % 2], v);
    hi[j % 2] = std::max(hi[j % 2], v);
  }
  if (hi[0] - lo[0] < kMinSpread || hi[1] - lo[1] < kMinSpread) fail("initial shape is degenerate (all points together)");
  const int half = d.leaf_bits == 32 ? 0 : 1 << (d.leaf_bits - 1);
  m.cascades_.resize(d.cascades);
  for (auto& c : m.cascades_) {
    c.pixels.resize(d.features);
    for (auto& px : c.pixels) {
      px.x() = p.f32("reference pixels");
      px.y() = p.f32("reference pixels");
      if (!in_range(px.x(), kMaxCoord) || !in_range(px.y(), kMaxCoord)) fail("reference pixel outside [-10, 10]");
    }
    dlib::impl::create_shape_relative_encoding(m.initial_shape_, c.pixels, c.anchor_idx, c.deltas);
    c.weight.resize(nvals);
    float max_weight = 0;
    for (auto& v : c.weight) {
      v = p.f32("coordinate weights");
      // The converter writes weights in [0, 1] (RMS relative to the largest).
      if (!(v >= 0.0f && v <= 1.0f)) fail("coordinate weight outside [0, 1]");
      max_weight = std::max(max_weight, v);
    }
    c.idx1.resize(nsplits);
    c.idx2.resize(nsplits);
    for (auto* idx : {&c.idx1, &c.idx2})
      for (auto& i : *idx) {
        i = p.u16();
        if (i >= d.features) fail("split pixel index " + std::to_string(i) + " >= feature pool size");
      }
    c.thresh.resize(nsplits);
    for (auto& t : c.thresh) t = float(std::int8_t(p.u8())) + 0.5f;
    if (d.leaf_bits == 32) {
      c.values.resize(nleaves * nvals);
      for (auto& v : c.values) {
        v = p.f32("leaf values");
        if (!in_range(v, kMaxLeaf)) fail("leaf value outside [-1, 1]");
      }
      continue;
    }
    // Any code gives |value| <= 2^(B-1) * scale * weight: bounding that by
    // one box bounds every leaf without expanding the codes.
    c.scale.resize(nleaves);
    for (auto& s : c.scale) {
      s = p.f32("leaf scales");
      if (!(s >= 0.0f) || double(half) * s * max_weight > kMaxLeaf) fail("leaf value outside [-1, 1] (leaf scale too large)");
    }
    const std::size_t nbytes = std::size_t(d.leaf_value_bytes());
    p.need(nbytes, "leaf values");
    c.codes.assign(p.p + p.pos, p.p + p.pos + nbytes);
    p.pos += nbytes;
  }
  if (p.pos != p.n) fail("internal error: payload not fully consumed");
  return m;
}

// dlib adds each visited leaf to the shape (matrix +=, one float add per
// value); the dequantised value is (float(q) * scale) * weight, as to_dlib()
// stores it. No -ffast-math or FMA contraction here: the results must match.
// Any leaf width: the reference, which to_dlib() uses.
void CompactShapePredictor::add_leaf_any_bits(const Cascade& c, std::size_t leaf, float* shape) const {
  const std::size_t nvals = 2 * std::size_t(parts_);
  if (leaf_bits_ == 32) {
    const float* v = c.values.data() + leaf * nvals;
    for (std::size_t j = 0; j < nvals; ++j) shape[j] += v[j];
    return;
  }
  const int bits = int(leaf_bits_), half = 1 << (bits - 1);
  const std::uint32_t mask = (1u << bits) - 1;
  const float s = c.scale[leaf];
  const std::uint64_t first_bit = std::uint64_t(leaf) * nvals * std::uint64_t(bits);
  const std::uint8_t* in = c.codes.data() + first_bit / 8;
  std::uint64_t acc = *in++ >> (first_bit % 8);
  int nbits = 8 - int(first_bit % 8);
  for (std::size_t j = 0; j < nvals; ++j) {
    while (nbits < bits) {
      acc |= std::uint64_t(*in++) << nbits;
      nbits += 8;
    }
    const int q = int(acc & mask) - half;
    acc >>= bits;
    nbits -= bits;
    const float v = float(q) * s * c.weight[j];
    shape[j] += v;
  }
}

// As add_leaf_any_bits, for predict(). 4-bit leaves (the shipped level),
// whose general loop took half of a check's landmark time, are read two codes
// a byte, low nibble first (every leaf starts on a byte: 2 * parts codes),
// with the same arithmetic; tests/test_compact_model.cpp holds predict() to
// to_dlib() bit for bit.
void CompactShapePredictor::add_leaf(const Cascade& c, std::size_t leaf, float* shape) const {
  if (leaf_bits_ != 4) return add_leaf_any_bits(c, leaf, shape);
  const std::size_t nvals = 2 * std::size_t(parts_);
  const float s = c.scale[leaf];
  const std::uint8_t* in = c.codes.data() + leaf * nvals / 2;
  const float* w = c.weight.data();
  for (std::size_t j = 0; j < nvals; j += 2) {
    const std::uint8_t b = in[j / 2];
    shape[j] += float(int(b & 15) - 8) * s * w[j];
    shape[j + 1] += float(int(b >> 4) - 8) * s * w[j + 1];
  }
}

template <typename Image>
std::vector<dlib::point> CompactShapePredictor::predict(const Image& image, const dlib::rectangle& rect) const {
  // dlib::shape_predictor::operator(), with the leaves read from the codes.
  dlib::matrix<float, 0, 1> shape = initial_shape_;
  std::vector<float> feature_pixel_values;
  const std::size_t nsplits = (std::size_t(1) << depth_) - 1, nleaves = std::size_t(1) << depth_;
  for (const Cascade& c : cascades_) {
    dlib::impl::extract_feature_pixel_values(image, rect, shape, initial_shape_, c.anchor_idx, c.deltas,
                                             feature_pixel_values);
    const float* f = feature_pixel_values.data();
    for (std::size_t t = 0; t < trees_; ++t) {
      const std::size_t base = t * nsplits;
      std::size_t i = 0;
      while (i < nsplits) {
        const std::size_t k = base + i;
        i = f[c.idx1[k]] - f[c.idx2[k]] > c.thresh[k] ? 2 * i + 1 : 2 * i + 2;
      }
      add_leaf(c, t * nleaves + (i - nsplits), &shape(0));
    }
  }
  const dlib::point_transform_affine to_image = dlib::impl::unnormalizing_tform(rect);
  std::vector<dlib::point> points(parts_);
  for (unsigned long i = 0; i < parts_; ++i) points[i] = to_image(dlib::impl::location(shape, i));
  return points;
}

template std::vector<dlib::point> CompactShapePredictor::predict(const RgbaDlibView&, const dlib::rectangle&) const;
template std::vector<dlib::point> CompactShapePredictor::predict(const GrayDlibView&, const dlib::rectangle&) const;
template std::vector<dlib::point> CompactShapePredictor::predict(const dlib::array2d<unsigned char>&,
                                                                 const dlib::rectangle&) const;

dlib::shape_predictor CompactShapePredictor::to_dlib() const {
  const std::size_t nvals = 2 * std::size_t(parts_);
  const std::size_t nsplits = (std::size_t(1) << depth_) - 1, nleaves = std::size_t(1) << depth_;
  std::vector<std::vector<dlib::impl::regression_tree>> forests(cascades_.size());
  std::vector<std::vector<dlib::vector<float, 2>>> pixels;
  std::vector<float> zero(nvals);
  for (std::size_t ci = 0; ci < cascades_.size(); ++ci) {
    const Cascade& c = cascades_[ci];
    pixels.push_back(c.pixels);
    forests[ci].resize(trees_);
    for (std::size_t t = 0; t < trees_; ++t) {
      auto& tree = forests[ci][t];
      tree.splits.resize(nsplits);
      for (std::size_t s = 0; s < nsplits; ++s)
        tree.splits[s] = {c.idx1[t * nsplits + s], c.idx2[t * nsplits + s], c.thresh[t * nsplits + s]};
      tree.leaf_values.resize(nleaves);
      for (std::size_t l = 0; l < nleaves; ++l) {
        std::vector<float> v(zero);
        add_leaf_any_bits(c, t * nleaves + l, v.data());  // 0 + value == value
        tree.leaf_values[l] = dlib::mat(v);
      }
    }
  }
  try {
    return dlib::shape_predictor(initial_shape_, forests, pixels);
  } catch (const std::bad_alloc&) {
    fail("out of memory building the predictor");
  }
}

dlib::shape_predictor decode_compact_landmark_model(const std::uint8_t* data, std::size_t size) {
  return CompactShapePredictor::parse(data, size).to_dlib();
}

}  // namespace posecheck
