// The Gemma decoder block and output head (llama.cpp build_gemma / build_gemma2 /
// gemma3-iswa) as named steps: what differs between families is read from the ArchSpec.
// One block: x += attention_step(norm(x)); x += feed_forward_step(norm(x)); then the taps at
// resid_post(L) (runtime/tap.h) in their documented order.
#include <cmath>
#include <cstring>

#include "kernels/attention.h"
#include "kernels/elementwise.h"
#include "kernels/matmul.h"
#include "kernels/rope.h"
#include "core/error.h"
#include "runtime/session.h"

namespace tiller {

void Session::forward(const int32_t *tokens, int64_t t, int64_t row0, int64_t first_out, float *logits_out) {
    const Model &m = *model_;
    const HParams &hp = m.hparams();
    const int64_t E = hp.n_embd;
    float *x = x_.data();

    // Embedding, scaled by sqrt(n_embd) in float32 as llama.cpp does.
    const float embd_scale = std::sqrt(static_cast<float>(E));
    for (int64_t i = 0; i < t; ++i) {
        weight_row(m.token_embd(), tokens[i], x + i * E);
        for (int64_t j = 0; j < E; ++j) x[i * E + j] *= embd_scale;
    }

    for (int64_t il = 0; il < hp.n_layer; ++il) {
        const LayerWeights &w = m.layer(il);
        attention_step(il, t, row0);
        add_to_residual(hp.arch->post_norms ? w.post_attention_norm.data() : nullptr, t);
        feed_forward_step(il, t);
        add_to_residual(hp.arch->post_norms ? w.post_ffw_norm.data() : nullptr, t);
        taps_.run(Site{Point::resid_post, il, pos_, t, E, x, row0});
    }
    pos_ += t;
    cache_.written(pos_);
    output_head(t, first_out, logits_out);
}

// h = attention(attn_norm(x)) W_o: queries, keys and values, q/k norm (Gemma 3), RoPE, query
// scaling (the taps at attn_q / attn_k see them here), then attention over the cache and the
// batch (query-adaptive on global layers when configured), whose keys and values join the cache.
void Session::attention_step(int64_t il, int64_t t, int64_t row0) {
    const HParams &hp = model_->hparams();
    const LayerParams &lp = hp.layers[il];
    const LayerWeights &w = model_->layer(il);
    const int64_t E = hp.n_embd, hd = hp.head_dim, q_dim = lp.n_head * hd, kv_dim = lp.n_head_kv * hd;
    float *x = x_.data(), *h = h_.data();

    for (int64_t i = 0; i < t; ++i) rms_norm(x + i * E, w.attn_norm.data(), h + i * E, E, hp.eps);
    matmul(pool_, w.wq, h, t, q_.data());
    matmul(pool_, w.wk, h, t, k_.data());
    matmul(pool_, w.wv, h, t, v_.data());
    for (int64_t i = 0; i < t; ++i) {
        float *qi = q_.data() + i * q_dim, *ki = k_.data() + i * kv_dim;
        if (hp.arch->qk_norm) {
            for (int64_t hh = 0; hh < lp.n_head; ++hh) rms_norm(qi + hh * hd, w.attn_q_norm.data(), qi + hh * hd, hd, hp.eps);
            for (int64_t hh = 0; hh < lp.n_head_kv; ++hh) rms_norm(ki + hh * hd, w.attn_k_norm.data(), ki + hh * hd, hd, hp.eps);
        }
        rope_neox(qi, lp.n_head, hd, pos_ + i, lp.rope_base, lp.rope_scale);
        rope_neox(ki, lp.n_head_kv, hd, pos_ + i, lp.rope_base, lp.rope_scale);
        for (int64_t j = 0; j < q_dim; ++j) qi[j] *= hp.query_scale;
    }
    cache_.round_keys(k_.data(), t, lp.n_head_kv);
    cache_.round_values(v_.data(), t, lp.n_head_kv);
    taps_.run(Site{Point::attn_q, il, pos_, t, q_dim, q_.data(), row0});
    taps_.run(Site{Point::attn_k, il, pos_, t, kv_dim, k_.data(), row0});

    AttentionArgs args{il, t, pos_, lp.n_head, lp.n_head_kv, hd, lp.swa ? hp.n_swa : 0, hp.attn_softcap,
                       q_.data(), cache_.keys(il), cache_.values(il),
                       KvView::positions(k_.data(), lp.n_head_kv, hd, 0, pos_), KvView::positions(v_.data(), lp.n_head_kv, hd, 0, pos_),
                       attn_.data(), taps_.attention_observer(il)};
    if (!adaptive_.applies(il)) {
        attention(pool_, args);
    } else {
        if (args.observer) fail(TILLER_ERR_STATE, "an attention observer cannot watch layer %lld under adaptive attention", (long long)il);
        adaptive_.run(pool_, args, row0);
    }
    // Sliding layers keep only their ring.
    for (int64_t i = 0; i < t; ++i) cache_.store(il, pos_ + i, k_.data() + i * kv_dim, v_.data() + i * kv_dim);
    matmul(pool_, w.wo, attn_.data(), t, h);
}

// h = W_down (gelu(W_gate n) * W_up n), n = ffn_norm(x).
void Session::feed_forward_step(int64_t il, int64_t t) {
    const HParams &hp = model_->hparams();
    const LayerWeights &w = model_->layer(il);
    const int64_t E = hp.n_embd, ff = hp.layers[il].n_ff;
    float *x = x_.data(), *h = h_.data();
    for (int64_t i = 0; i < t; ++i) rms_norm(x + i * E, w.ffn_norm.data(), h + i * E, E, hp.eps);
    matmul(pool_, w.w_gate, h, t, gate_.data());
    matmul(pool_, w.w_up, h, t, up_.data());
    for (int64_t i = 0; i < t; ++i) gelu_mul(gate_.data() + i * ff, up_.data() + i * ff, ff);
    matmul(pool_, w.w_down, gate_.data(), t, h);
}

// x += post_norm(h) (Gemma 2/3 normalize a sub-block's output; Gemma 1 adds it as it is).
void Session::add_to_residual(const float *post_norm, int64_t t) {
    const HParams &hp = model_->hparams();
    const int64_t E = hp.n_embd;
    for (int64_t i = 0; i < t; ++i) {
        float *hi = h_.data() + i * E, *xi = x_.data() + i * E;
        if (post_norm) rms_norm(hi, post_norm, hi, E, hp.eps);
        for (int64_t j = 0; j < E; ++j) xi[j] += hi[j];
    }
}

// Logits of the batch's rows first_out..t-1: output_norm, the output matrix, Gemma 2's final soft-cap.
void Session::output_head(int64_t t, int64_t first_out, float *logits_out) {
    const Model &m = *model_;
    const HParams &hp = m.hparams();
    const int64_t E = hp.n_embd, n_out = t - first_out;
    if (n_out <= 0) return;
    for (int64_t i = 0; i < n_out; ++i) rms_norm(x_.data() + (first_out + i) * E, m.output_norm().data(), h_.data() + i * E, E, hp.eps);
    matmul(pool_, m.output(), h_.data(), n_out, logits_out);
    if (hp.final_softcap > 0) softcap(logits_out, n_out * hp.n_vocab, hp.final_softcap);
}

}  // namespace tiller
