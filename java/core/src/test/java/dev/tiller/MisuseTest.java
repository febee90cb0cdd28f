package dev.tiller;

import dev.tiller.steer.ControlVector;
import dev.tiller.testing.Fixtures;
import dev.tiller.testing.GgufBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a careless or hostile caller can do, and the typed exception (never a crash) each gets. */
class MisuseTest {
    @TempDir
    Path dir;

    private static SamplingParams longRun() {
        // EOS banned so that the generation runs its full length.
        return SamplingParams.greedy().withMaxTokens(300).withLogitBias(Map.of(2, Float.NEGATIVE_INFINITY));
    }

    @Test
    void closingTheModelWhileASessionGeneratesOnAnotherThread() throws Exception {
        Model m = Model.load(Fixtures.smallModel());
        Session s = m.newSession(new SessionOptions(512, 1));
        CountDownLatch started = new CountDownLatch(1), closed = new CountDownLatch(1);
        AtomicReference<Object> result = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger tokens = new java.util.concurrent.atomic.AtomicInteger();
        Thread t = new Thread(() -> {
            try (Generation g = s.generate(new int[] {1, 5, 6}, longRun())) {
                g.next();
                started.countDown();
                closed.await(); // the rest of the generation runs after the model was closed
                tokens.set(1 + (int) g.stream().count());
                result.set(g.finishReason());
            } catch (Throwable e) {
                result.set(e);
            }
        });
        t.start();
        started.await();
        m.close();
        assertFalse(m.isOpen());
        closed.countDown();
        t.join();
        // The session holds the weights: the generation ran to its end after the close.
        assertEquals(FinishReason.LENGTH, result.get());
        assertEquals(300, tokens.get());
        Refused.with(SessionStateException.class, () -> m.newSession(), "closed");
        s.close();
    }

    @Test
    void interruptingTheGeneratingThreadStopsTheGeneration() throws Exception {
        try (Model m = Model.load(Fixtures.smallModel()); Session s = m.newSession(new SessionOptions(512, 1))) {
            AtomicReference<FinishReason> reason = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicInteger tokens = new java.util.concurrent.atomic.AtomicInteger();
            CountDownLatch started = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                Generation g = s.generate(new int[] {1, 5, 6}, longRun());
                g.next();
                started.countDown();
                // Wait for the interrupt without clearing the flag, so it cannot arrive after the end.
                while (!Thread.currentThread().isInterrupted()) Thread.onSpinWait();
                int n = 1;
                while (g.hasNext()) {
                    g.next();
                    n++;
                }
                tokens.set(n);
                reason.set(g.finishReason());
            });
            t.start();
            started.await();
            t.interrupt();
            t.join();
            assertEquals(FinishReason.CANCELLED, reason.get());
            assertEquals(1, tokens.get(), "no token after the interrupt");
        }
    }

    @Test
    void negativeAndHugeArguments() {
        try (Model m = Model.load(Fixtures.smallModel())) {
            Refused.with(InvalidArgumentException.class, () -> m.newSession(new SessionOptions(16, 5000)), "thread count 5000");
            try (Session s = m.newSession(new SessionOptions(16, -3))) {
                assertEquals(16, s.contextLength()); // non-positive thread counts mean "all cores"
                Refused.with(InvalidArgumentException.class, () -> s.captureLayers(-1), "layer -1");
                Refused.with(InvalidArgumentException.class, () -> s.rewind(Integer.MAX_VALUE), "rewind", "2147483647");
                Refused.with(InvalidArgumentException.class, () -> s.evaluate(new int[] {Integer.MIN_VALUE}),
                        "-2147483648", "out of range");
                Refused.with(InvalidArgumentException.class, () -> s.setControlVector(
                        ControlVector.of(64, new float[3][]), 5, 1), "layer range");
            }
            Tokenizer tok = m.tokenizer();
            Refused.with(InvalidArgumentException.class, () -> tok.tokenText(-1), "token id -1");
            Refused.with(InvalidArgumentException.class, () -> tok.pieceBytes(1 << 30, false), "token id 1073741824");
        }
        Refused.with(InvalidArgumentException.class, () -> SamplingParams.defaults().withTopP(2f), "top-p", "2.0");
        Refused.with(InvalidArgumentException.class, () -> SamplingParams.defaults().withTopK(-1), "top-k", "-1");
        Refused.with(InvalidArgumentException.class, () -> SamplingParams.defaults().withTemperature(Float.NaN),
                "temperature", "NaN");
        Refused.with(InvalidArgumentException.class, () -> SamplingParams.defaults().withRepeatPenalty(0f),
                "repeat penalty");
        Refused.with(InvalidArgumentException.class, () -> SamplingParams.defaults().withLogitBias(Map.of(1, Float.NaN)),
                "logit bias", "NaN");
    }

    @Test
    void nanAndInfiniteValuesInControlVectorFiles() throws IOException {
        GgufBuilder b = new GgufBuilder().str("general.architecture", "controlvector");
        float[] v = new float[64];
        v[7] = Float.NaN;
        b.tensor("direction.1", new long[] {64}, v);
        Path p = dir.resolve("nan.gguf");
        Files.write(p, b.build());
        Refused.with(ModelFormatException.class, () -> ControlVector.load(p), "direction.1", "NaN", p.toString());
        GgufBuilder zero = new GgufBuilder().str("general.architecture", "controlvector");
        zero.tensor("direction.0", new long[] {64}, new float[64]);
        Path z = dir.resolve("zero.gguf");
        Files.write(z, zero.build());
        Refused.with(ModelFormatException.class, () -> ControlVector.load(z), "layer 0");
        Refused.with(InvalidArgumentException.class, () -> ControlVector.load(Fixtures.smallModel().getParent()
                .resolve("gemma3-tiny-F32-s0.cvec.gguf")).scale(Float.POSITIVE_INFINITY), "Infinity");
    }

    @Test
    void aModelFileReplacedOnDiskWhileMappedKeepsWorking() throws IOException {
        // Documented behaviour: replacing a file (write elsewhere, rename over it) is safe, the
        // mapping keeps the old contents. Rewriting a mapped file in place is not supported.
        Path p = dir.resolve("model.gguf");
        Files.copy(Fixtures.smallModel(), p);
        try (Model m = Model.load(p); Session s = m.newSession(new SessionOptions(16, 1))) {
            float[] before = s.evaluate(new int[] {1, 2, 3}).toArray();
            Path other = dir.resolve("other.gguf");
            Files.write(other, GgufBuilder.tinyModel("gemma", 3).build());
            Files.move(other, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            s.reset();
            float[] after = s.evaluate(new int[] {1, 2, 3}).toArray();
            assertEquals(before.length, after.length);
            for (int i = 0; i < before.length; i++) assertEquals(before[i], after[i]);
        }
        try (Model replaced = Model.load(p)) {
            assertEquals("gemma", replaced.info().architecture());
        }
    }
}
