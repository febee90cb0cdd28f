package dev.tiller;

import dev.tiller.testing.GgufBuilder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Valid files written differently must load and compute the same logits: GGUF v2, another
 * alignment, tensor data in another order, unknown keys, per-layer array hyper-parameters.
 */
class GgufVariantsTest {
    @TempDir
    Path dir;

    private float[] logits(GgufBuilder b, String name) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, b.build());
        try (Model m = Model.load(p); Session s = m.newSession(new SessionOptions(16, 1))) {
            return s.evaluateAll(new int[] {1, 5, 9, 13, 2, 7, 11, 3, 4, 8, 12}).toArray();
        }
    }

    @Test
    void equivalentEncodingsGiveIdenticalLogits() throws IOException {
        for (String arch : new String[] {"gemma", "gemma2", "gemma3"}) {
            float[] base = logits(GgufBuilder.tinyModel(arch, 11), arch + "-base.gguf");
            assertArrayEquals(base, logits(GgufBuilder.tinyModel(arch, 11).version(2), arch + "-v2.gguf"), arch + " v2");
            assertArrayEquals(base, logits(GgufBuilder.tinyModel(arch, 11).alignment(64), arch + "-a64.gguf"), arch + " align 64");
            assertArrayEquals(base, logits(GgufBuilder.tinyModel(arch, 11).reverseData(), arch + "-rev.gguf"), arch + " data order");
            assertArrayEquals(base, logits(GgufBuilder.tinyModel(arch, 11).str("vendor.unknown.key", "x")
                    .floats("vendor.other", new float[] {1, 2}), arch + "-extra.gguf"), arch + " unknown keys");
            GgufBuilder perLayer = GgufBuilder.tinyModel(arch, 11)
                    .removeKey(arch + ".feed_forward_length").ints(arch + ".feed_forward_length", new int[] {64, 64})
                    .removeKey(arch + ".attention.head_count_kv").ints(arch + ".attention.head_count_kv", new int[] {1, 1});
            assertArrayEquals(base, logits(perLayer, arch + "-arrays.gguf"), arch + " per-layer arrays");
        }
    }

    @Test
    void perLayerWidthsAreReadPerLayer() throws IOException {
        GgufBuilder b = GgufBuilder.tinyModel("gemma2", 12)
                .removeKey("gemma2.attention.head_count_kv").ints("gemma2.attention.head_count_kv", new int[] {1, 2})
                .replaceTensor("blk.1.attn_k.weight", new long[] {32, 32}, new float[32 * 32])
                .replaceTensor("blk.1.attn_v.weight", new long[] {32, 32}, new float[32 * 32]);
        Path p = dir.resolve("mixed.gguf");
        Files.write(p, b.build());
        try (Model m = Model.load(p)) {
            assertEquals(1, m.info().layers().get(0).kvHeads());
            assertEquals(2, m.info().layers().get(1).kvHeads());
            assertEquals("SG", m.info().layerPattern());
        }
    }
}
