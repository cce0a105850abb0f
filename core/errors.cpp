#include "errors.h"

namespace posecheck {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kImageTooLarge: return "image_too_large";
    case ErrorCode::kImageDecode: return "image_decode";
    case ErrorCode::kModelFormat: return "model_format";
    case ErrorCode::kModelChecksum: return "model_checksum";
    case ErrorCode::kIo: return "io";
  }
  return "unknown";
}

}  // namespace posecheck
