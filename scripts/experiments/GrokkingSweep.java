// Predicting grokking from the early loss curve ("Predicting Grokking Long Before it Happens",
// Notsawo et al. 2023): a grid of learning rates x weight decays on modular addition, and how well
// statistics of the first 400 training losses (the paper's spectral energy, the abstract's
// low-frequency amplitude, Hjorth mobility and complexity) predict which runs generalise by the
// last step. docs/dynamics.md has the measured verdict (the paper's statistic does not predict it
// on this grid; Hjorth mobility does).
//
//   scripts/run scripts/experiments/GrokkingSweep.java [--quick] [--out DIR]
//
// Writes DIR/val-acc.png and DIR/activity.png (default experiments-out/GrokkingSweep). The full
// grid (48 runs of 20000 steps, 2 at a time) takes about 6 minutes on 2 cores; --quick runs
// 2 x 2 cells, one seed, 3000 steps.

import dev.tiller.train.dynamics.GrokModel;
import dev.tiller.train.dynamics.GrokSweep;
import dev.tiller.train.dynamics.Grokking;
import dev.tiller.train.dynamics.ModularArithmetic;
import dev.tiller.train.dynamics.PredictorScore;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChartBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

class GrokkingSweep {
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--quick");
        Path out = Path.of(a.contains("--out") ? a.get(a.indexOf("--out") + 1) : "experiments-out/GrokkingSweep");
        double[] lrs = quick ? new double[] {1e-2, 3e-2} : new double[] {1e-3, 3e-3, 1e-2, 3e-2};
        double[] wds = quick ? new double[] {0.3, 1} : new double[] {0.03, 0.3, 1, 3};
        int seeds = quick ? 1 : 3, steps = quick ? 3000 : 20_000, window = 400;

        // a + b mod 31, half of the 961 pairs for training, the spec's MLP, full-batch AdamW; two runs
        // at a time with one thread each.
        var base = new Grokking.Options(ModularArithmetic.Op.ADD, 31, 0.5, GrokModel.Kind.MLP, lrs[0], wds[0], steps, 0, 1);
        List<GrokSweep.Run> runs = GrokSweep.run(new GrokSweep.Grid(base, lrs, wds, seeds, window, 2),
                r -> System.err.printf("lr %s wd %s seed %d: final val acc %.3f%n", r.lr(), r.wd(), r.seed(), r.finalValAcc()));

        double[] acc = runs.stream().mapToDouble(GrokSweep.Run::finalValAcc).toArray();
        boolean[] generalises = new boolean[runs.size()];
        int[] cell = new int[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            generalises[i] = runs.get(i).generalises();
            cell[i] = runs.get(i).lrIndex() + runs.get(i).wdIndex();
        }
        System.out.printf("%d runs, %d generalised (val acc >= 0.99 at step %d)%n%n", runs.size(), count(generalises), steps);
        System.out.println("| statistic of the first " + window + " steps | Spearman with final val acc | AUROC (generalises) | held-out threshold accuracy |");
        System.out.println("|---|---|---|---|");
        Map<String, ToDoubleFunction<GrokSweep.Run>> stats = Map.of("activity (spectral energy)", r -> r.stats().activity(),
                "low-frequency amplitude", r -> r.stats().lowFreqAmplitude(), "Hjorth mobility", r -> r.stats().mobility(),
                "Hjorth complexity", r -> r.stats().complexity());
        for (String name : List.of("activity (spectral energy)", "low-frequency amplitude", "Hjorth mobility", "Hjorth complexity")) {
            PredictorScore p = PredictorScore.of(runs.stream().mapToDouble(stats.get(name)).toArray(), acc, generalises, cell);
            System.out.printf("| %s | %.2f | %.2f | %.2f |%n", name, p.spearman(), p.auroc(), p.scoreAccuracy());
        }

        Files.createDirectories(out);
        heatMap(runs, lrs, wds, "final validation accuracy", GrokSweep.Run::finalValAcc, out.resolve("val-acc.png"));
        heatMap(runs, lrs, wds, "activity of the first " + window + " steps", stats.get("activity (spectral energy)"), out.resolve("activity.png"));
        System.err.println("wrote " + out.resolve("val-acc.png") + " and " + out.resolve("activity.png"));
    }

    /** The mean over seeds of one quantity per (lr, wd) cell. */
    static void heatMap(List<GrokSweep.Run> runs, double[] lrs, double[] wds, String title, ToDoubleFunction<GrokSweep.Run> f, Path file) throws Exception {
        List<String> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (double w : wds) xs.add("wd " + w);
        for (double l : lrs) ys.add("lr " + l);
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < lrs.length; i++) {
            for (int j = 0; j < wds.length; j++) {
                int li = i, wj = j;
                cells.add(new Number[] {j, i, runs.stream().filter(r -> r.lrIndex() == li && r.wdIndex() == wj).mapToDouble(f).average().orElse(Double.NaN)});
            }
        }
        var chart = new HeatMapChartBuilder().width(600).height(450).title(title).build();
        chart.getStyler().setShowValue(true).setHeatMapValueDecimalPattern("0.000");
        chart.addSeries(title, xs, ys, cells);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) if (x) n++;
        return n;
    }
}
