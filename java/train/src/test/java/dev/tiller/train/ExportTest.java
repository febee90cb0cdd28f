package dev.tiller.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.Tokenizer;
import dev.tiller.steer.Sae;
import dev.tiller.train.nn.GemmaExport;
import dev.tiller.train.nn.TransformerConfig;
import dev.tiller.train.nn.TransformerLm;
import dev.tiller.train.text.BpeTrainer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the training side writes, read back by the inference side: a BPE vocabulary through the
 * runtime's tokenizer, a trained transformer as a Gemma 2 GGUF whose runtime logits equal the
 * training graph's, and an SAE through the Gemma Scope npz loader.
 */
class ExportTest {
    static final List<String> TEXT = List.of("the cat sat on the mat", "the cat ate the rat", "a rat sat\non the hat", "Zoë's café — naïve");

    static BpeTrainer.Vocabulary vocab(int size) {
        return BpeTrainer.train(TEXT, size, 1);
    }

    @Test
    void bpeVocabularyReplaysItsMergesInTheRuntimeTokenizer(@TempDir Path dir) {
        BpeTrainer.Vocabulary v = vocab(320);
        Path f = dir.resolve("vocab.gguf");
        try (dev.tiller.io.GgufWriter w = new dev.tiller.io.GgufWriter()) {
            w.setString("general.architecture", "gemma2");
            v.writeTo(w);
            w.write(f);
        }
        try (Tokenizer t = Tokenizer.load(f)) {
            assertEquals(v.size(), t.vocabularySize());
            // Frequent words became single tokens through the merges.
            int[] ids = t.encode("the cat", false, false);
            assertArrayEquals(new int[] {t.tokenId("the").orElseThrow(), t.tokenId(BpeTrainer.SPACE + "cat").orElseThrow()}, ids);
            // Newline is its own token; unseen characters fall back to bytes; text round-trips.
            String s = "the hat\nsat on a zebra ✓";
            int[] enc = t.encode(s, false, false);
            assertEquals(s, t.decode(enc));
            assertTrue(java.util.Arrays.stream(enc).anyMatch(id -> id == BpeTrainer.NEWLINE));
            assertEquals(BpeTrainer.BOS, t.encode("x", true, false)[0]);
        }
    }

    @Test
    void exportedTransformerComputesTheSameLogitsInTheRuntime(@TempDir Path dir) {
        BpeTrainer.Vocabulary v = vocab(300);
        TransformerConfig c = new TransformerConfig(v.size(), 32, 2, 2, 2, 16, 48, 16, 10000f, 50f, 30f, true, 1e-6f);
        int[] tokens = {2, 40, 41, 7, 100, 120, v.size() - 1, 45, 46, 47};
        Path f = dir.resolve("tiny.gguf");
        float[] expected;
        try (Graph g = new Graph(1)) {
            TransformerLm m = new TransformerLm(g, c, new SplittableRandom(5));
            // Larger weights than the initialisation, so that the soft-caps and norms matter.
            for (Tensor p : m.parameters()) {
                float[] a = p.toArray();
                SplittableRandom r = new SplittableRandom(a.length);
                for (int i = 0; i < a.length; i++) a[i] += (float) (r.nextGaussian() * 0.3);
                p.copyFrom(a);
            }
            expected = m.forward(tokens, 1, tokens.length).toArray();
            GemmaExport.write(m, v, "test", Map.of(), false, f);
        }
        try (Model model = Model.load(f); Session s = model.newSession(new SessionOptions(16, 1))) {
            assertEquals("gemma2", model.info().architecture());
            float[] got = s.evaluateAll(tokens).toArray();
            assertEquals(expected.length, got.length);
            double worst = 0;
            for (int i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
            assertTrue(worst < 2e-3, "largest logit difference " + worst);
        }
    }

    @Test
    void exportedGemma3WithSlidingLayersComputesTheSameLogitsInTheRuntime(@TempDir Path dir) {
        // q/k norms, a window of 3 on layers 0 and 2 (pattern 2) with their own RoPE base, a global
        // layer between, grouped-query heads and d_model != heads x head_dim: the runtime's
        // Gemma 3 forward pass over 12 tokens must give the trained model's logits.
        BpeTrainer.Vocabulary v = vocab(300);
        TransformerConfig c = new TransformerConfig(v.size(), 32, 3, 4, 2, 12, 48, 16, 20000f, 0f, 0f, true, 1e-6f,
                new TransformerConfig.Gemma3(3, 2, 500f));
        int[] tokens = {2, 40, 41, 7, 100, 120, v.size() - 1, 45, 46, 47, 48, 49};
        Path f = dir.resolve("tiny3.gguf");
        float[] expected;
        try (Graph g = new Graph(1)) {
            TransformerLm m = new TransformerLm(g, c, new SplittableRandom(6));
            for (Tensor p : m.parameters()) {
                float[] a = p.toArray();
                SplittableRandom r = new SplittableRandom(a.length + 1);
                for (int i = 0; i < a.length; i++) a[i] += (float) (r.nextGaussian() * 0.3);
                p.copyFrom(a);
            }
            expected = m.forward(tokens, 1, tokens.length).toArray();
            GemmaExport.write(m, v, "test3", Map.of(), false, f);
        }
        try (Model model = Model.load(f); Session s = model.newSession(new SessionOptions(16, 1))) {
            assertEquals("gemma3", model.info().architecture());
            assertEquals("SGS", model.info().layerPattern());
            float[] got = s.evaluateAll(tokens).toArray();
            double worst = 0;
            for (int i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
            assertTrue(worst < 2e-3, "largest logit difference " + worst);
        }
    }

    @Test
    void npzSaeLoadsThroughTheGemmaScopeLoader(@TempDir Path dir) {
        int d = 4, m = 3;
        float[] wEnc = new float[d * m], wDec = new float[m * d];
        for (int i = 0; i < d; i++) wEnc[i * m + (i % m)] = 1f;  // feature c reads input c (and input 3 feeds feature 0)
        for (int c = 0; c < m; c++) wDec[c * d + c] = 2f;
        new dev.tiller.train.sae.SaeTrainer.Weights(d, m, wEnc, new float[] {0, -1, 0}, wDec, new float[] {0, 0, 0, 1}).save(dir.resolve("sae.npz"));
        try (Sae sae = Sae.load(dir.resolve("sae.npz"))) {
            assertEquals(d, sae.dModel());
            assertEquals(m, sae.dSae());
            float[][] f = sae.encode(new float[][] {{0.5f, 2f, -1f, 0.25f}});
            assertArrayEquals(new float[] {0.75f, 1f, 0f}, f[0], 1e-6f);
            float[][] x = sae.decode(f);
            assertArrayEquals(new float[] {1.5f, 2f, 0f, 1f}, x[0], 1e-6f);
        }
    }
}
