package dev.tiller.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.tiller.train.Graph;
import dev.tiller.train.synth.Cvae;
import dev.tiller.train.synth.DeliberatePractice;
import dev.tiller.train.synth.EntropyPruning;
import dev.tiller.train.synth.Splits;

import java.util.concurrent.Callable;

/**
 * {@code tiller synth static --dataset fmnist --generator G --samples N [--steps N] --out DIR
 * [--json]}: the static baseline (N unguided samples up front); with --oversample K, Deliberate
 * Practice's pruning baseline (K x N samples, the N of highest entropy kept).
 */
@Command(name = "static", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a classifier on a fixed set of generated samples (optionally pruned by entropy from a larger pool).")
final class SynthStaticCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SynthRunOptions run;

    @Option(names = "--samples", required = true, paramLabel = "N", description = "samples to train on")
    int samples;

    @Option(names = "--oversample", paramLabel = "K", description = "draw K x N and keep the N of highest entropy under a classifier of N other samples (default: ${DEFAULT-VALUE}: no pruning)")
    int oversample = 1;

    @Override
    public Integer call() {
        DeliberatePractice.Options o;
        try {
            if (oversample < 1) throw new IllegalArgumentException("--oversample must be >= 1, got " + oversample);
            o = DeliberatePractice.Options.staticBaseline(samples, run.evalEvery, run.learner());
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, e.getMessage().replace("--initial", "--samples"));
        }
        Cvae.Shape shape = Cvae.readShape(run.generator);
        SynthChecks.fitsInMemory(spec, "--samples x --oversample", (long) samples * (oversample + 1), shape.pixels());
        Splits s = run.splits(shape);
        SynthChecks.prepareOut(run.out);
        try (Graph g = new Graph(run.threads.threads)) {
            long t0 = System.nanoTime();
            Cvae gen = Cvae.load(g, run.generator);
            DeliberatePractice.Result r = oversample > 1
                    ? EntropyPruning.run(gen, s, samples, oversample, run.evalEvery, o.learner(), System.err)
                    : DeliberatePractice.run(gen, s, o, System.err);
            SynthRunReport.write(run.out, oversample > 1 ? "pruned x" + oversample : "static", r, (System.nanoTime() - t0) / 1e9, run.json);
        }
        return 0;
    }
}
