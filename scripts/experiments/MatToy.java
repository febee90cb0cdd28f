// Memorization-aware training on its interpretable toy ("The Pitfalls of Memorization", Bayat,
// Pezeshki et al. 2025, interpretable_experiment.py): a core feature, a spurious one five times
// stronger that disagrees with the label on 10% of the training rows, and 1798 example-specific
// noise features of std sigma with which a linear model memorizes those exceptions. ERM fits every
// training row and loses the minority at test once sigma > 0; MAT, shifting the logits by XRM's
// held-out predictions, keeps it. docs/robustness.md has the table this reproduces.
//
//   scripts/run scripts/experiments/MatToy.java [--quick] [--out DIR]
//
// Writes DIR/minority.png (default experiments-out/MatToy). --quick runs sigma 0 and 0.5 only,
// with 300 steps.

import dev.tiller.train.robust.GroupTable;
import dev.tiller.train.robust.Groups;
import dev.tiller.train.robust.MatToyData;
import dev.tiller.train.robust.Method;
import dev.tiller.train.robust.RobustTraining;
import dev.tiller.train.robust.Xrm;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChartBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class MatToy {
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--quick");
        Path out = Path.of(a.contains("--out") ? a.get(a.indexOf("--out") + 1) : "experiments-out/MatToy");
        double[] sigmas = quick ? new double[] {0, 0.5} : new double[] {0, 0.1, 0.25, 0.5, 1.0};
        int steps = quick ? 300 : 1000;

        System.out.println("| sigma | method | test majority | test minority | train majority | train minority |");
        System.out.println("|---|---|---|---|---|---|");
        List<Double> xs = new ArrayList<>(), ermMinority = new ArrayList<>(), matMinority = new ArrayList<>();
        for (double sigma : sigmas) {
            GroupTable table = MatToyData.make(0, sigma);
            Groups groups = Groups.attributes(table);  // (y, the class the spurious feature points to)
            // The reference's protocol: bias-free linear models with PyTorch's initialisation,
            // full-batch plain SGD, the last step kept (no momentum, no weight decay).
            var noMomentumLast = new RobustTraining.Extras(0, true, null);
            var erm = RobustTraining.Options.defaults(Method.ERM).withModel("torch-linear").withOptimizer("sgd", sigma == 0 ? 3e-2 : 1e-2, 0)
                    .withBatch(1000).withSteps(steps, 100).with(noMomentumLast);
            var ermResult = RobustTraining.run(table, groups, groups, erm, null);

            // XRM twins of the same kind give every training row a held-out logit; MAT (tau 0.1,
            // p(y | y-hat) over the whole training set) trains on XRM's environments with them.
            var twins = new Xrm.Options(steps, 1e-2, 1000, 0, "torch-linear", new int[0], 0, 0, "sgd", false);
            Xrm.Result xrm = Xrm.run(table, twins, null);
            var mat = RobustTraining.Options.defaults(Method.MAT).withModel("torch-linear").withOptimizer("sgd", 1e-2, 0).withBatch(1000)
                    .withSteps(steps, 100).with(noMomentumLast.withMat(new RobustTraining.MatInputs(xrm.heldOut(), 0.1, "full")));
            var matResult = RobustTraining.run(table, Groups.environments(table, xrm.env(), "XRM"), groups, mat, null);

            for (var r : List.of(ermResult, matResult)) {
                System.out.printf("| %s | %s | %.3f | %.3f | %.3f | %.3f |%n", sigma, r.method().cliName(), accuracy(r.testGroups(), false),
                        accuracy(r.testGroups(), true), accuracy(r.trainGroups(), false), accuracy(r.trainGroups(), true));
            }
            xs.add(sigma);
            ermMinority.add(accuracy(ermResult.testGroups(), true));
            matMinority.add(accuracy(matResult.testGroups(), true));
        }

        var chart = new XYChartBuilder().width(700).height(450).title("MAT toy: test accuracy on the minority (spurious feature disagrees)")
                .xAxisTitle("sigma of the example-specific noise features").yAxisTitle("test minority accuracy").build();
        chart.addSeries("ERM", xs, ermMinority);
        chart.addSeries("MAT (XRM's held-out logits)", xs, matMinority);
        Files.createDirectories(out);
        BitmapEncoder.saveBitmap(chart, out.resolve("minority.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        System.err.println("wrote " + out.resolve("minority.png"));
    }

    /** Row-weighted accuracy over the majority groups (spurious attribute = label) or the minority ones. */
    static double accuracy(List<RobustTraining.GroupResult> groups, boolean minority) {
        double ok = 0, n = 0;
        for (var g : groups) {
            if ((g.key().attributes()[0] != g.key().y()) != minority) continue;
            ok += g.accuracy() * g.n();
            n += g.n();
        }
        return ok / n;
    }
}
