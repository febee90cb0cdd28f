package dev.tiller.cli;

import dev.tiller.Model;
import dev.tiller.SamplingParams;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.steer.Sae;
import dev.tiller.steer.SteeringFiles;
import dev.tiller.steer.SteeringVector;
import dev.tiller.train.text.GenreClassifier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tiller demo}: the default model (models/, trained by Tiller) generating with and without
 * each shipped steering vector, and the measured effect: how news-like a genre classifier finds
 * the wording, over several samples, in several runs with different seeds, so that the effect can
 * be compared with the run-to-run spread.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Steered generation with the default model and its shipped SAS vectors, with a measured effect.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--models", paramLabel = "DIR", description = "default: the repository's models/")
    Path models;

    @Option(names = "--prompt", description = "default: ${DEFAULT-VALUE}")
    String prompt = "The";

    @Option(names = "--samples", description = "samples per run and condition, default: ${DEFAULT-VALUE}")
    int samples = 12;

    @Option(names = "--runs", description = "runs with different seeds, default: ${DEFAULT-VALUE}")
    int runs = 3;

    @Option(names = "--tokens", description = "tokens per sample, default: ${DEFAULT-VALUE}")
    int tokens = 40;

    @Option(names = "--strength", description = "SAS lambda, default: ${DEFAULT-VALUE}")
    float strength = 1.5f;

    @Mixin
    ThreadsOption threadsOption;

    @Override
    public Integer call() {
        Path dir = models != null ? models : Path.of(System.getProperty("tiller.root", ".")).resolve("models");
        Path modelFile = dir.resolve("tiller-gemma2-tiny.gguf");
        if (!Files.isRegularFile(modelFile)) throw new IllegalArgumentException(modelFile + " is missing (see models/README.md)");
        GenreClassifier judge = GenreClassifier.load(dir.resolve("genre-news-romance.tsv"));
        List<String> names = new ArrayList<>(List.of("unsteered"));
        List<SteeringVector> vectors = new ArrayList<>();
        vectors.add(null);
        for (String g : new String[] {"news", "romance"}) {
            names.add("steer-" + g);
            vectors.add(SteeringFiles.load(dir.resolve("steer-" + g + ".safetensors")));
        }
        try (Model m = Model.load(modelFile); Sae sae = Sae.load(dir.resolve("tiller-gemma2-tiny.sae-l2.npz"));
                Session s = m.newSession(new SessionOptions(tokens + 16, threadsOption.threads))) {
            System.out.printf(Locale.ROOT, "%s: %s, %d layers, d %d, vocabulary %d (trained by Tiller, see models/README.md)%n", modelFile.getFileName(),
                    m.info().architecture(), m.info().layerCount(), m.info().embeddingLength(), m.info().vocabularySize());
            System.out.printf(Locale.ROOT, "prompt \"%s\", %d tokens per sample, temperature 0.9, top-k 40, repeat penalty 1.3; SAS lambda %.1f at layer %d%n%n", prompt, tokens,
                    strength, vectors.get(1).layer());
            double[][] p = new double[names.size()][runs];
            int[] classifiedNews = new int[names.size()];
            for (int c = 0; c < names.size(); c++) {
                s.clearSteering();
                if (vectors.get(c) != null) s.steer(vectors.get(c), strength, 0, sae, false);
                for (int r = 0; r < runs; r++) {
                    double sum = 0;
                    for (int k = 0; k < samples; k++) {
                        s.reset();
                        long seed = 1000L * (r + 1) + k;
                        String text = prompt + s.complete(prompt, SamplingParams.defaults().withTemperature(0.9f).withTopK(40).withRepeatPenalty(1.3f).withMaxTokens(tokens).withSeed(seed));
                        sum += judge.meanLogOdds(text);
                        if (judge.probabilityA(text) > 0.5) classifiedNews[c]++;
                        if (r == 0 && k < 2) System.out.printf("[%s, seed %d] %s%n", names.get(c), seed, text.replace('\n', ' ').strip());
                    }
                    p[c][r] = sum / samples;
                }
                System.out.println();
            }
            System.out.printf(Locale.ROOT, "Measured effect: how news-like the wording is, as the mean per-word log-odds log P(w|news) - log P(w|romance)%n"
                    + "of a naive Bayes classifier of Brown's press reportage vs romance (models/genre-news-romance.tsv; > 0: news-like),%n"
                    + "averaged over %d samples per run, and the share of all samples the classifier calls news:%n%n%-14s", samples, "");
            for (int r = 0; r < runs; r++) System.out.printf(Locale.ROOT, "  run %d", r + 1);
            System.out.printf(Locale.ROOT, "    mean  spread (max-min)  called news%n");
            double[] mean = new double[names.size()], spread = new double[names.size()];
            for (int c = 0; c < names.size(); c++) {
                double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                System.out.printf(Locale.ROOT, "%-14s", names.get(c));
                for (int r = 0; r < runs; r++) {
                    System.out.printf(Locale.ROOT, "  %+.3f", p[c][r]);
                    mean[c] += p[c][r] / runs;
                    lo = Math.min(lo, p[c][r]);
                    hi = Math.max(hi, p[c][r]);
                }
                spread[c] = hi - lo;
                System.out.printf(Locale.ROOT, "  %+.3f  %.3f           %d/%d%n", mean[c], spread[c], classifiedNews[c], runs * samples);
            }
            System.out.println();
            for (int c = 1; c < names.size(); c++) {
                double effect = mean[c] - mean[0], noise = Math.max(spread[0], spread[c]);
                System.out.printf(Locale.ROOT, "%s moves the log-odds by %+.3f; the run-to-run spread is %.3f: %s%n", names.get(c), effect, noise,
                        Math.abs(effect) > noise ? "the effect is larger than the spread" : "the effect is NOT larger than the spread");
            }
        }
        return 0;
    }
}
