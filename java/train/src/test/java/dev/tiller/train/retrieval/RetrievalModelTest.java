package dev.tiller.train.retrieval;

import dev.tiller.AdaptiveAttention;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.train.recipes.DefaultModel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retrieval model's recipe end to end at toy scale: a few steps of the curriculum, the
 * Gemma 3 GGUF it writes (sliding and global layers alternating) loads, and its samples evaluate
 * under adaptive attention. Needs the text of ../shared/data (-Dtiller.data.dir), as CI gives it.
 */
class RetrievalModelTest {
    @Test
    void aFewStepsWriteAGemma3ThatTheRuntimeEvaluates(@TempDir Path dir) {
        String data = System.getProperty("tiller.data.dir", "");
        org.junit.jupiter.api.Assumptions.assumeFalse(data.isBlank(), "runs with -Dtiller.data.dir (the text of ../shared/data)");
        Path text = Path.of(data, "text");
        RetrievalModel.Result r = RetrievalModel.run(new RetrievalModel.Options(text, dir, 1, 3, 2, 2e-3, 0, new int[] {96, 128}), null);
        assertTrue(Double.isFinite(r.trainLoss()));
        assertEquals(RetrievalModel.TRAINED.size(), r.answerHits().length);
        for (double h : r.answerHits()) assertTrue(h >= 0 && h <= 1, "share of answer tokens right " + h);
        try (Model m = Model.load(r.model()); Session s = m.newSession(new SessionOptions(128, 0))) {
            assertEquals("gemma3", m.info().architecture());
            assertEquals("SGSG", m.info().layerPattern());
            RetrievalTask task = new RetrievalTask(m.tokenizer(), DefaultModel.stream(m.tokenizer(), DefaultModel.split(text).heldOut()));
            List<RetrievalTask.Sample> samples = List.of(task.sample(new SplittableRandom(2), RetrievalTask.Kind.RECALL, 128));
            RetrievalEval.Score sc = RetrievalEval.score(s, samples, AdaptiveAttention.estimate(0.5).withWindow(4, 16));
            assertTrue(sc.pairs() > 0 && sc.sparsity() >= 0 && sc.sparsity() <= 1);
        }
    }

    /** The model shipped in models/ retrieves: dense attention answers, sink + window attention (the needle out of reach) mostly cannot. */
    @Test
    void theShippedModelRetrieves() {
        String data = System.getProperty("tiller.data.dir", "");
        org.junit.jupiter.api.Assumptions.assumeFalse(data.isBlank(), "runs with -Dtiller.data.dir (the text of ../shared/data)");
        Path shipped = RetrievalTaskTest.defaultModel().resolveSibling(RetrievalModel.FILE);
        try (Model m = Model.load(shipped); Session s = m.newSession(new SessionOptions(1024, 0))) {
            RetrievalTask task = new RetrievalTask(m.tokenizer(), DefaultModel.stream(m.tokenizer(), DefaultModel.split(Path.of(data, "text")).heldOut()));
            SplittableRandom rnd = new SplittableRandom(11);
            List<RetrievalTask.Sample> samples = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) samples.add(task.sample(rnd, i % 2 == 0 ? RetrievalTask.Kind.PASSKEY : RetrievalTask.Kind.RECALL, 1024));
            double dense = RetrievalEval.score(s, samples, AdaptiveAttention.dense()).accuracy();
            double window = RetrievalEval.score(s, samples, AdaptiveAttention.estimate(1)).accuracy();
            assertTrue(dense >= 0.85, "dense accuracy " + dense);
            assertTrue(window <= 0.4, "sink + window accuracy " + window);
        }
    }
}
