// Epoch-wise double descent, theory against simulation ("Multi-scale Feature Learning Dynamics:
// Insights for Double Descent", Pezeshki et al. 2022, Figure 3): a linear teacher-student model
// whose student sees p fast and d - p slow (1/kappa) input directions. Gradient descent fits the
// fast ones first and overfits them (the bump), the slow ones later (the second descent); the
// closed-form E_G(t) of the two-scale theory follows the mean over data draws.
//
//   scripts/run scripts/experiments/DoubleDescent.java [--quick] [--kappa K] [--seeds S] [--out DIR]
//
// Writes DIR/double-descent.png (default experiments-out/DoubleDescent). --quick uses 3 seeds.

import dev.tiller.train.dynamics.GradientDescentPath;
import dev.tiller.train.dynamics.TeacherStudent;
import dev.tiller.train.dynamics.TwoScaleTheory;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

class DoubleDescent {
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--quick");
        double kappa = a.contains("--kappa") ? Double.parseDouble(a.get(a.indexOf("--kappa") + 1)) : 50;
        int seeds = a.contains("--seeds") ? Integer.parseInt(a.get(a.indexOf("--seeds") + 1)) : quick ? 3 : 20;
        Path out = Path.of(a.contains("--out") ? a.get(a.indexOf("--out") + 1) : "experiments-out/DoubleDescent");

        // Figure 3's setting: n 150 samples, d 100 latent dimensions, p 60 fast, no noise, no ridge;
        // 61 times from 1 to 1e5, log-spaced.
        var shape = new TeacherStudent.Shape(150, 100, 60, kappa, 0);
        double[] t = new double[61];
        for (int i = 0; i < t.length; i++) t[i] = Math.pow(10, 5.0 * i / (t.length - 1));
        double[][] eg = new double[seeds][t.length];
        for (int s = 0; s < seeds; s++) {
            var data = TeacherStudent.sample(shape, s);
            var gd = new GradientDescentPath(data, 0, 0);  // learning rate 0: 1 / (largest eigenvalue of X'X), the official code's
            for (int i = 0; i < t.length; i++) eg[s][i] = data.generalisationError(gd.at(t[i]));
        }
        var theory = new TwoScaleTheory(shape, 0);

        double[] mean = new double[t.length], std = new double[t.length], predicted = new double[t.length];
        double gap = 0;
        for (int i = 0; i < t.length; i++) {
            for (double[] e : eg) mean[i] += e[i] / seeds;
            for (double[] e : eg) std[i] += (e[i] - mean[i]) * (e[i] - mean[i]) / Math.max(1, seeds - 1);
            std[i] = Math.sqrt(std[i]);
            predicted[i] = theory.at(t[i]).eg();
            gap = Math.max(gap, Math.abs(mean[i] - predicted[i]));
        }
        System.out.printf("n 150, d 100, p 60, kappa %s: gradient descent over %d seeds against the two-scale theory%n%n", kappa, seeds);
        System.out.println("| t | gradient descent E_G | theory E_G |");
        System.out.println("|---|---|---|");
        Set<Integer> shown = Set.of(0, 12, 24, 36, 48, 60);  // t = 1, 10, ..., 1e5
        for (int i = 0; i < t.length; i++) {
            if (shown.contains(i)) System.out.printf("| %.0e | %.3f +- %.3f | %.3f |%n", t[i], mean[i], std[i], predicted[i]);
        }
        System.out.printf("| largest gap over the %d times | %.3f | |%n", t.length, gap);

        var chart = new XYChartBuilder().width(700).height(450).title("Epoch-wise double descent, kappa " + kappa)
                .xAxisTitle("training time t (steps)").yAxisTitle("generalisation error E_G").build();
        chart.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.addSeries("gradient descent, mean over " + seeds + " draws", t, mean, std);
        chart.addSeries("two-scale theory", t, predicted);
        Files.createDirectories(out);
        BitmapEncoder.saveBitmap(chart, out.resolve("double-descent.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        System.err.println("wrote " + out.resolve("double-descent.png"));
    }
}
