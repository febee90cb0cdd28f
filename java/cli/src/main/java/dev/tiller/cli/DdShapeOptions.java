package dev.tiller.cli;

import dev.tiller.train.dynamics.TeacherStudent;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options {@code dd theory} and {@code dd simulate} share: the model's sizes and the time grid. */
final class DdShapeOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--n", required = true, paramLabel = "N", description = "training samples")
    int n;

    @Option(names = "--d", required = true, paramLabel = "D", description = "input dimensions")
    int d;

    @Option(names = "--p", required = true, paramLabel = "P", description = "fast (singular value 1) dimensions of the d; the rest are slow (1/kappa)")
    int p;

    @Option(names = "--kappa", required = true, paramLabel = "K", description = "condition number: the slow features' scale is 1/kappa")
    double kappa;

    @Option(names = "--sigma", paramLabel = "S", description = "label noise of the training labels (default: ${DEFAULT-VALUE})")
    double sigma = 0;

    @Option(names = "--lambda", paramLabel = "L", description = "ridge regularisation of the squared loss (default: ${DEFAULT-VALUE})")
    double lambda = 0;

    @Option(names = "--t-min", required = true, paramLabel = "T", description = "first time (gradient-descent steps), > 0")
    double tMin;

    @Option(names = "--t-max", required = true, paramLabel = "T", description = "last time")
    double tMax;

    @Option(names = "--points", required = true, paramLabel = "M", description = "times, log-spaced from t-min to t-max")
    int points;

    TeacherStudent.Shape shape() {
        try {
            return new TeacherStudent.Shape(n, d, p, kappa, sigma);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, e.getMessage().replaceFirst("^(n|d|p|kappa|sigma) ", "--$1 "));
        }
    }

    /** The log-spaced times, after checking the grid and the ridge. */
    double[] times() {
        if (!(tMin > 0) || Double.isInfinite(tMin)) throw Cli.usage(spec, "--t-min must be > 0; got " + tMin);
        if (!(tMax > tMin) || Double.isInfinite(tMax)) throw Cli.usage(spec, "--t-max must be above --t-min " + tMin + "; got " + tMax);
        if (points < 2) throw Cli.usage(spec, "--points must be >= 2; got " + points);
        if (!(lambda >= 0) || Double.isInfinite(lambda)) throw Cli.usage(spec, "--lambda must be >= 0; got " + lambda);
        double[] t = new double[points];
        double lo = Math.log10(tMin), hi = Math.log10(tMax);
        for (int i = 0; i < points; i++) t[i] = Math.pow(10, lo + (hi - lo) * i / (points - 1));
        t[0] = tMin;
        t[points - 1] = tMax;
        return t;
    }
}
