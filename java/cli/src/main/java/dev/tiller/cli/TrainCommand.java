package dev.tiller.cli;

import dev.tiller.train.recipes.MnistMlp;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tiller train ...}: the training recipes. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train models with Tiller's native training runtime.",
        subcommands = {TrainCommand.MnistMlpCommand.class})
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

        @Option(names = "--threads", paramLabel = "N", description = "default: one per core")
        int threads = 0;

        @Option(names = "--data", paramLabel = "DIR", description = "folder with the MNIST IDX files (default: ../shared/data/mnist)")
        Path data;

        @Option(names = "--json", description = "print one JSON object (keys test_accuracy, samples_per_s, ...)")
        boolean json;

        @Override
        public Integer call() {
            if (epochs < 1 || batch < 1) throw new IllegalArgumentException("--epochs and --batch must be >= 1");
            MnistMlp.Result r = MnistMlp.run(MnistMlp.Options.standard(DataDirs.resolve(data, "mnist"), epochs, batch, seed, lr, threads),
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
}
