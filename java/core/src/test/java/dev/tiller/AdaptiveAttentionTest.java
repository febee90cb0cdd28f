package dev.tiller;

import dev.tiller.heads.HeadReport;
import dev.tiller.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Adaptive attention through the API: at tau 0 every fixture case gives the plain logits bit for
 * bit, also while heads are recorded (which runs the query-adaptive kernel); a window that covers
 * every position gives the plain logits at tau 1; the record and the report hold what they say;
 * misuse is refused with typed exceptions.
 */
class AdaptiveAttentionTest {

    @TestFactory
    Stream<DynamicTest> tauZeroIsBitIdenticalOnEveryFixtureCase() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Fixtures.Case c : Fixtures.cases()) {
            tests.add(DynamicTest.dynamicTest(c.model(), () -> {
                try (Model m = Model.load(c.modelPath()); Session plain = m.newSession(new SessionOptions(c.tokens().length, 2))) {
                    float[] want = plain.evaluateAll(c.tokens()).toArray();
                    try (Session s = m.newSession(new SessionOptions(c.tokens().length, 2, AdaptiveAttention.estimate(0)))) {
                        assertArrayEquals(want, s.evaluateAll(c.tokens()).toArray(), "tau 0 as a session option");
                    }
                    if (m.info().layers().stream().allMatch(LayerInfo::slidingWindow)) {
                        // Every layer slides: nothing to adapt, and asking for more than dense says so.
                        var e = assertThrows(UnsupportedModelException.class,
                                () -> m.newSession(new SessionOptions(8, 1, AdaptiveAttention.estimate(0.5))));
                        assertTrue(e.getMessage().contains("global-attention"), e.getMessage());
                        return;
                    }
                    for (AdaptiveAttention.Moments mo : AdaptiveAttention.Moments.values()) {
                        try (Session s = m.newSession(new SessionOptions(c.tokens().length, 2))) {
                            s.setAdaptiveAttention(AdaptiveAttention.estimate(0).withWindow(4, 8).withMoments(mo));
                            s.recordHeads(true);
                            assertArrayEquals(want, s.evaluateAll(c.tokens()).toArray(), mo + " moments, recorded");
                        }
                    }
                    // A window wider than the input: tau 1 reads every key, through the local path.
                    try (Session s = m.newSession(new SessionOptions(c.tokens().length, 2, AdaptiveAttention.estimate(1).withWindow(4, 64)))) {
                        // Another summation order: equal within the tolerance the fixtures allow against llama.cpp.
                        LogitComparison cmp = LogitComparison.of(want, s.evaluateAll(c.tokens()).toArray(), c.nVocab());
                        assertTrue(cmp.within(LogitComparison.Tolerance.forWeights(c.weights())), "tau 1, window over everything: " + cmp);
                    }
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void recordsAndReportsCoverTheGlobalLayers() {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(64, 1))) {
            int[] tokens = new int[40];
            for (int i = 0; i < tokens.length; i++) tokens[i] = 2 + (i * 7) % 50;
            AdaptiveAttention w = AdaptiveAttention.dense().withWindow(4, 8);
            List<HeadRecord> records = HeadReport.score(s, tokens, w);
            long global = m.info().layers().stream().filter(l -> !l.slidingWindow()).count();
            assertEquals(global, records.size());
            HeadRecord r = records.get(0);
            assertEquals(tokens.length, r.tokens());
            assertEquals(0, r.firstPosition());
            assertEquals(0f, r.pHat(11, 0), "position 11 has no bulk keys under 4 sinks and 8 recent");
            assertTrue(r.pHat(12, 0) > 0 && r.pBulk(12, 0) > 0);
            HeadReport at0 = HeadReport.of(records, 0), at1 = HeadReport.of(records, 1.0);
            assertEquals((tokens.length - 12) * (long) r.heads() * records.size(), at0.pairs());
            assertEquals(0.0, at0.sparsity());
            List<HeadRecord> twice = new ArrayList<>(records);
            twice.addAll(records);  // two texts' records add up per head
            assertEquals(2 * at0.pairs(), HeadReport.of(twice, 0).pairs());
            assertEquals(at0.heads().size(), HeadReport.of(twice, 0).heads().size());
            assertEquals(1.0, at1.sparsity());
            // The overall error rates against the oracle, counted here pair by pair.
            double tau = records.stream().mapToDouble(x -> x.pBulk(30, 0)).average().orElseThrow();
            long fp = 0, fn = 0, oracleLong = 0, n = 0;
            for (HeadRecord x : records)
                for (int t = 12; t < x.tokens(); t++)
                    for (int h = 0; h < x.heads(); h++) {
                        boolean predicted = x.pHat(t, h) >= tau, oracle = x.pBulk(t, h) >= tau;
                        n++;
                        if (oracle) oracleLong++;
                        if (predicted && !oracle) fp++;
                        if (!predicted && oracle) fn++;
                    }
            HeadReport mid = HeadReport.of(records, tau);
            assertTrue(oracleLong > 0 && oracleLong < n, "tau splits the pairs");
            assertEquals((double) fp / (n - oracleLong), mid.falsePositiveRate());
            assertEquals((double) fn / oracleLong, mid.falseNegativeRate());
            boolean[][] labels = HeadReport.staticLabels(m.info(), records, 0.5, 0.5);
            long longHeads = 0;
            for (boolean[] l : labels) for (boolean b : l) if (b) longHeads++;
            assertEquals(Math.round(0.5 * r.heads() * records.size()), longHeads);
            // The static labels run: the record shows each head's label on every query with bulk keys.
            s.setAdaptiveAttention(AdaptiveAttention.labels(labels).withWindow(4, 8));
            s.recordHeads(true);
            s.evaluate(tokens);
            HeadRecord lr = s.headRecord(r.layer());
            for (int h = 0; h < lr.heads(); h++) assertEquals(labels[r.layer()][h], lr.isLong(30, h));
            assertThrows(IndexOutOfBoundsException.class, () -> lr.pHat(tokens.length, 0));
        }
    }

    @Test
    void misuseIsRefused() {
        assertThrows(InvalidArgumentException.class, () -> AdaptiveAttention.estimate(1.5));
        assertThrows(InvalidArgumentException.class, () -> AdaptiveAttention.estimate(Double.NaN));
        assertThrows(InvalidArgumentException.class, () -> AdaptiveAttention.estimate(0.5).withWindow(-1, 8));
        assertThrows(InvalidArgumentException.class, () -> AdaptiveAttention.estimate(0.5).withWindow(4, 0));
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(32, 1))) {
            assertThrows(InvalidArgumentException.class, () -> s.setAdaptiveAttention(AdaptiveAttention.labels(new boolean[2][1])));
            s.evaluate(new int[] {2, 3, 4});
            assertThrows(SessionStateException.class, () -> s.headRecord(firstGlobal(m)), "nothing recorded");
            s.recordHeads(true);
            int sliding = m.info().layers().stream().filter(LayerInfo::slidingWindow).findFirst().orElseThrow().index();
            assertThrows(InvalidArgumentException.class, () -> s.headRecord(sliding));
            assertThrows(InvalidArgumentException.class, () -> s.headRecord(99));
            assertThrows(InvalidArgumentException.class, () -> s.captured(CapturePoint.ATTN_Q, 0), "not captured");
        }
    }

    private static int firstGlobal(Model m) {
        return m.info().layers().stream().filter(l -> !l.slidingWindow()).findFirst().orElseThrow().index();
    }
}
