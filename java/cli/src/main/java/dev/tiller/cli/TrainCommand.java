package dev.tiller.cli;

import dev.tiller.train.recipes.DefaultModel;
import dev.tiller.train.recipes.DefaultModelEval;
import dev.tiller.train.recipes.DefaultSae;
import dev.tiller.train.recipes.GenreSteering;
import dev.tiller.train.sae.SaeTrainer;
import dev.tiller.train.recipes.MnistMlp;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tiller train ...}: the training recipes. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train models with Tiller's native training runtime.",
        subcommands = {TrainCommand.MnistMlpCommand.class, TrainCommand.DefaultModelCommand.class, TrainCommand.EvalDefaultCommand.class,
            TrainCommand.DefaultSaeCommand.class, TrainCommand.GenreVectorsCommand.class})
final class TrainCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /**
     * {@code tiller train mnist-mlp [--epochs N] [--batch B] [--seed S] [--json]}: a 784-512-512-10
     * MLP on MNIST's 10k/10k split; prints test accuracy and training samples per second.
     */
    @Command(name = "mnist-mlp", mixinStandardHelpOptions = true,
            description = "Train a 784-512-512-10 MLP on MNIST (10k train / 10k test; Adam 1e-3, He init).")
    static final class MnistMlpCommand implements Callable<Integer> {
        @Option(names = "--epochs", paramLabel = "N", description = "default: ${DEFAULT-VALUE}")
        int epochs = 5;

        @Option(names = "--batch", paramLabel = "B", description = "default: ${DEFAULT-VALUE}")
        int batch = 128;

        @Option(names = "--seed", paramLabel = "S", description = "default: ${DEFAULT-VALUE}")
        long seed = 0;

        @Option(names = "--lr", paramLabel = "LR", description = "Adam learning rate, default: ${DEFAULT-VALUE}")
        double lr = 1e-3;

        @Mixin
        DataOptions env;

        @Option(names = "--json", description = "print one JSON object (keys test_accuracy, samples_per_s, ...)")
        boolean json;

        @Override
        public Integer call() {
            if (epochs < 1 || batch < 1) throw new IllegalArgumentException("--epochs and --batch must be >= 1");
            MnistMlp.Result r = MnistMlp.run(MnistMlp.Options.standard(env.dir("mnist"), epochs, batch, seed, lr, env.threads()),
                    json ? null : System.err);
            if (json) {
                StringBuilder losses = new StringBuilder();
                for (double l : r.epochLoss()) losses.append(losses.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "%.6f", l));
                System.out.printf(Locale.ROOT, "{\"test_accuracy\":%.4f,\"samples_per_s\":%.1f,\"train_seconds\":%.2f,\"epochs\":%d,\"batch\":%d,\"seed\":%d,\"epoch_loss\":[%s]}%n",
                        r.testAccuracy(), r.samplesPerSecond(), r.trainSeconds(), epochs, batch, seed, losses);
            } else {
                System.out.printf(Locale.ROOT, "test accuracy %.4f%ntraining %.1f samples/s (%.2f s for %d epochs)%n", r.testAccuracy(),
                        r.samplesPerSecond(), r.trainSeconds(), epochs);
            }
            return 0;
        }
    }

    /** {@code tiller train default-model}: the recipe of the shipped small Gemma 2 (models/README.md). */
    @Command(name = "default-model", mixinStandardHelpOptions = true,
            description = "Train the default model (BPE vocabulary + small Gemma 2 on Austen and Brown) and write it as GGUF.")
    static final class DefaultModelCommand implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR", description = "output folder, default: ${DEFAULT-VALUE}")
        Path out = Path.of("models");

        @Option(names = "--steps", paramLabel = "N", description = "default: ${DEFAULT-VALUE}")
        int steps = 1200;

        @Option(names = "--batch", paramLabel = "B", description = "windows of 128 tokens per step, default: ${DEFAULT-VALUE}")
        int batch = 16;

        @Option(names = "--lr", paramLabel = "LR", description = "peak AdamW learning rate, default: ${DEFAULT-VALUE}")
        double lr = 3e-3;

        @Option(names = "--seed", paramLabel = "S", description = "default: ${DEFAULT-VALUE}")
        long seed = 1;

        @Mixin
        DataOptions env;

        @Override
        public Integer call() {
            DefaultModel.Result r = DefaultModel.run(new DefaultModel.Options(env.dir("text"), out, seed, steps, batch, lr, env.threads()), System.err);
            StringBuilder curve = new StringBuilder();
            for (float[] p : r.curve()) curve.append(curve.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "[%d,%.6f]", (int) p[0], p[1]));
            System.out.printf(Locale.ROOT, "{\"steps\":%d,\"batch\":%d,\"seed\":%d,\"lr\":%s,\"train_tokens\":%d,\"train_loss\":%.4f,\"heldout_loss\":%.4f,"
                    + "\"seconds\":%.1f,\"curve\":[%s]}%n", steps, batch, seed, lr, r.trainTokens(), r.trainLoss(), r.heldOutLoss(), r.seconds(), curve);
            return 0;
        }
    }

    /** {@code tiller train eval-default}: held-out perplexity of a model file against a Kneser-Ney trigram. */
    @Command(name = "eval-default", mixinStandardHelpOptions = true,
            description = "Held-out perplexity of the default model (through the runtime) and of an interpolated Kneser-Ney trigram on the same tokens.")
    static final class EvalDefaultCommand implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "M.gguf", description = "default: ${DEFAULT-VALUE}")
        Path model = Path.of("models/tiller-gemma2-tiny.gguf");

        @Mixin
        DataOptions env;

        @Override
        public Integer call() {
            DefaultModelEval.Report r = DefaultModelEval.run(env.dir("text"), model, env.threads());
            System.out.printf(Locale.ROOT, "{\"heldout_tokens\":%d,\"model_loss\":%.4f,\"model_perplexity\":%.2f,\"kn_trigram_loss\":%.4f,\"kn_trigram_perplexity\":%.2f}%n",
                    r.tokens(), r.modelLoss(), r.modelPerplexity(), r.trigramLoss(), r.trigramPerplexity());
            return 0;
        }
    }

    /** {@code tiller train default-sae}: the SAE shipped with the default model. */
    @Command(name = "default-sae", mixinStandardHelpOptions = true,
            description = "Harvest resid_post activations of the default model, train a ReLU SAE, save it as Gemma Scope npz and measure it.")
    static final class DefaultSaeCommand implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "M.gguf", description = "default: ${DEFAULT-VALUE}")
        Path model = Path.of("models/tiller-gemma2-tiny.gguf");

        @Option(names = "--out", paramLabel = "F.npz", description = "default: ${DEFAULT-VALUE}")
        Path out = Path.of("models/tiller-gemma2-tiny.sae-l2.npz");

        @Option(names = "--features", description = "default: ${DEFAULT-VALUE}")
        int features = 2048;

        @Option(names = "--l1", description = "L1 coefficient, default: ${DEFAULT-VALUE}")
        double l1 = 2;

        @Option(names = "--steps", description = "default: ${DEFAULT-VALUE}")
        int steps = 2500;

        @Option(names = "--batch", description = "default: ${DEFAULT-VALUE}")
        int batch = 2048;

        @Option(names = "--lr", description = "default: ${DEFAULT-VALUE}")
        double lr = 1e-3;

        @Option(names = "--harvest", paramLabel = "WINDOWS", description = "training windows of 127 tokens to harvest, default: ${DEFAULT-VALUE}")
        int harvest = 1500;

        @Option(names = "--seed", description = "default: ${DEFAULT-VALUE}")
        long seed = 1;

        @Mixin
        DataOptions env;

        @Override
        public Integer call() {
            DefaultSae.Report r = DefaultSae.run(new DefaultSae.Options(env.dir("text"), model, out, harvest,
                    new SaeTrainer.Options(features, l1, steps, batch, lr, 250, seed, env.threads())), System.err);
            System.out.printf(Locale.ROOT, "{\"layer\":%d,\"features\":%d,\"harvested_rows\":%d,\"fvu\":%.4f,\"l0\":%.2f,\"dead\":%d,"
                    + "\"heldout_loss\":%.4f,\"spliced_loss\":%.4f,\"splice_cost_nats\":%.4f}%n", DefaultSae.LAYER, r.features(), r.harvestedRows(), r.fvu(),
                    r.l0(), r.dead(), r.cleanLoss(), r.splicedLoss(), r.splicedLoss() - r.cleanLoss());
            return 0;
        }
    }

    /** {@code tiller train genre-vectors}: the SAS vectors and genre classifier shipped with the default model. */
    @Command(name = "genre-vectors", mixinStandardHelpOptions = true,
            description = "Build SAS vectors steering the default model to Brown's news or romance genre, and the demo's genre classifier.")
    static final class GenreVectorsCommand implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "M.gguf", description = "default: ${DEFAULT-VALUE}")
        Path model = Path.of("models/tiller-gemma2-tiny.gguf");

        @Option(names = "--sae", paramLabel = "F.npz", description = "default: ${DEFAULT-VALUE}")
        Path sae = Path.of("models/tiller-gemma2-tiny.sae-l2.npz");

        @Option(names = "--out", paramLabel = "DIR", description = "default: ${DEFAULT-VALUE}")
        Path out = Path.of("models");

        @Option(names = "--paragraphs", description = "training paragraphs per genre, default: ${DEFAULT-VALUE}")
        int paragraphs = 300;

        @Option(names = "--tau", description = "SAS firing-fraction threshold, default: ${DEFAULT-VALUE}")
        double tau = 0.1;

        @Mixin
        DataOptions env;

        @Override
        public Integer call() {
            GenreSteering.run(new GenreSteering.Options(env.dir("text"), model, sae, out, paragraphs, tau, env.threads()), System.err);
            return 0;
        }
    }
}
