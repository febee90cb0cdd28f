package dev.tiller.serve;

import dev.tiller.FloatView;
import dev.tiller.Session;
import dev.tiller.steer.Sae;

import java.util.ArrayList;
import java.util.List;

/**
 * The SAE features a reply uses: the unsteered model reads the conversation and the reply, the
 * SAE encodes {@code resid_post} of its layer at the reply's tokens, and the features with the
 * highest mean activation over those tokens are reported (with their largest activation and the
 * fraction of reply tokens where they fire), as the playground shows them.
 */
final class FeatureReport {
    record Feature(int index, double mean, double max, double firing) {}

    private FeatureReport() {}

    /** Features of tokens[from..] at the SAE's layer, the top ones by mean activation. */
    static List<Feature> top(Session session, Sae sae, int layer, int[] tokens, int from, int top) {
        float[][] rows;
        session.reset();
        session.clearSteering();
        session.clearControlVector();
        session.captureLayers(layer);
        try {
            session.evaluate(tokens);
            FloatView resid = session.captured(layer);
            rows = new float[tokens.length - from][];
            for (int t = from; t < tokens.length; t++) rows[t - from] = resid.row(t);
        } finally {
            session.captureLayers();
        }
        float[][] f = sae.encode(rows);
        int n = sae.dSae();
        double[] mean = new double[n], max = new double[n], firing = new double[n];
        for (float[] row : f) {
            for (int c = 0; c < n; c++) {
                mean[c] += row[c] / f.length;
                max[c] = Math.max(max[c], row[c]);
                if (row[c] > 0) firing[c] += 1.0 / f.length;
            }
        }
        List<Feature> out = new ArrayList<>();
        boolean[] taken = new boolean[n];
        for (int k = 0; k < Math.min(top, n); k++) {
            int best = -1;
            for (int c = 0; c < n; c++) if (!taken[c] && (best < 0 || mean[c] > mean[best])) best = c;
            if (mean[best] <= 0) break;
            taken[best] = true;
            out.add(new Feature(best, mean[best], max[best], firing[best]));
        }
        return out;
    }
}
