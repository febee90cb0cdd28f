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
    void badTokensGiveOneLineErrors() {
        Path m = fixture("gemma3-tiny-F32.gguf").modelPath();
        Result r = tiller("logits", "--model", m.toString(), "--tokens", "1,99999", "--out", dir.resolve("x").toString());
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("out of range"), r.err());
    }
}
