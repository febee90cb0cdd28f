package dev.tiller.train.recipes;

import dev.tiller.Model;
import dev.tiller.Progress;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.Tokenizer;
import dev.tiller.steer.Sae;
import dev.tiller.train.sae.SaeTrainer;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The SAE shipped with the default model: harvested at resid_post(layer) of training windows,
 * trained with {@link SaeTrainer}, saved in Gemma Scope's npz format, and measured on held-out
 * windows: fraction of variance unexplained, L0, dead features, and the cost of splicing it into
 * the forward pass (next-token loss with the layer's output replaced by the reconstruction).
 */
public final class DefaultSae {
    private DefaultSae() {}

    public static final int LAYER = 2;

    public record Options(Path textDir, Path model, Path out, int harvestWindows, SaeTrainer.Options sae) {}

    public record Report(double fvu, double l0, int dead, int features, double cleanLoss, double splicedLoss, long harvestedRows) {}

    public static Report run(Options o, PrintStream log) {
        DefaultModel.Split split = DefaultModel.split(o.textDir());
        try (Model model = Model.load(o.model()); Tokenizer tok = model.tokenizer();
                Session s = model.newSession(new SessionOptions(DefaultModel.SEQ, o.sae().threads()))) {
            int d = model.info().embeddingLength();
            int[] train = DefaultModel.stream(tok, split.train()), held = DefaultModel.stream(tok, split.heldOut());
            SplittableRandom rng = new SplittableRandom(o.sae().seed());
            int len = DefaultModel.SEQ - 1;
            float[] x = Activations.harvest(s, LAYER, d, o.harvestWindows(), w -> slice(train, rng.nextInt(train.length - len), len),
                    log == null ? null : new Progress("harvest window", o.harvestWindows(), log, 10));
            if (log != null) log.printf(Locale.ROOT, "harvested %d rows of resid_post(%d)%n", x.length / d, LAYER);
            SaeTrainer.Weights w = SaeTrainer.train(x, d, o.sae(), log);
            w.save(o.out());
            int heldWindows = Math.min(160, held.length / len);
            float[] hx = Activations.harvest(s, LAYER, d, heldWindows, i -> slice(held, i * len, len), null);
            try (Sae sae = Sae.load(o.out())) {
                return measure(s, sae, hx, d, held, heldWindows, x.length / d);
            }
        }
    }

    static int[] slice(int[] a, int from, int n) {
        return Arrays.copyOfRange(a, from, from + n);
    }

    private static Report measure(Session s, Sae sae, float[] hx, int d, int[] held, int windows, long harvested) {
        int n = hx.length / d, m = sae.dSae();
        float[][] rows = Activations.rows(hx, d);
        float[][] f = sae.encode(rows), rec = sae.decode(f);
        double[] mean = new double[d];
        for (float[] r : rows) for (int j = 0; j < d; j++) mean[j] += r[j] / (double) n;
        double err = 0, var = 0, active = 0;
        boolean[] fired = new boolean[m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                err += Math.pow(rows[i][j] - rec[i][j], 2);
                var += Math.pow(rows[i][j] - mean[j], 2);
            }
            for (int c = 0; c < m; c++) if (f[i][c] > 0) {
                active++;
                fired[c] = true;
            }
        }
        int dead = 0;
        for (boolean b : fired) if (!b) dead++;
        int len = DefaultModel.SEQ - 1;
        double clean = HeldOut.loss(s, held, windows, len);
        s.setResidualHook((layer, first, x, nTokens, nEmbd) -> {
            if (layer != LAYER) return;
            float[][] r = new float[nTokens][];
            for (int t = 0; t < nTokens; t++) r[t] = x.asSlice((long) t * nEmbd * 4, (long) nEmbd * 4).toArray(ValueLayout.JAVA_FLOAT);
            float[][] y = sae.decode(sae.encode(r));
            for (int t = first == 0 ? 1 : 0; t < nTokens; t++) MemorySegment.copy(y[t], 0, x, ValueLayout.JAVA_FLOAT, (long) t * nEmbd * 4, nEmbd);
        });
        double spliced = HeldOut.loss(s, held, windows, len);
        s.setResidualHook(null);
        return new Report(err / var, active / n, dead, m, clean, spliced, harvested);
    }
}
