package dev.tiller.train.nn;

/**
 * The shape of a Gemma-style decoder: pre- and (Gemma 2) post-norms around attention and the
 * GeGLU feed-forward, NEOX RoPE, tied embeddings scaled by sqrt(d), optional soft-caps.
 * attnSoftcap / finalSoftcap of 0 mean none. nKvHeads must divide nHeads (GQA / MQA).
 */
public record TransformerConfig(int vocab, int dModel, int nLayers, int nHeads, int nKvHeads, int headDim, int ffn,
                                int context, float ropeBase, float attnSoftcap, float finalSoftcap, boolean postNorms,
                                float normEps) {
    public TransformerConfig {
        if (vocab < 2 || dModel < 2 || nLayers < 1 || nHeads < 1 || nKvHeads < 1 || nHeads % nKvHeads != 0 || headDim % 2 != 0 || ffn < 1 || context < 1) {
            throw new IllegalArgumentException("invalid transformer shape: " + this);
        }
    }

    /** A Gemma-2-style model with d_model = nHeads * headDim, MHA, no soft-caps. */
    public static TransformerConfig gemma2(int vocab, int dModel, int nLayers, int nHeads, int ffn, int context) {
        return new TransformerConfig(vocab, dModel, nLayers, nHeads, nHeads, dModel / nHeads, ffn, context, 10000f, 0f, 0f, true, 1e-6f);
    }
}
