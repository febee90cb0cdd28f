package dev.tiller.cli;

import dev.tiller.train.dynamics.GrokModel;
import dev.tiller.train.dynamics.Grokking;
import dev.tiller.train.dynamics.ModularArithmetic;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The task and model options of {@code grok train} and {@code grok sweep}. */
final class GrokTaskOptions {
    @Option(names = "--op", required = true, paramLabel = "add|sub|mul", description = "the operation mod p")
    String op;

    @Option(names = "--p", required = true, paramLabel = "P", description = "the modulus, a prime")
    int p;

    @Option(names = "--frac", required = true, paramLabel = "R", description = "training fraction of the p^2 pairs, in (0, 1)")
    double frac;

    @Option(names = "--model", paramLabel = "transformer|mlp", description = "the paper's 2-layer transformer or the spec's MLP (default: ${DEFAULT-VALUE})")
    String model = "transformer";

    /** The run's options at learning rate lr and weight decay wd; a bad value is a usage error naming its flag. */
    Grokking.Options options(CommandSpec spec, double lr, double wd, int steps, long seed, int threads) {
        ModularArithmetic.Op o;
        GrokModel.Kind k;
        try {
            o = ModularArithmetic.Op.parse(op);
            k = GrokModel.Kind.parse(model);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, e.getMessage());
        }
        if (!ModularArithmetic.isPrime(p)) throw Cli.usage(spec, "--p must be a prime; got " + p);
        if (!(frac > 0 && frac < 1)) throw Cli.usage(spec, "--frac must lie in (0, 1); got " + frac);
        if (!(lr > 0) || Double.isInfinite(lr)) throw Cli.usage(spec, "--lr must be > 0; got " + lr);
        if (!(wd >= 0) || Double.isInfinite(wd)) throw Cli.usage(spec, "--wd must be >= 0; got " + wd);
        if (steps < 1) throw Cli.usage(spec, "--steps must be >= 1; got " + steps);
        return new Grokking.Options(o, p, frac, k, lr, wd, steps, seed, threads);
    }
}
