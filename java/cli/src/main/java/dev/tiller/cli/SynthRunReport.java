package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.synth.DeliberatePractice;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The outputs of synth dp and synth static: curve.csv, two plots, result.json and the summary on stdout. */
final class SynthRunReport {
    private SynthRunReport() {}

    static void write(Path dir, String method, DeliberatePractice.Result r, double seconds, boolean json) {
        StringBuilder csv = new StringBuilder("step,generated_samples,val_acc,test_acc\n");
        List<DeliberatePractice.Point> c = r.curve();
        double[] steps = new double[c.size()], samples = new double[c.size()], val = new double[c.size()], test = new double[c.size()];
        for (int i = 0; i < c.size(); i++) {
            DeliberatePractice.Point p = c.get(i);
            csv.append(String.format(Locale.ROOT, "%d,%d,%.4f,%.4f%n", p.step(), p.samples(), p.valAcc(), p.testAcc()));
            steps[i] = p.step();
            samples[i] = p.samples();
            val[i] = p.valAcc();
            test[i] = p.testAcc();
        }
        AtomicFiles.writeString(dir.resolve("curve.csv"), csv);
        plot(dir.resolve("accuracy-vs-samples.png"), method + ": accuracy against generated samples", "generated samples", samples, val, test);
        plot(dir.resolve("accuracy-vs-iterations.png"), method + ": accuracy against iterations", "iteration", steps, val, test);
        ObjectNode j = JsonOut.object();
        j.put("method", method);
        j.put("val_acc", JsonOut.fixed(r.valAcc(), 4));
        j.put("test_acc", JsonOut.fixed(r.testAcc(), 4));
        j.put("generated_samples", r.generatedSamples());
        j.put("iterations", r.iterations());
        j.put("rounds", r.rounds());
        j.put("seconds", JsonOut.fixed(seconds, 1));
        AtomicFiles.writeString(dir.resolve("result.json"), j.toString() + "\n");
        if (json) {
            JsonOut.print(j);
        } else {
            System.out.printf(Locale.ROOT, "%s: validation %.4f, test %.4f with %d generated samples (%d additions) in %d iterations (%.0f s); wrote %s%n",
                    method, r.valAcc(), r.testAcc(), r.generatedSamples(), r.rounds(), r.iterations(), seconds, dir);
        }
    }

    private static void plot(Path png, String title, String xTitle, double[] x, double[] val, double[] test) {
        XYChart chart = new XYChartBuilder().width(700).height(450).title(title).xAxisTitle(xTitle).yAxisTitle("accuracy").build();
        chart.addSeries("validation (real)", x, val);
        chart.addSeries("test (real)", x, test);
        AtomicFiles.write(png, os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
    }

}
