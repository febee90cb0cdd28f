// The Gemma decoder block and output head (llama.cpp build_gemma / build_gemma2 /
// gemma3-iswa): what differs between families is read from the ArchSpec.
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "kernels/attention.h"
#include "kernels/elementwise.h"
#include "kernels/matmul.h"
#include "kernels/rope.h"
#include "runtime/session.h"

namespace tiller {

void Session::forward(const int32_t *tokens, int64_t t, int64_t capture_row0, int64_t first_out, float *logits_out) {
    const Model &m = *model_;
    const HParams &hp = m.hparams();
    const ArchSpec &arch = *hp.arch;
    const int64_t E = hp.n_embd, hd = hp.head_dim;
    float *x = x_.data(), *h = h_.data();

    // Embedding, scaled by sqrt(n_embd) in float32 as llama.cpp does.
    const float embd_scale = std::sqrt(static_cast<float>(E));
    for (int64_t i = 0; i < t; ++i) {
        weight_row(m.token_embd(), tokens[i], x + i * E);
        for (int64_t j = 0; j < E; ++j) x[i * E + j] *= embd_scale;
    }

    for (int64_t il = 0; il < hp.n_layer; ++il) {
        const LayerParams &lp = hp.layers[il];
        const LayerWeights &w = m.layer(il);
        const int64_t q_dim = lp.n_head * hd, kv_dim = lp.n_head_kv * hd, ff = lp.n_ff;

        for (int64_t i = 0; i < t; ++i) rms_norm(x + i * E, w.attn_norm.data(), h + i * E, E, hp.eps);
        matmul(pool_, w.wq, h, t, q_.data());
        matmul(pool_, w.wk, h, t, k_.data());
        matmul(pool_, w.wv, h, t, v_.data());
        for (int64_t i = 0; i < t; ++i) {
            float *qi = q_.data() + i * q_dim, *ki = k_.data() + i * kv_dim;
            if (arch.qk_norm) {
                for (int64_t hh = 0; hh < lp.n_head; ++hh) rms_norm(qi + hh * hd, w.attn_q_norm.data(), qi + hh * hd, hd, hp.eps);
                for (int64_t hh = 0; hh < lp.n_head_kv; ++hh) rms_norm(ki + hh * hd, w.attn_k_norm.data(), ki + hh * hd, hd, hp.eps);
            }
            rope_neox(qi, lp.n_head, hd, pos_ + i, lp.rope_base, lp.rope_scale);
            rope_neox(ki, lp.n_head_kv, hd, pos_ + i, lp.rope_base, lp.rope_scale);
            for (int64_t j = 0; j < q_dim; ++j) qi[j] *= hp.query_scale;
        }

        AttentionArgs args{il, t, pos_, lp.n_head, lp.n_head_kv, hd, lp.swa ? hp.n_swa : 0, hp.attn_softcap,
                           q_.data(), k_.data(), v_.data(), attn_.data()};
        attention(pool_, cache_, args);
        // The batch's keys and values join the cache (sliding layers keep only their ring).
        for (int64_t i = 0; i < t; ++i) {
            std::memcpy(cache_.k(il, pos_ + i), k_.data() + i * kv_dim, kv_dim * sizeof(float));
            std::memcpy(cache_.v(il, pos_ + i), v_.data() + i * kv_dim, kv_dim * sizeof(float));
        }

        matmul(pool_, w.wo, attn_.data(), t, h);
        for (int64_t i = 0; i < t; ++i) {
            float *hi = h + i * E, *xi = x + i * E;
            if (arch.post_norms) rms_norm(hi, w.post_attention_norm.data(), hi, E, hp.eps);
            for (int64_t j = 0; j < E; ++j) xi[j] += hi[j];
            rms_norm(xi, w.ffn_norm.data(), hi, E, hp.eps);
        }
        matmul(pool_, w.w_gate, h, t, gate_.data());
        matmul(pool_, w.w_up, h, t, up_.data());
        for (int64_t i = 0; i < t; ++i) gelu_mul(gate_.data() + i * ff, up_.data() + i * ff, ff);
        matmul(pool_, w.w_down, gate_.data(), t, h);
        for (int64_t i = 0; i < t; ++i) {
            float *hi = h + i * E, *xi = x + i * E;
            if (arch.post_norms) rms_norm(hi, w.post_ffw_norm.data(), hi, E, hp.eps);
            for (int64_t j = 0; j < E; ++j) xi[j] += hi[j];
            // resid_post(il): the control vector is added here, as llama.cpp's l_out.
            if (control_on_[il]) {
                const float *cv = &control_[il * E];
                for (int64_t j = 0; j < E; ++j) xi[j] += cv[j];
            }
        }
        if (!steering_.empty()) apply_steering(il, x, t);
        if (hook_) hook_(static_cast<int32_t>(il), static_cast<int32_t>(pos_), x, static_cast<int32_t>(t), static_cast<int32_t>(E), hook_user_);
        if (auto it = capture_.find(static_cast<int32_t>(il)); it != capture_.end())
            std::memcpy(it->second.data() + capture_row0 * E, x, t * E * sizeof(float));
    }
    pos_ += t;
    cache_.written(pos_);

    const int64_t n_out = t - first_out;
    if (n_out <= 0) return;
    for (int64_t i = 0; i < n_out; ++i) rms_norm(x + (first_out + i) * E, m.output_norm().data(), h + i * E, E, hp.eps);
    matmul(pool_, m.output(), h, n_out, logits_out);
    if (hp.final_softcap > 0) softcap(logits_out, n_out * hp.n_vocab, hp.final_softcap);
}

}  // namespace tiller
