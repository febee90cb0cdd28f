package dev.tiller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
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
        ModelTools.quantize(src, ours, "Q4_K_M", 2);
        assertEquals(types(full.resolve("gemma3-kmix-Q4_K_M.gguf")), types(ours));
        try (Model m = Model.load(ours)) {
            assertEquals(15L, m.metadata().getLong("general.file_type").orElseThrow());
            assertEquals("random-gemma3", m.info().name().orElseThrow());
        }
    }

    @Test
    void requantizingLlamaCppQ8_0GivesTheSameBlocks() {
        Path src = Fixtures.numericsDir().resolve("gemma3-k-Q8_0.gguf");
        Path out = dir.resolve("q8.gguf");
        ModelTools.quantize(src, out, "Q8_0", 2);
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
    void randomModelsOfAShapeLoadAndRun() {
        Path out = dir.resolve("random.gguf");
        ModelTools.Shape shape = new ModelTools.Shape("gemma2", 3, 256, 4, 2, 64, 512, 1000);
        ModelTools.writeRandomModel(out, shape, "Q4_K_M", 7, 2);
        try (Model m = Model.load(out); Session s = m.newSession(new SessionOptions(32, 2))) {
            assertEquals("gemma2", m.info().architecture());
            assertEquals(3, m.info().layerCount());
            assertEquals(1000, m.info().vocabularySize());
            assertEquals("SGS", m.info().layerPattern());
            float[] l = s.evaluate(new int[] {2, 10, 20}).toArray();
            for (float v : l) assertTrue(Float.isFinite(v));
        }
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
