package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tiller.LogitComparison;
import dev.tiller.steer.ControlVector;
import dev.tiller.steer.SteeringFiles;
import dev.tiller.steer.SteeringVector;
import dev.tiller.testing.Fixtures;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The steering commands end to end on the steering fixture: vectors built from the fixture's
 * pairs by Tiller's own forward pass match the reference vectors, and logits steered through
 * --steer (and the CAA vector exported as a llama.cpp control vector) match the reference logits.
 */
class SteerCliTest {
    @TempDir
    Path dir;

    private static Path steering() {
        String full = System.getProperty("tiller.fixtures.dir", "");
        return full.isBlank() ? Fixtures.resource("fixtures/steering") : Path.of(full).resolve("steering");
    }

    private static int status(String... args) {
        Tiller.Result r = Tiller.run(args);
        if (r.status() != 0) System.err.println(r.err());
        return r.status();
    }

    @Test
    void buildSteerAndCompareWithTheReference() throws IOException {
        JsonNode c = new ObjectMapper().readTree(steering().resolve("case.json").toFile());
        Path model = Fixtures.numericsDir().resolve(c.get("model").asText());
        int layer = c.get("layer").asInt(), d = c.get("d_model").asInt();
        List<String> lines = new ArrayList<>();
        for (JsonNode p : c.get("pairs")) lines.add("{\"positive\": " + p.get("positive") + ", \"negative\": " + p.get("negative") + "}");
        Path pairs = dir.resolve("pairs.jsonl");
        Files.write(pairs, lines);

        Path sas = dir.resolve("sas.safetensors");
        assertEquals(0, status("steer", "sas", "build", "--model", model.toString(), "--sae",
                steering().resolve(c.get("sae_gemma_scope").asText()).toString(), "--layer", Integer.toString(layer), "--pairs",
                pairs.toString(), "--tau", c.get("tau").asText(), "--out", sas.toString()));
        SteeringVector v = SteeringFiles.load(sas);
        JsonNode e = c.get("sas_expected");
        int[] idx = new int[e.get("indices").size()];
        for (int i = 0; i < idx.length; i++) idx[i] = e.get("indices").get(i).asInt();
        assertArrayEquals(idx, v.indices());
        for (int i = 0; i < idx.length; i++) assertEquals(e.get("values").get(i).asDouble(), v.values()[i], 1e-3 * Math.abs(v.values()[i]));
        assertEquals(Integer.toString(layer), Integer.toString(v.layer()));
        assertEquals("relu", v.metadata().get("sigma"));

        Path caa = dir.resolve("caa.safetensors"), cvec = dir.resolve("caa.gguf");
        assertEquals(0, status("steer", "caa", "build", "--model", model.toString(), "--layer", Integer.toString(layer), "--pairs",
                pairs.toString(), "--out", caa.toString(), "--cvec-out", cvec.toString()));
        float[] got = SteeringFiles.load(caa).dense(), ref = Fixtures.readF32(steering().resolve("caa-expected.f32"));
        double num = 0, den = 0;
        for (int j = 0; j < d; j++) {
            num += (got[j] - ref[j]) * (double) (got[j] - ref[j]);
            den += ref[j] * (double) ref[j];
        }
        assertTrue(Math.sqrt(num / den) < 1e-3, "CAA vector relative error " + Math.sqrt(num / den));
        assertEquals(layer, ControlVector.load(cvec).maxLayer());

        String tokens = String.join(",", toStrings(c.get("tokens")));
        int vocab = 2048;
        check(new String[] {"--steer", caa + ":" + c.get("caa_strength").asText()}, model, tokens, "logits-caa.f32", vocab);
        check(new String[] {"--control-vector", cvec + ":" + c.get("caa_strength").asText()}, model, tokens, "logits-caa.f32", vocab);
        check(new String[] {"--steer", sas + ":" + c.get("sas_lambda").asText()}, model, tokens, "logits-sas.f32", vocab);
    }

