// A 784-512-512-10 MLP on MNIST with Tiller's training engine, written out step by step: data,
// model, optimizer, the one Trainer loop with an evaluation every epoch, and the result table.
// (The same recipe is `tiller train mnist-mlp`; scripts/bench-train races it against PyTorch.)
//
//   scripts/run scripts/experiments/MnistTraining.java [--quick] [--epochs N] [--out DIR]
//
// Writes DIR/test-accuracy.png (default experiments-out/MnistTraining). --quick trains one epoch on the repository's 2k/1k MNIST test subset.

import dev.tiller.train.Graph;
import dev.tiller.train.Logits;
import dev.tiller.train.Losses;
import dev.tiller.train.Trainer;
import dev.tiller.train.algo.Algorithm;
import dev.tiller.train.data.Batch;
import dev.tiller.train.data.Dataset;
import dev.tiller.train.data.EpochBatches;
import dev.tiller.train.data.Idx;
import dev.tiller.train.data.Loader;
import dev.tiller.train.data.Sampler;
import dev.tiller.train.nn.Mlp;
import dev.tiller.train.optim.Adam;
import dev.tiller.train.optim.ParamGroup;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChartBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

class MnistTraining {
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--quick");
        int epochs = a.contains("--epochs") ? Integer.parseInt(a.get(a.indexOf("--epochs") + 1)) : quick ? 1 : 5;
        Path root = Path.of(System.getProperty("tiller.root", "."));
        Path out = Path.of(a.contains("--out") ? a.get(a.indexOf("--out") + 1) : "experiments-out/MnistTraining");
        Path dir = root.resolve(quick ? "java/train/src/test/resources/mnist-subset" : "../shared/data/mnist");
        String train = quick ? "train2k" : "train10k", test = quick ? "t1k" : "t10k";
        Dataset trainSet = Idx.images(dir.resolve(train + "-images-idx3-ubyte.gz"), dir.resolve(train + "-labels-idx1-ubyte.gz"), 10);
        Dataset testSet = Idx.images(dir.resolve(test + "-images-idx3-ubyte.gz"), dir.resolve(test + "-labels-idx1-ubyte.gz"), 10);

        try (Graph g = new Graph(0)) {
            Mlp model = new Mlp(g, new int[] {784, 512, 512, 10}, new SplittableRandom(1));
            Adam adam = Adam.adam(List.of(ParamGroup.of(model.parameters())), 1e-3);
            EpochBatches batches = new EpochBatches(new Loader(trainSet, Sampler.shuffled(trainSet.size(), 1), 128, false));
            Algorithm<Batch> crossEntropy = b -> Losses.crossEntropy(model.forward(g.constant(b.features(), b.size(), b.dim())), b.labels());

            Trainer.Result r = new Trainer<Batch>(adam, (long) epochs * batches.stepsPerEpoch())
                    .evaluate(batches.stepsPerEpoch(), done -> Map.of("test_accuracy", accuracy(g, model, testSet)))
                    .run(crossEntropy, batches);

            System.out.println("| epoch | test accuracy |");
            System.out.println("|---|---|");
            for (var row : r.metrics().rows()) System.out.printf("| %d | %.4f |%n", row.step() / batches.stepsPerEpoch(), row.values().get("test_accuracy"));
            System.out.printf("%n%d steps in %.1f s (%.0f images/s)%n", r.steps(), r.trainSeconds(), batches.samples() / r.trainSeconds());

            var chart = new XYChartBuilder().width(700).height(450).title("MNIST, 784-512-512-10 MLP, Adam 1e-3").xAxisTitle("epoch")
                    .yAxisTitle("test accuracy").build();
            chart.addSeries("test accuracy", r.metrics().rows().stream().map(row -> (double) row.step() / batches.stepsPerEpoch()).toList(),
                    r.metrics().rows().stream().map(row -> row.values().get("test_accuracy")).toList());
            Files.createDirectories(out);
            BitmapEncoder.saveBitmap(chart, out.resolve("test-accuracy.png").toString(), BitmapEncoder.BitmapFormat.PNG);
            System.err.println("wrote " + out.resolve("test-accuracy.png"));
        }
    }

    static double accuracy(Graph g, Mlp model, Dataset data) {
        int[] all = new int[data.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        Batch b = data.batch(all);
        float[] z = g.noGrad(() -> model.forward(g.constant(b.features(), b.size(), b.dim())).toArray());
        g.clear();
        int right = 0;
        for (int i = 0; i < b.size(); i++) if (Logits.argmax(z, i, 10) == b.labels()[i]) right++;
        return (double) right / b.size();
    }
}
