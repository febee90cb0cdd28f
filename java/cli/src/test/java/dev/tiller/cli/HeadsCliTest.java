package dev.tiller.cli;

import dev.tiller.CapturePoint;
import dev.tiller.LayerInfo;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code tiller heads score} against a reference written here from the definitions of issue 16,
 * in float64: queries and keys captured through the attn_q / attn_k taps, scores with Gemma 2's
 * soft-cap, the local and bulk sets, the key set's mean and covariance, log Z-hat (under the cap by
 * commons-math3's 16-point Gauss-Hermite rule), p-hat and the exact bulk mass; within 1e-4 on the
 * Gemma 1, 2 and 3 fixtures for both moment options. Then {@code heads report}'s files,
 * {@code --adaptive-attention 0} against plain logits, and misuse.
 */
class HeadsCliTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        return Fixtures.numericsDir().resolve(name);
    }

    static int[] caseTokens(String model) {
        return Fixtures.cases().stream().filter(c -> c.model().equals(model)).findFirst().orElseThrow().tokens();
    }

    @ParameterizedTest(name = "{0} {1} moments, t_sink {2}, t_local {3}")
    @CsvSource({
        "gemma1-tiny-F16.gguf, local, 4, 8, 0", "gemma1-tiny-F16.gguf, bulk, 4, 8, 0",
        "gemma2-tiny-F32.gguf, local, 4, 8, 0", "gemma2-tiny-F32.gguf, bulk, 4, 8, 0",
        "gemma3-tiny-F32.gguf, local, 4, 8, 0", "gemma3-tiny-F32.gguf, bulk, 4, 8, 0",
        // the default window over 600 tokens: two ubatches, bulk sets of hundreds of keys
        "gemma2-tiny-F32.gguf, local, 16, 256, 600", "gemma3-tiny-F32.gguf, bulk, 16, 256, 600"})
    void scoresMatchAFloat64Reference(String model, String moments, int tSink, int tLocal, int random) throws IOException {
        Path m = fixture(model);
        int[] tokens = random > 0 ? randomTokens(m, random) : caseTokens(model);
        Path out = dir.resolve("scores.f32");
        Tiller.Result r = Tiller.run("heads", "score", "--model", m.toString(), "--tokens", ids(tokens), "--t-sink", "" + tSink,
                "--t-local", "" + tLocal, "--moments", moments, "--out", out.toString(), "--threads", "2");
        assertEquals(0, r.status(), r.err());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        try (Model model_ = Model.load(m); Session s = model_.newSession(new SessionOptions(tokens.length, 1))) {
            List<Integer> global = new ArrayList<>();
            for (LayerInfo l : model_.info().layers()) if (!l.slidingWindow()) global.add(l.index());
            assertTrue(global.size() > 0);
            int[] layers = global.stream().mapToInt(Integer::intValue).toArray();
            s.capture(CapturePoint.ATTN_Q, layers);
            s.capture(CapturePoint.ATTN_K, layers);
            s.evaluate(tokens);
            double cap = model_.metadata().getDouble("gemma2.attn_logit_softcapping").orElse(0.0);
            if (model.startsWith("gemma2")) assertTrue(cap > 0, "the Gemma 2 fixture soft-caps its scores");
            int hd = model_.info().headDim();
            double worst = 0;
            int informative = 0;
            for (int layer : layers) {
                assertEquals(layer, b.getInt());
                int nHead = b.getInt(), n = b.getInt();
                assertEquals(model_.info().layers().get(layer).heads(), nHead);
                assertEquals(tokens.length, n);
                float[] q = s.captured(CapturePoint.ATTN_Q, layer).toArray(), k = s.captured(CapturePoint.ATTN_K, layer).toArray();
                int nKv = model_.info().layers().get(layer).kvHeads();
                for (int t = 0; t < n; t++)
                    for (int h = 0; h < nHead; h++) {
                        double[] ref = reference(q, k, t, h, nHead, nKv, hd, tSink, tLocal, moments.equals("bulk"), cap);
                        double gotHat = b.getFloat(), gotBulk = b.getFloat();
                        worst = Math.max(worst, Math.max(Math.abs(gotHat - ref[0]), Math.abs(gotBulk - ref[1])));
                        if (ref[0] > 0.01 && ref[0] < 0.99) informative++;
                    }
            }
            assertEquals(0, b.remaining(), "one record per global layer and nothing else");
            assertTrue(worst <= 1e-4, "largest difference from the reference " + worst);
            assertTrue(informative > 0, "p-hat takes values strictly between 0 and 1");
        }
    }

    /** (p-hat, p_bulk) of query t, head h, from the definitions. */
    static double[] reference(float[] q, float[] k, int t, int h, int nHead, int nKv, int hd, int tSink, int tLocal, boolean bulkMoments,
            double cap) {
        int g = h / (nHead / nKv), qOff = (t * nHead + h) * hd;
        double[] raw = new double[t + 1], capped = new double[t + 1];
        for (int i = 0; i <= t; i++) {
            double d = 0;
            for (int j = 0; j < hd; j++) d += (double) q[qOff + j] * k[(i * nKv + g) * hd + j];
            raw[i] = d;
            capped[i] = cap > 0 ? cap * Math.tanh(d / cap) : d;
        }
        List<Integer> bulk = new ArrayList<>(), local = new ArrayList<>();
        for (int i = 0; i <= t; i++) (i < tSink || i > t - tLocal ? local : bulk).add(i);
        if (bulk.isEmpty()) return new double[] {0, 0};
        double lseLocal = lse(capped, local), lseBulk = lse(capped, bulk);
        double pBulk = 1 / (1 + Math.exp(lseLocal - lseBulk));
        List<Integer> set = new ArrayList<>();
        if (bulkMoments) set = bulk;
        else for (int i = Math.max(tSink, t - tLocal + 1); i <= t; i++) set.add(i);
        // m = q . mu and v = q' Sigma q for the population mean and covariance of the key set.
        double[] mu = new double[hd];
        for (int i : set) for (int j = 0; j < hd; j++) mu[j] += k[(i * nKv + g) * hd + j] / (double) set.size();
        double m = 0, v = 0;
        for (int j = 0; j < hd; j++) m += q[qOff + j] * mu[j];
        if (set.size() * hd <= 4096) {
            double[][] sigma = new double[hd][hd];
            for (int i : set)
                for (int a = 0; a < hd; a++)
                    for (int c = 0; c < hd; c++)
                        sigma[a][c] += (k[(i * nKv + g) * hd + a] - mu[a]) * (k[(i * nKv + g) * hd + c] - mu[c]) / set.size();
            for (int a = 0; a < hd; a++) for (int c = 0; c < hd; c++) v += q[qOff + a] * sigma[a][c] * q[qOff + c];
        } else {  // the same quadratic form without the d x d matrix: mean of (q . (k - mu))^2
            for (int i : set) {
                double d = 0;
                for (int j = 0; j < hd; j++) d += q[qOff + j] * (k[(i * nKv + g) * hd + j] - mu[j]);
                v += d * d / set.size();
            }
        }
        double logMeanExp;
        if (cap <= 0) {
            logMeanExp = m + v / 2;
        } else {
            GaussIntegrator gh = new GaussIntegratorFactory().hermite(16);
            double sum = 0;
            for (int i = 0; i < gh.getNumberOfPoints(); i++)
                sum += gh.getWeight(i) / Math.sqrt(Math.PI) * Math.exp(cap * Math.tanh((m + Math.sqrt(2 * v) * gh.getPoint(i)) / cap));
            logMeanExp = Math.log(sum);
        }
        double logZHat = Math.log(bulk.size()) + logMeanExp;
        return new double[] {1 / (1 + Math.exp(lseLocal - logZHat)), pBulk};
    }

    static double lse(double[] x, List<Integer> idx) {
        double mx = Double.NEGATIVE_INFINITY, s = 0;
        for (int i : idx) mx = Math.max(mx, x[i]);
        for (int i : idx) s += Math.exp(x[i] - mx);
        return mx + Math.log(s);
    }

    static int[] randomTokens(Path model, int n) {
        try (Model m = Model.load(model)) {
            SplittableRandom rnd = new SplittableRandom(16);
            int[] t = new int[n];
            for (int i = 0; i < n; i++) t[i] = 1 + rnd.nextInt(m.info().vocabularySize() - 1);
            return t;
        }
    }

    static String ids(int[] tokens) {
        return Arrays.stream(tokens).mapToObj(String::valueOf).collect(Collectors.joining(","));
    }

    @Test
    void adaptiveAttentionAtZeroGivesThePlainLogitsAndAtOneDiffers() throws IOException {
        Path m = fixture("gemma2-tiny-F32.gguf");
        int[] tokens = randomTokens(m, 300);
        Path plain = dir.resolve("plain.f32"), zero = dir.resolve("zero.f32"), one = dir.resolve("one.f32");
        assertEquals(0, Tiller.run("logits", "--model", m.toString(), "--tokens", ids(tokens), "--out", plain.toString()).status());
        assertEquals(0, Tiller.run("logits", "--model", m.toString(), "--tokens", ids(tokens), "--out", zero.toString(),
                "--adaptive-attention", "0", "--t-local", "32", "--moments", "bulk").status());
        assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(zero));
        Tiller.Result r = Tiller.run("logits", "--model", m.toString(), "--tokens", ids(tokens), "--out", one.toString(),
                "--adaptive-attention", "1", "--t-sink", "4", "--t-local", "32");
        assertEquals(0, r.status(), r.err());
        assertTrue(!Arrays.equals(Files.readAllBytes(plain), Files.readAllBytes(one)), "sink + window attention changes the logits");
    }

    @Test
    void reportWritesItsFiles() throws IOException {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "It is a truth universally acknowledged, that a single man in possession of a good fortune, "
                + "must be in want of a wife. ".repeat(12));
        Path out = dir.resolve("report");
        Tiller.Result r = Tiller.run("heads", "report", "--model", Tiller.defaultModel().toString(), "--text-file", text.toString(),
                "--t-sink", "4", "--t-local", "32", "--tau", "0.05", "--out", out.toString(), "--threads", "2");
        assertEquals(0, r.status(), r.err());
        List<String> heads = Files.readAllLines(out.resolve("heads.csv"));
        assertEquals("layer,head,long_fraction,mean_p_hat,mean_p_bulk,fp_rate,fn_rate", heads.get(0));
        try (Model m = Model.load(Tiller.defaultModel())) {
            long pairs = m.info().layers().stream().filter(l -> !l.slidingWindow()).mapToInt(LayerInfo::heads).sum();
            assertEquals(pairs, heads.size() - 1, "one row per (global layer, head)");
        }
        List<String> sweep = Files.readAllLines(out.resolve("sparsity.csv"));
        assertEquals("tau,sparsity,predicted_sparsity,oracle_sparsity,kl_mean,kl_max,top1_agreement", sweep.get(0));
        assertEquals(HeadsReportCommand.TAUS.length, sweep.size() - 1);
        String[] dense = sweep.get(1).split(","), local = sweep.get(sweep.size() - 1).split(",");
        assertEquals(0.0, Double.parseDouble(dense[1]), "tau 0: nothing local");
        assertEquals(0.0, Double.parseDouble(dense[4]), 1e-9, "tau 0: the dense distribution");
        assertEquals(1.0, Double.parseDouble(local[1]), "tau 1: everything local");
        assertTrue(Double.parseDouble(local[4]) > 0, "sink + window attention moves the distribution");
        assertTrue(Files.size(out.resolve("heads.png")) > 1000 && Files.size(out.resolve("sparsity.png")) > 1000);
    }

    @Test
    void misuseIsOneClearError() {
        String m = fixture("gemma2-tiny-F32.gguf").toString(), out = dir.resolve("x.f32").toString();
        String[][] bad = {
            {"logits", "--model", m, "--tokens", "2,3", "--out", out, "--adaptive-attention", "1.5"},
            {"logits", "--model", m, "--tokens", "2,3", "--out", out, "--adaptive-attention", "-0.1"},
            {"heads", "score", "--model", m, "--tokens", "2,3", "--t-local", "0", "--out", out},
            {"heads", "score", "--model", m, "--tokens", "2,3", "--t-sink", "-1", "--out", out},
            {"heads", "score", "--model", m, "--tokens", "2,3", "--moments", "median", "--out", out},
            {"heads", "score", "--model", m, "--out", out},
        };
        for (String[] args : bad) {
            Tiller.Result r = Tiller.run(args);
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().lines().findFirst().orElse("").contains("tiller"), r.err());
        }
        assertTrue(!Files.exists(Path.of(out)));
        // A model whose layers all slide has nothing to adapt: refused in one line, no file.
        Tiller.Result r = Tiller.run("logits", "--model", fixture("gemma3-kmix-Q4_K_M.gguf").toString(), "--tokens", "2,3", "--out", out,
                "--adaptive-attention", "0.5");
        assertTrue(r.status() != 0);
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("global-attention"), r.err());
        assertTrue(!Files.exists(Path.of(out)));
    }
}
