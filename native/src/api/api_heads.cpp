// C ABI: query-adaptive attention and the per-head record (runtime/adaptive_attention.h).
#include <vector>

#include "api/handles.h"
#include "core/error.h"

using namespace tiller;

extern "C" {

int32_t tiller_session_set_adaptive_attention(tiller_session *session, int32_t decision, float tau, int32_t t_sink,
                                              int32_t t_local, int32_t moments, const uint8_t *labels,
                                              int32_t n_labels) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(n_labels >= 0 && (n_labels == 0 || labels), "labels must hold n_labels >= 0 entries");
        const QadaConfig c = QadaConfig::make(static_cast<QadaDecision>(decision), tau, t_sink, t_local, static_cast<QadaMoments>(moments));
        session_of(session).adaptive().configure(c, std::vector<uint8_t>(labels, labels + n_labels));
    });
}

int32_t tiller_session_record_heads(tiller_session *session, int32_t on) {
    return guarded([&] { session_of(session).adaptive().set_recording(on != 0); });
}

int32_t tiller_session_head_record(const tiller_session *session, int32_t layer, const float **estimates,
                                   const uint8_t **long_context, int32_t *n_tokens, int32_t *n_head) {
    return guarded([&] {
        TILLER_REQUIRE_ARG(estimates && long_context && n_tokens && n_head, "output pointers must not be null");
        const Session &s = session_of(session);
        const HParams &hp = s.model().hparams();
        TILLER_REQUIRE_ARG(layer >= 0 && layer < hp.n_layer, "layer %d is out of range [0, %lld)", layer,
                           (long long)hp.n_layer);
        if (hp.layers[layer].swa) fail(TILLER_ERR_INVALID_ARGUMENT, "layer %d uses sliding-window attention; only global layers are recorded", layer);
        const AdaptiveAttention &ad = s.adaptive();
        if (!ad.recording()) fail(TILLER_ERR_STATE, "heads are not being recorded (tiller_session_record_heads)");
        const int64_t n = ad.recorded_tokens();
        *n_tokens = static_cast<int32_t>(n);
        *n_head = static_cast<int32_t>(hp.layers[layer].n_head);
        *estimates = n > 0 ? ad.estimates(layer)->data() : nullptr;
        *long_context = n > 0 ? ad.decisions(layer)->data() : nullptr;
    });
}

}  // extern "C"
