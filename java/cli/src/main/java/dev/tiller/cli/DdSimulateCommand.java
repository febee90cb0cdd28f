package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.dynamics.GradientDescentPath;
import dev.tiller.train.dynamics.TeacherStudent;
import dev.tiller.train.dynamics.TwoScaleTheory;

import org.apache.commons.math3.linear.RealVector;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tiller dd simulate --n N --d D --p P --kappa K [--sigma S] [--lambda L] --t-min T --t-max T
 * --points M --seeds K [--lr X] --out CURVE.csv [--json]}: gradient descent on K draws of the
 * teacher-student data (seeds 0..K-1), the mean and standard deviation of the test error E_G over
 * them at each time (columns t,eg_mean,eg_std), and a plot of mean +- std beside the theory
 * (CURVE.png). Gradient descent is evaluated in closed form (the eigendecomposition of X'X), which
 * is its t-th iterate at integer t; {@code --method ridge} gives ridge regression at the
 * time-equivalent ridge 2 (lambda + 1/t); {@code --method qreg} takes explicit steps with the
 * official fig6.py's decaying extra curvature (times rounded to whole steps).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generalisation error over training time of gradient descent on draws of the teacher-student data (mean and std over seeds).")
final class DdSimulateCommand implements Callable<Integer> {
    @Mixin
    DdShapeOptions shape;

    @Option(names = "--seeds", required = true, paramLabel = "K", description = "draws of the data (seeds 0..K-1)")
    int seeds;

    @Option(names = "--lr", paramLabel = "X", description = "learning rate (default: 1 / (largest eigenvalue of X'X + lambda), the official code's)")
    double lr = 0;

    @Option(names = "--method", paramLabel = "gd|ridge|qreg",
            description = "gd (gradient descent), ridge (its time-equivalent ridge) or qreg (explicit steps with fig6.py's regularisation of Q); default: ${DEFAULT-VALUE}")
    String method = "gd";

    @Option(names = "--out", required = true, paramLabel = "CURVE.csv", description = "columns t,eg_mean,eg_std")
    Path out;

    @Option(names = "--json", description = "print a summary as one JSON object, the last line of stdout")
    boolean json;

    @Override
    public Integer call() {
        double[] ts = shape.times();
        TeacherStudent.Shape s = shape.shape();
        if (seeds < 1) throw Cli.usage(shape.spec, "--seeds must be >= 1; got " + seeds);
        if (!(lr >= 0) || Double.isInfinite(lr)) throw Cli.usage(shape.spec, "--lr must be > 0; got " + lr);
        if (!List.of("gd", "ridge", "qreg").contains(method)) throw Cli.usage(shape.spec, "--method must be gd, ridge or qreg; got " + method);
        if (method.equals("qreg")) {
            if (ts[0] < 1) throw Cli.usage(shape.spec, "--method qreg takes whole steps: --t-min must be >= 1; got " + ts[0]);
            if (ts[ts.length - 1] > 1e8) throw Cli.usage(shape.spec, "--method qreg takes explicit steps: --t-max must be <= 1e8; got " + ts[ts.length - 1]);
        }
        AtomicFiles.checkWritable(out);
        double[][] eg = new double[seeds][ts.length];
        for (int k = 0; k < seeds; k++) {
            TeacherStudent data = TeacherStudent.sample(s, k);
            GradientDescentPath gd = new GradientDescentPath(data, shape.lambda, lr);
            if (method.equals("qreg")) {
                long[] at = java.util.Arrays.stream(ts).mapToLong(Math::round).toArray();
                List<RealVector> ws = gd.iterate(at, GradientDescentPath.Q_REGULARISATION);
                for (int i = 0; i < ts.length; i++) eg[k][i] = data.generalisationError(ws.get(i));
            } else {
                for (int i = 0; i < ts.length; i++) eg[k][i] = data.generalisationError(method.equals("gd") ? gd.at(ts[i]) : gd.ridgeAt(ts[i]));
            }
            if (!json && seeds > 1) System.err.printf(Locale.ROOT, "\rseed %d/%d", k + 1, seeds);
        }
        if (!json && seeds > 1) System.err.println();
        StringBuilder csv = new StringBuilder("t,eg_mean,eg_std\n");
        double[] mean = new double[ts.length], std = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
            double m = 0, v = 0;
            for (double[] e : eg) m += e[i] / seeds;
            for (double[] e : eg) v += (e[i] - m) * (e[i] - m);
            mean[i] = m;
            std[i] = seeds > 1 ? Math.sqrt(v / (seeds - 1)) : 0;
            csv.append(String.format(Locale.ROOT, "%.9g,%.12g,%.12g%n", ts[i], m, std[i]));
        }
        AtomicFiles.writeString(out, csv);
        Path png = DdSummary.plotFile(out);
        DdSummary.plot(png, String.format(Locale.ROOT, "n %d, d %d, p %d, kappa %s, %s over %d seeds", s.n(), s.d(), s.p(), shape.kappa, method, seeds), ts,
                mean, std, s.p() > 0 && s.p() < s.d() ? new TwoScaleTheory(s, shape.lambda) : null);
        ObjectNode j = DdSummary.of(ts, mean).put("seeds", seeds).put("method", method);
        if (json) {
            JsonOut.print(j);
        } else {
            System.out.println(DdSummary.describe(j, out));
        }
        return 0;
    }
}
