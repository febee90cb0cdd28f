package dev.tiller;

import dev.tiller.steer.ControlVector;
import dev.tiller.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** The Java API's contract: lifetimes, views without copies, threads, misuse. */
class SessionTest {
    private static final int[] TOKENS = {2, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400,
        1500, 1600, 1700, 1800, 1900, 7, 8, 9, 10, 11};

    private static float[] run(Model m, int[] tokens) {
        try (Session s = m.newSession(new SessionOptions(64, 1))) {
            return s.evaluateAll(tokens).toArray();
        }
    }

    @Test
    void modelInfoDescribesTheFile() {
        try (Model m = Model.load(Fixtures.smallModel())) {
            ModelInfo i = m.info();
            assertEquals("gemma3", i.architecture());
            assertEquals(8, i.layerCount());
            assertEquals(64, i.embeddingLength());
            assertEquals(2048, i.vocabularySize());
            assertEquals(16, i.slidingWindow());
            // Gemma 3 default pattern 6: layer 5 is global, the others slide.
            assertEquals("SSSSSGSS", i.layerPattern());
            assertEquals(10000f, i.layers().get(0).ropeBase());
            assertEquals(1_000_000f, i.layers().get(5).ropeBase());
            assertEquals(0.125f, i.layers().get(5).ropeScale());
            assertEquals("random-gemma3", i.name().orElseThrow());
            assertEquals(Long.valueOf(8), m.metadata().getLong("gemma3.block_count").orElseThrow());
            assertEquals("linear", m.metadata().getString("gemma3.rope.scaling.type").orElseThrow());
            assertEquals(2048, m.metadata().length("tokenizer.ggml.tokens"));
            assertTrue(m.metadata().keys().contains("tokenizer.ggml.scores"));
            TensorInfo embd = m.tensors().stream().filter(t -> t.name().equals("token_embd.weight")).findFirst().orElseThrow();
            assertEquals("F32", embd.type());
            assertArrayEquals(new long[] {64, 2048}, embd.shape());
            assertEquals(64L * 2048 * 4, embd.data().byteSize());
        }
    }

