package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.synth.DpTheory;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tiller synth dp-theory --d D --lambda L --rho R --alpha A --n N[,N...] [--sims K] --out
 * CURVE.csv [--json]}: Deliberate Practice's Theorem 1 (ridge on Gaussian data, keep-hard
 * selection) beside a simulation of the same problem; CURVE.csv has columns
 * n,kept_fraction,theory_error,simulated_error,simulated_std.
 */
@Command(name = "dp-theory", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Test error of ridge regression on selected Gaussian data: Theorem 1 of Deliberate Practice against simulation.")
final class SynthDpTheoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--d", required = true, paramLabel = "D", description = "input dimension")
    int d;

    @Option(names = "--lambda", required = true, paramLabel = "L", description = "ridge penalty")
    double lambda;

    @Option(names = "--rho", required = true, paramLabel = "R", description = "cosine between the selection direction and the true one")
    double rho;

    @Option(names = "--alpha", required = true, paramLabel = "A", description = "selection threshold: keep |x'w_s| <= A (hard), or > A with --keep easy")
    double alpha;

    @Option(names = "--n", required = true, split = ",", paramLabel = "N[,N...]", description = "pool sizes (before selection)")
    List<Integer> ns;

    @Option(names = "--keep", paramLabel = "hard|easy", description = "which examples the selection keeps (default: ${DEFAULT-VALUE})")
    String keep = "hard";

    @Option(names = "--sims", paramLabel = "K", description = "simulated pools per n (default: ${DEFAULT-VALUE})")
    int sims = 100;

    @Option(names = "--seed", paramLabel = "S", description = "the first simulation's seed (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--out", required = true, paramLabel = "CURVE.csv", description = "columns n,kept_fraction,theory_error,simulated_error,simulated_std")
    Path out;

    @Option(names = "--json", description = "print a summary as one JSON object, the last line of stdout")
    boolean json;

    @Override
    public Integer call() {
        DpTheory t;
        try {
            DpTheory.Keep k = switch (keep) {
                case "hard" -> DpTheory.Keep.HARD;
                case "easy" -> DpTheory.Keep.EASY;
                default -> throw new IllegalArgumentException("--keep must be hard or easy, got '" + keep + "'");
            };
            t = new DpTheory(d, lambda, rho, alpha, k);
            if (sims < 1) throw new IllegalArgumentException("--sims must be >= 1, got " + sims);
            for (int n : ns) if (n < 1) throw new IllegalArgumentException("--n values must be >= 1, got " + n);
        } catch (IllegalArgumentException e) {
            throw Cli.usage(spec, e.getMessage());
        }
        AtomicFiles.checkWritable(out);
        StringBuilder csv = new StringBuilder("n,kept_fraction,theory_error,simulated_error,simulated_std\n");
        ObjectNode j = JsonOut.object();
        ArrayNode points = j.putArray("points");
        double worst = 0;
        for (int n : ns) {
            double theory = t.error(n);
            DpTheory.Simulated s = t.simulate(n, sims, seed + 1000L * n);
            worst = Math.max(worst, Math.abs(theory - s.mean()));
            csv.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f%n", n, t.keptFraction(), theory, s.mean(), s.std()));
            ObjectNode p = points.addObject();
            p.put("n", n);
            p.put("theory_error", JsonOut.fixed(theory, 5));
            p.put("simulated_error", JsonOut.fixed(s.mean(), 5));
            p.put("simulated_std", JsonOut.fixed(s.std(), 5));
        }
        AtomicFiles.writeString(out, csv);
        j.put("kept_fraction", JsonOut.fixed(t.keptFraction(), 5));
        j.put("max_abs_gap", JsonOut.fixed(worst, 5));
        if (json) {
            JsonOut.print(j);
        } else {
            System.out.print(csv);
            System.out.printf(Locale.ROOT, "largest |theory - simulation|: %.4f over %d simulations per n; wrote %s%n", worst, sims, out);
        }
        return 0;
    }
}