    @Test
    void caaFromAnAbDatasetAndItsEvaluation() throws IOException {
        Path model = Fixtures.numericsDir().resolve("gemma2-tiny-F32.gguf");
        StringBuilder items = new StringBuilder("[");
        String[] topics = {"cats", "dogs", "rain", "tea", "music", "books"};
        for (int i = 0; i < topics.length; i++) {
            items.append(i > 0 ? "," : "").append("{\"question\": \"Do you like ").append(topics[i])
                    .append("?\\n\\nChoices:\\n (A) yes\\n (B) no\", \"answer_matching_behavior\": \"(A)\", ")
                    .append("\"answer_not_matching_behavior\": \"(B)\"}");
        }
        Path ab = dir.resolve("ab.json");
        Files.writeString(ab, items.append("]").toString());
        Path v = dir.resolve("v.safetensors");
        assertEquals(0, status("steer", "caa", "build", "--model", model.toString(), "--layer", "12", "--dataset", ab.toString(),
                "--out", v.toString()));
        assertEquals("-2", SteeringFiles.load(v).metadata().get("position"));
        Path out = dir.resolve("eval");
        assertEquals(0, status("steer", "eval", "--model", model.toString(), "--steer", v.toString(), "--dataset", ab.toString(),
                "--layers", "6,12", "--strengths", "-1,0,1", "--out", out.toString(), "--generations", "1"));
        List<String> csv = Files.readAllLines(out.resolve("scores.csv"));
        assertEquals("layer,strength,score,items", csv.get(0));
        assertEquals(7, csv.size());
        // Strength 0 is the unsteered model: compare with p(A) / (p(A) + p(B)) from plain logits.
        double expected = 0;
        try (dev.tiller.Model m = dev.tiller.Model.load(model); dev.tiller.Session s = m.newSession(new dev.tiller.SessionOptions(256, 1))) {
            dev.tiller.steer.BehaviorEval eval = new dev.tiller.steer.BehaviorEval(m);
            int a = m.tokenizer().encode("A", false, false)[0], b = m.tokenizer().encode("B", false, false)[0];
            for (String t : topics) {
                s.reset();
                float[] l = s.evaluate(eval.promptWith("Do you like " + t + "?\n\nChoices:\n (A) yes\n (B) no", "(")).toArray();
                expected += Math.exp(l[a]) / (Math.exp(l[a]) + Math.exp(l[b])) / topics.length;
            }
        }
        for (String row : csv.subList(1, csv.size())) {
            String[] f = row.split(",");
            double score = Double.parseDouble(f[2]);
            assertTrue(score >= 0 && score <= 1, row);
            if (Float.parseFloat(f[1]) == 0f) assertEquals(expected, score, 1e-6, row);
        }
        byte[] png = Files.readAllBytes(out.resolve("scores.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        assertTrue(Files.readString(out.resolve("generations.md")).contains("| unsteered | steered |"));
    }

    @Test
    void stringPairsFollowTheAnswerLetterConventionAndVectorsNormalize() throws IOException {
        Path model = Fixtures.numericsDir().resolve("gemma2-tiny-F32.gguf");
        Path pairs = dir.resolve("strings.jsonl");
        Files.write(pairs, List.of(
                "{\"positive\": \"Is water wet?\\n (A) yes\\n (B) no\\n\\n(A)\", \"negative\": \"Is water wet?\\n (A) yes\\n (B) no\\n\\n(B)\"}",
                "{\"positive\": \"Say something kind.\", \"negative\": \"Say something rude.\"}"));
        Path a = dir.resolve("a.safetensors"), b = dir.resolve("b.safetensors");
        assertEquals(0, status("steer", "caa", "build", "--model", model.toString(), "--layer", "6", "--pairs", pairs.toString(),
                "--out", a.toString()));
        assertEquals(0, status("steer", "caa", "build", "--model", model.toString(), "--layer", "6", "--pairs", pairs.toString(),
                "--out", b.toString(), "--position", "-3"));
        Path norm = dir.resolve("norm");
        assertEquals(0, status("steer", "caa", "normalize", "--out-dir", norm.toString(), a.toString(), b.toString()));
        double na = norm(SteeringFiles.load(a).dense()), nb = norm(SteeringFiles.load(b).dense());
        double ma = norm(SteeringFiles.load(norm.resolve("a.safetensors")).dense()), mb = norm(SteeringFiles.load(norm.resolve("b.safetensors")).dense());
        assertEquals((na + nb) / 2, ma, 1e-4 * ma);
        assertEquals((na + nb) / 2, mb, 1e-4 * mb);
        // A Gemma Scope SAE path names its layer: a mismatch with --layer is refused.
        JsonNode c = new ObjectMapper().readTree(steering().resolve("case.json").toFile());
        assertEquals(1, status("steer", "sas", "build", "--model", model.toString(), "--sae",
                steering().resolve(c.get("sae_gemma_scope").asText()).toString(), "--layer", "6", "--pairs", pairs.toString(),
                "--out", dir.resolve("x.safetensors").toString()));
    }

    @Test
    void aControlVectorSavedByTillerKeepsLlamaCppsFormat() throws IOException {
        Path src = Fixtures.numericsDir().resolve("gemma3-tiny-F32-s0.cvec.gguf");
        Path copy = dir.resolve("copy.gguf");
        ControlVector.load(src).save(copy, "gemma3");
        ControlVector a = ControlVector.load(src), b = ControlVector.load(copy);
        assertEquals(a.maxLayer(), b.maxLayer());
        for (int il = 1; il <= a.maxLayer(); il++) assertArrayEquals(a.direction(il), b.direction(il));
        // Same keys and tensor names, types and shapes as llama.cpp's file.
        assertEquals(keysAndTensors(src), keysAndTensors(copy));
    }

    /** Metadata keys and tensor (name, type, shape) of a GGUF, read with the same checked reader as models. */
    private static List<String> keysAndTensors(Path gguf) throws IOException {
        byte[] b = Files.readAllBytes(gguf);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.position(8);
        long nt = bb.getLong(), nk = bb.getLong();
        List<String> out = new ArrayList<>();
        for (long i = 0; i < nk; i++) {
            String key = str(bb);
            int type = bb.getInt();
            out.add("kv " + key + " " + type);
            if (type == 8) str(bb);
            else if (type == 4 || type == 5 || type == 6) bb.getInt();
            else throw new IllegalStateException("unexpected type " + type);
        }
        for (long i = 0; i < nt; i++) {
            String name = str(bb);
            int dims = bb.getInt();
            StringBuilder shape = new StringBuilder();
            for (int d = 0; d < dims; d++) shape.append(bb.getLong()).append(' ');
            out.add("tensor " + name + " " + shape + bb.getInt());
            bb.getLong();
        }
        java.util.Collections.sort(out);
        return out;
    }

    private static String str(java.nio.ByteBuffer bb) {
        int n = (int) bb.getLong();
        byte[] s = new byte[n];
        bb.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += x * (double) x;
        return Math.sqrt(s);
    }

    private static List<String> toStrings(JsonNode a) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : a) out.add(n.asText());
        return out;
    }

    private void check(String[] steer, Path model, String tokens, String reference, int vocab) {
        Path out = dir.resolve("l.f32");
        List<String> args = new ArrayList<>(List.of("logits", "--model", model.toString(), "--tokens", tokens, "--out", out.toString()));
        args.addAll(List.of(steer));
        assertEquals(0, status(args.toArray(new String[0])));
        LogitComparison cmp = LogitComparison.of(Fixtures.readF32(steering().resolve(reference)), Fixtures.readF32(out), vocab);
        assertTrue(cmp.within(LogitComparison.Tolerance.forWeights("F32")), String.join(" ", steer) + ": " + cmp);
    }
}
