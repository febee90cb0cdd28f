package dev.tiller.steer;

import dev.tiller.FloatView;
import dev.tiller.Session;

import java.util.List;

/**
 * How often each SAE feature fires over a token stream, and its mean activation when it does.
 * Activations are read at {@code resid_post(layer)} of every token of every sequence.
 */
public record FeatureStats(long tokens, double[] firingFrequency, double[] meanActivation) {

    public static FeatureStats over(Session session, Sae sae, int layer, List<int[]> sequences) {
        int m = sae.dSae();
        long[] fired = new long[m];
        double[] sum = new double[m];
        long tokens = 0;
        session.captureLayers(layer);
        for (int[] seq : sequences) {
            session.reset();
            session.evaluate(seq);
            FloatView captured = session.captured(layer);
            float[][] rows = new float[seq.length][];
            for (int t = 0; t < seq.length; t++) rows[t] = captured.row(t);
            for (float[] f : sae.encode(rows)) {
                for (int c = 0; c < m; c++) {
                    if (f[c] != 0) {
                        fired[c]++;
                        sum[c] += f[c];
                    }
                }
            }
            tokens += seq.length;
        }
        double[] freq = new double[m], mean = new double[m];
        for (int c = 0; c < m; c++) {
            freq[c] = tokens == 0 ? 0 : (double) fired[c] / tokens;
            mean[c] = fired[c] == 0 ? 0 : sum[c] / fired[c];
        }
        return new FeatureStats(tokens, freq, mean);
    }

    /** Mean number of features firing per token (L0). */
    public double meanL0() {
        double s = 0;
        for (double f : firingFrequency) s += f;
        return s;
    }
}
