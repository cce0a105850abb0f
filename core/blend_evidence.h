// Blend evidence: does the face match its own surroundings in the same frame?
//
// A face swap pastes a face generated at a low resolution (DeepfakeTIMIT:
// 64x64 or 128x128) into a frame of another quality. Absolute sharpness is a
// trait of a video, not of swapping, so nothing here measures it: every
// number compares the inside of the face with a ring just outside it, in the
// same frame, after the face is resampled to one canonical size. A blur,
// resize or re-compression of the whole frame acts on both regions alike.
//
// Regions (on the 68 landmarks, 300-W numbering; see geometry.h):
//   contour = face_outline_indices() (geometry.h): the jaw line (points
//             1-17) closed over the brows (27..18);
//   inside  = the contour shrunk to 85% about the landmarks' centroid;
//   seam    = between 90% and 110% of the contour;
//   ring    = between 120% and 160% of the contour (cheeks' surroundings,
//             neck, hair, forehead, background).
// Pixels outside the image are excluded from every region, so padding,
// letterboxing and crops only change the result through pixels they remove.
//
// Bands (canonical pixels, face spread = kBlendCanonicalSpread):
//   detail k = G_{s_k} - G_{s_{k+1}} of the gray image, s = 0, 1, 2, 4 px
//   (s = 0: the image itself), energy = mean square over a region.
#pragma once

#include <array>
#include <string>

#include "geometry.h"
#include "image_view.h"

namespace posecheck {

// RMS landmark spread, in canonical pixels, that every face is resampled to.
constexpr double kBlendCanonicalSpread = 40.0;
constexpr int kBlendFeatureCount = 6;
constexpr int kBlendSectorFeatureCount = 12;

struct BlendEvidence {
  bool ok = false;
  std::string reason;  // why not ok (face mostly outside the image, flat image, ...)
  // log(inside / ring) energy of detail bands 0 (finest), 1, 2.
  std::array<double, 3> detail_ratio{};
  // Relative spectral slope: log(inside band0 / band2) - log(ring band0 / band2).
  // Negative when the face lacks fine detail its surroundings have.
  double slope_difference = 0;
  // log(seam band0 / geometric mean of inside and ring band0): a pasted
  // border tends to carry an edge (positive) or a blended smear (negative).
  double seam_ratio = 0;
  // Colour: |mean chroma inside - mean chroma ring| / chroma spread, in the
  // ring next to the jaw line (0..~3). 0 for gray images.
  double chroma_step = 0;
  // By sector (upper: above the landmarks' centroid; lower: below it):
  // band-0 log ratio and relative slope of the lower inside (cheeks, mouth)
  // against the upper ring (forehead, hair), of the lower inside against the
  // lower ring (neck, jaw surroundings), of the upper inside (eyes, brows)
  // against the upper ring. Skin against skin where the ring is forehead.
  std::array<double, 6> sectors{};
  // How much stronger the face's surroundings are in fine detail than the
  // face itself, as a factor (exp(-detail_ratio[0])), for explanations.
  // Requires: ok (else the factor of the zero default, 1). Never throws.
  double ring_to_face_detail() const;
};

// Requires: image validated (see image_view.h); landmarks in image pixels.
// Ensures: ok with all fields finite, or ok == false with a reason (never
//   throws for any pixels or landmarks, NaN included).
BlendEvidence blend_evidence(const ImageView& image, const Landmarks& landmarks);

// The classifier's input: kBlendFeatureCount numbers in this order:
// detail_ratio[0..2], slope_difference, seam_ratio, chroma_step.
// Requires: evidence.ok (not checked: the fields are copied as they are).
// Ensures: those fields, finite when evidence.ok; never throws.
std::array<double, kBlendFeatureCount> blend_features(const BlendEvidence& evidence);

// kBlendSectorFeatureCount numbers: blend_features() followed by sectors[0..5].
// Requires/Ensures: as blend_features().
std::array<double, kBlendSectorFeatureCount> blend_sector_features(const BlendEvidence& evidence);

}  // namespace posecheck
