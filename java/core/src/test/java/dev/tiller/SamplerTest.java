package dev.tiller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

/**
 * Each sampling step against its definition, computed here independently of the sampler; the
 * empirical draws are checked with a chi-square goodness-of-fit test.
 */
class SamplerTest {
    // Fixed logits over a small vocabulary (sorted order: 3, 0, 5, 1, 6, 2, 7, 4).
    static final float[] LOGITS = {2.0f, 1.0f, 0.2f, 3.0f, -1.0f, 1.5f, 0.5f, 0.0f};

    static double[] softmax(float[] l, double temperature, boolean[] keep) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < l.length; i++) if (keep[i]) max = Math.max(max, l[i]);
        double[] p = new double[l.length];
        double sum = 0;
        for (int i = 0; i < l.length; i++) if (keep[i]) sum += p[i] = Math.exp((l[i] - max) / temperature);
        for (int i = 0; i < l.length; i++) p[i] /= sum;
        return p;
    }

    static boolean[] all(int n) {
        boolean[] k = new boolean[n];
        java.util.Arrays.fill(k, true);
        return k;
    }

    private static SamplingParams base(float temperature) {
        return SamplingParams.defaults().withTemperature(temperature).withTopK(0).withTopP(1f).withMinP(0f);
    }

    private static void assertDistribution(SamplingParams params, double[] expected) {
        Sampler s = new Sampler(params, LOGITS.length);
        double[] got = s.probabilities(LOGITS);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], got[i], 1e-6, "p[" + i + "]");
        // Draws: chi-square goodness of fit over the tokens with non-zero probability.
        int draws = 40_000;
        long[] counts = new long[LOGITS.length];
        Sampler drawer = new Sampler(params.withSeed(12345), LOGITS.length);
        for (int i = 0; i < draws; i++) counts[drawer.sample(LOGITS)]++;
        int k = 0;
        for (double e : expected) if (e > 0) k++;
        double[] exp = new double[k];
        long[] obs = new long[k];
        int j = 0;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] > 0) {
                exp[j] = expected[i];
                obs[j++] = counts[i];
            } else {
                assertEquals(0, counts[i], "token " + i + " is outside the kept set but was drawn");
            }
        }
        if (k > 1) {
            double pValue = new ChiSquareTest().chiSquareTest(exp, obs);
            assertTrue(pValue > 0.001, "chi-square p-value " + pValue + " for counts " + java.util.Arrays.toString(counts));
        }
    }

    @Test
    void temperature() {
        for (float t : new float[] {0.5f, 1.0f, 1.7f}) assertDistribution(base(t), softmax(LOGITS, t, all(8)));
    }

    @Test
    void topK() {
        boolean[] keep = new boolean[8];
        keep[3] = keep[0] = keep[5] = true; // the three largest logits
        assertDistribution(base(1.0f).withTopK(3), softmax(LOGITS, 1.0, keep));
    }

    @Test
    void topP() {
        // Smallest prefix (by probability) whose mass reaches 0.8, at temperature 1.
        double[] p = softmax(LOGITS, 1.0, all(8));
        int[] order = {3, 0, 5, 1, 6, 2, 7, 4};
        boolean[] keep = new boolean[8];
        double cum = 0;
        for (int id : order) {
            keep[id] = true;
            cum += p[id];
            if (cum >= 0.8) break;
        }
        assertDistribution(base(0.9f).withTopP(0.8f), softmax(LOGITS, 0.9, keep));
    }

    @Test
    void minP() {
        // Keep tokens whose probability is at least 0.2 of the most likely one's.
        double[] p = softmax(LOGITS, 1.0, all(8));
        double pmax = p[3];
        boolean[] keep = new boolean[8];
        for (int i = 0; i < 8; i++) keep[i] = p[i] >= 0.2 * pmax;
        assertDistribution(base(1.2f).withMinP(0.2f), softmax(LOGITS, 1.2, keep));
    }

    @Test
    void greedyBiasAndPenalties() {
        Sampler g = new Sampler(SamplingParams.greedy(), LOGITS.length);
        assertEquals(3, g.sample(LOGITS));
        assertEquals(LOGITS[3] - Math.log(sumExp(LOGITS)), g.lastLogProb(), 1e-6);
        Sampler biased = new Sampler(SamplingParams.greedy().withLogitBias(Map.of(3, Float.NEGATIVE_INFINITY, 4, 10f)), 8);
        assertEquals(4, biased.sample(LOGITS));
        // Repetition penalty 3 on token 3 (logit 3 -> 1): token 0 (logit 2) wins.
        Sampler rep = new Sampler(SamplingParams.greedy().withRepeatPenalty(3f), 8);
        rep.accept(3);
        assertEquals(0, rep.sample(LOGITS));
        // Frequency 0.6 x 2 occurrences + presence 0.5 on token 3: 3 - 1.7 = 1.3 < 1.5 (token 5), < 2 (token 0).
        Sampler freq = new Sampler(SamplingParams.greedy().withFrequencyPenalty(0.6f).withPresencePenalty(0.5f), 8);
        freq.accept(3);
        freq.accept(3);
        freq.accept(0);
        freq.accept(0);
        // token 0: 2 - 1.7 = 0.3; token 5: 1.5 stays
        assertEquals(5, freq.sample(LOGITS));
    }

    @Test
    void sameSeedSameDraws() {
        SamplingParams p = base(1.0f).withSeed(99);
        Sampler a = new Sampler(p, 8), b = new Sampler(p, 8);
        int[] da = new int[200], db = new int[200];
        for (int i = 0; i < 200; i++) {
            da[i] = a.sample(LOGITS);
            db[i] = b.sample(LOGITS);
        }
        assertArrayEquals(da, db);
        Sampler c = new Sampler(p.withSeed(100), 8);
        int[] dc = new int[200];
        for (int i = 0; i < 200; i++) dc[i] = c.sample(LOGITS);
        assertTrue(!java.util.Arrays.equals(da, dc), "a different seed gave identical draws");
    }

    @Test
    void topIndicesSelectsAndSorts() {
        float[] v = new float[1000];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat();
        int[] top = Sampler.topIndices(v, 10);
        Integer[] all = new Integer[v.length];
        for (int i = 0; i < v.length; i++) all[i] = i;
        java.util.Arrays.sort(all, (a, b) -> Float.compare(v[b], v[a]));
        for (int i = 0; i < 10; i++) assertEquals((int) all[i], top[i]);
        assertEquals(List.of(), SamplingParams.defaults().stop());
    }

    private static double sumExp(float[] l) {
        double s = 0;
        for (float x : l) s += Math.exp(x);
        return s;
    }
}
