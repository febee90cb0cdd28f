// llama.cpp control-vector files on arbitrary bytes.
#include "core/error.h"
#include "fuzz_input.h"
#include "steer/control_vector.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzFile f(data, size);
    if (!f.ok()) return 0;
    try {
        tiller::ControlVectorFile cv(f.path());
        for (int64_t il = 0; il <= cv.max_layer(); ++il) (void)cv.direction(il);
    } catch (const tiller::Error &) {
    }
    return 0;
}
