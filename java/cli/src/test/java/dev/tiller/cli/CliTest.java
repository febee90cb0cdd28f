package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tiller.ChatMessage;
import dev.tiller.LogitComparison;
import dev.tiller.Model;
import dev.tiller.SamplingParams;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.testing.Fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The public command forms of the runtime issue, run in-process against the llama.cpp fixtures. */
class CliTest {
    @TempDir
    Path dir;

    private static Tiller.Result tiller(String... args) {
        return Tiller.run(args);
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
            Tiller.Result r = inc
                    ? tiller("logits", "--model", c.modelPath().toString(), "--tokens", tokens(c.tokens()), "--out", out.toString(), "--incremental", "--threads", "2")
                    : tiller("logits", "--model", c.modelPath().toString(), "--tokens", tokens(c.tokens()), "--out", out.toString());
            assertEquals(0, r.status(), r.err());
            LogitComparison cmp = LogitComparison.of(Fixtures.readF32(c.logits()), Fixtures.readF32(out), c.nVocab());
            assertTrue(cmp.within(LogitComparison.Tolerance.forWeights("F32")), cmp.toString());
        }
        Fixtures.CvecRun run = c.cvec().get(0);
        Tiller.Result r = tiller("logits", "--model", c.modelPath().toString(), "--tokens", tokens(c.tokens()), "--out", out.toString(),
                "--control-vector", run.file() + ":" + run.strength());
        assertEquals(0, r.status(), r.err());
        LogitComparison cmp = LogitComparison.of(Fixtures.readF32(run.logits()), Fixtures.readF32(out), c.nVocab());
        assertTrue(cmp.within(LogitComparison.Tolerance.forWeights("F32")), cmp.toString());
    }

    @Test
    void residualsWriteTheFixtureRecordFormat() throws IOException {
        Fixtures.Case c = fixture("gemma3-tiny-F32.gguf");
        Path out = dir.resolve("r.f32");
        Tiller.Result r = tiller("residuals", "--model", c.modelPath().toString(), "--tokens", tokens(c.tokens()), "--out", out.toString());
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
        Tiller.Result r = tiller("info", "--model", fixture("gemma3-kmix-Q4_K_M.gguf").modelPath().toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("architecture    gemma3"), r.out());
        assertTrue(r.out().contains("layer pattern   SS"), r.out());
        assertTrue(r.out().contains("Q4_K") && r.out().contains("Q6_K"), r.out());
        assertTrue(r.out().contains("vocabulary      2048"), r.out());

        Path bad = dir.resolve("bad.gguf");
        Files.writeString(bad, "definitely not a model");
        Tiller.Result b = tiller("info", "--model", bad.toString());
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
            Tiller.Result r = plain
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
        Tiller.Result text = tiller("tokenize", "--model", dir.resolve("vocab-gemma3.gguf").toString(), "--text", "Hello <end_of_turn>");
        assertEquals("[2,9259,236743,106]", text.out().strip());
        Path bad = this.dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"text\": 1}\n");
        Tiller.Result e = tiller("tokenize", "--model", dir.resolve("vocab-gemma3.gguf").toString(), "--jsonl", bad.toString());
        assertEquals(1, e.status());
        assertTrue(e.err().contains("bad.jsonl:1"), e.err());
    }

    @Test
    void generateStreamsTextAndReportsStatistics() {
        Path m = fixture("gemma3-tiny-F32.gguf").modelPath();
        Tiller.Result a = tiller("generate", "--model", m.toString(), "--prompt", "Once upon a time", "--max-tokens", "12", "--seed", "7",
                "--temperature", "5");
        Tiller.Result b = tiller("generate", "--model", m.toString(), "--prompt", "Once upon a time", "--max-tokens", "12", "--seed", "7",
                "--temperature", "5");
        assertEquals(0, a.status(), a.err());
        assertEquals(a.out(), b.out(), "same seed, same text");
        assertTrue(a.err().contains("generated 12 tokens") || a.err().contains("| stop]"), a.err());
        Tiller.Result bad = tiller("generate", "--model", m.toString(), "--prompt", "x", "--system", "s");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("--system needs --chat"), bad.err());
    }

    @Test
    void generateWithAControlVectorPicksTheArgMaxOfTheSteeredLogits() throws IOException {
        // The steered logits (`tiller logits --control-vector`) match llama.cpp's on the fixture
        // (logitsBatchedIncrementalAndSteeredMatchLlamaCpp); a greedy chat turn with the same vector
        // must start with the arg-max of their last row, and without it with the unsteered one's.
        Fixtures.Case c = fixture("gemma3-tiny-F32.gguf");
        String cvec = c.cvec().get(0).file() + ":30"; // strong enough to move the first token off "\\n"
        int[] prompt;
        try (Model model = Model.load(c.modelPath())) {
            prompt = model.chatTemplate().apply(List.of(ChatMessage.system("be brief"), ChatMessage.user("hi")), true);
        }
        int[] firsts = new int[2];
        for (int steered = 0; steered < 2; steered++) {
            Path out = dir.resolve("l.f32");
            List<String> logits = new ArrayList<>(List.of("logits", "--model", c.modelPath().toString(), "--tokens", tokens(prompt),
                    "--out", out.toString()));
            List<String> gen = new ArrayList<>(List.of("generate", "--model", c.modelPath().toString(), "--prompt", "hi", "--chat",
                    "--system", "be brief", "--max-tokens", "1", "--temperature", "0", "--jsonl"));
            if (steered == 1) {
                logits.addAll(List.of("--control-vector", cvec));
                gen.addAll(List.of("--control-vector", cvec));
            }
            assertEquals(0, tiller(logits.toArray(new String[0])).status());
            float[] l = Fixtures.readF32(out);
            int row = (prompt.length - 1) * c.nVocab(), argmax = 0;
            for (int k = 0; k < c.nVocab(); k++) if (l[row + k] > l[row + argmax]) argmax = k;
            Tiller.Result r = tiller(gen.toArray(new String[0]));
            assertEquals(0, r.status(), r.err());
            firsts[steered] = new ObjectMapper().readTree(r.out().lines().findFirst().orElseThrow()).get("id").asInt();
            assertEquals(argmax, firsts[steered], steered == 1 ? "steered" : "unsteered");
        }
        assertNotEquals(firsts[0], firsts[1], "the control vector should change the first token here");
    }

    @Test
    void chatRunsAScriptedConversation() {
        Path m = fixture("gemma3-tiny-F32.gguf").modelPath();
        {
            Tiller.Result r = Tiller.withInput("hello\n/system be brief\nhi again\n/reset\nbye\n/exit\n", "chat", "--model", m.toString(),
                    "--max-tokens", "5", "--temperature", "0");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.err().contains("system message set") && r.err().contains("conversation cleared"), r.err());
            // Each reply is the model's greedy answer to the conversation it belongs to, computed
            // afresh: /system and /reset start a new conversation (keeping the system message).
            try (Model model = Model.load(m); Session s = model.newSession(new SessionOptions(512, 1))) {
                SamplingParams greedy = SamplingParams.greedy().withMaxTokens(5);
                String hello = s.complete(List.of(ChatMessage.user("hello")), greedy);
                String hiAgain = s.complete(List.of(ChatMessage.system("be brief"), ChatMessage.user("hi again")), greedy);
                String bye = s.complete(List.of(ChatMessage.system("be brief"), ChatMessage.user("bye")), greedy);
                assertEquals("> " + hello + "\n> > " + hiAgain + "\n> > " + bye + "\n> ", r.out());
            }
        }
    }

    @Test
    void quantizeWritesAModel() throws IOException {
        Path m = fixture("gemma3-tiny-F32.gguf").modelPath();
        Tiller.Result badBench = tiller("bench", "--model", m.toString(), "--prompt-tokens", "0");
        assertEquals(1, badBench.status()); // speed itself is measured by the benchmarks, not here
        assertTrue(badBench.err().contains("must be >= 1"), badBench.err());
        Path q = dir.resolve("q.gguf");
        Tiller.Result qr = tiller("quantize", m.toString(), q.toString(), "Q8_0");
        assertEquals(0, qr.status(), qr.err());
        Tiller.Result info = tiller("info", "--model", q.toString());
        assertTrue(info.out().contains("Q8_0"), info.out());
        Tiller.Result bad = tiller("quantize", m.toString(), q.toString(), "Q2_K");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("unknown target type 'Q2_K'"), bad.err());
    }

    @Test
    void badTokensGiveOneLineErrors() {
        Path m = fixture("gemma3-tiny-F32.gguf").modelPath();
        Tiller.Result r = tiller("logits", "--model", m.toString(), "--tokens", "1,99999", "--out", dir.resolve("x").toString());
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("out of range"), r.err());
    }
}
