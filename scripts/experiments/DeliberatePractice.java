// Deliberate Practice against the static baseline, on MNIST with the generator shipped in models/:
// both classifiers see the same number of training steps; DP grows its set with entropy-guided
// samples whenever validation accuracy stalls. The full study (Fashion-MNIST, 3 seeds, every
// baseline) is scripts/repro-synthetic; this is the shortest complete version of it.
//
//   scripts/run scripts/experiments/DeliberatePractice.java [--quick] [--seed S] [--out DIR]
//
// Writes DIR/validation.png (default experiments-out/DeliberatePractice). --quick trains a few hundred steps on the repository's 2k/1k MNIST test subset (seconds).

import dev.tiller.train.Graph;
import dev.tiller.train.synth.Criterion;
import dev.tiller.train.synth.Cvae;
import dev.tiller.train.synth.DeliberatePractice;
import dev.tiller.train.synth.Guidance;
import dev.tiller.train.synth.ImageData;
import dev.tiller.train.synth.LearnerTraining;
import dev.tiller.train.synth.Splits;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChartBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class DeliberatePracticeExperiment {
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--quick");
        long seed = a.contains("--seed") ? Long.parseLong(a.get(a.indexOf("--seed") + 1)) : 0;
        Path root = Path.of(System.getProperty("tiller.root", "."));
        Path out = Path.of(a.contains("--out") ? a.get(a.indexOf("--out") + 1) : "experiments-out/DeliberatePractice");

        // Real images: validation picks nothing here but triggers DP's additions; test is only reported.
        Path dir = root.resolve(quick ? "java/train/src/test/resources/mnist-subset" : "../shared/data/mnist");
        Splits data = Splits.of("mnist", ImageData.load(dir, quick ? "train2k" : "train10k"), ImageData.load(dir, quick ? "t1k" : "t10k"));
        long steps = quick ? 300 : 2000;
        LearnerTraining.Options learner = LearnerTraining.Options.defaults(steps, seed);

        try (Graph g = new Graph(0)) {
            Cvae generator = Cvae.load(g, root.resolve("models/tiller-mnist-cvae.safetensors"));

            // DP: 250 samples to start, 250 more (entropy guidance, omega 0.1) each time patience runs out.
            var dp = DeliberatePractice.run(generator, data,
                    new DeliberatePractice.Options(250, 250, new Guidance.Settings(Criterion.ENTROPY, 0.1, 6), 1, 50, learner), null);
            // Static: as many samples as DP ended with, all up front, unguided; and four times as many.
            var same = DeliberatePractice.run(generator, data, DeliberatePractice.Options.staticBaseline(dp.generatedSamples(), 50, learner), null);
            var more = DeliberatePractice.run(generator, data, DeliberatePractice.Options.staticBaseline(4 * dp.generatedSamples(), 50, learner), null);

            System.out.println("| method | generated samples | iterations | validation | test |");
            System.out.println("|---|---|---|---|---|");
            row("deliberate practice", dp);
            row("static, same size", same);
            row("static, 4x the samples", more);

            var chart = new XYChartBuilder().width(700).height(450).title("Validation accuracy during training").xAxisTitle("step")
                    .yAxisTitle("real validation accuracy").build();
            for (var run : List.of(List.of("deliberate practice", dp), List.of("static, same size", same), List.of("static, 4x the samples", more))) {
                var curve = ((DeliberatePractice.Result) run.get(1)).curve();
                chart.addSeries((String) run.get(0), curve.stream().map(p -> (double) p.step()).toList(), curve.stream().map(p -> p.valAcc()).toList());
            }
            Files.createDirectories(out);
            BitmapEncoder.saveBitmap(chart, out.resolve("validation.png").toString(), BitmapEncoder.BitmapFormat.PNG);
            System.err.println("wrote " + out.resolve("validation.png"));
        }
    }

    static void row(String name, DeliberatePractice.Result r) {
        System.out.printf("| %s | %d | %d | %.4f | %.4f |%n", name, r.generatedSamples(), r.iterations(), r.valAcc(), r.testAcc());
    }
}
