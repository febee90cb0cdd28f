package dev.tiller.train.dynamics;

import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;
import dev.tiller.train.nn.Init;
import dev.tiller.train.nn.Mlp;
import dev.tiller.train.nn.Module;
import dev.tiller.train.nn.TransformerConfig;
import dev.tiller.train.nn.TransformerLm;

import java.util.SplittableRandom;

/**
 * The networks of the grokking runs: logits of the answer of each pair (a, b).
 * <ul>
 *   <li>{@code transformer}: the paper's size, a 2-layer decoder-only transformer of width 128 with
 *   4 heads and tied embeddings over the sequence [a, op, b, =] (vocabulary p + 2), read at "=";
 *   Tiller's transformer is Gemma-style (RMSNorm, RoPE, GeGLU feed-forward of 512), where the paper
 *   does not say more than the sizes.</li>
 *   <li>{@code mlp}: the spec's cheaper model, embeddings of a and b (32 each) concatenated, one
 *   hidden ReLU layer of 128, p logits.</li>
 * </ul>
 */
public abstract sealed class GrokModel permits GrokModel.Transformer, GrokModel.MlpModel {
    public enum Kind {
        TRANSFORMER, MLP;

        public static Kind parse(String s) {
            return switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "transformer" -> TRANSFORMER;
                case "mlp" -> MLP;
                default -> throw new IllegalArgumentException("unknown model '" + s + "': expected transformer or mlp");
            };
        }
    }

    private GrokModel() {}

    public static GrokModel create(Kind kind, Graph g, int p, SplittableRandom rng) {
        return kind == Kind.TRANSFORMER ? new Transformer(g, p, rng) : new MlpModel(g, p, rng);
    }

    /** Logits [n, classes] of the answers of pairs (a_i, b_i); the first p classes are the answers. */
    public abstract Tensor logits(int[] a, int[] b);

    public abstract Module module();

    static final class Transformer extends GrokModel {
        private final TransformerLm lm;
        private final int p;

        Transformer(Graph g, int p, SplittableRandom rng) {
            this.p = p;
            this.lm = new TransformerLm(g, new TransformerConfig(p + 2, 128, 2, 4, 4, 32, 512, 4, 10000f, 0f, 0f, false, 1e-6f), rng);
        }

        @Override
        public Tensor logits(int[] a, int[] b) {
            int n = a.length;
            int[] tokens = new int[4 * n];
            for (int i = 0; i < n; i++) {
                tokens[4 * i] = a[i];
                tokens[4 * i + 1] = p;      // the operation's token
                tokens[4 * i + 2] = b[i];
                tokens[4 * i + 3] = p + 1;  // "="
            }
            return lm.forward(tokens, n, 4).slice(1, 3, 1).reshape(n, p + 2);
        }

        @Override
        public Module module() {
            return lm;
        }
    }

    static final class MlpModel extends GrokModel {
        static final int EMBED = 32, HIDDEN = 128;
        private final Net net;

        MlpModel(Graph g, int p, SplittableRandom rng) {
            this.net = new Net(g, p, rng);
        }

        @Override
        public Tensor logits(int[] a, int[] b) {
            int n = a.length;
            Tensor ea = net.embed.embedding(a, n), eb = net.embed.embedding(b, n);
            return net.mlp.forward(Tensor.concat(1, ea, eb));
        }

        @Override
        public Module module() {
            return net;
        }

        private static final class Net extends Module {
            final Tensor embed;
            final Mlp mlp;

            Net(Graph g, int p, SplittableRandom rng) {
                super(g);
                embed = param("embed.weight", Init.normal(rng, p * EMBED, 1.0), p, EMBED);
                mlp = child("mlp", new Mlp(g, new int[] {2 * EMBED, HIDDEN, p}, rng));
            }
        }
    }
}
