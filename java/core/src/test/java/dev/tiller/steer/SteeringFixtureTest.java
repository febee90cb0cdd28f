package dev.tiller.steer;

import dev.tiller.LogitComparison;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.testing.Fixtures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SAE / CAA / SAS reference case of ../shared/fixtures/steering (independent numpy
 * implementation): SAE encode/decode in both file formats, the CAA and SAS vectors from given pair
 * activations, and the end-to-end logits of the steered fixture model.
 */
class SteeringFixtureTest {
    static Path dir() {
        String full = System.getProperty("tiller.fixtures.dir", "");
        return full.isBlank() ? Fixtures.resource("fixtures/steering") : Path.of(full).resolve("steering");
    }

    static JsonNode caseJson() throws IOException {
        return new ObjectMapper().readTree(dir().resolve("case.json").toFile());
    }

    static float[][] rows(String file, int width) {
        float[] flat = Fixtures.readF32(dir().resolve(file));
        float[][] out = new float[flat.length / width][width];
        for (int i = 0; i < out.length; i++) System.arraycopy(flat, i * width, out[i], 0, width);
        return out;
    }

    static Path sae(String format) throws IOException {
        JsonNode c = caseJson();
        return dir().resolve(c.get(format.equals("gemma-scope") ? "sae_gemma_scope" : "sae_saelens").asText());
    }

