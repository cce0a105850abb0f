#include "shape_predictor_parts.h"

#include <cmath>
#include <limits>
#include <string>

#include "errors.h"

namespace posecheck {
namespace {

// dlib's serialisation (dlib/serialize.h): an integer is a control byte
// (low 4 bits: byte count 1..8; bit 7: negative, for signed types) then
// that many little-endian bytes. A float is two such integers, mantissa
// (int64) and exponent (int16): value = ldexp(float(mantissa), exponent);
// exponents 32000..32002 mean inf, -inf, NaN. A std::vector is its size
// (unsigned long) then its elements; a dlib::matrix is rows and columns
// (longs, negated in the current format) then its elements, row by row.
class DlibReader {
 public:
  DlibReader(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}

  std::size_t left() const { return n_ - pos_; }

  std::int64_t signed_int(int max_bytes, const char* what) {
    const std::uint8_t control = byte(what);
    return magnitude(control & 0x0F, max_bytes, what, (control & 0x80) != 0);
  }

  std::uint64_t unsigned_int(const char* what) {
    const std::uint8_t control = byte(what) & 0x8F;  // bits 4-6 are reserved
    return std::uint64_t(magnitude(control, 8, what, false));
  }

  float real(const char* what) {
    if (pos_ < n_ && (p_[pos_] & 0x70) != 0) fail(std::string(what) + " is in dlib's old text format (not supported)");
    const std::int64_t mantissa = signed_int(8, what);
    const std::int64_t exponent = signed_int(2, what);
    if (exponent >= 32000) fail(std::string(what) + " is infinite or not a number");
    const float v = std::ldexp(float(mantissa), int(exponent));  // as dlib's float_details
    if (!std::isfinite(v)) fail(std::string(what) + " overflows a float");
    return v;
  }

  // A container's element count, refused if the bytes left could not hold
  // that many elements of at least min_bytes each.
  std::size_t count(const char* what, std::size_t min_bytes) {
    const std::uint64_t c = unsigned_int(what);
    if (c > left() / min_bytes)
      fail(std::string(what) + " declares " + std::to_string(c) + " items but only " + std::to_string(left()) +
           " bytes remain");
    return std::size_t(c);
  }

  dlib::matrix<float, 0, 1> column(const char* what) {
    std::int64_t rows = signed_int(8, what), cols = signed_int(8, what);
    if (rows < 0 || cols < 0) rows = -rows, cols = -cols;  // the current format stores them negated
    // Mixed signs stay negative here; dlib would allocate -rows * cols values.
    if (rows < 0 || cols < 0) fail(std::string(what) + " has a negative size");
    if (cols != 1) fail(std::string(what) + " is not a column vector");
    constexpr std::size_t kMinFloatBytes = 4;  // two integers of at least 2 bytes
    if (std::uint64_t(rows) > left() / kMinFloatBytes)
      fail(std::string(what) + " declares " + std::to_string(rows) + " values but only " + std::to_string(left()) +
           " bytes remain");
    dlib::matrix<float, 0, 1> m(long(rows), 1);
    for (long r = 0; r < rows; ++r) m(r) = real(what);
    return m;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCode::kModelFormat,
                "dlib landmark model is truncated or corrupt (at byte " + std::to_string(pos_) + "): " + what);
  }

 private:
  std::uint8_t byte(const char* what) {
    if (pos_ >= n_) fail(std::string("truncated while reading ") + what);
    return p_[pos_++];
  }

  std::int64_t magnitude(int size, int max_bytes, const char* what, bool negative) {
    if (size < 1 || size > max_bytes) fail(std::string("bad integer size while reading ") + what);
    if (std::size_t(size) > left()) fail(std::string("truncated while reading ") + what);
    std::uint64_t v = 0;
    for (int i = size - 1; i >= 0; --i) v = (v << 8) | p_[pos_ + std::size_t(i)];
    pos_ += std::size_t(size);
    if (v > std::uint64_t(std::numeric_limits<std::int64_t>::max())) fail(std::string("integer out of range in ") + what);
    return negative ? -std::int64_t(v) : std::int64_t(v);
  }

  const std::uint8_t* p_;
  std::size_t n_, pos_ = 0;
};

// Smallest encodings, to bound counts: an integer takes 2 bytes, a float 4.
constexpr std::size_t kMinSplitBytes = 2 + 2 + 4, kMinColumnBytes = 4, kMinTreeBytes = 4, kMinListBytes = 2,
                      kMinPointBytes = 8;

}  // namespace

ShapePredictorParts read_shape_predictor_parts(const std::uint8_t* dat, std::size_t size) {
  if (dat == nullptr || size < 2 || dat[0] != 0x01 || dat[1] != 0x01)
    throw Error(ErrorCode::kModelFormat, "not a dlib shape predictor (version 1) file: wrong header bytes");
  DlibReader in(dat, size);
  ShapePredictorParts p;
  if (in.signed_int(4, "the version") != 1) in.fail("shape predictor version is not 1");
  p.initial_shape = in.column("the initial shape");
  p.forests.resize(in.count("the cascades", kMinListBytes));
  for (auto& forest : p.forests) {
    forest.resize(in.count("a cascade's trees", kMinTreeBytes));
    for (auto& tree : forest) {
      tree.splits.resize(in.count("a tree's splits", kMinSplitBytes));
      for (auto& s : tree.splits) {
        s.idx1 = static_cast<unsigned long>(in.unsigned_int("a split"));
        s.idx2 = static_cast<unsigned long>(in.unsigned_int("a split"));
        s.thresh = in.real("a split threshold");
      }
      tree.leaf_values.resize(in.count("a tree's leaves", kMinColumnBytes));
      for (auto& leaf : tree.leaf_values) leaf = in.column("a leaf");
    }
  }
  p.anchor_idx.resize(in.count("the anchor lists", kMinListBytes));
  for (auto& anchors : p.anchor_idx) {
    anchors.resize(in.count("an anchor list", 2));
    for (auto& a : anchors) a = static_cast<unsigned long>(in.unsigned_int("an anchor index"));
  }
  p.deltas.resize(in.count("the delta lists", kMinListBytes));
  for (auto& deltas : p.deltas) {
    deltas.resize(in.count("a delta list", kMinPointBytes));
    for (auto& d : deltas) {
      d.x() = in.real("a delta");
      d.y() = in.real("a delta");
    }
  }
  if (p.forests.empty() || p.forests[0].empty()) throw Error(ErrorCode::kModelFormat, "dlib model has no trees");
  return p;
}

}  // namespace posecheck
