/* dlib includes <mmintrin.h> (MMX), which Emscripten lacks; its SSE headers cover what dlib uses. */
#include <xmmintrin.h>
