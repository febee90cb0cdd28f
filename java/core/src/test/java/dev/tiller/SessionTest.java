package dev.tiller;

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
import org.junit.jupiter.api.Test;

/** The Java API's contract: lifetimes, views without copies, threads, misuse. */
class SessionTest {
    private static final int[] TOKENS = {2, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400,
        1500, 1600, 1700, 1800, 1900, 7, 8, 9, 10, 11};

    private static float[] run(Model m, int[] tokens) {
        try (Session s = m.newSession(new SessionOptions(64, 1))) {
            return s.evaluateAll(tokens).toArray(ValueLayout.JAVA_FLOAT);
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
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(64, 1))) {
            MemorySegment a = s.evaluate(new int[] {2, 3});
            assertTrue(a.isNative(), "logits must be a view of native memory");
            assertTrue(a.isReadOnly());
            assertEquals(2048L * 4, a.byteSize());
            // Same native buffer as the session reports: a view, not a copy.
            assertEquals(a.address(), s.logits().address());
            TensorInfo t = m.tensors().get(0);
            assertTrue(t.data().isNative() && t.data().isReadOnly());
            // A one-token step reuses the buffer: the old view stays readable and shows the new logits.
            MemorySegment b = s.evaluate(new int[] {4});
            assertEquals(a.address(), b.address());
            assertEquals(b.get(ValueLayout.JAVA_FLOAT, 40), a.get(ValueLayout.JAVA_FLOAT, 40));
            // An evaluation that needs a larger buffer invalidates every earlier view.
            s.evaluateAll(new int[] {5, 6, 7});
            Refused.with(IllegalStateException.class, () -> a.get(ValueLayout.JAVA_FLOAT, 0), "closed");
            Refused.with(IllegalStateException.class, () -> b.get(ValueLayout.JAVA_FLOAT, 0), "closed");
        }
    }

    @Test
    void incrementalRewindAndResetAgreeWithBatched() {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(64, 2))) {
            float[] batched = s.evaluateAll(TOKENS).toArray(ValueLayout.JAVA_FLOAT);
            assertEquals(TOKENS.length, s.position());
            s.rewind(5);
            assertEquals(TOKENS.length - 5, s.position());
            float[] tail = s.evaluateAll(java.util.Arrays.copyOfRange(TOKENS, TOKENS.length - 5, TOKENS.length))
                    .toArray(ValueLayout.JAVA_FLOAT);
            float[] expectTail = java.util.Arrays.copyOfRange(batched, (TOKENS.length - 5) * 2048, batched.length);
            assertEquals(0.0, maxDiff(expectTail, tail), 1e-4);
            s.reset();
            assertEquals(0, s.position());
            float[] inc = NumericsFixtureTest.incremental(s, TOKENS, 2048);
            assertEquals(0.0, maxDiff(batched, inc), 1e-4);
        }
    }

    @Test
    void captureViewsEveryRequestedLayer() {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(64, 1))) {
            s.captureLayers(0, 7);
            s.evaluate(TOKENS);
            assertEquals((long) TOKENS.length * 64 * 4, s.captured(7).byteSize());
            assertTrue(s.captured(0).isNative());
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
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(512, 1))) {
            int[] longPrompt = new int[400];
            for (int i = 0; i < longPrompt.length; i++) longPrompt[i] = (i * 7) % 2048;
            java.util.concurrent.atomic.AtomicBoolean refused = new java.util.concurrent.atomic.AtomicBoolean();
            long deadline = System.nanoTime() + 20_000_000_000L;
            Thread t = new Thread(() -> {
                while (!refused.get() && System.nanoTime() < deadline) {
                    try {
                        s.reset();
                        s.evaluate(longPrompt);
                    } catch (SessionStateException e) {
                        // the main thread was inside the session at that moment: also a refusal
                    }
                }
            });
            t.start();
            while (t.isAlive() && !refused.get()) {
                try {
                    s.position();
                } catch (SessionStateException e) {
                    assertTrue(e.getMessage().contains("another thread"), e.getMessage());
                    refused.set(true);
                }
            }
            t.join();
            assertTrue(refused.get(), "a concurrent call was never refused");
        }
    }

    @Test
    void closedObjectsThrowTypedExceptions() {
        Model m = Model.load(Fixtures.smallModel());
        Session s = m.newSession(new SessionOptions(32, 1));
        MemorySegment weights = m.tensors().get(0).data();
        m.close();
        m.close(); // double close is harmless
        assertFalse(m.isOpen());
        Refused.with(SessionStateException.class, () -> m.newSession(), "closed");
        Refused.with(IllegalStateException.class, () -> weights.get(ValueLayout.JAVA_BYTE, 0), "closed");
        // The session keeps the weights alive after the model handle is closed.
        assertEquals(2048L * 4, s.evaluate(new int[] {1, 2}).byteSize());
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
            float[] plain = s.evaluateAll(TOKENS).toArray(ValueLayout.JAVA_FLOAT);
            s.reset();
            s.setControlVector(v, 8, 9); // no layer in range: no effect
            assertEquals(0.0, maxDiff(plain, s.evaluateAll(TOKENS).toArray(ValueLayout.JAVA_FLOAT)), 1e-6);
            s.reset();
            s.setControlVector(v);
            assertTrue(maxDiff(plain, s.evaluateAll(TOKENS).toArray(ValueLayout.JAVA_FLOAT)) > 0.1);
            s.reset();
            s.clearControlVector();
            assertEquals(0.0, maxDiff(plain, s.evaluateAll(TOKENS).toArray(ValueLayout.JAVA_FLOAT)), 1e-6);
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
