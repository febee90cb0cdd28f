package dev.tiller.train.algo;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.train.Graph;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MAT's calibrated shift against a hand computation, and its loss against cross-entropy written out. */
class MatTest {
    static final float LN3 = (float) Math.log(3);

    @Test
    void theShiftIsTheLogOfTheCalibratedHeldOutPosterior() {
        // p(y-hat | x) = (1/2, 1/2), (3/4, 1/4), (1/4, 3/4) with labels 0, 0, 1:
        // p(c | y-hat = 0) = (5/6, 1/6), p(c | y-hat = 1) = (1/2, 1/2), so p_ho = (2/3, 1/3), (3/4, 1/4), (7/12, 5/12).
        float[] ho = {0, 0, LN3, 0, 0, LN3};
        float[] s = Mat.shift(ho, new int[] {0, 0, 1}, 2, 1.0);
        double[] want = {2 / 3.0, 1 / 3.0, 3 / 4.0, 1 / 4.0, 7 / 12.0, 5 / 12.0};
        for (int i = 0; i < want.length; i++) assertEquals(Math.log(want[i] + 1e-6), s[i], 1e-6, "entry " + i);
        // tau divides the logits
        float[] doubled = new float[ho.length];
        for (int i = 0; i < ho.length; i++) doubled[i] = 2 * ho[i];
        assertArrayEquals(Mat.shift(doubled, new int[] {0, 0, 1}, 2, 1.0), Mat.shift(ho, new int[] {0, 0, 1}, 2, 0.5), 1e-6f);
        // a class without examples: p(2 | y-hat) = 0, so its shift is log(1e-6); the rows stay distributions
        float[] three = Mat.shift(new float[] {1, 0, 0, 0, 2, 1}, new int[] {0, 1}, 3, 1.0);
        for (int i = 0; i < 2; i++) {
            assertEquals(Math.log(1e-6), three[i * 3 + 2], 1e-6);
            assertEquals(1.0, Math.exp(three[i * 3]) + Math.exp(three[i * 3 + 1]), 1e-5);
        }
        // a tiny tau makes some p(y-hat | x) exactly 0: still finite
        for (float v : Mat.shift(new float[] {100, 0, 90, 0}, new int[] {0, 1}, 2, 1e-3)) assertTrue(Float.isFinite(v));
    }

    @Test
    void theLossIsPlainCrossEntropyOnTheShiftedLogits() {
        try (Graph g = new Graph(1)) {
            Dataset d = new Dataset(new float[] {0, 0, 0}, 1, new int[] {0, 0, 1}, null, 2);
            System.arraycopy(new float[] {0, 0, LN3, 0, 0, LN3}, 0, d.store(Mat.HELD_OUT, 2), 0, 6);
            float[] z = {0.3f, -0.2f, 1.0f, 0.5f};
            Classifier fixed = b -> g.constant(z, 2, 2);
            Batch b = d.batch(new int[] {2, 1});  // labels 1, 0; p(y-hat | x) = (1/4, 3/4), (3/4, 1/4)
            // full: the shifts of rows 2 and 1 computed over all three rows (above);
            // batch: over rows 2 and 1 alone, where p(c | y-hat = 0) = (3/4, 1/4) and p(c | y-hat = 1) = (1/4, 3/4)
            double[][] full = {{7 / 12.0, 5 / 12.0}, {3 / 4.0, 1 / 4.0}};
            double[][] batch = {{1 / 4.0 * 3 / 4 + 3 / 4.0 * 1 / 4, 1 / 4.0 * 1 / 4 + 3 / 4.0 * 3 / 4},
                {3 / 4.0 * 3 / 4 + 1 / 4.0 * 1 / 4, 3 / 4.0 * 1 / 4 + 1 / 4.0 * 3 / 4}};
            for (String estimate : new String[] {"full", "batch"}) {
                Algorithm<Batch> mat = Algorithms.create("mat", fixed, d, Map.of("tau", "1", "estimate", estimate));
                double[][] p = estimate.equals("full") ? full : batch;
                int[] y = {1, 0};
                double want = 0;
                for (int i = 0; i < 2; i++) {
                    double a = z[2 * i] + Math.log(p[i][0] + 1e-6), c = z[2 * i + 1] + Math.log(p[i][1] + 1e-6);
                    double lse = Math.log(Math.exp(a) + Math.exp(c));
                    want += (lse - (y[i] == 0 ? a : c)) / 2;
                }
                assertEquals(want, mat.loss(b).item(), 1e-5, estimate);
                g.clear();
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Algorithms.create("mat", fixed, d, Map.of("estimate", "epoch")));
            assertTrue(e.getMessage().contains("estimate=epoch is not one of full, batch"), e.getMessage());
            Dataset none = new Dataset(new float[] {0, 0}, 1, new int[] {0, 1}, null, 2);
            e = assertThrows(IllegalArgumentException.class, () -> Algorithms.create("mat", fixed, none, Map.of()));
            assertTrue(e.getMessage().contains("mat needs held-out logits for every training example"), e.getMessage());
            d.store(Mat.HELD_OUT, 2)[3] = Float.NaN;
            e = assertThrows(IllegalArgumentException.class, () -> Algorithms.create("mat", fixed, d, Map.of()));
            assertTrue(e.getMessage().contains("held-out logit 1 of training example 1 is NaN"), e.getMessage());
        }
    }
}
