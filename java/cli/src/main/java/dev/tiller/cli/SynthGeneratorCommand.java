package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.Graph;
import dev.tiller.train.synth.Cvae;
import dev.tiller.train.synth.GeneratorTraining;
import dev.tiller.train.synth.Guidance;
import dev.tiller.train.synth.ImageMlp;
import dev.tiller.train.synth.LearnerTraining;
import dev.tiller.train.synth.Splits;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tiller synth generator --dataset fmnist|mnist [--kind vae|ddpm] [--epochs N] --out
 * G.safetensors}: trains the class-conditional VAE and writes it, its loss curve
 * (G.loss.csv: epoch,neg_elbo, and G.loss.png) and a grid of unguided samples, one row per class
 * (G.grid.png).
 * Sample quality: a classifier trained on the real images labels 500 samples per class.
 */
@Command(name = "generator", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a class-conditional image generator (a conditional VAE) on MNIST or Fashion-MNIST.")
final class SynthGeneratorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "fmnist|mnist|cfmnist-groups", description = "the images to learn (cfmnist-groups: 20 class x colour groups)")
    String dataset;

    @Option(names = "--kind", paramLabel = "vae|ddpm", description = "the generator (default: ${DEFAULT-VALUE}; ddpm is not built yet, see docs/synthetic.md)")
    String kind = "vae";

    @Option(names = "--epochs", paramLabel = "N", description = "passes over the training images (default: ${DEFAULT-VALUE})")
    int epochs = 30;

    @Option(names = "--hidden", paramLabel = "N", description = "hidden units of encoder and decoder (default: ${DEFAULT-VALUE})")
    int hidden = 400;

    @Option(names = "--latent", paramLabel = "N", description = "latent dimensions (default: ${DEFAULT-VALUE})")
    int latent = 16;

    @Option(names = "--seed", paramLabel = "S", description = "initialisation, batch order and noise (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--score-steps", paramLabel = "N", description = "training steps of the real-data classifier that scores the samples (default: ${DEFAULT-VALUE})")
    long scoreSteps = 3000;

    @Option(names = "--out", required = true, paramLabel = "G.safetensors", description = "the generator; G.loss.csv, G.loss.png and G.grid.png go beside it")
    Path out;

    @Option(names = "--json", description = "print a summary as one JSON object, the last line of stdout")
    boolean json;

    @Mixin
    SynthDataOptions data;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        if (kind.equals("ddpm")) {
            throw Cli.usage(spec, "--kind ddpm is not built yet (docs/synthetic.md says why); use --kind vae");
        }
        if (!kind.equals("vae")) throw Cli.usage(spec, "--kind must be vae or ddpm, got '" + kind + "'");
        GeneratorTraining.Options o;
        try {
            o = new GeneratorTraining.Options(epochs, 128, 1e-3, hidden, latent, seed);
            if (scoreSteps < 1) throw new IllegalArgumentException("--score-steps must be >= 1, got " + scoreSteps);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, e.getMessage());
        }
        AtomicFiles.checkWritable(out);
        Splits s = data.load(dataset);
        String stem = out.getFileName().toString().replaceFirst("\\.safetensors$", "");
        Path lossCsv = out.resolveSibling(stem + ".loss.csv"), lossPng = out.resolveSibling(stem + ".loss.png"), grid = out.resolveSibling(stem + ".grid.png");
        try (Graph g = new Graph(threads.threads)) {
            Cvae gen = GeneratorTraining.newGenerator(g, dataset, s.train(), o);
            GeneratorTraining.Result r = GeneratorTraining.train(gen, s.train(), o, System.err);
            gen.save(out, Map.of("epochs", Integer.toString(epochs), "seed", Long.toString(seed), "train_images", Integer.toString(s.train().size())));
            StringBuilder csv = new StringBuilder("epoch,neg_elbo\n");
            for (int e = 0; e < r.epochLoss().length; e++) csv.append(e + 1).append(',').append(String.format(Locale.ROOT, "%.4f", r.epochLoss()[e])).append('\n');
            AtomicFiles.writeString(lossCsv, csv);
            double[] xs = new double[epochs];
            for (int e = 0; e < epochs; e++) xs[e] = e + 1;
            XYChart chart = new XYChartBuilder().width(700).height(450).title(dataset + " CVAE: training loss").xAxisTitle("epoch")
                    .yAxisTitle("-ELBO (nats per image)").build();
            chart.addSeries("training images", xs, r.epochLoss());
            AtomicFiles.write(lossPng, os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
            int k = gen.shape().classes(), perRow = 10;
            int[] labels = new int[k * perRow];
            for (int i = 0; i < labels.length; i++) labels[i] = i / perRow;
            float[] samples = Guidance.draw(gen, null, null, labels, seed + 7, Guidance.Settings.none());
            ImageGrid.write(grid, samples, labels.length, gen.shape().height(), gen.shape().width(), perRow);
            System.err.println("tiller synth generator: scoring samples with a classifier trained on the real images ...");
            ImageMlp real = LearnerTraining.fit(g, s.train(), LearnerTraining.Options.defaults(scoreSteps, seed));
            double realTest = real.accuracy(s.test().images(), s.test().labels());
            double[] perClass = GeneratorTraining.sampleAccuracy(gen, real, 500, seed + 11);
            double mean = Arrays.stream(perClass).average().orElse(Double.NaN);
            ObjectNode j = JsonOut.object();
            j.put("dataset", dataset);
            j.put("kind", kind);
            j.put("epochs", epochs);
            j.put("neg_elbo", JsonOut.fixed(r.epochLoss()[epochs - 1], 3));
            j.put("real_classifier_test_acc", JsonOut.fixed(realTest, 4));
            j.put("sample_acc", JsonOut.fixed(mean, 4));
            j.set("sample_acc_per_class", JsonOut.fixedArray(perClass, 4));
            j.put("seconds", JsonOut.fixed(r.seconds(), 1));
            j.put("out", out.toString());
            if (json) {
                JsonOut.print(j);
            } else {
                System.out.printf(Locale.ROOT, "generator: %s (%d epochs, -ELBO %.2f nats/image, %.0f s); samples labelled as their class by a real-data classifier (test %.3f): %.3f%n"
                        + "per class: %s%nwrote %s, %s, %s, %s%n", out, epochs, r.epochLoss()[epochs - 1], r.seconds(), realTest, mean,
                        Arrays.toString(Arrays.stream(perClass).map(v -> Math.round(v * 1000) / 1000.0).toArray()), out, lossCsv, lossPng, grid);
            }
        }
        return 0;
    }
}
