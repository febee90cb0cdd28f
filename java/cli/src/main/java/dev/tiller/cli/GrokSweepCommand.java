package dev.tiller.cli;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.dynamics.GrokSweep;
import dev.tiller.train.dynamics.Grokking;
import dev.tiller.train.dynamics.LossSpectrum;
import dev.tiller.train.dynamics.PredictorScore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

/**
 * {@code tiller grok sweep --op add --p P --frac R --lrs X,X... --wds X,X... [--seeds K] --steps N
 * [--predict-steps 400] --out DIR}: grokking runs over learning rate x weight decay x seeds;
 * DIR/results.csv (lr,wd,seed,final_val_acc,t4,activity,low_freq_amplitude,mobility,complexity),
 * heat maps over (lr, wd) of the final validation accuracy and of each statistic (seed means,
 * the paper's Figure 2) and DIR/summary.md with each statistic's Spearman correlation, AUROC for
 * "generalises by the last step" and a threshold chosen on half of the grid, scored on the other.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Grokking runs over learning rate x weight decay x seeds, scored against the spectral statistics of their first steps.")
final class GrokSweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    GrokTaskOptions task;

    @Option(names = "--lrs", required = true, split = ",", paramLabel = "X,X...", description = "learning rates")
    double[] lrs;

    @Option(names = "--wds", required = true, split = ",", paramLabel = "X,X...", description = "weight decays")
    double[] wds;

    @Option(names = "--seeds", paramLabel = "K", description = "seeds per cell, 0..K-1 (default: ${DEFAULT-VALUE})")
    int seeds = 3;

    @Option(names = "--steps", required = true, paramLabel = "N", description = "optimizer steps per run")
    int steps;

    @Option(names = "--predict-steps", paramLabel = "T0", description = "the statistics' window: the first T0 steps of training loss (default: ${DEFAULT-VALUE})")
    int predictSteps = LossSpectrum.DEFAULT_STEPS;

    @Option(names = "--jobs", paramLabel = "J", description = "runs at a time, each with --threads threads (default: ${DEFAULT-VALUE})")
    int jobs = 1;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "writes results.csv, heat maps and summary.md here")
    Path out;

    @Mixin
    ThreadsOption threads;

    static final String[] STATS = {"activity", "low_freq_amplitude", "mobility", "complexity"};

    @Override
    public Integer call() {
        for (double x : lrs) if (!(x > 0) || Double.isInfinite(x)) throw Cli.usage(spec, "--lrs: every learning rate must be > 0; got " + x);
        for (double x : wds) if (!(x >= 0) || Double.isInfinite(x)) throw Cli.usage(spec, "--wds: every weight decay must be >= 0; got " + x);
        if (seeds < 1) throw Cli.usage(spec, "--seeds must be >= 1; got " + seeds);
        if (jobs < 1) throw Cli.usage(spec, "--jobs must be >= 1; got " + jobs);
        if (predictSteps < 8 || predictSteps > steps) throw Cli.usage(spec, "--predict-steps must lie in [8, --steps " + steps + "]; got " + predictSteps);
        Grokking.Options base = task.options(spec, lrs[0], wds[0], steps, 0, threads.threads);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": " + e.getMessage(), e);
        }
        int total = lrs.length * wds.length * seeds;
        int[] finished = {0};
        long t0 = System.nanoTime();
        List<GrokSweep.Run> runs = GrokSweep.run(new GrokSweep.Grid(base, lrs, wds, seeds, predictSteps, jobs), r -> System.err.printf(Locale.ROOT,
                "run %d/%d (lr %.3g, wd %.3g, seed %d): val acc %.3f, t4 %s, activity %.4g (%.0f s elapsed)%n", ++finished[0], total, r.lr(), r.wd(), r.seed(),
                r.finalValAcc(), r.t4() < 0 ? "never" : r.t4(), r.stats().activity(), (System.nanoTime() - t0) / 1e9));
        StringBuilder csv = new StringBuilder("lr,wd,seed,final_val_acc,t4," + String.join(",", STATS) + "\n");
        for (GrokSweep.Run r : runs) {
            LossSpectrum.Stats s = r.stats();
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%.6f,%s,%.8g,%.8g,%.8g,%.8g%n", r.lr(), r.wd(), r.seed(), r.finalValAcc(), r.t4() < 0 ? "" : r.t4(),
                    s.activity(), s.lowFreqAmplitude(), s.mobility(), s.complexity()));
        }
        AtomicFiles.writeString(out.resolve("results.csv"), csv);
        heatMap(runs, "final validation accuracy", GrokSweep.Run::finalValAcc, out.resolve("heatmap-val_acc.png"));
        for (String stat : STATS) heatMap(runs, stat + " of the first " + predictSteps + " steps", r -> stat(r, stat), out.resolve("heatmap-" + stat + ".png"));
        AtomicFiles.writeString(out.resolve("summary.md"), summary(base, runs));
        System.err.println("wrote " + out.resolve("results.csv") + ", " + out.resolve("summary.md") + " and the heat maps");
        System.out.print(summary(base, runs));
        return 0;
    }

    static double stat(GrokSweep.Run r, String name) {
        return switch (name) {
            case "activity" -> r.stats().activity();
            case "low_freq_amplitude" -> r.stats().lowFreqAmplitude();
            case "mobility" -> r.stats().mobility();
            default -> r.stats().complexity();
        };
    }

    private String summary(Grokking.Options base, List<GrokSweep.Run> runs) {
        double[] acc = runs.stream().mapToDouble(GrokSweep.Run::finalValAcc).toArray();
        boolean[] gen = new boolean[runs.size()];
        int[] parity = new int[runs.size()];
        int generalised = 0;
        for (int i = 0; i < runs.size(); i++) {
            gen[i] = runs.get(i).generalises();
            parity[i] = runs.get(i).lrIndex() + runs.get(i).wdIndex();
            if (gen[i]) generalised++;
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# Grokking sweep: %s mod %d, training fraction %.2f, %s%n%n", base.op().name().toLowerCase(Locale.ROOT), base.p(), base.frac(),
                base.model().name().toLowerCase(Locale.ROOT)));
        md.append(String.format(Locale.ROOT, "%d runs (%d learning rates x %d weight decays x %d seeds), %d steps each; %d generalised (val acc >= 0.99 at the last step).%n%n",
                runs.size(), lrs.length, wds.length, seeds, steps, generalised));
        md.append("Statistics of the first ").append(predictSteps).append(" steps of training loss against the outcome. The threshold is chosen on the ")
                .append("(lr, wd) cells of even index sum and scored on the odd ones (all seeds of a cell on one side).\n\n");
        md.append("| statistic | Spearman with final val acc | AUROC (generalises) | direction | threshold | accuracy, choosing half | accuracy, other half (runs) |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (String stat : STATS) {
            double[] v = runs.stream().mapToDouble(r -> stat(r, stat)).toArray();
            PredictorScore p = PredictorScore.of(v, acc, gen, parity);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s (%d) |%n", stat, f(p.spearman()), f(p.auroc()), p.higherGeneralises() ? "higher" : "lower",
                    f(p.threshold()), f(p.chooseAccuracy()), f(p.scoreAccuracy()), p.scored()));
        }
        md.append("\nFinal validation accuracy, mean over seeds (rows: learning rate, columns: weight decay):\n\n| lr \\ wd |");
        for (double w : wds) md.append(' ').append(w).append(" |");
        md.append('\n').append("|---".repeat(wds.length + 1)).append("|\n");
        for (int i = 0; i < lrs.length; i++) {
            md.append("| ").append(lrs[i]).append(" |");
            for (int j = 0; j < wds.length; j++) md.append(' ').append(f(cellMean(runs, i, j, GrokSweep.Run::finalValAcc))).append(" |");
            md.append('\n');
        }
        return md.toString();
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3g", v);
    }

    private static double cellMean(List<GrokSweep.Run> runs, int i, int j, ToDoubleFunction<GrokSweep.Run> f) {
        return runs.stream().filter(r -> r.lrIndex() == i && r.wdIndex() == j).mapToDouble(f).average().orElse(Double.NaN);
    }

    private void heatMap(List<GrokSweep.Run> runs, String title, ToDoubleFunction<GrokSweep.Run> f, Path file) {
        List<String> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (double w : wds) xs.add(String.valueOf(w));
        for (double l : lrs) ys.add(String.valueOf(l));
        List<Number[]> cells = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < lrs.length; i++)
            for (int j = 0; j < wds.length; j++) {
                double m = cellMean(runs, i, j, f);
                lo = Math.min(lo, m);
                hi = Math.max(hi, m);
                cells.add(new Number[] {j, i, m});
            }
        HeatMapChart chart = new HeatMapChartBuilder().width(120 * wds.length + 260).height(80 * lrs.length + 180).title(title).xAxisTitle("weight decay")
                .yAxisTitle("learning rate").build();
        chart.getStyler().setMin(lo).setMax(hi > lo ? hi : lo + 1).setShowValue(true).setHeatMapValueDecimalPattern("0.###");
        chart.addSeries(title, xs, ys, cells);
        AtomicFiles.write(file, os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
    }
}
