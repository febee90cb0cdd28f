package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import dev.tiller.train.dynamics.CurveCsv;
import dev.tiller.train.dynamics.LossSpectrum;
import dev.tiller.train.dynamics.PhaseTimes;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tiller grok predict --curve CURVE.csv [--column train_loss] [--steps 400] [--cutoff 5]
 * [--json]}: the spectral statistics of the first steps of a loss curve (activity of the detrended
 * curve, low-frequency amplitude, Hjorth mobility and complexity) and, when the curve has accuracy
 * columns, its phase times t1..t4.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Spectral statistics of a loss curve's first steps (the early signature of grokking) and its phase times.")
final class GrokPredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--curve", required = true, paramLabel = "CURVE.csv", description = "a CSV with a header, e.g. what tiller grok train writes")
    Path curve;

    @Option(names = "--column", paramLabel = "NAME", description = "the loss column (default: ${DEFAULT-VALUE})")
    String column = "train_loss";

    @Option(names = "--steps", paramLabel = "T0", description = "the window: the curve's first T0 rows (default: ${DEFAULT-VALUE})")
    int steps = LossSpectrum.DEFAULT_STEPS;

    @Option(names = "--cutoff", paramLabel = "K", description = "the trend removed: Fourier components below K cycles per window (default: "
            + LossSpectrum.DEFAULT_CUTOFF + ", at most T0/2)")
    Integer cutoff;

    @Option(names = "--low-bins", paramLabel = "B", description = "the low-frequency amplitude sums cycles 1..B (default: "
            + LossSpectrum.DEFAULT_LOW_BINS + ", at most T0/2)")
    Integer lowBins;

    @Option(names = "--json", description = "print one JSON line")
    boolean json;

    @Override
    public Integer call() {
        if (steps < 8) throw Cli.usage(spec, "--steps must be >= 8; got " + steps);
        int cutoff = this.cutoff != null ? this.cutoff : LossSpectrum.defaultCutoff(steps);
        int lowBins = this.lowBins != null ? this.lowBins : LossSpectrum.defaultLowBins(steps);
        if (cutoff < 1 || cutoff > steps / 2) throw Cli.usage(spec, "--cutoff must lie in [1, " + steps / 2 + "]; got " + cutoff);
        if (lowBins < 1 || lowBins > steps / 2) throw Cli.usage(spec, "--low-bins must lie in [1, " + steps / 2 + "]; got " + lowBins);
        CurveCsv c = CurveCsv.read(curve);
        double[] loss = c.column(column);
        if (loss.length < steps)
            throw new IllegalArgumentException(curve + ": " + loss.length + " rows, fewer than --steps " + steps);
        LossSpectrum.Stats s = LossSpectrum.of(loss, steps, cutoff, lowBins);
        PhaseTimes p = c.phaseTimes();
        ObjectNode j = JsonOut.object();
        j.put("curve", curve.toString()).put("column", column).put("steps", steps).put("cutoff", cutoff);
        j.put("activity", s.activity()).put("low_freq_amplitude", s.lowFreqAmplitude()).put("mobility", s.mobility()).put("complexity", s.complexity());
        if (p != null) putTimes(j, p);
        if (json) {
            JsonOut.print(j);
        } else {
            System.out.printf(Locale.ROOT, "%s, %s over the first %d steps (trend below %d cycles removed): activity %.6g, low-frequency amplitude %.6g, "
                    + "mobility %.6g, complexity %.6g%n", curve.getFileName(), column, steps, cutoff, s.activity(), s.lowFreqAmplitude(), s.mobility(), s.complexity());
            if (p != null)
                System.out.printf(Locale.ROOT, "phase times: t1 %s, t2 %s, t3 %s, t4 %s%n", name(p.t1()), name(p.t2()), name(p.t3()), name(p.t4()));
        }
        return 0;
    }

    /** t1..t4 as numbers, null where the run never got there. */
    static void putTimes(ObjectNode j, PhaseTimes p) {
        long[] t = {p.t1(), p.t2(), p.t3(), p.t4()};
        for (int i = 0; i < 4; i++) {
            if (t[i] < 0) j.putNull("t" + (i + 1));
            else j.put("t" + (i + 1), t[i]);
        }
    }

    private static String name(long t) {
        return t < 0 ? "never" : Long.toString(t);
    }
}
