package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.dynamics.Grokking;
import dev.tiller.train.dynamics.PhaseTimes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * {@code tiller grok train --op add|sub|mul --p P --frac R [--model transformer|mlp] [--lr X]
 * [--wd X] [--steps N] [--seed S] --out DIR}: a grokking run, full-batch AdamW (betas 0.9, 0.98,
 * 10-step warm-up); writes DIR/curve.csv (step,train_loss,train_acc,val_loss,val_acc, one row per
 * step) and DIR/curve.png.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train on modular arithmetic (full batch, AdamW) and write the per-step curve of losses and accuracies.")
final class GrokTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    GrokTaskOptions task;

    @Option(names = "--lr", paramLabel = "X", description = "AdamW learning rate (default: ${DEFAULT-VALUE}, the paper's)")
    double lr = Grokking.DEFAULT_LR;

    @Option(names = "--wd", paramLabel = "X", description = "AdamW weight decay (default: ${DEFAULT-VALUE}, the paper's)")
    double wd = Grokking.DEFAULT_WD;

    @Option(names = "--steps", paramLabel = "N", description = "optimizer steps (default: ${DEFAULT-VALUE})")
    int steps = Grokking.DEFAULT_STEPS;

    @Option(names = "--seed", paramLabel = "S", description = "the split and the initialisation (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "writes curve.csv and curve.png here")
    Path out;

    @Option(names = "--json", description = "print a summary as one JSON object, the last line of stdout")
    boolean json;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        Grokking.Options o = task.options(spec, lr, wd, steps, seed, threads.threads);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": " + e.getMessage(), e);
        }
        Grokking.Curve c = Grokking.run(o, json ? null : System.err::println);
        AtomicFiles.writeString(out.resolve("curve.csv"), c.csv());
        writePlot(c, out.resolve("curve.png"), String.format(Locale.ROOT, "%s mod %d, r %.2f, %s, lr %.3g, wd %.3g, seed %d",
                o.op().name().toLowerCase(Locale.ROOT), o.p(), o.frac(), o.model().name().toLowerCase(Locale.ROOT), o.lr(), o.wd(), o.seed()));
        PhaseTimes t = c.phaseTimes();
        int last = c.steps() - 1;
        if (json) {
            ObjectNode j = JsonOut.object();
            j.put("steps", c.steps()).put("train_loss", c.trainLoss()[last]).put("train_acc", c.trainAcc()[last]);
            j.put("val_loss", c.valLoss()[last]).put("val_acc", c.valAcc()[last]).put("seconds", JsonOut.fixed(c.seconds(), 2));
            GrokPredictCommand.putTimes(j, t);
            JsonOut.print(j);
        } else {
            System.out.printf(Locale.ROOT, "%d steps in %.1f s: train acc %.3f, val acc %.3f; memorised at step %s, generalised at %s (%s)%n", c.steps(), c.seconds(),
                    c.trainAcc()[last], c.valAcc()[last], t.t2() < 0 ? "never" : t.t2(), t.t4() < 0 ? "never" : t.t4(), out.resolve("curve.csv"));
        }
        return 0;
    }

    static void writePlot(Grokking.Curve c, Path file, String title) {
        XYChart chart = new XYChartBuilder().width(800).height(480).title(title).xAxisTitle("step").yAxisTitle("accuracy").build();
        chart.getStyler().setXAxisLogarithmic(true);
        double[] steps = IntStream.range(0, c.steps()).mapToDouble(i -> i + 1).toArray();
        chart.addSeries("train accuracy", steps, c.trainAcc()).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        chart.addSeries("validation accuracy", steps, c.valAcc()).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        double maxLoss = Arrays.stream(c.trainLoss()).max().orElse(1);
        double[] scaled = Arrays.stream(c.trainLoss()).map(l -> l / maxLoss).toArray();
        chart.addSeries("train loss / its max", steps, scaled).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        AtomicFiles.write(file, os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
    }
}
