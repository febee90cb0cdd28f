package dev.tiller.train.recipes;

import dev.tiller.ProgressListener;
import dev.tiller.Session;
import dev.tiller.train.text.BpeTrainer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.function.IntFunction;

/** Residual-stream rows harvested through the inference runtime's capture hook. */
final class Activations {
    private Activations() {}

    /**
     * resid_post(layer) of windows (BOS + the window's tokens); the BOS row is left out, as its
     * norm is far from every other position's. Returns rows x d floats.
     */
    static float[] harvest(Session s, int layer, int d, int windows, IntFunction<int[]> window, ProgressListener progress) {
        s.captureLayers(layer);
        float[] out = new float[0];
        int n = 0;
        for (int w = 0; w < windows; w++) {
            int[] tokens = window.apply(w);
            int[] in = new int[tokens.length + 1];
            in[0] = BpeTrainer.BOS;
            System.arraycopy(tokens, 0, in, 1, tokens.length);
            s.reset();
            s.evaluate(in);
            MemorySegment rows = s.captured(layer).segment();
            int r = (int) (rows.byteSize() / 4 / d) - 1;
            if (out.length < (n + r) * d) out = Arrays.copyOf(out, Math.max(out.length * 2, (n + r) * d));
            MemorySegment.copy(rows, ValueLayout.JAVA_FLOAT, (long) d * 4, out, n * d, r * d);
            n += r;
            if (progress != null) progress.progress(w + 1, windows);
        }
        s.captureLayers();
        return Arrays.copyOf(out, n * d);
    }

    /** Rows of d values out of a flat harvest. */
    static float[][] rows(float[] x, int d) {
        float[][] r = new float[x.length / d][];
        for (int i = 0; i < r.length; i++) r[i] = Arrays.copyOfRange(x, i * d, (i + 1) * d);
        return r;
    }
}
