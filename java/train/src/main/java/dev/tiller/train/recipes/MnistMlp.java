package dev.tiller.train.recipes;

import dev.tiller.Progress;
import dev.tiller.train.Graph;
import dev.tiller.train.Logits;
import dev.tiller.train.MetricsTable;
import dev.tiller.train.Trainer;
import dev.tiller.train.algo.Algorithms;
import dev.tiller.train.algo.Classifier;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;
import dev.tiller.train.data.EpochBatches;
import dev.tiller.train.data.Idx;
import dev.tiller.train.data.Loader;
import dev.tiller.train.data.Sampler;
import dev.tiller.train.nn.Mlp;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.ParamGroup;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The reference recipe of the training runtime: a 784-512-512-10 ReLU MLP on MNIST's 10k/10k
 * split (train10k / t10k of ../shared/data/mnist), Adam at 1e-3, batch 128, He initialisation.
 */
public final class MnistMlp {
    private MnistMlp() {}

    /**
     * trainSet / testSet name the IDX pairs in dataDir: "train10k" means train10k-images-idx3-ubyte.gz and -labels-.
     * algo names an algorithm of {@link Algorithms} ("erm" is plain training) with its hyper-parameters;
     * checkpoint, when not null, is saved every checkpointEvery steps and resumed from when it exists.
     */
    public record Options(Path dataDir, String trainSet, String testSet, int epochs, int batch, long seed, double lr, int threads,
            String algo, Map<String, String> hparams, int evalEvery, Path checkpoint, int checkpointEvery) {
        /** Plain training (ERM), test accuracy at the end, no checkpoint. */
        public Options(Path dataDir, String trainSet, String testSet, int epochs, int batch, long seed, double lr, int threads) {
            this(dataDir, trainSet, testSet, epochs, batch, seed, lr, threads, "erm", Map.of(), 0, null, 0);
        }

        /** The 10k/10k split of ../shared/data/mnist, plain training, no checkpoint. */
        public static Options standard(Path dataDir, int epochs, int batch, long seed, double lr, int threads) {
            return new Options(dataDir, "train10k", "t10k", epochs, batch, seed, lr, threads);
        }
    }

    /**
     * metrics holds test_accuracy after the last step (and every evalEvery steps when asked);
     * epochLoss is NaN for the epochs a resumed run did not train whole.
     */
    public record Result(double testAccuracy, double samplesPerSecond, double trainSeconds, double[] epochLoss, MetricsTable metrics) {}

    public static Result run(Options o, PrintStream progress) {
        Dataset train = load(o.dataDir(), o.trainSet()), test = load(o.dataDir(), o.testSet());
        try (Graph g = new Graph(o.threads())) {
            Mlp model = new Mlp(g, new int[] {train.dim(), 512, 512, 10}, new SplittableRandom(o.seed()));
            Adam opt = Adam.adam(List.of(ParamGroup.of(model.parameters())), o.lr());
            Loader loader = new Loader(train, Sampler.shuffled(train.size(), o.seed()), o.batch(), false);
            EpochBatches batches = new EpochBatches(loader);
            int perEpoch = batches.stepsPerEpoch();
            // An epoch's mean loss needs all its steps: after a resume inside an epoch it is NaN.
            double[] epochLoss = new double[o.epochs()];
            Arrays.fill(epochLoss, Double.NaN);
            Progress bar = new Progress("epoch", o.epochs(), progress, 0);
            double[] lossSum = {Double.NaN};
            Trainer<Batch> trainer = new Trainer<Batch>(opt, (long) o.epochs() * perEpoch)
                    .onStep(s -> {
                        int e = (int) (s.index() / perEpoch);
                        if (s.index() % perEpoch == 0) lossSum[0] = 0;
                        lossSum[0] += s.loss() * batches.lastSize();  // a float product: epoch losses stay those of earlier runs to the digit
                        if ((s.index() + 1) % perEpoch == 0) {
                            epochLoss[e] = lossSum[0] / train.size();
                            bar.update(e + 1, Double.isNaN(epochLoss[e]) ? "(resumed within the epoch)" : String.format("train loss %.4f", epochLoss[e]));
                        }
                    })
                    .evaluate(o.evalEvery(), n -> Map.of("test_accuracy", accuracy(g, model, test)));
            if (o.checkpoint() != null) trainer.checkpoint(o.checkpoint(), o.checkpointEvery(), model.namedParameters());
            Classifier net = b -> model.forward(g.constant(b.features(), b.size(), b.dim()));
            Trainer.Result r = trainer.run(Algorithms.create(o.algo(), net, train, o.hparams()), batches);
            return new Result(r.metrics().last("test_accuracy"), batches.samples() / r.trainSeconds(), r.trainSeconds(), epochLoss, r.metrics());
        }
    }

    private static Dataset load(Path dir, String set) {
        return Idx.images(dir.resolve(set + "-images-idx3-ubyte.gz"), dir.resolve(set + "-labels-idx1-ubyte.gz"), 10);
    }

    static double accuracy(Graph g, Mlp model, Dataset test) {
        return g.noGrad(() -> {
            int correct = 0;
            int[] all = Sampler.sequential(test.size()).epoch(0);
            for (int at = 0; at < all.length; at += 1000) {
                int[] idx = Arrays.copyOfRange(all, at, Math.min(all.length, at + 1000));
                Batch b = test.batch(idx);
                float[] logits = model.forward(g.constant(b.features(), b.size(), b.dim())).toArray();
                for (int i = 0; i < b.size(); i++) if (Logits.argmax(logits, i, 10) == b.labels()[i]) correct++;
                g.clear();
            }
            return (double) correct / test.size();
        });
    }
}
