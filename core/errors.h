// Faults are one exception type with a code and an actionable message.
// Expected outcomes (no face, a face that cannot be judged) are data in the
// results, never errors. Boundaries (CLI, WebAssembly bindings) catch
// posecheck::Error and turn it into a JSON error object / one JS Error.
#pragma once

#include <stdexcept>
#include <string>

namespace posecheck {

enum class ErrorCode {
  kInvalidArgument,  // a caller's argument breaks a documented requirement
  kImageTooLarge,    // over kMaxImagePixels or kMaxImageSide
  kImageDecode,      // bytes are not a decodable image (CLI decoding only)
  kModelFormat,      // model bytes are not of the expected format/version
  kModelChecksum,    // model bytes do not match the pinned SHA-256
  kIo,               // a file could not be read or written
};

// Ensures: the code's stable name, as front ends report it (JSON `code`, the
// JavaScript PoseCheckError's .code): "invalid_argument", "image_too_large",
// "image_decode", "model_format", "model_checksum", "io"; "unknown" for a
// value outside the enum. Never throws.
const char* error_code_name(ErrorCode code);

// Represents: one fault, with a code and a message that says what was wrong
// and, where it can, what to do (what() returns it).
class Error : public std::runtime_error {
 public:
  // Requires: nothing. Ensures: code() == code, what() == message.
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace posecheck
