package dev.tiller.benchpeers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's two models written for PyTorch through DJL's NDArray API, step for step the
 * same computation as Tiller's (same shapes, Adam, cross-entropy): what a JVM user would write
 * with the peer.
 */
final class DjlModels {
    private DjlModels() {}

    /** PyTorch offline (libtorch from Maven), with the benchmark's intra-op threads and one inter-op thread. */
    static void usePytorch(int threads) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    /** Parameters with gradients and an Adam optimizer over them. */
    static final class Params {
        final List<NDArray> list = new ArrayList<>();
        final Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
        final NDManager manager;
        final SplittableRandom rng = new SplittableRandom(1);

        Params(NDManager manager) {
            this.manager = manager;
        }

        NDArray add(float[] init, long... shape) {
            NDArray a = manager.create(init, new Shape(shape));
            a.setRequiresGradient(true);
            list.add(a);
            return a;
        }

        NDArray normal(double std, long... shape) {
            long n = 1;
            for (long d : shape) n *= d;
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * std);
            return add(v, shape);
        }

        NDArray ones(long n) {
            float[] v = new float[(int) n];
            java.util.Arrays.fill(v, 1f);
            return add(v, n);
        }

        void step() {
            for (int i = 0; i < list.size(); i++) adam.update("p" + i, list.get(i), list.get(i).getGradient());
        }
    }

    /** 784-512-512-10 ReLU MLP, one Adam step per call on [batch, 784] inputs. */
    static final class Mlp {
        final Params p;
        final NDArray w1, b1, w2, b2, w3, b3;
        final Loss loss = Loss.softmaxCrossEntropyLoss();

        Mlp(NDManager m) {
            p = new Params(m);
            w1 = p.normal(Math.sqrt(2.0 / 784), 784, 512);
            b1 = p.add(new float[512], 512);
            w2 = p.normal(Math.sqrt(2.0 / 512), 512, 512);
            b2 = p.add(new float[512], 512);
            w3 = p.normal(Math.sqrt(2.0 / 512), 512, 10);
            b3 = p.add(new float[10], 10);
        }

        float step(NDManager m, float[] x, int[] y, int batch) {
            try (NDManager s = m.newSubManager(); GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray in = s.create(x, new Shape(batch, 784)), labels = s.create(y, new Shape(batch));
                NDArray h = Activation.relu(in.matMul(w1).add(b1));
                h = Activation.relu(h.matMul(w2).add(b2));
                NDArray logits = h.matMul(w3).add(b3);
                NDArray l = loss.evaluate(new NDList(labels), new NDList(logits));
                gc.backward(l);
                float v = l.getFloat();
                p.step();
                return v;
            }
        }
    }

    /** The Gemma-style LM of Tiller's TransformerLm (post-norms or not, GeGLU, NEOX RoPE, tied output). */
    static final class Lm {
        final Params p;
        final int vocab, d, layers, heads, hd, ffn, seq;
        final boolean postNorms;
        final NDArray embd, outNorm, cos, sin, mask;
        final List<NDArray[]> blocks = new ArrayList<>();
        final Loss loss = Loss.softmaxCrossEntropyLoss();

        Lm(NDManager m, int vocab, int d, int layers, int heads, int ffn, int seq) {
            this(m, vocab, d, layers, heads, ffn, seq, true);
        }

        Lm(NDManager m, int vocab, int d, int layers, int heads, int ffn, int seq, boolean postNorms) {
            this.postNorms = postNorms;
            this.vocab = vocab;
            this.d = d;
            this.layers = layers;
            this.heads = heads;
            this.hd = d / heads;
            this.ffn = ffn;
            this.seq = seq;
            p = new Params(m);
            embd = p.normal(1 / Math.sqrt(d), vocab, d);
            for (int i = 0; i < layers; i++) {
                blocks.add(new NDArray[] {p.ones(d), p.normal(0.02, d, d), p.normal(0.02, d, d), p.normal(0.02, d, d), p.normal(0.02, d, d), p.ones(d),
                    p.ones(d), p.normal(0.02, d, ffn), p.normal(0.02, d, ffn), p.normal(0.02, ffn, d), p.ones(d)});
            }
            outNorm = p.ones(d);
            float[] c = new float[seq * hd], sn = new float[seq * hd];
            for (int t = 0; t < seq; t++)
                for (int i = 0; i < hd / 2; i++) {
                    double th = t * Math.pow(10000, -2.0 * i / hd);
                    c[t * hd + i] = c[t * hd + i + hd / 2] = (float) Math.cos(th);
                    sn[t * hd + i] = sn[t * hd + i + hd / 2] = (float) Math.sin(th);
                }
            cos = m.create(c, new Shape(seq, hd));
            sin = m.create(sn, new Shape(seq, hd));
            float[] mk = new float[seq * seq];
            for (int i = 0; i < seq; i++)
                for (int j = i + 1; j < seq; j++) mk[i * seq + j] = Float.NEGATIVE_INFINITY;
            mask = m.create(mk, new Shape(seq, seq));
        }

        private NDArray rms(NDArray x, NDArray w) {
            return x.mul(x.square().mean(new int[] {-1}, true).add(1e-6f).pow(-0.5f)).mul(w);
        }

        private NDArray rope(NDArray x) {  // x [B, H, T, hd]
            NDArray x1 = x.get(new NDIndex("..., :" + hd / 2)), x2 = x.get(new NDIndex("..., " + hd / 2 + ":"));
            return x.mul(cos).add(x2.neg().concat(x1, -1).mul(sin));
        }

        float step(NDManager m, int[] tokens, int[] targets, int batch) {
            try (NDManager s = m.newSubManager(); GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray logits = rms(hidden(s, tokens, batch), outNorm).matMul(embd.transpose()).reshape(batch * seq, vocab);
                NDArray l = loss.evaluate(new NDList(s.create(targets, new Shape(batch * seq))), new NDList(logits));
                gc.backward(l);
                float val = l.getFloat();
                p.step();
                return val;
            }
        }

        /** One step with the loss on the last position only (the grokking task's answer token). */
        float stepAnswer(NDManager m, int[] tokens, int[] answers, int batch) {
            try (NDManager s = m.newSubManager(); GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray last = hidden(s, tokens, batch).get(new NDIndex(":, -1, :"));
                NDArray logits = rms(last, outNorm).matMul(embd.transpose());
                NDArray l = loss.evaluate(new NDList(s.create(answers, new Shape(batch))), new NDList(logits));
                gc.backward(l);
                float val = l.getFloat();
                p.step();
                return val;
            }
        }

        private NDArray hidden(NDManager s, int[] tokens, int batch) {
            NDArray ids = s.create(tokens, new Shape(batch * seq)).toType(DataType.INT64, false);
            NDArray x = embd.get(ids).reshape(batch, seq, d).mul((float) Math.sqrt(d));
            for (NDArray[] b : blocks) {
                NDArray h = rms(x, b[0]);
                NDArray q = rope(h.matMul(b[1]).reshape(batch, seq, heads, hd).transpose(0, 2, 1, 3));
                NDArray k = rope(h.matMul(b[2]).reshape(batch, seq, heads, hd).transpose(0, 2, 1, 3));
                NDArray v = h.matMul(b[3]).reshape(batch, seq, heads, hd).transpose(0, 2, 1, 3);
                NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).mul((float) (1 / Math.sqrt(hd))).add(mask).softmax(-1);
                NDArray o = att.matMul(v).transpose(0, 2, 1, 3).reshape(batch, seq, d).matMul(b[4]);
                x = x.add(postNorms ? rms(o, b[5]) : o);
                h = rms(x, b[6]);
                NDArray f = Activation.gelu(h.matMul(b[7])).mul(h.matMul(b[8])).matMul(b[9]);
                x = x.add(postNorms ? rms(f, b[10]) : f);
            }
            return x;
        }
    }
}
