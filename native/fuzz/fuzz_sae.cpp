// SAE weight files on arbitrary bytes: safetensors (SAELens) and npz (Gemma Scope) readers and
// the SAE built from them, with an encode/decode of one row when the file loads.
#include <vector>

#include "core/error.h"
#include "fuzz_input.h"
#include "sae/sae.h"
#include "sae/tensor_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzFile f(data, size);
    if (!f.ok()) return 0;
    try {
        tiller::TensorFile tf(f.path());
        (void)tf.has("W_enc");
    } catch (const tiller::Error &) {
    }
    try {
        // A path that is neither a folder nor cfg.json is read as npz (the Gemma Scope layout).
        tiller::Sae sae(f.path());
        std::vector<float> x(static_cast<size_t>(sae.d_model()), 0.5f), fe(static_cast<size_t>(sae.d_sae()));
        sae.encode(x.data(), 1, fe.data());
        sae.decode(fe.data(), 1, x.data());
    } catch (const tiller::Error &) {
    }
    return 0;
}
