package dev.tiller.train.recipes;

import dev.tiller.train.Graph;
import dev.tiller.train.Losses;
import dev.tiller.Progress;
import dev.tiller.train.Tensor;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;
import dev.tiller.train.data.Idx;
import dev.tiller.train.data.Loader;
import dev.tiller.train.data.Sampler;
import dev.tiller.train.nn.Mlp;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.ParamGroup;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The reference recipe of the training runtime: a 784-512-512-10 ReLU MLP on MNIST's 10k/10k
 * split (train10k / t10k of ../shared/data/mnist), Adam at 1e-3, batch 128, He initialisation.
 */
public final class MnistMlp {
    private MnistMlp() {}

    /** trainSet / testSet name the IDX pairs in dataDir: "train10k" means train10k-images-idx3-ubyte.gz and -labels-. */
    public record Options(Path dataDir, String trainSet, String testSet, int epochs, int batch, long seed, double lr, int threads) {
        /** The 10k/10k split of ../shared/data/mnist. */
        public static Options standard(Path dataDir, int epochs, int batch, long seed, double lr, int threads) {
            return new Options(dataDir, "train10k", "t10k", epochs, batch, seed, lr, threads);
        }
    }

    public record Result(double testAccuracy, double samplesPerSecond, double trainSeconds, double[] epochLoss) {}

    public static Result run(Options o, PrintStream progress) {
        Dataset train = load(o.dataDir(), o.trainSet()), test = load(o.dataDir(), o.testSet());
        try (Graph g = new Graph(o.threads())) {
            Mlp model = new Mlp(g, new int[] {train.dim(), 512, 512, 10}, new SplittableRandom(o.seed()));
            Adam opt = Adam.adam(List.of(ParamGroup.of(model.parameters())), o.lr());
            Loader loader = new Loader(train, Sampler.shuffled(train.size(), o.seed()), o.batch(), false);
            double[] epochLoss = new double[o.epochs()];
            long trainNanos = 0, samples = 0;
            Progress bar = new Progress("epoch", o.epochs(), progress, 0);
            for (int e = 0; e < o.epochs(); e++) {
                long t0 = System.nanoTime();
                double lossSum = 0;
                List<int[]> batches = loader.epoch(e);
                for (int[] idx : batches) {
                    Batch b = loader.batch(idx);
                    Tensor loss = Losses.crossEntropy(model.forward(g.constant(b.features(), b.size(), b.dim())), b.labels());
                    opt.zeroGrad();
                    g.backward(loss);
                    opt.step();
                    lossSum += loss.item() * b.size();
                    samples += b.size();
                    g.clear();
                }
                trainNanos += System.nanoTime() - t0;
                epochLoss[e] = lossSum / train.size();
                bar.update(e + 1, String.format("train loss %.4f", epochLoss[e]));
            }
            double acc = accuracy(g, model, test);
            double secs = trainNanos / 1e9;
            return new Result(acc, samples / secs, secs, epochLoss);
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
                int[] idx = java.util.Arrays.copyOfRange(all, at, Math.min(all.length, at + 1000));
                Batch b = test.batch(idx);
                float[] logits = model.forward(g.constant(b.features(), b.size(), b.dim())).toArray();
                for (int i = 0; i < b.size(); i++) {
                    int best = 0;
                    for (int c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
                    if (best == b.labels()[i]) correct++;
                }
                g.clear();
            }
            return (double) correct / test.size();
        });
    }
}
