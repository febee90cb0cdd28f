package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tiller.train.Graph;
import dev.tiller.train.synth.Cvae;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tiller synth: every command's files and JSON keys on the train module's MNIST 2k/1k test subset
 * (copied under the names of ../shared/data/mnist) with tiny schedules, and misuse as one clear line.
 */
class SynthCliTest {
    @TempDir
    static Path shared;
    static Path data, generator;

    @BeforeAll
    static void mnistAndAGenerator() throws Exception {
        Path subset = Tiller.root().resolve("java/train/src/test/resources/mnist-subset");
        data = Files.createDirectories(shared.resolve("mnist"));
        for (String kind : List.of("images-idx3", "labels-idx1")) {
            Files.copy(subset.resolve("train2k-" + kind + "-ubyte.gz"), data.resolve("train10k-" + kind + "-ubyte.gz"));
            Files.copy(subset.resolve("t1k-" + kind + "-ubyte.gz"), data.resolve("t10k-" + kind + "-ubyte.gz"));
        }
        generator = shared.resolve("g.safetensors");
        Tiller.Result r = Tiller.run("synth", "generator", "--dataset", "mnist", "--epochs", "2", "--hidden", "32", "--latent", "2", "--score-steps", "50",
                "--data-dir", data.toString(), "--out", generator.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = json(r);
        assertEquals(10, j.get("sample_acc_per_class").size());
        for (String f : List.of("g.loss.csv", "g.loss.png", "g.grid.png")) assertTrue(Files.exists(shared.resolve(f)), f);
        assertEquals(3, Files.readAllLines(shared.resolve("g.loss.csv")).size());
    }

    @Test
    void sampleWritesAGuidedGrid(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("grid.png");
        Tiller.Result r = Tiller.run("synth", "sample", "--generator", generator.toString(), "--class", "3", "--n", "4", "--guidance", "entropy",
                "--scale", "0.05", "--classifier-steps", "50", "--data-dir", data.toString(), "--out", png.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals("entropy", json(r).get("guidance").asText());
        assertTrue(Files.size(png) > 100);
    }

    @Test
    void staticAndDpReportTheContractKeys(@TempDir Path dir) throws Exception {
        String[] common = {"--dataset", "mnist", "--generator", generator.toString(), "--steps", "100", "--data-dir", data.toString(), "--json"};
        Tiller.Result st = Tiller.run(concat(new String[] {"synth", "static", "--samples", "100", "--eval-every", "50", "--out", dir.resolve("s").toString()}, common));
        assertEquals(0, st.status(), st.err());
        Tiller.Result dp = Tiller.run(concat(new String[] {"synth", "dp", "--initial", "100", "--per-round", "50", "--eval-every", "10", "--out", dir.resolve("d").toString()}, common));
        assertEquals(0, dp.status(), dp.err());
        for (Tiller.Result r : List.of(st, dp)) {
            JsonNode j = json(r);
            for (String k : List.of("val_acc", "test_acc", "generated_samples", "iterations")) assertTrue(j.has(k), k + " in " + j);
            assertEquals(100, j.get("iterations").asInt());
        }
        assertEquals(100, json(st).get("generated_samples").asInt());
        JsonNode d = json(dp);
        assertEquals(100 + 50 * d.get("rounds").asInt(), d.get("generated_samples").asInt());
        for (String f : List.of("curve.csv", "accuracy-vs-samples.png", "accuracy-vs-iterations.png", "result.json")) assertTrue(Files.exists(dir.resolve("d").resolve(f)), f);
        assertEquals("step,generated_samples,val_acc,test_acc", Files.readAllLines(dir.resolve("d/curve.csv")).get(0));
    }

    @Test
    void feedbackAndTheoryReportTheContractKeys(@TempDir Path dir) throws Exception {
        Tiller.Result fb = Tiller.run("synth", "feedback", "--dataset", "mnist-lt", "--head", "80", "--imbalance", "10", "--generator", generator.toString(),
                "--criterion", "hardness", "--budget", "half", "--steps", "60", "--data-dir", data.toString(), "--out", dir.resolve("f").toString(), "--json");
        assertEquals(0, fb.status(), fb.err());
        JsonNode f = json(fb);
        for (String k : List.of("test_acc", "many_acc", "medium_acc", "few_acc", "generated_samples")) assertTrue(f.has(k), k + " in " + f);
        assertEquals(11, Files.readAllLines(dir.resolve("f/classes.csv")).size());

        Path curve = dir.resolve("theory.csv");
        Tiller.Result th = Tiller.run("synth", "dp-theory", "--d", "50", "--lambda", "0.1", "--rho", "0.8", "--alpha", "1", "--n", "100,200", "--sims", "4",
                "--out", curve.toString(), "--json");
        assertEquals(0, th.status(), th.err());
        JsonNode points = json(th).get("points");
        assertEquals(2, points.size());
        assertEquals(200, points.get(1).get("n").asInt());
        assertTrue(points.get(1).get("theory_error").asDouble() < points.get(0).get("theory_error").asDouble());
        assertTrue(points.get(0).has("simulated_error"));
        assertEquals("n,kept_fraction,theory_error,simulated_error,simulated_std", Files.readAllLines(curve).get(0));
    }

    @Test
    void badInputIsOneClearLineAndWritesNothing(@TempDir Path dir) throws Exception {
        Path small = dir.resolve("small.safetensors");
        try (Graph g = new Graph(1)) {
            new Cvae(g, new Cvae.Shape("mnist", 4, 4, 10, 8, 2), new SplittableRandom(1)).save(small, Map.of());
        }
        Path out = dir.resolve("out");
        String g = generator.toString(), d = data.toString(), o = out.toString();
        String[][] bad = {
            {"synth", "sample", "--generator", g, "--class", "10", "--n", "4", "--out", o},
            {"synth", "sample", "--generator", g, "--class", "1", "--n", "-4", "--out", o},
            {"synth", "sample", "--generator", g, "--class", "1", "--n", "4", "--guidance", "entropy", "--scale", "NaN", "--out", o},
            {"synth", "sample", "--generator", g, "--class", "1", "--n", "4", "--guidance", "vibes", "--out", o},
            {"synth", "static", "--dataset", "mnist", "--generator", g, "--samples", "-5", "--data-dir", d, "--out", o},
            {"synth", "dp", "--dataset", "mnist", "--generator", g, "--per-round", "-1", "--data-dir", d, "--out", o},
            {"synth", "dp", "--dataset", "fmnist", "--generator", g, "--data-dir", d, "--out", o},
            {"synth", "static", "--dataset", "mnist", "--generator", small.toString(), "--samples", "10", "--data-dir", d, "--out", o},
            {"synth", "feedback", "--dataset", "fmnist-lt", "--generator", g, "--criterion", "loss", "--out", o},
            {"synth", "dp", "--dataset", "mnist", "--generator", dir.resolve("missing.safetensors").toString(), "--data-dir", d, "--out", o},
            {"synth", "generator", "--dataset", "mnist", "--kind", "ddpm", "--out", dir.resolve("x.safetensors").toString()},
            {"synth", "dp-theory", "--d", "50", "--lambda", "0.1", "--rho", "1.5", "--alpha", "1", "--n", "100", "--out", dir.resolve("c.csv").toString()},
            {"synth", "sample", "--generator", g, "--class", "1", "--n", "2000000000", "--out", o},
            {"synth", "static", "--dataset", "mnist", "--generator", g, "--samples", "900000000", "--data-dir", d, "--out", o},
        };
        String[] expect = {"--class 10 is not a class", "--n must be >= 1", "guidance scale must be a finite number", "unknown guidance 'vibes'",
            "--samples must be >= 1", "--per-round must be >= 0", "is a generator of mnist, not of fmnist", "draws 4x4 images",
            "is a generator of mnist, not of fmnist", "missing.safetensors", "--kind ddpm is not built", "--rho must lie in (-1, 1)",
            "more than half of this JVM's", "more than half of this JVM's"};
        for (int i = 0; i < bad.length; i++) {
            Tiller.Result r = Tiller.run(bad[i]);
            assertNotEquals(0, r.status(), String.join(" ", bad[i]));
            assertTrue(r.err().contains(expect[i]), String.join(" ", bad[i]) + " -> " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(Files.exists(out), String.join(" ", bad[i]));
        }
    }

    private static JsonNode json(Tiller.Result r) throws Exception {
        List<String> lines = r.out().strip().lines().toList();
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
