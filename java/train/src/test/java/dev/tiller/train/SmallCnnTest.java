package dev.tiller.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;
import dev.tiller.train.data.Idx;
import dev.tiller.train.data.Loader;
import dev.tiller.train.data.Sampler;
import dev.tiller.train.nn.SmallCnn;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.Optimizer;
import dev.tiller.train.optim.ParamGroup;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The small CNN learns MNIST digits: one epoch of the committed 2k subset. */
class SmallCnnTest {
    @Test
    void oneEpochOnTheSubsetBeatsChanceByFar() throws Exception {
        Path dir = MnistMlpTest.subset();
        Dataset train = Idx.images(dir.resolve("train2k-images-idx3-ubyte.gz"), dir.resolve("train2k-labels-idx1-ubyte.gz"), 10);
        Dataset test = Idx.images(dir.resolve("t1k-images-idx3-ubyte.gz"), dir.resolve("t1k-labels-idx1-ubyte.gz"), 10);
        try (Graph g = new Graph(0)) {
            SmallCnn cnn = new SmallCnn(g, 1, 28, 28, 10, new SplittableRandom(3));
            Optimizer opt = Adam.adam(List.of(ParamGroup.of(cnn.parameters())), 2e-3);
            Loader loader = new Loader(train, Sampler.shuffled(train.size(), 3), 32, false);
            for (int[] idx : loader.epoch(0)) {
                Batch b = loader.batch(idx);
                Tensor loss = Losses.crossEntropy(cnn.forward(g.constant(b.features(), b.size(), 1, 28, 28)), b.labels());
                opt.zeroGrad();
                g.backward(loss);
                opt.step();
                g.clear();
            }
            GroupMetrics m = new GroupMetrics();
            g.noGrad(() -> {
                Batch b = test.batch(Sampler.sequential(test.size()).epoch(0));
                float[] logits = cnn.forward(g.constant(b.features(), b.size(), 1, 28, 28)).toArray();
                for (int i = 0; i < b.size(); i++) {
                    int best = 0;
                    for (int c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
                    m.add(b.labels()[i], best == b.labels()[i]);
                }
                return null;
            });
            assertTrue(m.accuracy() > 0.8, "test accuracy " + m.accuracy());
            assertTrue(m.worstGroupAccuracy() > 0.4, "worst digit " + m.byGroup());
        }
    }
}
