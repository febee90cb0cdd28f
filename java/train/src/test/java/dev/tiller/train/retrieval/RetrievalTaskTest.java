package dev.tiller.train.retrieval;

import dev.tiller.AdaptiveAttention;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.Tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Retrieval samples with the default model's tokenizer: exact length, the fact at the needle and
 * nowhere else, the answer in the fact; the evaluation's accuracy and sparsity on the default
 * model (which never saw such samples: the point here is the bookkeeping, not the score).
 */
class RetrievalTaskTest {
    static Path defaultModel() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("models/tiller-gemma2-tiny.gguf"))) return p.resolve("models/tiller-gemma2-tiny.gguf");
        throw new IllegalStateException("models/tiller-gemma2-tiny.gguf not found");
    }

    @Test
    void samplesHideTheAnswerAtTheNeedle() {
        try (Tokenizer tok = Tokenizer.load(defaultModel())) {
            int[] filler = tok.encode("It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife. ".repeat(40), false, false);
            RetrievalTask task = new RetrievalTask(tok, filler);
            SplittableRandom rnd = new SplittableRandom(3);
            for (RetrievalTask.Kind kind : new RetrievalTask.Kind[] {RetrievalTask.Kind.PASSKEY, RetrievalTask.Kind.RECALL})
                for (int len : new int[] {200, 512}) {
                    RetrievalTask.Sample s = task.sample(rnd, kind, len);
                    assertEquals(len, s.length());
                    assertEquals(tok.bos(), s.prompt()[0]);
                    String text = tok.decode(s.prompt()), answer = tok.decode(s.answer());
                    assertTrue(answer.matches("( [0-9])+"), answer);
                    String fact = tok.decode(java.util.Arrays.copyOfRange(s.prompt(), s.needle(), s.prompt().length));
                    assertTrue(fact.startsWith(kind == RetrievalTask.Kind.PASSKEY ? " The pass key is" + answer : " The code of the"), fact);
                    assertTrue(text.endsWith(kind == RetrievalTask.Kind.PASSKEY ? "The pass key is" : " door is"), text);
                    assertTrue(s.needle() > len / 40 && s.needle() < len, "needle at " + s.needle());
                }
        }
    }

    @Test
    void copySamplesRepeatASpanOfTheirProse() {
        try (Tokenizer tok = Tokenizer.load(defaultModel())) {
            int[] filler = new int[5000];
            for (int i = 0; i < filler.length; i++) filler[i] = 100 + i % 1000;  // distinct within any window of 1000
            RetrievalTask task = new RetrievalTask(tok, filler);
            SplittableRandom rnd = new SplittableRandom(5);
            for (int len : new int[] {200, 700}) {
                RetrievalTask.Sample s = task.sample(rnd, RetrievalTask.Kind.COPY, len);
                int[] p = s.prompt(), a = s.answer();
                assertEquals(len, s.length());
                assertEquals(tok.bos(), p[0]);
                assertEquals(RetrievalTask.COPY_SPAN - RetrievalTask.COPY_CUE, a.length);
                int cue = p.length - RetrievalTask.COPY_CUE;
                for (int i = 0; i < RetrievalTask.COPY_CUE; i++) assertEquals(p[s.needle() + i], p[cue + i]);
                for (int i = 0; i < a.length; i++) assertEquals(p[s.needle() + RetrievalTask.COPY_CUE + i], a[i]);
                assertTrue(s.needle() >= 1 + (len - 1 - RetrievalTask.COPY_SPAN) / 20 && s.needle() + RetrievalTask.COPY_SPAN <= cue, "needle at " + s.needle());
            }
        }
    }

    @Test
    void evaluationCountsAccuracyAndSparsity() {
        try (Model m = Model.load(defaultModel()); Session s = m.newSession(new SessionOptions(256, 1))) {
            int[] filler = m.tokenizer().encode("Mr. Bennet was so odd a mixture of quick parts, sarcastic humour, reserve, and caprice. ".repeat(30), false, false);
            RetrievalTask task = new RetrievalTask(m.tokenizer(), filler);
            SplittableRandom rnd = new SplittableRandom(4);
            List<RetrievalTask.Sample> samples = List.of(task.sample(rnd, RetrievalTask.Kind.PASSKEY, 120), task.sample(rnd, RetrievalTask.Kind.RECALL, 120));
            RetrievalEval.Score dense = RetrievalEval.score(s, samples, AdaptiveAttention.dense().withWindow(4, 16));
            RetrievalEval.Score local = RetrievalEval.score(s, samples, AdaptiveAttention.estimate(1).withWindow(4, 16));
            assertEquals(0.0, dense.sparsity());
            assertEquals(1.0, local.sparsity());
            assertEquals(dense.pairs(), local.pairs());
            assertTrue(dense.accuracy() >= 0 && dense.accuracy() <= 1);
        }
    }
}
