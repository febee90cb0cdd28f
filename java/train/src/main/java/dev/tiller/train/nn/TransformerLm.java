package dev.tiller.train.nn;

import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;
import java.util.SplittableRandom;

/**
 * A Gemma-style causal language model. Parameters carry GGUF's tensor names (token_embd.weight,
 * blk.N.attn_q.weight, ...) and the norm weights store the multiplier (GGUF's 1 + w), so that the
 * trained model is written as a GGUF that the runtime loads.
 */
public final class TransformerLm extends Module {
    private final TransformerConfig c;
    private final Tensor embd, outNorm;
    private final Block[] blocks;

    private record Block(int index, Tensor attnNorm, Tensor q, Tensor k, Tensor v, Tensor o, Tensor qNorm, Tensor kNorm, Tensor postAttnNorm,
                         Tensor ffnNorm, Tensor gate, Tensor up, Tensor down, Tensor postFfnNorm) {}

    public TransformerLm(Graph graph, TransformerConfig c, SplittableRandom rng) {
        super(graph);
        this.c = c;
        int d = c.dModel(), qd = c.nHeads() * c.headDim(), kvd = c.nKvHeads() * c.headDim();
        double std = 0.02, outStd = 0.02 / Math.sqrt(2.0 * c.nLayers());  // GPT-2's scaled residual init
        // Embeddings are multiplied by sqrt(d) in the forward pass: drawn at 1/sqrt(d) so that the
        // residual stream starts at unit scale.
        embd = param("token_embd.weight", Init.normal(rng, c.vocab() * d, 1.0 / Math.sqrt(d)), c.vocab(), d);
        blocks = new Block[c.nLayers()];
        for (int i = 0; i < c.nLayers(); i++) {
            String p = "blk." + i + ".";
            blocks[i] = new Block(i, param(p + "attn_norm.weight", Init.constant(d, 1f), d),
                    param(p + "attn_q.weight", Init.normal(rng, qd * d, std), qd, d),
                    param(p + "attn_k.weight", Init.normal(rng, kvd * d, std), kvd, d),
                    param(p + "attn_v.weight", Init.normal(rng, kvd * d, std), kvd, d),
                    param(p + "attn_output.weight", Init.normal(rng, d * qd, outStd), d, qd),
                    c.gemma3() != null ? param(p + "attn_q_norm.weight", Init.constant(c.headDim(), 1f), c.headDim()) : null,
                    c.gemma3() != null ? param(p + "attn_k_norm.weight", Init.constant(c.headDim(), 1f), c.headDim()) : null,
                    c.postNorms() ? param(p + "post_attention_norm.weight", Init.constant(d, 1f), d) : null,
                    param(p + "ffn_norm.weight", Init.constant(d, 1f), d),
                    param(p + "ffn_gate.weight", Init.normal(rng, c.ffn() * d, std), c.ffn(), d),
                    param(p + "ffn_up.weight", Init.normal(rng, c.ffn() * d, std), c.ffn(), d),
                    param(p + "ffn_down.weight", Init.normal(rng, d * c.ffn(), outStd), d, c.ffn()),
                    c.postNorms() ? param(p + "post_ffw_norm.weight", Init.constant(d, 1f), d) : null);
        }
        outNorm = param("output_norm.weight", Init.constant(d, 1f), d);
    }

    public TransformerConfig config() {
        return c;
    }

    /** Logits [B, T, vocab] for tokens [B * T] (row-major [B, T]). */
    public Tensor forward(int[] tokens, int batch, int seq) {
        if (tokens.length != batch * seq) throw new IllegalArgumentException(tokens.length + " tokens for batch " + batch + " x " + seq);
        if (seq > c.context()) throw new IllegalArgumentException("sequence " + seq + " is longer than the context " + c.context());
        Tensor x = embd.embedding(tokens, batch, seq).scale((float) Math.sqrt(c.dModel()));
        for (Block b : blocks) {
            Tensor a = attention(b, x.rmsNorm(b.attnNorm(), c.normEps()), batch, seq);
            if (b.postAttnNorm() != null) a = a.rmsNorm(b.postAttnNorm(), c.normEps());
            x = x.add(a);
            Tensor h = x.rmsNorm(b.ffnNorm(), c.normEps());
            Tensor f = h.matmul(b.gate(), false, true).gelu().mul(h.matmul(b.up(), false, true)).matmul(b.down(), false, true);
            if (b.postFfnNorm() != null) f = f.rmsNorm(b.postFfnNorm(), c.normEps());
            x = x.add(f);
        }
        Tensor logits = x.rmsNorm(outNorm, c.normEps()).matmul(embd, false, true);
        return c.finalSoftcap() > 0 ? logits.softcap(c.finalSoftcap()) : logits;
    }

    private Tensor attention(Block b, Tensor h, int batch, int seq) {
        int hd = c.headDim();
        boolean slides = c.slides(b.index());
        float base = slides ? c.gemma3().localRopeBase() : c.ropeBase();
        int window = slides ? c.gemma3().window() : 0;
        Tensor q = heads(h.matmul(b.q(), false, true), batch, seq, c.nHeads());
        Tensor k = heads(h.matmul(b.k(), false, true), batch, seq, c.nKvHeads());
        if (b.qNorm() != null) {  // Gemma 3: RMSNorm per head before RoPE
            q = q.rmsNorm(b.qNorm(), c.normEps());
            k = k.rmsNorm(b.kNorm(), c.normEps());
        }
        q = q.rope(base, 0);
        k = repeatKv(k.rope(base, 0));
        Tensor v = repeatKv(heads(h.matmul(b.v(), false, true), batch, seq, c.nKvHeads()));
        Tensor s = q.matmul(k, false, true);  // [B, H, T, T]
        float scale = (float) (1.0 / Math.sqrt(hd));
        Tensor p = c.attnSoftcap() > 0 ? s.scale(scale).softcap(c.attnSoftcap()).causalSoftmax(1f, window) : s.causalSoftmax(scale, window);
        Tensor o = p.matmul(v).transpose(1, 2).reshape(batch, seq, (long) c.nHeads() * hd);
        return o.matmul(b.o(), false, true);
    }

    // [B, T, H * hd] -> [B, H, T, hd]
    private Tensor heads(Tensor x, int batch, int seq, int n) {
        return x.reshape(batch, seq, n, c.headDim()).transpose(1, 2);
    }

    // GQA: each KV head serves nHeads / nKvHeads consecutive query heads.
    private Tensor repeatKv(Tensor kv) {
        int group = c.nHeads() / c.nKvHeads();
        if (group == 1) return kv;
        Tensor[] parts = new Tensor[c.nHeads()];
        for (int h = 0; h < c.nHeads(); h++) parts[h] = kv.slice(1, h / group, 1);
        return Tensor.concat(1, parts);
    }
}
