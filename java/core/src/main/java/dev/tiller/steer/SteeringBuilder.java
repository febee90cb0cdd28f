package dev.tiller.steer;

import dev.tiller.InvalidArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Building steering vectors from contrastive activations (rows read at the same layer for the
 * positive and the negative side of each pair):
 * <ul>
 *   <li>CAA: the mean of positive minus negative activations;</li>
 *   <li>SAS (Sparse Activation Steering): encode both sides with the SAE; on each side keep the
 *   features that fire (non-zero) in at least a fraction tau of the rows, with their mean over the
 *   rows where they fire; drop features kept on both sides; v = v+ - v-.</li>
 * </ul>
 */
public final class SteeringBuilder {
    private SteeringBuilder() {}

    public static float[] caa(float[][] positive, float[][] negative) {
        checkPairs(positive, negative);
        int d = positive[0].length;
        double[] sum = new double[d];
        for (int i = 0; i < positive.length; i++) {
            for (int j = 0; j < d; j++) sum[j] += positive[i][j] - (double) negative[i][j];
        }
        float[] v = new float[d];
        for (int j = 0; j < d; j++) v[j] = (float) (sum[j] / positive.length);
        return v;
    }

    public static SteeringVector sas(Sae sae, int layer, float[][] positive, float[][] negative, double tau,
            Map<String, String> metadata) {
        checkPairs(positive, negative);
        if (!(tau > 0 && tau <= 1)) throw new InvalidArgumentException(0, "tau must be in (0, 1], got " + tau);
        double[] vPos = keptMeans(sae.encode(positive), tau), vNeg = keptMeans(sae.encode(negative), tau);
        List<Integer> idx = new ArrayList<>();
        List<Float> val = new ArrayList<>();
        for (int c = 0; c < vPos.length; c++) {
            boolean p = !Double.isNaN(vPos[c]), n = !Double.isNaN(vNeg[c]);
            if (p == n) continue; // kept on neither side, or on both: removed
            idx.add(c);
            val.add((float) (p ? vPos[c] : -vNeg[c]));
        }
        return SteeringVector.sparse(layer, idx.stream().mapToInt(Integer::intValue).toArray(), toArray(val), metadata);
    }

    /**
     * CAA's cross-behaviour normalisation at one layer: every vector is rescaled to the mean norm
     * of all of them, so that behaviours are steered with comparable strength.
     */
    public static List<float[]> equalizeNorms(List<float[]> vectors) {
        if (vectors.isEmpty()) return List.of();
        double[] norms = new double[vectors.size()];
        double mean = 0;
        for (int i = 0; i < norms.length; i++) {
            double s = 0;
            for (float x : vectors.get(i)) s += x * (double) x;
            norms[i] = Math.sqrt(s);
            mean += norms[i] / norms.length;
        }
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < norms.length; i++) {
            float[] v = vectors.get(i).clone();
            double k = norms[i] > 0 ? mean / norms[i] : 0;
            for (int j = 0; j < v.length; j++) v[j] = (float) (v[j] * k);
            out.add(v);
        }
        return out;
    }

    /** Per feature: mean over firing rows if it fires in at least tau of the rows, else NaN. */
    private static double[] keptMeans(float[][] f, double tau) {
        int m = f[0].length;
        double[] out = new double[m];
        for (int c = 0; c < m; c++) {
            int fired = 0;
            double sum = 0;
            for (float[] row : f) {
                if (row[c] != 0) {
                    fired++;
                    sum += row[c];
                }
            }
            out[c] = fired > 0 && fired >= tau * f.length ? sum / fired : Double.NaN;
        }
        return out;
    }

    private static float[] toArray(List<Float> v) {
        float[] a = new float[v.size()];
        for (int i = 0; i < a.length; i++) a[i] = v.get(i);
        return a;
    }

    private static void checkPairs(float[][] positive, float[][] negative) {
        if (positive.length == 0 || positive.length != negative.length) {
            throw new InvalidArgumentException(0, "need the same non-zero number of positive and negative rows");
        }
        int d = positive[0].length;
        for (int i = 0; i < positive.length; i++) {
            if (positive[i].length != d || negative[i].length != d) throw new InvalidArgumentException(0, "rows differ in length");
        }
    }
}
