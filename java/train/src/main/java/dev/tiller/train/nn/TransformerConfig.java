package dev.tiller.train.nn;

/**
 * The shape of a Gemma-style decoder: pre- and (Gemma 2) post-norms around attention and the
 * GeGLU feed-forward, NEOX RoPE, tied embeddings scaled by sqrt(d), optional soft-caps.
 * attnSoftcap / finalSoftcap of 0 mean none. nKvHeads must divide nHeads (GQA / MQA).
 * {@code gemma3}, when not null, makes it a Gemma 3: per-head q/k RMSNorm before RoPE and
 * sliding-window layers interleaved with global ones.
 */
public record TransformerConfig(int vocab, int dModel, int nLayers, int nHeads, int nKvHeads, int headDim, int ffn,
                                int context, float ropeBase, float attnSoftcap, float finalSoftcap, boolean postNorms,
                                float normEps, Gemma3 gemma3) {

    /**
     * Gemma 3's attention layout: layer il slides (attends to its last {@code window} positions,
     * RoPE base {@code localRopeBase}) when il % pattern < pattern - 1, as llama.cpp reads
     * sliding_window_pattern; the others are global (RoPE base ropeBase).
     */
    public record Gemma3(int window, int pattern, float localRopeBase) {
        public Gemma3 {
            if (window < 1 || pattern < 1 || !(localRopeBase > 0)) throw new IllegalArgumentException("invalid Gemma 3 layout: " + this);
        }
    }

    public TransformerConfig {
        if (vocab < 2 || dModel < 2 || nLayers < 1 || nHeads < 1 || nKvHeads < 1 || nHeads % nKvHeads != 0 || headDim % 2 != 0 || ffn < 1 || context < 1) {
            throw new IllegalArgumentException("invalid transformer shape: " + this);
        }
    }

    /** A Gemma-2-style shape (no Gemma 3 layout). */
    public TransformerConfig(int vocab, int dModel, int nLayers, int nHeads, int nKvHeads, int headDim, int ffn, int context, float ropeBase,
                             float attnSoftcap, float finalSoftcap, boolean postNorms, float normEps) {
        this(vocab, dModel, nLayers, nHeads, nKvHeads, headDim, ffn, context, ropeBase, attnSoftcap, finalSoftcap, postNorms, normEps, null);
    }

    /** A Gemma-2-style model with d_model = nHeads * headDim, MHA, no soft-caps. */
    public static TransformerConfig gemma2(int vocab, int dModel, int nLayers, int nHeads, int ffn, int context) {
        return new TransformerConfig(vocab, dModel, nLayers, nHeads, nHeads, dModel / nHeads, ffn, context, 10000f, 0f, 0f, true, 1e-6f);
    }

    /** Whether layer il attends through a sliding window (Gemma 3 layouts only). */
    public boolean slides(int il) {
        return gemma3 != null && il % gemma3.pattern() < gemma3.pattern() - 1;
    }
}
