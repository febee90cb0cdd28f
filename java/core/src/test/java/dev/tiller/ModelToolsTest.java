package dev.tiller;

import dev.tiller.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quantization and random-model writing, checked against llama.cpp's files and outputs. */
class ModelToolsTest {
    @TempDir
    Path dir;

    private static Map<String, String> types(Path model) {
        try (Model m = Model.load(model)) {
            Map<String, String> out = new TreeMap<>();
            for (TensorInfo t : m.tensors()) out.put(t.name(), t.type());
            return out;
        }
    }

    @Test
    void q4KmMixPicksTheSameTypesAsLlamaCpp() {
        Path full = Fixtures.numericsDir();
        // The same 2-layer Gemma 3 model that llama.cpp quantized to Q4_K_M for the fixtures.
        Path src = full.resolve("gemma3-k-Q5_1.gguf");
        Path ours = dir.resolve("ours-Q4_K_M.gguf");
        ModelTools.quantize(src, ours, "Q4_K_M", 2, true, null);
        assertEquals(types(full.resolve("gemma3-kmix-Q4_K_M.gguf")), types(ours));
        try (Model m = Model.load(ours)) {
            assertEquals(15L, m.metadata().getLong("general.file_type").orElseThrow());
            assertEquals("random-gemma3", m.info().name().orElseThrow());
        }
    }

    @Test
    void quantizingLlamaCppsDequantizedQ8_0GivesItsBlocks() {
        Path src = Fixtures.numericsDir().resolve("gemma3-k-Q8_0.gguf");
        Path f32 = dir.resolve("f32.gguf"), out = dir.resolve("q8.gguf");
        ModelTools.quantize(src, f32, "F32", 2); // dequantizing is allowed without --allow-requantize
        ModelTools.quantize(f32, out, "Q8_0", 2);
        try (Model a = Model.load(src); Model b = Model.load(out)) {
            java.util.List<TensorInfo> ta = a.tensors(), tb = b.tensors();
            assertEquals(ta.size(), tb.size());
            int q8 = 0;
            for (int i = 0; i < ta.size(); i++) {
                assertEquals(ta.get(i).name(), tb.get(i).name());
                assertEquals(ta.get(i).type(), tb.get(i).type(), ta.get(i).name());
                if (!ta.get(i).type().equals("Q8_0")) continue;
                q8++;
                assertEquals(-1L, ta.get(i).data().mismatch(tb.get(i).data()), "blocks of " + ta.get(i).name() + " differ");
            }
            assertTrue(q8 > 5);
        }
    }

    @Test
    void quantizedTensorsAreNotRequantizedUnlessAllowedAndSameTypeTensorsAreCopied() {
        Path src = Fixtures.numericsDir().resolve("gemma3-k-Q5_1.gguf");
        Refused.with(InvalidArgumentException.class, () -> ModelTools.quantize(src, dir.resolve("x.gguf"), "Q4_0", 1),
                "already quantized (Q5_1)", "--allow-requantize", "gemma3-k-Q5_1.gguf");
        assertFalse(java.nio.file.Files.exists(dir.resolve("x.gguf")), "a refused quantization writes nothing");
        java.util.List<long[]> seen = new java.util.ArrayList<>();
        Path q8 = Fixtures.numericsDir().resolve("gemma3-k-Q8_0.gguf"), same = dir.resolve("same.gguf");
        ModelTools.quantize(q8, same, "Q8_0", 1, false, (done, total) -> seen.add(new long[] {done, total}));
        try (Model a = Model.load(q8); Model b = Model.load(same)) {
            int copied = 0;
            for (int i = 0; i < a.tensors().size(); i++) {
                TensorInfo ta = a.tensors().get(i), tb = b.tensors().get(i);
                assertEquals(ta.type(), tb.type(), ta.name());
                assertEquals(-1L, ta.data().mismatch(tb.data()), ta.name() + " was not copied as it is");
                if (ta.type().equals("Q8_0")) copied++;
            }
            assertTrue(copied > 5);
            long total = 0;
            for (TensorInfo t : a.tensors()) total += java.util.Arrays.stream(t.shape()).reduce(1, (x, y) -> x * y);
            assertEquals(a.tensors().size(), seen.size(), "one progress report per tensor");
            for (int i = 1; i < seen.size(); i++) assertTrue(seen.get(i)[0] > seen.get(i - 1)[0]);
            assertArrayEquals(new long[] {total, total}, seen.get(seen.size() - 1));
        }
        RuntimeException boom = new IllegalStateException("listener failed");
        Refused.with(IllegalStateException.class, () -> ModelTools.quantize(q8, dir.resolve("y.gguf"), "Q8_0", 1, false,
                (d, t) -> { throw boom; }), "listener failed");
        // An Error in the listener is raised after the native call too, never thrown into native code.
        Refused.with(AssertionError.class, () -> ModelTools.quantize(q8, dir.resolve("z.gguf"), "Q8_0", 1, false,
                (d, t) -> { throw new AssertionError("listener error"); }), "listener error");
        Path requantized = dir.resolve("q4.gguf");
        ModelTools.quantize(src, requantized, "Q4_0", 1, true, null);
        assertEquals("Q4_0", types(requantized).get("blk.0.ffn_up.weight"));
    }

    @Test
    void randomModelsOfAShapeLoadAndRun() {
        Path out = dir.resolve("random.gguf");
        ModelTools.Shape shape = new ModelTools.Shape("gemma2", 3, 256, 4, 2, 64, 512, 1000);
        ModelTools.writeRandomModel(out, shape, "Q4_K_M", 7, 2);
        // The same weights dequantized to F32 run through the float path: the quantized kernels
        // (8-bit activations against Q4_K / Q6_K blocks) must agree with it within the fixture
        // tolerance of quantized types.
        Path f32 = dir.resolve("random-f32.gguf");
        ModelTools.quantize(out, f32, "F32", 2);
        int[] tokens = {2, 10, 20, 30, 40, 50, 60, 70};
        float[] quantized, reference;
        try (Model m = Model.load(out); Session s = m.newSession(new SessionOptions(32, 2))) {
            assertEquals("gemma2", m.info().architecture());
            assertEquals(3, m.info().layerCount());
            assertEquals(1000, m.info().vocabularySize());
            assertEquals("SGS", m.info().layerPattern());
            quantized = s.evaluateAll(tokens).toArray();
        }
        try (Model m = Model.load(f32); Session s = m.newSession(new SessionOptions(32, 2))) {
            reference = s.evaluateAll(tokens).toArray();
        }
        LogitComparison c = LogitComparison.of(reference, quantized, 1000);
        assertTrue(c.within(LogitComparison.Tolerance.forWeights("Q4_K_M")), c.toString());
        assertTrue(c.maxAbs() > 0, "the quantized path should differ from the float path a little: " + c);
        Map<String, String> t = types(out);
        assertEquals("Q6_K", t.get("token_embd.weight"));
        assertEquals("Q4_K", t.get("blk.1.attn_q.weight"));
        // use_more_bits(i, 3): only the last layer (i >= 7*3/8 = 2) gets Q6_K for attn_v / ffn_down.
        assertEquals("Q4_K", t.get("blk.0.ffn_down.weight"));
        assertEquals("Q6_K", t.get("blk.2.ffn_down.weight"));
        assertEquals("Q6_K", t.get("blk.2.attn_v.weight"));
        assertEquals("F32", t.get("blk.0.attn_norm.weight"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> ModelTools.writeRandomModel(dir.resolve("x.gguf"), shape, "Q3_K", 1, 1));
        assertTrue(e.getMessage().contains("Q3_K"), e.getMessage());
    }
}
