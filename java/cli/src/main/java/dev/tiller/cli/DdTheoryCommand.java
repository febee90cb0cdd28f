package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.dynamics.TwoScaleTheory;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tiller dd theory --n N --d D --p P --kappa K [--sigma S] [--lambda L] --t-min T --t-max T
 * --points M --out CURVE.csv [--json]}: the closed-form generalisation error E_G(t) of the
 * two-scale model, with its fast-only and slow-only terms (columns t,eg,eg_fast_only,eg_slow_only).
 */
@Command(name = "theory", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Closed-form generalisation error over training time of the two-scale teacher-student model.")
final class DdTheoryCommand implements Callable<Integer> {
    @Mixin
    DdShapeOptions shape;

    @Option(names = "--out", required = true, paramLabel = "CURVE.csv", description = "columns t,eg,eg_fast_only,eg_slow_only")
    Path out;

    @Option(names = "--json", description = "print a summary as one JSON object, the last line of stdout")
    boolean json;

    @Override
    public Integer call() {
        double[] ts = shape.times();
        TwoScaleTheory theory;
        try {
            theory = new TwoScaleTheory(shape.shape(), shape.lambda);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(shape.spec, e.getMessage());
        }
        AtomicFiles.checkWritable(out);
        StringBuilder csv = new StringBuilder("t,eg,eg_fast_only,eg_slow_only\n");
        double[] eg = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
            TwoScaleTheory.Point p = theory.at(ts[i]);
            eg[i] = p.eg();
            csv.append(String.format(Locale.ROOT, "%.9g,%.12g,%.12g,%.12g%n", p.t(), p.eg(), p.fastOnly(), p.slowOnly()));
        }
        AtomicFiles.writeString(out, csv);
        ObjectNode j = DdSummary.of(ts, eg);
        if (json) {
            JsonOut.print(j);
        } else {
            System.out.println(DdSummary.describe(j, out));
        }
        return 0;
    }
}
