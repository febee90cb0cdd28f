// Feedback-guided synthesis on Fashion-MNIST-LT (class c keeps 5000 * 0.01^(c/9) training images):
// a classifier of the long tail guides the shipped generator while every class is topped up to the
// head count; a fresh classifier trains on real + synthetic. Rows: real only, the unguided top-up,
// and the entropy- and loss-guided top-ups at the official scale 0.03. The full study (half
// budgets, hardness, larger scales, the group variant) is scripts/repro-synthetic PART=feedback.
//
//   scripts/run scripts/experiments/FeedbackGuided.java [--quick] [--seeds N] [--data-dir DIR] [--out DIR]
//
// Fashion-MNIST comes from --data-dir, Debian's /usr/share/datasets/fashion-mnist, or the cache
// that `scripts/tiller synth generator --dataset fmnist ...` fills on first use. Writes
// DIR/classes.png (default experiments-out/FeedbackGuided). --quick is a small MNIST long tail
// (80 down to 8 images a class, from the repository's 2k subset) with the MNIST generator.

import dev.tiller.train.Graph;
import dev.tiller.train.synth.Criterion;
import dev.tiller.train.synth.Cvae;
import dev.tiller.train.synth.FeedbackGuided;
import dev.tiller.train.synth.Guidance;
import dev.tiller.train.synth.ImageData;
import dev.tiller.train.synth.LearnerTraining;
import dev.tiller.train.synth.Splits;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChartBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

class FeedbackGuidedExperiment {
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--quick");
        int seeds = a.contains("--seeds") ? Integer.parseInt(a.get(a.indexOf("--seeds") + 1)) : quick ? 1 : 3;
        Path root = Path.of(System.getProperty("tiller.root", "."));
        Path out = Path.of(a.contains("--out") ? a.get(a.indexOf("--out") + 1) : "experiments-out/FeedbackGuided");

        Splits data;
        Path generatorFile;
        int head;
        double imbalance;
        if (quick) {
            Path dir = root.resolve("java/train/src/test/resources/mnist-subset");
            data = Splits.of("mnist", ImageData.load(dir, "train2k"), ImageData.load(dir, "t1k"));
            generatorFile = root.resolve("models/tiller-mnist-cvae.safetensors");
            head = 80;
            imbalance = 10;
        } else {
            Path dir = fashionMnist(a);
            data = Splits.of("fmnist", ImageData.load(dir, "train"), ImageData.load(dir, "t10k"));
            generatorFile = root.resolve("models/tiller-fmnist-cvae.safetensors");
            head = 5000;
            imbalance = 100;
        }
        long steps = quick ? 300 : 5000;

        // name, guidance criterion, budget: the official one-shot feedback, 6 guidance steps.
        record Arm(String name, Criterion criterion, FeedbackGuided.Budget budget) {}
        List<Arm> arms = List.of(new Arm("real long tail only", Criterion.NONE, FeedbackGuided.Budget.NONE),
                new Arm("+ unguided top-up", Criterion.NONE, FeedbackGuided.Budget.FULL),
                new Arm("+ entropy-guided top-up", Criterion.ENTROPY, FeedbackGuided.Budget.FULL),
                new Arm("+ loss-guided top-up", Criterion.LOSS, FeedbackGuided.Budget.FULL));

        var chart = new XYChartBuilder().width(700).height(450).title("Test accuracy per class (mean over seeds)")
                .xAxisTitle("class (fewer training images to the right)").yAxisTitle("test accuracy").build();
        System.out.println("| training data | generated | test | many | medium | few | validation few |");
        System.out.println("|---|---|---|---|---|---|---|");
        try (Graph g = new Graph(0)) {
            Cvae generator = Cvae.load(g, generatorFile);
            for (Arm arm : arms) {
                List<FeedbackGuided.Result> runs = new ArrayList<>();
                for (int seed = 0; seed < seeds; seed++) {
                    var o = new FeedbackGuided.Options(new Guidance.Settings(arm.criterion(), 0.03, 6), arm.budget(), head, imbalance,
                            LearnerTraining.Options.defaults(steps, seed));
                    runs.add(FeedbackGuided.run(generator, data, o, null));
                }
                System.out.printf("| %s | %d | %s | %s | %s | %s | %s |%n", arm.name(), runs.get(0).generatedSamples(),
                        meanStd(runs, FeedbackGuided.Result::testAcc), meanStd(runs, FeedbackGuided.Result::manyAcc),
                        meanStd(runs, FeedbackGuided.Result::mediumAcc), meanStd(runs, FeedbackGuided.Result::fewAcc),
                        meanStd(runs, FeedbackGuided.Result::valFewAcc));
                int classes = runs.get(0).classAcc().length;
                chart.addSeries(arm.name(), IntStream.range(0, classes).asDoubleStream().toArray(),
                        IntStream.range(0, classes).mapToDouble(c -> runs.stream().mapToDouble(r -> r.classAcc()[c]).average().orElseThrow()).toArray());
            }
        }
        Files.createDirectories(out);
        BitmapEncoder.saveBitmap(chart, out.resolve("classes.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        System.err.println("wrote " + out.resolve("classes.png"));
    }

    /** --data-dir, else Debian's installed package, else the cache the CLI fetches the package into. */
    static Path fashionMnist(List<String> a) {
        if (a.contains("--data-dir")) return Path.of(a.get(a.indexOf("--data-dir") + 1));
        Path installed = Path.of("/usr/share/datasets/fashion-mnist");
        Path cache = Path.of(System.getProperty("user.home"), ".cache/tiller/fashion-mnist/usr/share/datasets/fashion-mnist");
        for (Path p : List.of(installed, cache)) if (Files.isRegularFile(p.resolve("train-images-idx3-ubyte.gz"))) return p;
        throw new IllegalStateException("no Fashion-MNIST: pass --data-dir, install Debian's dataset-fashion-mnist, or run "
                + "`scripts/tiller synth feedback --dataset fmnist-lt ...` once to fetch it into " + cache);
    }

    /** "mean +- std" over seeds (sample std; 0 for one seed); "-" where a split has no class (the quick tail is all few-shot). */
    static String meanStd(List<FeedbackGuided.Result> runs, ToDoubleFunction<FeedbackGuided.Result> f) {
        double[] v = runs.stream().mapToDouble(f).toArray();
        double mean = Arrays.stream(v).average().orElseThrow();
        if (Double.isNaN(mean)) return "-";
        double ss = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
        return String.format("%.3f +- %.3f", mean, v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0);
    }
}
