package dev.tiller;

/** Named points of a layer's forward pass that a session can capture (tiller.h's TILLER_POINT_*). */
public enum CapturePoint {
    /** The residual stream after the block: n_embd floats per token. */
    RESID_POST,
    /** The queries after q-norm, RoPE and the query scaling: n_head * head_dim floats per token. */
    ATTN_Q,
    /** The keys as the KV cache holds them (after k-norm and RoPE): n_head_kv * head_dim floats per token. */
    ATTN_K;

    String label(int layer) {
        return name().toLowerCase(java.util.Locale.ROOT) + "(" + layer + ")";
    }
}
