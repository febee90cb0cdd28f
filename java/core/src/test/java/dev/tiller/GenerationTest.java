package dev.tiller;

import dev.tiller.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Generation on the random-weight fixture model: limits, seeds, cancellation, stop strings, usage. */
class GenerationTest {

    private static List<GeneratedToken> run(Model m, SamplingParams p) {
        try (Session s = m.newSession(new SessionOptions(256, 1))) {
            List<GeneratedToken> out = new ArrayList<>();
            s.generate(new int[] {1, 100, 200, 300}, p).forEachRemaining(out::add);
            return out;
        }
    }

    @Test
    void maxTokensSeedsAndUsage() {
        try (Model m = Model.load(Fixtures.smallModel())) {
            // EOS (id 2) is banned so that every run has 12 draws to compare; the random-weight model is
            // very peaked (top token ~99%), so a high temperature makes the draws depend on the seed.
            SamplingParams p = SamplingParams.defaults().withTemperature(8f).withTopK(0).withTopP(1f).withMinP(0).withMaxTokens(12)
                    .withSeed(5).withLogitBias(java.util.Map.of(2, Float.NEGATIVE_INFINITY));
            List<GeneratedToken> a = run(m, p), b = run(m, p);
            assertEquals(a.stream().map(GeneratedToken::id).toList(), b.stream().map(GeneratedToken::id).toList());
            assertEquals(12, a.size());
            List<GeneratedToken> c = run(m, p.withSeed(6));
            assertFalse(a.stream().map(GeneratedToken::id).toList().equals(c.stream().map(GeneratedToken::id).toList()));
            for (GeneratedToken t : a) assertTrue(t.logProb() <= 0 && Double.isFinite(t.logProb()));
            try (Session s = m.newSession(new SessionOptions(256, 1))) {
                Generation g = s.generate(new int[] {1, 2, 3}, p.withMaxTokens(7));
                g.complete();
                Usage u = g.usage();
                assertEquals(3, u.promptTokens());
                assertTrue(u.generatedTokens() >= 1 && u.generatedTokens() <= 7);
                assertTrue(g.finishReason() == FinishReason.LENGTH || g.finishReason() == FinishReason.STOP);
                if (g.finishReason() == FinishReason.LENGTH) assertEquals(7, u.generatedTokens());
                assertTrue(u.tokensPerSecond() > 0);
            }
        }
    }

    @Test
    void greedyGenerationFollowsTheArgmaxOfTheLogits() {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(256, 1));
                Session check = m.newSession(new SessionOptions(256, 1))) {
            int[] prompt = {1, 50, 60, 70};
            Generation g = s.generate(prompt, SamplingParams.greedy().withMaxTokens(5));
            float[] logits = check.evaluate(prompt).toArray();
            int argmax = 0;
            for (int i = 1; i < logits.length; i++) if (logits[i] > logits[argmax]) argmax = i;
            assertEquals(argmax, g.next().id());
        }
    }

    @Test
    void nativeLogitStatisticsMatchTheLogits() {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(64, 1))) {
            Refused.with(SessionStateException.class, () -> s.logitStats(0), "nothing has been evaluated");
            float[] logits = s.evaluateAll(new int[] {1, 7, 9}).toArray();
            int n = m.info().vocabularySize();
            for (int row = 0; row < 3; row++) {
                int argmax = row * n;
                for (int i = row * n; i < (row + 1) * n; i++) if (logits[i] > logits[argmax]) argmax = i;
                double sum = 0;
                for (int i = row * n; i < (row + 1) * n; i++) sum += Math.exp(logits[i] - logits[argmax]);
                LogitStats st = s.logitStats(row);
                assertEquals(argmax - row * n, st.argmax());
                assertEquals(logits[argmax], st.max());
                assertEquals(logits[argmax] + Math.log(sum), st.logSumExp(), 1e-5 * Math.abs(st.logSumExp()) + 1e-5);
            }
            Refused.with(InvalidArgumentException.class, () -> s.logitStats(3), "row 3");
        }
    }

    @Test
    void nativeGreedyDecodingEqualsTheJavaLoop() {
        try (Model m = Model.load(Fixtures.smallModel()); Session a = m.newSession(new SessionOptions(64, 1));
                Session b = m.newSession(new SessionOptions(64, 1))) {
            int[] prompt = {1, 50, 60, 70};
            // EOS stays allowed: decodeGreedy does not stop at it, so compare with a generation that ignores it.
            List<Integer> driven = new ArrayList<>();
            greedyFromJava(a, prompt, driven);
            b.evaluate(prompt);
            int[] nat = b.decodeGreedy(10);
            assertEquals(driven, java.util.Arrays.stream(nat).boxed().toList());
            assertEquals(prompt.length + 10, b.position());
            Refused.with(InvalidArgumentException.class, () -> b.decodeGreedy(-1), "-1");
        }
    }

    /** Ten greedy steps driven from Java, one evaluate at a time. */
    private static void greedyFromJava(Session s, int[] prompt, List<Integer> out) {
        FloatView logits = s.evaluate(prompt);
        for (int i = 0; i < 10; i++) {
            int t = s.logitStats(0).argmax();
            out.add(t);
            logits = s.evaluate(new int[] {t});
        }
        assertEquals(s.model().info().vocabularySize(), logits.columns());
    }

    @Test
    void cancelStopsBeforeTheNextToken() {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(256, 1))) {
            Generation g = s.generate(new int[] {1, 9, 8}, SamplingParams.defaults().withMaxTokens(100).withLogitBias(
                    java.util.Map.of(2, Float.NEGATIVE_INFINITY)));
            g.next();
            g.cancel();
            while (g.hasNext()) g.next();
            assertEquals(FinishReason.CANCELLED, g.finishReason());
            assertEquals(1, g.usage().generatedTokens());
        }
    }

    @Test
    void stopStringsEndTheTextAndAreNotPartOfIt() {
        try (Model m = Model.load(Fixtures.smallModel())) {
            // Find what greedy decoding produces, then stop on a piece of it.
            SamplingParams p = SamplingParams.greedy().withMaxTokens(30)
                    .withLogitBias(java.util.Map.of(2, Float.NEGATIVE_INFINITY));
            String full;
            try (Session s = m.newSession(new SessionOptions(256, 1))) {
                full = s.generate(new int[] {1, 33, 44}, p).complete();
            }
            assertTrue(full.length() > 6, "greedy text too short to test: '" + full + "'");
            String stop = full.substring(3, 6);
            int at = full.indexOf(stop);
            try (Session s = m.newSession(new SessionOptions(256, 1))) {
                Generation g = s.generate(new int[] {1, 33, 44}, p.withStop(List.of(stop)));
                StringBuilder streamed = new StringBuilder();
                g.forEachRemaining(t -> streamed.append(t.text()));
                assertEquals(FinishReason.STOP_STRING, g.finishReason());
                assertEquals(full.substring(0, at), g.text());
                assertEquals(g.text(), streamed.toString());
            }
        }
    }
}
