package dev.tiller.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.tiller.train.Graph;
import dev.tiller.train.synth.Criterion;
import dev.tiller.train.synth.Cvae;
import dev.tiller.train.synth.DeliberatePractice;
import dev.tiller.train.synth.Guidance;
import dev.tiller.train.synth.Splits;

import java.util.concurrent.Callable;

/**
 * {@code tiller synth dp --dataset fmnist --generator G [--initial N] [--per-round P] [--omega X]
 * [--steps N] --out DIR [--json]}: Deliberate Practice (Algorithm 1) with a Tiller generator.
 */
@Command(name = "dp", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Deliberate Practice: grow the training set with entropy-guided samples whenever validation accuracy stalls.")
final class SynthDpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SynthRunOptions run;

    @Option(names = "--initial", paramLabel = "N", description = "samples before training starts (default: ${DEFAULT-VALUE})")
    int initial = 250;

    @Option(names = "--per-round", paramLabel = "P", description = "samples added when patience runs out (default: ${DEFAULT-VALUE})")
    int perRound = 250;

    @Option(names = "--omega", paramLabel = "X", description = "entropy-guidance strength, a fraction of the latent's norm per step; 0: unguided (default: ${DEFAULT-VALUE})")
    double omega = 0.1;

    @Option(names = "--guidance-steps", paramLabel = "K", description = "guidance steps per sample (default: ${DEFAULT-VALUE})")
    int guidanceSteps = 6;

    @Option(names = "--patience", paramLabel = "T", description = "first patience T_max in evaluations, one more after each addition (default: ${DEFAULT-VALUE})")
    int patience = 1;

    @Override
    public Integer call() {
        DeliberatePractice.Options o;
        try {
            o = new DeliberatePractice.Options(initial, perRound, new Guidance.Settings(omega == 0 ? Criterion.NONE : Criterion.ENTROPY, omega, guidanceSteps),
                    patience, run.evalEvery, run.learner());
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, e.getMessage());
        }
        Cvae.Shape shape = Cvae.readShape(run.generator);
        // The pool grows at most once per evaluation before the cool-down.
        SynthChecks.fitsInMemory(spec, "--initial + --per-round x additions", initial + (long) perRound * (o.learner().coolDownStart() / run.evalEvery),
                shape.pixels());
        Splits s = run.splits(shape);
        SynthChecks.prepareOut(run.out);
        try (Graph g = new Graph(run.threads.threads)) {
            long t0 = System.nanoTime();
            DeliberatePractice.Result r = DeliberatePractice.run(Cvae.load(g, run.generator), s, o, System.err);
            SynthRunReport.write(run.out, omega == 0 ? "dp (omega 0)" : "dp", r, (System.nanoTime() - t0) / 1e9, run.json);
        }
        return 0;
    }
}
