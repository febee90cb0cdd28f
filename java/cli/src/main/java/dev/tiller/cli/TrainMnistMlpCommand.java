package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.tiller.train.recipes.MnistMlp;

import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tiller train mnist-mlp [--epochs N] [--batch B] [--seed S] [--algo NAME] [--json]}: a
 * 784-512-512-10 MLP on MNIST's 10k/10k split; prints test accuracy and training samples per second.
 */
@Command(name = "mnist-mlp", mixinStandardHelpOptions = true,
        description = "Train a 784-512-512-10 MLP on MNIST (10k train / 10k test; Adam 1e-3, He init).")
final class TrainMnistMlpCommand implements Callable<Integer> {
    @Option(names = "--epochs", paramLabel = "N", description = "default: ${DEFAULT-VALUE}")
    int epochs = 5;

    @Option(names = "--batch", paramLabel = "B", description = "default: ${DEFAULT-VALUE}")
    int batch = 128;

    @Option(names = "--seed", paramLabel = "S", description = "default: ${DEFAULT-VALUE}")
    long seed = 0;

    @Option(names = "--lr", paramLabel = "LR", description = "Adam learning rate, default: ${DEFAULT-VALUE}")
    double lr = 1e-3;

    @Option(names = "--train-set", paramLabel = "NAME", description = "the training IDX pair in the data folder (NAME-images-idx3-ubyte.gz, NAME-labels-idx1-ubyte.gz), default: ${DEFAULT-VALUE}")
    String trainSet = "train10k";

    @Option(names = "--test-set", paramLabel = "NAME", description = "the test IDX pair, default: ${DEFAULT-VALUE}")
    String testSet = "t10k";

    @Option(names = "--eval-every", paramLabel = "N", description = "also measure test accuracy every N steps (0: only at the end), default: ${DEFAULT-VALUE}")
    int evalEvery = 0;

    @Mixin
    AlgorithmOptions algo;

    @Mixin
    CheckpointOptions checkpoint;

    @Mixin
    DataOptions env;

    @Option(names = "--json", description = "print one JSON object (keys test_accuracy, samples_per_s, ...)")
    boolean json;

    @Override
    public Integer call() {
        if (epochs < 1 || batch < 1) throw new IllegalArgumentException("--epochs and --batch must be >= 1");
        if (evalEvery < 0) throw new IllegalArgumentException("--eval-every must be >= 0");
        MnistMlp.Options o = new MnistMlp.Options(env.dir("mnist"), trainSet, testSet, epochs, batch, seed, lr, env.threads(), algo.name, algo.hparams,
                evalEvery, checkpoint.file, checkpoint.every());
        MnistMlp.Result r = MnistMlp.run(o, json ? null : System.err);
        if (json) {
            ObjectNode out = JsonOut.object();
            out.put("test_accuracy", JsonOut.fixed(r.testAccuracy(), 4));
            out.put("samples_per_s", JsonOut.fixed(r.samplesPerSecond(), 1));
            out.put("train_seconds", JsonOut.fixed(r.trainSeconds(), 2));
            out.put("epochs", epochs).put("batch", batch).put("seed", seed).put("algo", algo.name);
            out.set("epoch_loss", JsonOut.fixedArray(r.epochLoss(), 6));
            JsonOut.print(out);
        } else {
            if (r.metrics().rows().size() > 1) System.err.print(r.metrics().format());
            System.out.printf(Locale.ROOT, "test accuracy %.4f%ntraining %.1f samples/s (%.2f s for %d epochs)%n", r.testAccuracy(),
                    r.samplesPerSecond(), r.trainSeconds(), epochs);
        }
        return 0;
    }
}
