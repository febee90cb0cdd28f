package dev.tiller;

import dev.tiller.testing.GgufBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of broken GGUF files, each of which must give a typed exception naming the problem
 * (and never crash the JVM).
 */
class MalformedGgufTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private <T extends TillerException> T expect(Class<T> type, byte[] bytes, String... fragments) throws IOException {
        Path p = write("case.gguf", bytes);
        T e = assertThrows(type, () -> {
            try (Model m = Model.load(p)) {
                m.info();
            }
        });
        assertTrue(e.getMessage().contains(p.toString()), "message should name the file: " + e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message should contain '" + f + "': " + e.getMessage());
        return e;
    }

    private static void putI64(byte[] b, long at, long v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at, v);
    }

    private static void putI32(byte[] b, long at, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, v);
    }

    /** Offset of the 'offset' field of tensor info i (name, rank, dims, type precede it). */
    private static long tensorOffsetField(GgufBuilder g, byte[] b, int i) {
        long at = g.tensorInfoOffsets.get(i);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long nameLen = bb.getLong((int) at);
        int rank = bb.getInt((int) (at + 8 + nameLen));
        return at + 8 + nameLen + 4 + 8L * rank + 4;
    }

    @Test
    void validTinyModelsLoadAndRun() throws IOException {
        // Attention over a single position must return that position's value vector whatever the
        // queries and keys: the first token's logits cannot depend on attn_q / attn_k, the second's must.
        for (String arch : new String[] {"gemma", "gemma2", "gemma3"}) {
            Path p = write(arch + ".gguf", GgufBuilder.tinyModel(arch, 1).build());
            Path otherQk = write(arch + "-qk.gguf", GgufBuilder.tinyModel(arch, 1, 99).build());
            float[] a, b;
            try (Model m = Model.load(p); Session s = m.newSession(new SessionOptions(16, 1))) {
                assertEquals(arch, m.info().architecture());
                a = s.evaluateAll(new int[] {1, 2, 3}).toArray();
            }
            try (Model m = Model.load(otherQk); Session s = m.newSession(new SessionOptions(16, 1))) {
                b = s.evaluateAll(new int[] {1, 2, 3}).toArray();
            }
            assertEquals(3 * 64, a.length);
            double first = 0, second = 0;
            for (int i = 0; i < 64; i++) {
                assertTrue(Float.isFinite(a[i]) && Float.isFinite(a[64 + i]));
                first = Math.max(first, Math.abs(a[i] - b[i]));
                second = Math.max(second, Math.abs(a[64 + i] - b[64 + i]));
            }
            assertEquals(0.0, first, 1e-5, arch + ": the first position's logits depend on the queries or keys");
            assertTrue(second > 1e-3, arch + ": the second position's logits ignore the queries and keys");
        }
    }

    @Test
    void aVocabularyThatDisagreesWithTheWeightsIsRefusedNamingTheKeys() throws IOException {
        Path empty = write("empty-vocab.gguf", GgufBuilder.tinyModel("gemma2", 1).removeKey("tokenizer.ggml.tokens")
                .strings("tokenizer.ggml.tokens", java.util.List.of()).build());
        Refused.with(ModelFormatException.class, () -> Model.load(empty), "empty-vocab.gguf", "'tokenizer.ggml.tokens' holds 0 tokens",
                "'token_embd.weight'", "64 rows");
        java.util.List<String> more = new java.util.ArrayList<>();
        for (int i = 0; i < 65; i++) more.add("t" + i);
        Path longer = write("longer-vocab.gguf", GgufBuilder.tinyModel("gemma", 1).removeKey("tokenizer.ggml.tokens")
                .strings("tokenizer.ggml.tokens", more).build());
        Refused.with(ModelFormatException.class, () -> Model.load(longer), "holds 65 tokens", "64 rows");
        Path scores = write("scores.gguf", GgufBuilder.tinyModel("gemma3", 1).floats("tokenizer.ggml.scores", new float[3]).build());
        Refused.with(ModelFormatException.class, () -> Model.load(scores), "'tokenizer.ggml.scores' holds 3 values for the 64 tokens");
        Path types = write("types.gguf", GgufBuilder.tinyModel("gemma3", 1).ints("tokenizer.ggml.token_type", new int[70]).build());
        Refused.with(ModelFormatException.class, () -> Model.load(types), "'tokenizer.ggml.token_type' holds 70 values");
        Path none = write("no-vocab.gguf", GgufBuilder.tinyModel("gemma3", 1).removeKey("tokenizer.ggml.tokens").build());
        Refused.with(ModelFormatException.class, () -> Model.load(none), "'tokenizer.ggml.tokens' (the vocabulary) is missing");
        // Described anyway, never run.
        try (Model m = Model.openForInspection(empty)) {
            assertEquals(64, m.info().vocabularySize());
            assertTrue(m.problem().orElseThrow().contains("holds 0 tokens"), m.problem().toString());
            Refused.with(ModelFormatException.class, () -> m.newSession(new SessionOptions(8, 1)), "inspection only");
        }
        try (Model ok = Model.openForInspection(write("ok.gguf", GgufBuilder.tinyModel("gemma", 1).build()))) {
            assertTrue(ok.problem().isEmpty());
        }
    }

    @Test
    void truncatedAtEverySectionBoundary() throws IOException {
        GgufBuilder g = GgufBuilder.tinyModel("gemma2", 2);
        byte[] full = g.build();
        // Every boundary but the end, and one byte short of each (inside the previous section).
        for (int i = 0; i < g.boundaries.size() - 1; i++) {
            long cut = g.boundaries.get(i);
            for (long at : new long[] {cut, cut - 1}) {
                if (at <= 0) continue;
                expect(ModelFormatException.class, Arrays.copyOf(full, (int) at));
            }
        }
        expect(ModelFormatException.class, Arrays.copyOf(full, full.length - 1), "past the end");
        expect(ModelFormatException.class, Arrays.copyOf(full, 3), "not a GGUF file");
    }

    @Test
    void emptyAndMissingFiles() throws IOException {
        expect(ModelFormatException.class, new byte[0], "empty file");
        ModelIOException e = assertThrows(ModelIOException.class, () -> Model.load(dir.resolve("absent.gguf")));
        assertTrue(e.getMessage().contains("absent.gguf") && e.getMessage().contains("cannot open"), e.getMessage());
        assertThrows(ModelIOException.class, () -> Model.load(dir), "a directory is not a model");
    }

    @Test
    void badMagicAndVersions() throws IOException {
        byte[] b = GgufBuilder.tinyModel("gemma", 3).build();
        byte[] magic = b.clone();
        magic[0] = 'X';
        expect(ModelFormatException.class, magic, "bad magic");
        byte[] v1 = b.clone();
        putI32(v1, 4, 1);
        expect(UnsupportedModelException.class, v1, "version 1");
        byte[] v9 = b.clone();
        putI32(v9, 4, 9);
        expect(ModelFormatException.class, v9, "unknown GGUF version 9");
        byte[] be = b.clone();
        putI32(be, 4, 0x03000000);
        expect(UnsupportedModelException.class, be, "big-endian");
    }

    @Test
    void impossibleCounts() throws IOException {
        byte[] b = GgufBuilder.tinyModel("gemma", 4).build();
        byte[] nt = b.clone();
        putI64(nt, 8, 1L << 60);
        expect(ModelFormatException.class, nt, "tensor count");
        byte[] nkv = b.clone();
        putI64(nkv, 16, 1L << 60);
        expect(ModelFormatException.class, nkv, "metadata count");
        byte[] neg = b.clone();
        putI64(neg, 16, -1);
        expect(ModelFormatException.class, neg, "metadata count");
    }

    @Test
    void stringLengthPastTheEnd() throws IOException {
        GgufBuilder g = GgufBuilder.tinyModel("gemma", 5);
        byte[] b = g.build();
        byte[] key = b.clone();
        putI64(key, g.kvOffsets.get(0), 1L << 40);
        expect(ModelFormatException.class, key, "truncated");
        byte[] name = b.clone();
        putI64(name, g.tensorInfoOffsets.get(0), Long.MAX_VALUE);
        expect(ModelFormatException.class, name, "truncated");
    }

    @Test
    void offsetsPastTheEndOrOverlapping() throws IOException {
        GgufBuilder g = GgufBuilder.tinyModel("gemma", 6);
        byte[] b = g.build();
        byte[] past = b.clone();
        putI64(past, tensorOffsetField(g, b, 0), 1L << 40);
        expect(ModelFormatException.class, past, "token_embd.weight", "past the end");
        byte[] overlap = b.clone();
        putI64(overlap, tensorOffsetField(g, b, 2), 0);
        expect(ModelFormatException.class, overlap, "overlap");
        byte[] misaligned = b.clone();
        putI64(misaligned, tensorOffsetField(g, b, 1), 3);
        expect(ModelFormatException.class, misaligned, "not aligned");
    }

    @Test
    void badDimensionsRankAndTypes() throws IOException {
        expect(ModelFormatException.class, GgufBuilder.tinyModel("gemma", 7)
                .rawTensor("huge", new long[] {1L << 40, 1L << 40, 1L << 40}, 0, new byte[0]).build(), "huge", "overflows");
        expect(ModelFormatException.class, GgufBuilder.tinyModel("gemma", 7)
                .rawTensor("rank5", new long[] {1, 1, 1, 1, 1}, 0, new byte[4]).build(), "rank5", "rank 5");
        expect(ModelFormatException.class, GgufBuilder.tinyModel("gemma", 7)
                .rawTensor("weird", new long[] {4}, 99, new byte[16]).build(), "weird", "unknown type id 99");
        // A real ggml type that Tiller does not run: IQ2_XXS (16), 66 bytes per 256 values.
        GgufBuilder iq = GgufBuilder.tinyModel("gemma", 7);
        iq.removeTensor("blk.0.ffn_up.weight").rawTensor("blk.0.ffn_up.weight", new long[] {256, 64}, 16, new byte[66 * 64]);
        byte[] iqBytes = iq.build();
        // ne0 must match n_embd for the shape check; the type check comes first and names the tensor.
        expect(UnsupportedModelException.class, iqBytes, "blk.0.ffn_up.weight", "IQ2_XXS");
    }

    @Test
    void missingTensorAndShapeMismatch() throws IOException {
        expect(ModelFormatException.class, GgufBuilder.tinyModel("gemma2", 8).removeTensor("blk.1.ffn_up.weight").build(),
                "blk.1.ffn_up.weight", "missing");
        expect(ModelFormatException.class,
                GgufBuilder.tinyModel("gemma2", 8).replaceTensor("blk.0.attn_q.weight", new long[] {32, 16}, new float[512]).build(),
                "blk.0.attn_q.weight", "shape [32, 16]", "[32, 32]");
        expect(ModelFormatException.class, GgufBuilder.tinyModel("gemma2", 8).removeKey("gemma2.block_count").build(),
                "gemma2.block_count", "missing");
    }

    @Test
    void unsupportedArchitectureAndSplitFiles() throws IOException {
        expect(UnsupportedModelException.class, GgufBuilder.tinyModel("llama", 9).build(), "architecture 'llama'",
                "gemma, gemma2, gemma3");
        expect(UnsupportedModelException.class, GgufBuilder.tinyModel("gemma", 9).u32("split.count", 3).build(), "split");
    }

    @Test
    void duplicateKeysAndTensors() throws IOException {
        expect(ModelFormatException.class, GgufBuilder.tinyModel("gemma", 10).u32("gemma.block_count", 2).build(),
                "duplicate metadata key 'gemma.block_count'");
        expect(ModelFormatException.class,
                GgufBuilder.tinyModel("gemma", 10).tensor("output_norm.weight", new long[] {32}, new float[32]).build(),
                "duplicate tensor 'output_norm.weight'");
    }
}
