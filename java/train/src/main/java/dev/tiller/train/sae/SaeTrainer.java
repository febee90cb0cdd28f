package dev.tiller.train.sae;

import dev.tiller.io.NpzWriter;
import dev.tiller.train.Graph;
import dev.tiller.train.Losses;
import dev.tiller.train.Tensor;
import dev.tiller.train.Trainer;
import dev.tiller.train.algo.Algorithm;
import dev.tiller.train.nn.Init;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.Optimizer;
import dev.tiller.train.optim.ParamGroup;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A ReLU sparse autoencoder on residual-stream activations, trained with the standard recipe:
 * squared reconstruction error plus an L1 penalty on the feature activations, decoder rows kept
 * at unit norm after every step (so the L1 cannot be dodged by shrinking activations), encoder
 * initialised as the decoder's transpose, b_dec at the data mean, and dead features (silent over
 * the last window of steps) re-initialised towards inputs the SAE reconstructs worst.
 *
 * <p>Training runs on activations scaled so that their mean squared norm is d, with the encoder
 * reading x - b_dec; both are folded into the weights on export, so the saved SAE reads raw
 * activations as Gemma Scope's npz does (W_enc [d, M], W_dec [M, d], b_enc, b_dec, threshold = 0,
 * i.e. a ReLU).
 */
public final class SaeTrainer {
    public record Options(int features, double l1, int steps, int batch, double lr, int deadWindow, long seed, int threads) {}

    public record Weights(int d, int m, float[] wEnc, float[] bEnc, float[] wDec, float[] bDec) {
        /** Gemma Scope's npz layout. */
        public void save(Path path) {
            Map<String, NpzWriter.Array> a = new LinkedHashMap<>();
            a.put("W_enc", new NpzWriter.Array(wEnc, d, m));
            a.put("W_dec", new NpzWriter.Array(wDec, m, d));
            a.put("b_enc", new NpzWriter.Array(bEnc, m));
            a.put("b_dec", new NpzWriter.Array(bDec, d));
            a.put("threshold", new NpzWriter.Array(new float[m], m));
            NpzWriter.write(path, a);
        }
    }

    private SaeTrainer() {}

    /** x holds n rows of d activations. */
    public static Weights train(float[] x, int d, Options o, PrintStream log) {
        int n = x.length / d, m = o.features();
        double ms = 0;
        for (float v : x) ms += (double) v * v;
        float k = (float) Math.sqrt(d / (ms / n));  // training scale: mean squared norm d
        float[] mean = new float[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j] * k / n;
        SplittableRandom rng = new SplittableRandom(o.seed());
        float[] dec = Init.normal(rng, m * d, 1.0);
        normalizeRows(dec, m, d);
        float[] enc = new float[d * m];
        for (int c = 0; c < m; c++) for (int j = 0; j < d; j++) enc[j * m + c] = dec[c * d + j];
        try (Graph g = new Graph(o.threads())) {
            Tensor wEnc = g.parameter(enc, d, m), bEnc = g.parameter(new float[m], m), wDec = g.parameter(dec, m, d), bDec = g.parameter(mean, d);
            Optimizer opt = Adam.adam(List.of(ParamGroup.of(List.of(wEnc, bEnc, wDec, bDec))), o.lr());
            int[] lastFired = new int[m];
            float[] mse = new float[1];
            Trainer.Batches<Tensor> rows = () -> {
                float[] batch = new float[o.batch() * d];
                for (int b = 0; b < o.batch(); b++) {
                    int i = rng.nextInt(n);
                    for (int j = 0; j < d; j++) batch[b * d + j] = x[i * d + j] * k;
                }
                return g.constant(batch, o.batch(), d);
            };
            Algorithm<Tensor> sae = new Algorithm<>() {
                private Tensor f, err;

                @Override
                public Tensor loss(Tensor in) {
                    f = in.sub(bDec).matmul(wEnc).add(bEnc).relu();
                    Tensor recon = f.matmul(wDec).add(bDec);
                    // Per-row sum of squares (mean over rows), plus l1 times the mean per-row L1.
                    err = Losses.mse(recon, in).scale(d);
                    return err.add(f.sum().scale((float) (o.l1() / o.batch())));
                }

                @Override
                public void afterStep(Tensor in, long step) {
                    int s = (int) step;
                    float[] fv = f.toArray();
                    for (int b = 0; b < o.batch(); b++) for (int c = 0; c < m; c++) if (fv[b * m + c] > 0) lastFired[c] = s;
                    mse[0] = err.item();
                    normalizeRows(wDec.data(), m, d);
                    if (s > 0 && s % o.deadWindow() == 0 && s < o.steps() * 3 / 4) {
                        int revived = resample(x, d, k, n, wEnc, bEnc, wDec, bDec, lastFired, s - o.deadWindow(), s, rng);
                        if (revived > 0 && log != null) log.printf("step %d: re-initialised %d dead features%n", s, revived);
                    }
                }
            };
            new Trainer<Tensor>(opt, o.steps())
                    .progress("SAE step", log, 10, st -> String.format("reconstruction %.4f (per unit norm^2)", mse[0] / d))
                    .run(sae, rows);
            // Export for raw activations and Gemma Scope's encoder, which does not subtract b_dec:
            // relu((k x - b_dec) W + b_enc) = relu(x (k W) + (b_enc - b_dec W)).
            float[] we = wEnc.toArray(), be = bEnc.toArray(), wd = wDec.toArray(), bd = bDec.toArray();
            for (int j = 0; j < d; j++) for (int c = 0; c < m; c++) be[c] -= bd[j] * we[j * m + c];
            for (int i = 0; i < we.length; i++) we[i] *= k;
            for (int i = 0; i < wd.length; i++) wd[i] /= k;
            for (int i = 0; i < bd.length; i++) bd[i] /= k;
            return new Weights(d, m, we, be, wd, bd);
        }
    }

