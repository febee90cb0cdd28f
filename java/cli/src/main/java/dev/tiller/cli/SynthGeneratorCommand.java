package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * (G.loss.csv: epoch,neg_elbo) and a grid of unguided samples, one row per class (G.grid.png).
 * Sample quality: a classifier trained on the real images labels 500 samples per class.
 */
@Command(name = "generator", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a class-conditional image generator (a conditional VAE) on MNIST or Fashion-MNIST.")
final class SynthGeneratorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "fmnist|mnist", description = "the images to learn")
    String dataset;

    @Option(names = "--kind", paramLabel = "vae|ddpm", description = "the generator (default: ${DEFAULT-VALUE}; ddpm is not built, see docs/synthetic.md)")
    String kind = "vae";

    @Option(names = "--epochs", paramLabel = "N", description = "passes over the training images (default: ${DEFAULT-VALUE})")
    int epochs = 30;

    @Option(names = "--hidden", paramLabel = "N", description = "hidden units of encoder and decoder (default: ${DEFAULT-VALUE})")
    int hidden = 400;

    @Option(names = "--latent", paramLabel = "N", description = "latent dimensions (default: ${DEFAULT-VALUE})")
    int latent = 16;

    @Option(names = "--seed", paramLabel = "S", description = "initialisation, batch order and noise (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--out", required = true, paramLabel = "G.safetensors", description = "the generator; G.loss.csv and G.grid.png go beside it")
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
            throw Cli.usage(spec, "--kind ddpm is not built: an MLP DDPM does not reach usable 28x28 samples in an hour on 2 cores here (docs/synthetic.md); use --kind vae");
        }
        if (!kind.equals("vae")) throw Cli.usage(spec, "--kind must be vae or ddpm, got '" + kind + "'");
        GeneratorTraining.Options o;
        try {
            o = new GeneratorTraining.Options(epochs, 128, 1e-3, hidden, latent, seed);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, e.getMessage());
        }
        AtomicFiles.checkWritable(out);
        Splits s = data.load(dataset);
        String stem = out.getFileName().toString().replaceFirst("\\.safetensors$", "");
        Path lossCsv = out.resolveSibling(stem + ".loss.csv"), grid = out.resolveSibling(stem + ".grid.png");
        try (Graph g = new Graph(threads.threads)) {
            Cvae gen = GeneratorTraining.newGenerator(g, dataset, s.train(), o);
            GeneratorTraining.Result r = GeneratorTraining.train(gen, s.train(), o, System.err);
            gen.save(out, Map.of("epochs", Integer.toString(epochs), "seed", Long.toString(seed), "train_images", Integer.toString(s.train().size())));
            StringBuilder csv = new StringBuilder("epoch,neg_elbo\n");
            for (int e = 0; e < r.epochLoss().length; e++) csv.append(e + 1).append(',').append(String.format(Locale.ROOT, "%.4f", r.epochLoss()[e])).append('\n');
            AtomicFiles.writeString(lossCsv, csv);
            int k = gen.shape().classes(), perRow = 10;
            int[] labels = new int[k * perRow];
            for (int i = 0; i < labels.length; i++) labels[i] = i / perRow;
            float[] samples = Guidance.draw(gen, null, null, labels, seed + 7, Guidance.Settings.none());
            ImageGrid.write(grid, samples, labels.length, gen.shape().height(), gen.shape().width(), perRow);
            System.err.println("tiller synth generator: scoring samples with a classifier trained on the real images ...");
            ImageMlp real = LearnerTraining.fit(g, s.train(), LearnerTraining.Options.defaults(3000, seed));
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
                        + "per class: %s%nwrote %s, %s, %s%n", out, epochs, r.epochLoss()[epochs - 1], r.seconds(), realTest, mean,
                        Arrays.toString(Arrays.stream(perClass).map(v -> Math.round(v * 1000) / 1000.0).toArray()), out, lossCsv, grid);
            }
        }
        return 0;
    }
}
