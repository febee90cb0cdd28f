package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tiller.Fixtures;
import dev.tiller.LogitComparison;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public command forms of the runtime issue, run in-process against the llama.cpp fixtures. */
class CliTest {
    @TempDir
    Path dir;

    record Result(int status, String out, String err) {}

    private static Result tiller(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int status = Main.run(args);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static Fixtures.Case fixture(String model) {
        return Fixtures.cases().stream().filter(c -> c.model().equals(model)).findFirst().orElseThrow();
    }

    private static String tokens(int[] t) {
        return Arrays.stream(t).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Test
    void logitsBatchedIncrementalAndSteeredMatchLlamaCpp() {
        Fixtures.Case c = fixture("gemma3-tiny-F32.gguf");
        Path out = dir.resolve("l.f32");
        for (boolean inc : new boolean[] {false, true}) {
            Result r = inc
                    ? tiller("logits", "--model", c.modelPath().toString(), "--tokens", tokens(c.tokens()), "--out", out.toString(), "--incremental", "--threads", "2")
                    : tiller("logits", "--model", c.modelPath().toString(), "--tokens", tokens(c.tokens()), "--out", out.toString());
            assertEquals(0, r.status(), r.err());
            LogitComparison cmp = LogitComparison.of(Fixtures.readF32(c.logits()), Fixtures.readF32(out), c.nVocab());
            assertTrue(cmp.within(LogitComparison.Tolerance.forWeights("F32")), cmp.toString());
        }
        Fixtures.CvecRun run = c.cvec().get(0);
        Result r = tiller("logits", "--model", c.modelPath().toString(), "--tokens", tokens(c.tokens()), "--out", out.toString(),
                "--control-vector", run.file() + ":" + run.strength());
        assertEquals(0, r.status(), r.err());
        LogitComparison cmp = LogitComparison.of(Fixtures.readF32(run.logits()), Fixtures.readF32(out), c.nVocab());
        assertTrue(cmp.within(LogitComparison.Tolerance.forWeights("F32")), cmp.toString());
    }

    @Test
    void residualsWriteTheFixtureRecordFormat() throws IOException {
        Fixtures.Case c = fixture("gemma3-tiny-F32.gguf");
        Path out = dir.resolve("r.f32");
        Result r = tiller("residuals", "--model", c.modelPath().toString(), "--tokens", tokens(c.tokens()), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(Files.size(c.resid()), Files.size(out));
        List<float[]> ours = Fixtures.readResiduals(out, c.nLayer()), ref = Fixtures.readResiduals(c.resid(), c.nLayer());
        for (int il = 0; il < c.nLayer(); il++) {
            double num = 0, den = 0;
            for (int i = 0; i < ref.get(il).length; i++) {
                double d = ours.get(il)[i] - ref.get(il)[i];
                num += d * d;
                den += ref.get(il)[i] * (double) ref.get(il)[i];
            }
            assertTrue(Math.sqrt(num / den) <= 1e-3, "layer " + il);
        }
    }

    @Test
    void infoDescribesAModelAndFailsCleanlyOnABadFile() throws IOException {
        Result r = tiller("info", "--model", fixture("gemma3-kmix-Q4_K_M.gguf").modelPath().toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("architecture    gemma3"), r.out());
        assertTrue(r.out().contains("layer pattern   SS"), r.out());
        assertTrue(r.out().contains("Q4_K") && r.out().contains("Q6_K"), r.out());
        assertTrue(r.out().contains("vocabulary      2048"), r.out());

        Path bad = dir.resolve("bad.gguf");
        Files.writeString(bad, "definitely not a model");
        Result b = tiller("info", "--model", bad.toString());
        assertNotEquals(0, b.status());
        assertEquals(1, b.err().strip().lines().count(), "one-line reason: " + b.err());
        assertTrue(b.err().contains("bad.gguf") && b.err().contains("not a GGUF file"), b.err());
        assertTrue(b.out().isEmpty());
    }

    @Test
    void tokenizeJsonlMatchesTheReferenceIds() throws IOException {
        Path dir = Fixtures.tokenizerDir();
        Path cases = dir.resolve("cases-gemma3.jsonl");
        for (boolean plain : new boolean[] {false, true}) {
            Result r = plain
                    ? tiller("tokenize", "--model", dir.resolve("vocab-gemma3.gguf").toString(), "--plain", "--jsonl", cases.toString())
                    : tiller("tokenize", "--model", dir.resolve("vocab-gemma3.gguf").toString(), "--jsonl", cases.toString());
            assertEquals(0, r.status(), r.err());
            List<String> got = r.out().lines().toList();
            List<String> lines = Files.readAllLines(cases);
            assertEquals(lines.size(), got.size());
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            for (int i = 0; i < lines.size(); i++) {
                assertEquals(json.readTree(lines.get(i)).get(plain ? "ids_plain" : "ids"), json.readTree(got.get(i)), "line " + (i + 1));
            }
        }
        Result text = tiller("tokenize", "--model", dir.resolve("vocab-gemma3.gguf").toString(), "--text", "Hello <end_of_turn>");
        assertEquals("[2,9259,236743,106]", text.out().strip());
        Path bad = dir.getFileSystem().getPath(System.getProperty("java.io.tmpdir"), "tiller-bad.jsonl");
        Files.writeString(bad, "{\"text\": 1}\n");
        Result e = tiller("tokenize", "--model", dir.resolve("vocab-gemma3.gguf").toString(), "--jsonl", bad.toString());
        assertEquals(1, e.status());
        assertTrue(e.err().contains("tiller-bad.jsonl:1"), e.err());
        Files.delete(bad);
    }

    @Test
    void generateStreamsTextAndReportsStatistics() {
        Path m = fixture("gemma3-tiny-F32.gguf").modelPath();
        Result a = tiller("generate", "--model", m.toString(), "--prompt", "Once upon a time", "--max-tokens", "12", "--seed", "7",
                "--temperature", "5");
        Result b = tiller("generate", "--model", m.toString(), "--prompt", "Once upon a time", "--max-tokens", "12", "--seed", "7",
                "--temperature", "5");
        assertEquals(0, a.status(), a.err());
        assertEquals(a.out(), b.out(), "same seed, same text");
        assertTrue(a.err().contains("generated 12 tokens") || a.err().contains("| stop]"), a.err());
        Result chat = tiller("generate", "--model", m.toString(), "--prompt", "hi", "--chat", "--system", "be brief",
                "--max-tokens", "4", "--temperature", "0", "--control-vector", fixture("gemma3-tiny-F32.gguf").cvec().get(0).file() + ":0.5");
        assertEquals(0, chat.status(), chat.err());
        Result bad = tiller("generate", "--model", m.toString(), "--prompt", "x", "--system", "s");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("--system needs --chat"), bad.err());
    }

    @Test
    void chatRunsAScriptedConversation() {
        Path m = fixture("gemma3-tiny-F32.gguf").modelPath();
        java.io.InputStream oldIn = System.in;
        System.setIn(new java.io.ByteArrayInputStream("hello\n/system be brief\nhi again\n/reset\nbye\n/exit\n"
                .getBytes(StandardCharsets.UTF_8)));
        try {
            Result r = tiller("chat", "--model", m.toString(), "--max-tokens", "5");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().startsWith("> "), r.out());
            // Three user turns were answered: each reply ends with a newline before the next prompt.
            assertTrue(r.out().split("\n> ", -1).length >= 4, r.out());
            assertTrue(r.err().contains("system message set") && r.err().contains("conversation cleared"), r.err());
        } finally {
            System.setIn(oldIn);
        }
    }

    @Test
    void benchPrintsJsonAndQuantizeWritesAModel() throws IOException {
        Path m = fixture("gemma3-tiny-F32.gguf").modelPath();
        Result r = tiller("bench", "--model", m.toString(), "--prompt-tokens", "16", "--gen-tokens", "4", "--threads", "2",
                "--repetitions", "3", "--json");
        assertEquals(0, r.status(), r.err());
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertTrue(j.get("prefill_tok_s").asDouble() > 0 && j.get("decode_tok_s").asDouble() > 0, r.out());
        assertEquals(3, j.get("decode_runs").size());
        Path q = dir.resolve("q.gguf");
        Result qr = tiller("quantize", m.toString(), q.toString(), "Q8_0");
        assertEquals(0, qr.status(), qr.err());
        Result info = tiller("info", "--model", q.toString());
        assertTrue(info.out().contains("Q8_0"), info.out());
        Result bad = tiller("quantize", m.toString(), q.toString(), "Q2_K");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("unknown target type 'Q2_K'"), bad.err());
    }

    @Test
    void badTokensGiveOneLineErrors() {
        Path m = fixture("gemma3-tiny-F32.gguf").modelPath();
        Result r = tiller("logits", "--model", m.toString(), "--tokens", "1,99999", "--out", dir.resolve("x").toString());
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("out of range"), r.err());
    }
}