    private static void normalizeRows(float[] w, int rows, int d) {
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += (double) w[r * d + j] * w[r * d + j];
            float inv = (float) (1 / Math.max(Math.sqrt(s), 1e-8));
            for (int j = 0; j < d; j++) w[r * d + j] *= inv;
        }
    }

    private static void normalizeRows(MemorySegment w, int rows, int d) {
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                float v = w.getAtIndex(ValueLayout.JAVA_FLOAT, (long) r * d + j);
                s += (double) v * v;
            }
            float inv = (float) (1 / Math.max(Math.sqrt(s), 1e-8));
            for (int j = 0; j < d; j++) w.setAtIndex(ValueLayout.JAVA_FLOAT, (long) r * d + j, w.getAtIndex(ValueLayout.JAVA_FLOAT, (long) r * d + j) * inv);
        }
    }

    // Dead features point at random inputs' residuals (x - b_dec), with a small encoder weight
    // and fresh optimizer state; the usual resampling, simplified to uniform picks.
    private static int resample(float[] x, int d, float k, int n, Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec, int[] lastFired, int since,
            int now, SplittableRandom rng) {
        MemorySegment we = wEnc.data(), be = bEnc.data(), wd = wDec.data(), bd = bDec.data();
        MemorySegment[] states = {wEnc.optimizerState(0), wEnc.optimizerState(1), wDec.optimizerState(0), wDec.optimizerState(1), bEnc.optimizerState(0),
            bEnc.optimizerState(1)};
        int m = lastFired.length, revived = 0;
        for (int c = 0; c < m; c++) {
            if (lastFired[c] >= since) continue;
            int i = rng.nextInt(n);
            double s = 0;
            float[] v = new float[d];
            for (int j = 0; j < d; j++) {
                v[j] = x[i * d + j] * k - bd.getAtIndex(ValueLayout.JAVA_FLOAT, j);
                s += (double) v[j] * v[j];
            }
            float inv = (float) (1 / Math.max(Math.sqrt(s), 1e-8));
            for (int j = 0; j < d; j++) {
                wd.setAtIndex(ValueLayout.JAVA_FLOAT, (long) c * d + j, v[j] * inv);
                we.setAtIndex(ValueLayout.JAVA_FLOAT, (long) j * m + c, v[j] * inv * 0.2f);
                for (int st = 0; st < 4; st++) states[st].setAtIndex(ValueLayout.JAVA_FLOAT, st < 2 ? (long) j * m + c : (long) c * d + j, 0f);
            }
            be.setAtIndex(ValueLayout.JAVA_FLOAT, c, 0f);
            states[4].setAtIndex(ValueLayout.JAVA_FLOAT, c, 0f);
            states[5].setAtIndex(ValueLayout.JAVA_FLOAT, c, 0f);
            lastFired[c] = now;  // a full window to start firing
            revived++;
        }
        return revived;
    }
}