    @Test
    void logitsAreNativeViewsNotCopies() {
        float[] reference; // the logits of token 4 after {2, 3}, from a batched run in another session
        try (Model m = Model.load(Fixtures.smallModel()); Session r = m.newSession(new SessionOptions(64, 1))) {
            reference = r.evaluateAll(new int[] {2, 3, 4}).row(2);
        }
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(64, 1))) {
            FloatView a = s.evaluate(new int[] {2, 3});
            MemorySegment raw = a.segment();
            assertTrue(raw.isNative(), "logits must be a view of native memory");
            assertTrue(raw.isReadOnly());
            assertEquals(1, a.rows());
            assertEquals(2048, a.columns());
            assertEquals(2048L * 4, raw.byteSize());
            TensorInfo t = m.tensors().get(0);
            assertTrue(t.data().isNative() && t.data().isReadOnly());
            // A one-token step writes into the same native buffer: the old view, not a copy, now
            // shows the logits of token 4, as the batched run computed them.
            FloatView b = s.evaluate(new int[] {4});
            assertEquals(raw.address(), b.segment().address());
            for (int i = 0; i < 2048; i += 97) assertEquals(reference[i], a.get(0, i), 1e-4f, "logit " + i);
            // An evaluation that needs a larger buffer invalidates every earlier view, and says so.
            s.evaluateAll(new int[] {5, 6, 7});
            assertFalse(a.isValid());
            Refused.with(SessionStateException.class, () -> a.get(0, 0), "invalidated by evaluateAll of 3 tokens", "logits buffer grew");
            Refused.with(SessionStateException.class, b::toArray, "invalidated by evaluateAll");
            Refused.with(IllegalStateException.class, () -> raw.get(ValueLayout.JAVA_FLOAT, 0), "closed");
            Refused.with(InvalidArgumentException.class, () -> s.logits().get(3, 0), "outside");
        }
    }

    @Test
    void aStaleViewNamesTheCallThatInvalidatedIt() {
        Session s;
        try (Model m = Model.load(Fixtures.smallModel()); java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            s = m.newSession(new SessionOptions(64, 1));
            s.captureLayers(1);
            s.evaluate(new int[] {2, 3, 4});
            FloatView resid = s.captured(1);
            float first = resid.get(0, 0);
            s.rewind(1); // rewinding moves no buffer: the view keeps its values
            s.reset();
            assertEquals(first, resid.get(0, 0));
            s.evaluate(new int[] {2, 3, 4});
            s.decodeGreedy(2);
            MemorySegment y = arena.allocate(4L * 4096);
            FloatView stale = resid;
            Refused.with(SessionStateException.class, () -> stale.row(0), "resid_post(1)", "invalidated by evaluate of 3 tokens");
            FloatView fresh = s.captured(1);
            s.decodeGreedy(1);
            Refused.with(SessionStateException.class, () -> s.matmul("blk.1.ffn_up.weight", fresh, 1, y), "invalidated by decodeGreedy(1)");
            FloatView afterCapture = s.captured(1);
            s.captureLayers();
            Refused.with(SessionStateException.class, afterCapture::toArray, "invalidated by captureLayers([])");
            FloatView logits = s.logits();
            s.close();
            Refused.with(SessionStateException.class, logits::toArray, "invalidated by close()");
        }
    }

    @Test
    void incrementalRewindAndResetAgreeWithBatched() {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(64, 2))) {
            float[] batched = s.evaluateAll(TOKENS).toArray();
            assertEquals(TOKENS.length, s.position());
            s.rewind(5);
            assertEquals(TOKENS.length - 5, s.position());
            float[] tail = s.evaluateAll(java.util.Arrays.copyOfRange(TOKENS, TOKENS.length - 5, TOKENS.length)).toArray();
            float[] expectTail = java.util.Arrays.copyOfRange(batched, (TOKENS.length - 5) * 2048, batched.length);
            assertEquals(0.0, maxDiff(expectTail, tail), 1e-4);
            s.reset();
            assertEquals(0, s.position());
            float[] inc = NumericsFixtureTest.incremental(s, TOKENS, 2048);
            assertEquals(0.0, maxDiff(batched, inc), 1e-4);
        }
    }

    @Test
    void longEvaluationsReportProgressInChunksWithTheSameLogits() {
        int n = 2 * Session.PROGRESS_CHUNK + 100;
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) tokens[i] = 2 + (i * 37) % 2000;
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(n, 2))) {
            float[] whole = s.evaluate(tokens).toArray();
            s.reset();
            java.util.List<long[]> seen = new java.util.ArrayList<>();
            s.setProgressListener((done, total) -> seen.add(new long[] {done, total}));
            float[] chunked = s.evaluate(tokens).toArray();
            assertEquals(n, s.position());
            assertEquals(3, seen.size());
            assertArrayEquals(new long[] {512, n}, seen.get(0));
            assertArrayEquals(new long[] {1024, n}, seen.get(1));
            assertArrayEquals(new long[] {n, n}, seen.get(2));
            assertEquals(0.0, maxDiff(whole, chunked), 1e-3, "the KV cache makes chunks the same computation");
            s.reset();
            s.captureLayers(1); // capture keeps the rows of one call: no chunks then
            seen.clear();
            s.evaluate(tokens);
            assertTrue(seen.isEmpty());
            assertEquals(n, s.captured(1).rows());
        }
    }

    @Test
    void captureViewsEveryRequestedLayer() {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(64, 1))) {
            s.captureLayers(0, 7);
            s.evaluate(TOKENS);
            assertEquals(TOKENS.length, s.captured(7).rows());
            assertEquals(64, s.captured(7).columns());
            assertEquals((long) TOKENS.length * 64 * 4, s.captured(7).segment().byteSize());
            assertTrue(s.captured(0).segment().isNative());
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> s.captured(3));
            assertTrue(e.getMessage().contains("layer 3"), e.getMessage());
            assertThrows(InvalidArgumentException.class, () -> s.captureLayers(8));
        }
    }

    @Test
    void twoSessionsOnTwoThreadsMatchSequentialRuns() throws Exception {
        try (Model m = Model.load(Fixtures.smallModel())) {
            int[] other = {2, 5, 9, 13, 17, 21, 25, 29, 33, 37, 41, 45, 49, 53, 57, 61, 65, 69, 73, 77};
            float[] seqA = run(m, TOKENS), seqB = run(m, other);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch start = new CountDownLatch(1);
                for (int round = 0; round < 5; round++) {
                    Future<float[]> a = pool.submit(() -> { start.await(); return run(m, TOKENS); });
                    Future<float[]> b = pool.submit(() -> { start.await(); return run(m, other); });
                    start.countDown();
                    assertArrayEquals(seqA, a.get());
                    assertArrayEquals(seqB, b.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void sessionUsedFromTwoThreadsAtOnceIsRefused() throws Exception {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(64, 1))) {
            // A residual hook holds the evaluating thread inside the session until the main thread
            // has tried it: the overlap is certain, not a race to win.
            CountDownLatch inside = new CountDownLatch(1), tried = new CountDownLatch(1);
            s.setResidualHook((layer, pos, x, n, d) -> {
                if (layer != 0) return;
                inside.countDown();
                try {
                    tried.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    s.evaluate(new int[] {2, 3, 4});
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            inside.await();
            try {
                Refused.with(SessionStateException.class, s::position, "another thread");
                Refused.with(SessionStateException.class, () -> s.evaluate(new int[] {5}), "another thread");
            } finally {
                tried.countDown();
                t.join();
            }
            assertEquals(null, failure.get());
            assertEquals(3, s.position(), "the evaluation that held the session completed");
        }
    }

    @Test
    void closedObjectsThrowTypedExceptions() {
        Model m = Model.load(Fixtures.smallModel());
        Session s = m.newSession(new SessionOptions(32, 1));
        MemorySegment weights = m.tensors().get(0).data();
        float[] before = s.evaluate(new int[] {1, 2}).toArray();
        s.reset();
        m.close();
        m.close(); // double close is harmless
        assertFalse(m.isOpen());
        Refused.with(SessionStateException.class, () -> m.newSession(), "closed");
        Refused.with(IllegalStateException.class, () -> weights.get(ValueLayout.JAVA_BYTE, 0), "closed");
        // The session keeps the weights alive after the model handle is closed.
        assertArrayEquals(before, s.evaluate(new int[] {1, 2}).toArray());
        s.close();
        s.close();
        Refused.with(SessionStateException.class, () -> s.evaluate(new int[] {1}), "closed");
        Refused.with(SessionStateException.class, s::position, "closed");
    }

    @Test
    void matmulAppliesAWeightMatrixOfTheModel() {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(8, 2));
                java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            TensorInfo up = m.tensors().stream().filter(t -> t.name().equals("blk.1.ffn_up.weight")).findFirst().orElseThrow();
            int cols = (int) up.shape()[0], rows = (int) up.shape()[1];
            // Two rows of x: one-hot at column 3 and at column 7 pick those columns of the F32 matrix.
            MemorySegment x = a.allocate(ValueLayout.JAVA_FLOAT, 2L * cols), y = a.allocate(ValueLayout.JAVA_FLOAT, 2L * rows);
            x.setAtIndex(ValueLayout.JAVA_FLOAT, 3, 1f);
            x.setAtIndex(ValueLayout.JAVA_FLOAT, cols + 7, 1f);
            s.matmul("blk.1.ffn_up.weight", x, 2, y);
            for (int r = 0; r < rows; r++) {
                assertEquals(up.data().getAtIndex(ValueLayout.JAVA_FLOAT, (long) r * cols + 3), y.getAtIndex(ValueLayout.JAVA_FLOAT, r));
                assertEquals(up.data().getAtIndex(ValueLayout.JAVA_FLOAT, (long) r * cols + 7),
                        y.getAtIndex(ValueLayout.JAVA_FLOAT, rows + r));
            }
            Refused.with(InvalidArgumentException.class, () -> s.matmul("blk.9.nothing", x, 1, y), "blk.9.nothing");
            Refused.with(InvalidArgumentException.class, () -> s.matmul("blk.1.attn_norm.weight", x, 1, y),
                    "not a weight matrix of the forward pass");
            Refused.with(InvalidArgumentException.class, () -> s.matmul("blk.1.ffn_up.weight", x, 3, y), "3 rows");
            Refused.with(InvalidArgumentException.class, () -> s.matmul("blk.1.ffn_up.weight", x, 0, y), "0");
        }
    }

    @Test
    void badArgumentsAreRefusedWithClearMessages() {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(8, 1))) {
            Refused.with(InvalidArgumentException.class, () -> s.evaluate(new int[] {1, 2048}), "2048", "out of range");
            Refused.with(InvalidArgumentException.class, () -> s.evaluate(new int[] {-5}), "-5", "out of range");
            Refused.with(InvalidArgumentException.class, () -> s.evaluate(new int[0]), "no tokens");
            Refused.with(InvalidArgumentException.class, () -> s.evaluate(new int[9]), "context full");
            Refused.with(InvalidArgumentException.class, () -> s.rewind(1), "rewind");
            Refused.with(InvalidArgumentException.class, () -> s.rewind(-1), "rewind");
            Refused.with(SessionStateException.class, s::logits, "nothing has been evaluated");
            Refused.with(InvalidArgumentException.class,
                    () -> ControlVector.of(64, new float[][] {null, new float[] {1f}}), "layer 1", "1 values", "64");
            float[][] bad = new float[2][];
            bad[1] = new float[64];
            bad[1][3] = Float.NaN;
            Refused.with(InvalidArgumentException.class, () -> ControlVector.of(64, bad), "NaN", "index 3");
            bad[1][3] = Float.POSITIVE_INFINITY;
            Refused.with(InvalidArgumentException.class, () -> ControlVector.of(64, bad), "Infinity");
            Refused.with(InvalidArgumentException.class, () -> s.setControlVector(ControlVector.of(32, new float[2][])),
                    "32", "64");
        }
        Refused.with(NativeMemoryException.class,
                () -> Model.load(Fixtures.smallModel()).newSession(new SessionOptions(1 << 30, 1)), "KV cache");
    }

    @Test
    void controlVectorsComposeLikeLlamaCpp() {
        ControlVector v = ControlVector.load(Fixtures.resource("fixtures/numerics/gemma3-tiny-F32-s0.cvec.gguf"));
        assertEquals(64, v.embeddingLength());
        assertEquals(7, v.maxLayer());
        float[] d = v.direction(3);
        float[] twice = v.plus(v).direction(3), scaled = v.scale(2).direction(3);
        for (int i = 0; i < 64; i++) {
            assertEquals(2 * d[i], twice[i], 1e-6);
            assertEquals(2 * d[i], scaled[i], 1e-6);
        }
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(64, 1))) {
            float[] plain = s.evaluateAll(TOKENS).toArray();
            Refused.with(InvalidArgumentException.class, () -> s.setControlVector(v, 8, 9), "layer range [8, 9]", "layers 0..7");
            Refused.with(InvalidArgumentException.class, () -> s.setControlVector(v, 3, 8), "layer range [3, 8]");
            s.reset();
            s.setControlVector(v);
            assertTrue(maxDiff(plain, s.evaluateAll(TOKENS).toArray()) > 0.1);
            s.reset();
            s.clearControlVector();
            assertEquals(0.0, maxDiff(plain, s.evaluateAll(TOKENS).toArray()), 1e-6);
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
