package dev.tiller.train.dynamics;

import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * How well one statistic of the early loss predicts "generalises by the last step" over a sweep:
 * Spearman correlation with the final validation accuracy, AUROC (Mann-Whitney, ties counted
 * half), and a threshold chosen on one half of the grid and scored on the other. The paper gives
 * no decision rule (spec, open question 1), so the split is ours: the cells of the (lr, wd) grid in
 * a checkerboard, every seed of a cell on the same side; on the choosing half the direction is the
 * one with AUROC >= 1/2 and the threshold the midpoint between sorted values that is most accurate.
 */
public record PredictorScore(double spearman, double auroc, double threshold, boolean higherGeneralises, double chooseAccuracy,
                             double scoreAccuracy, int scored) {

    /** values[i], finalValAcc[i], generalises[i] and the run's grid cell (lrIndex + wdIndex) per run. */
    public static PredictorScore of(double[] values, double[] finalValAcc, boolean[] generalises, int[] cellParity) {
        double spearman = values.length >= 3 && !constant(values) && !constant(finalValAcc)
                ? new SpearmansCorrelation().correlation(values, finalValAcc) : Double.NaN;
        double auroc = auroc(values, generalises);
        int na = 0;
        for (int c : cellParity) if (c % 2 == 0) na++;
        double[] va = new double[na], vb = new double[values.length - na];
        boolean[] ga = new boolean[na], gb = new boolean[values.length - na];
        for (int i = 0, a = 0, b = 0; i < values.length; i++) {
            if (cellParity[i] % 2 == 0) {
                va[a] = values[i];
                ga[a++] = generalises[i];
            } else {
                vb[b] = values[i];
                gb[b++] = generalises[i];
            }
        }
        double aurocA = auroc(va, ga);
        if (Double.isNaN(aurocA)) return new PredictorScore(spearman, auroc, Double.NaN, true, Double.NaN, Double.NaN, vb.length);
        boolean higher = aurocA >= 0.5;
        double[] sorted = va.clone();
        java.util.Arrays.sort(sorted);
        double bestT = Double.NaN, bestAcc = -1;
        for (int i = 0; i <= sorted.length; i++) {
            double t = i == 0 ? sorted[0] - 1 : i == sorted.length ? sorted[i - 1] + 1 : (sorted[i - 1] + sorted[i]) / 2;
            double acc = accuracy(va, ga, t, higher);
            if (acc > bestAcc) {
                bestAcc = acc;
                bestT = t;
            }
        }
        return new PredictorScore(spearman, auroc, bestT, higher, bestAcc, vb.length > 0 ? accuracy(vb, gb, bestT, higher) : Double.NaN, vb.length);
    }

    /** P(a positive's value > a negative's) + P(tie) / 2; NaN without both classes. */
    public static double auroc(double[] v, boolean[] positive) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < v.length; i++)
            if (positive[i])
                for (int j = 0; j < v.length; j++)
                    if (!positive[j]) {
                        pairs++;
                        wins += v[i] > v[j] ? 1 : v[i] == v[j] ? 0.5 : 0;
                    }
        return pairs == 0 ? Double.NaN : wins / pairs;
    }

    private static double accuracy(double[] v, boolean[] g, double t, boolean higher) {
        int right = 0;
        for (int i = 0; i < v.length; i++) if ((higher ? v[i] >= t : v[i] <= t) == g[i]) right++;
        return (double) right / v.length;
    }

    private static boolean constant(double[] v) {
        for (double x : v) if (x != v[0]) return false;
        return true;
    }
}
