package dev.tiller.train.dynamics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.Test;

/** AUROC against the Mann-Whitney U of commons-math3, and the half-grid threshold on separable and reversed data. */
class PredictorScoreTest {

    @Test
    void aurocIsMannWhitneyUOverThePairs() {
        SplittableRandom rnd = new SplittableRandom(9);
        double[] v = new double[40];
        boolean[] pos = new boolean[40];
        int np = 0;
        for (int i = 0; i < v.length; i++) {
            pos[i] = i % 3 == 0;
            v[i] = Math.round(rnd.nextGaussian() * 3 + (pos[i] ? 1.5 : 0));  // rounded: ties on purpose
            if (pos[i]) np++;
        }
        double[] a = new double[np], b = new double[v.length - np];
        for (int i = 0, x = 0, y = 0; i < v.length; i++) {
            if (pos[i]) a[x++] = v[i];
            else b[y++] = v[i];
        }
        double u = new MannWhitneyUTest().mannWhitneyU(a, b);  // max(U_a, U_b)
        double auc = PredictorScore.auroc(v, pos);
        assertEquals(u / ((double) a.length * b.length), Math.max(auc, 1 - auc), 1e-12);
        assertTrue(Double.isNaN(PredictorScore.auroc(new double[] {1, 2}, new boolean[] {true, true})));
    }

    @Test
    void aThresholdChosenOnOneHalfScoresOnTheOther() {
        // Generalising runs have the larger statistic in both halves: perfect on both.
        double[] v = {0.1, 0.2, 0.9, 0.8, 0.15, 0.85, 0.05, 0.95};
        boolean[] g = {false, false, true, true, false, true, false, true};
        int[] parity = {0, 1, 0, 1, 0, 1, 1, 0};
        double[] acc = {0, 0, 1, 1, 0, 1, 0, 1};
        PredictorScore s = PredictorScore.of(v, acc, g, parity);
        assertEquals(1.0, s.auroc());
        assertTrue(s.higherGeneralises());
        assertEquals(1.0, s.chooseAccuracy());
        assertEquals(1.0, s.scoreAccuracy());
        assertEquals(4, s.scored());
        assertTrue(s.spearman() > 0.8);
        // Reversed: the lower statistic generalises, and the direction follows.
        double[] neg = java.util.Arrays.stream(v).map(x -> -x).toArray();
        PredictorScore r = PredictorScore.of(neg, acc, g, parity);
        assertEquals(0.0, r.auroc());
        assertFalse(r.higherGeneralises());
        assertEquals(1.0, r.scoreAccuracy());
    }
}