    private static void assertClose(float[][] expected, float[][] got, String what) {
        double scale = 0, worst = 0;
        for (float[] r : expected) for (float v : r) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) worst = Math.max(worst, Math.abs(expected[i][j] - got[i][j]));
        }
        assertTrue(worst <= 1e-4 * scale, what + ": max |diff| " + worst + " > 1e-4 x " + scale);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemma-scope", "saelens"})
    void encodeAndDecodeMatchTheReference(String format) throws IOException {
        int d = caseJson().get("d_model").asInt(), m = caseJson().get("d_sae").asInt();
        try (Sae sae = Sae.load(sae(format))) {
            assertEquals(d, sae.dModel());
            assertEquals(m, sae.dSae());
            assertEquals("jumprelu", sae.architecture());
            float[][] f = sae.encode(rows("encode-input.f32", d));
            assertClose(rows("encode-expected.f32", m), f, format + " encode");
            assertClose(rows("decode-expected.f32", d), sae.decode(f), format + " decode");
        }
    }

    @Test
    void caaAndSasVectorsFromPairActivations() throws IOException {
        JsonNode c = caseJson();
        int d = c.get("d_model").asInt();
        float[][] pos = rows("pairs-positive.f32", d), neg = rows("pairs-negative.f32", d);
        float[] caa = SteeringBuilder.caa(pos, neg), expected = Fixtures.readF32(dir().resolve("caa-expected.f32"));
        for (int j = 0; j < d; j++) assertEquals(expected[j], caa[j], 1e-5 * Math.max(1, Math.abs(expected[j])), "caa[" + j + "]");
        try (Sae sae = Sae.load(sae("gemma-scope"))) {
            SteeringVector v = SteeringBuilder.sas(sae, c.get("layer").asInt(), pos, neg, c.get("tau").asDouble(), Map.of());
            JsonNode e = c.get("sas_expected");
            int[] idx = new int[e.get("indices").size()];
            for (int i = 0; i < idx.length; i++) idx[i] = e.get("indices").get(i).asInt();
            assertArrayEquals(idx, v.indices());
            for (int i = 0; i < idx.length; i++) {
                double ev = e.get("values").get(i).asDouble();
                assertEquals(ev, v.values()[i], 1e-4 * Math.abs(ev), "value of feature " + idx[i]);
            }
        }
    }

    @Test
    void ourActivationsAtTheLayerMatchTheGivenPairActivations() throws IOException {
        JsonNode c = caseJson();
        int d = c.get("d_model").asInt(), layer = c.get("layer").asInt();
        float[][] pos = rows("pairs-positive.f32", d);
        try (Model m = Model.load(Fixtures.numericsDir().resolve(c.get("model").asText()));
                Session s = m.newSession(new SessionOptions(64, 1))) {
            s.captureLayers(layer);
            for (int i = 0; i < 3; i++) {
                JsonNode toks = c.get("pairs").get(i).get("positive");
                int[] t = new int[toks.size()];
                for (int k = 0; k < t.length; k++) t[k] = toks.get(k).asInt();
                s.reset();
                s.evaluate(t);
                float[] all = s.captured(layer).toArray();
                float[] last = java.util.Arrays.copyOfRange(all, (t.length - 1) * d, t.length * d);
                double num = 0, den = 0;
                for (int j = 0; j < d; j++) {
                    num += (last[j] - pos[i][j]) * (double) (last[j] - pos[i][j]);
                    den += pos[i][j] * (double) pos[i][j];
                }
                assertTrue(Math.sqrt(num / den) < 1e-3, "pair " + i + ": relative error " + Math.sqrt(num / den));
            }
        }
    }

    @Test
    void featureStatisticsOverTheFixtureTokens() throws IOException {
        JsonNode c = caseJson();
        int m = c.get("d_sae").asInt();
        int[] tokens = new int[c.get("tokens").size()];
        for (int i = 0; i < tokens.length; i++) tokens[i] = c.get("tokens").get(i).asInt();
        try (Model model = Model.load(Fixtures.numericsDir().resolve(c.get("model").asText()));
                Session s = model.newSession(new SessionOptions(64, 1)); Sae sae = Sae.load(sae("gemma-scope"))) {
            FeatureStats st = FeatureStats.over(s, sae, c.get("layer").asInt(), java.util.List.of(tokens));
            assertEquals(tokens.length, st.tokens());
            // The reference features of these tokens' activations (encode-expected) fire on the same tokens.
            float[][] ref = rows("encode-expected.f32", m);
            double l0 = 0;
            for (int f = 0; f < m; f++) {
                int fired = 0;
                for (float[] row : ref) if (row[f] != 0) fired++;
                assertEquals((double) fired / ref.length, st.firingFrequency()[f], 1e-9, "feature " + f);
                l0 += (double) fired / ref.length;
            }
            assertEquals(l0, st.meanL0(), 1e-9);
            assertEquals(c.get("mean_l0").asDouble(), st.meanL0(), 1e-9);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "caa", "sas"})
    void steeredLogitsMatchTheReference(String kind) throws IOException {
        JsonNode c = caseJson();
        int d = c.get("d_model").asInt(), layer = c.get("layer").asInt();
        int[] tokens = new int[c.get("tokens").size()];
        for (int i = 0; i < tokens.length; i++) tokens[i] = c.get("tokens").get(i).asInt();
        try (Model m = Model.load(Fixtures.numericsDir().resolve(c.get("model").asText()));
                Session s = m.newSession(new SessionOptions(64, 1)); Sae sae = Sae.load(sae("saelens"))) {
            if (kind.equals("caa")) {
                float[] caa = Fixtures.readF32(dir().resolve("caa-expected.f32"));
                s.steer(SteeringVector.dense(layer, caa, Map.of()), (float) c.get("caa_strength").asDouble(), 0, null, false);
            } else if (kind.equals("sas")) {
                JsonNode e = c.get("sas_expected");
                int[] idx = new int[e.get("indices").size()];
                float[] val = new float[idx.length];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = e.get("indices").get(i).asInt();
                    val[i] = (float) e.get("values").get(i).asDouble();
                }
                s.steer(SteeringVector.sparse(layer, idx, val, Map.of()), (float) c.get("sas_lambda").asDouble(), 0, sae, false);
            }
            float[] out = s.evaluateAll(tokens).toArray();
            LogitComparison cmp = LogitComparison.of(Fixtures.readF32(dir().resolve("logits-" + kind + ".f32")), out, m.info().vocabularySize());
            assertTrue(cmp.within(LogitComparison.Tolerance.forWeights("F32")), kind + ": " + cmp);
            assertEquals(d, m.info().embeddingLength());
        }
    }
}
