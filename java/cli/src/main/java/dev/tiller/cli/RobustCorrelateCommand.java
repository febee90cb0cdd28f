package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.robust.Environments;
import dev.tiller.train.robust.GroupTable;
import dev.tiller.train.robust.Groups;
import dev.tiller.train.robust.Method;
import dev.tiller.train.robust.RobustTraining;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tiller robust correlate --data FILE|NAME --trials DIR --method M [...]}: trains the method
 * with every XRM trial's environments (the DIR that {@code robust xrm --trial-envs} wrote) and
 * reports the Pearson and Spearman correlation, over the non-degenerate trials, between each
 * trial's final flip rate and the downstream worst-group accuracy (XRM's claim: the flip rate,
 * which needs no labels, is a selection criterion that tracks the downstream result).
 */
@Command(name = "correlate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a method on each XRM trial's environments and correlate the trials' flip rates with its worst-group accuracy.")
final class RobustCorrelateCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "FILE|NAME", description = "the group table the trials were run on, or a built-in data set: " + RobustData.BUILT_IN)
    String data;

    @Option(names = "--trials", required = true, paramLabel = "DIR", description = "what tiller robust xrm --trial-envs DIR wrote (trials.csv and trial-K.csv)")
    Path trials;

    @Option(names = "--out", paramLabel = "F.csv", description = "write trial,flip_rate,degenerate,val_wga,val_avg_acc,test_wga,test_avg_acc here")
    Path out;

    @Option(names = "--data-seed", paramLabel = "S", description = "generated data and random splits (as the trials were run on), default: ${DEFAULT-VALUE}")
    long dataSeed = 0;

    @Option(names = "--json", description = "print the result as one JSON object, the last line of stdout")
    boolean json;

    @Mixin
    GeneratorOptions gen;

    @Mixin
    RobustMethodOption method;

    @Mixin
    RobustRunOptions run;

    @Mixin
    RobustModelOptions mo;

    @Mixin
    ThreadsOption threads;

    record Trial(int trial, double flipRate, boolean degenerate, Path envs) {}

    record Outcome(Trial trial, RobustTraining.Result result) {}

    @Override
    public Integer call() {
        RobustTraining.Options options = run.options(method.parse(), mo, threads.threads);
        if (out != null) AtomicFiles.checkWritable(out);
        List<Trial> list = readIndex(trials.resolve("trials.csv"));
        GroupTable t = RobustData.load(data, dataSeed, mo.dataDir, gen);
        Groups reported = RobustData.reported(t);
        List<Outcome> done = new ArrayList<>();
        for (Trial x : list) {
            Groups envs = Groups.environments(t, Environments.read(x.envs(), t), x.envs().toString());
            RobustTraining.Options o = options;
            if (o.method() == Method.MAT) {  // each trial's own held-out logits
                o = o.with(o.extras().withMat(run.mat(Environments.readHeldOut(x.envs(), t))));
            }
            RobustTraining.Result r = RobustTraining.run(t, envs, reported, o, null);
            done.add(new Outcome(x, r));
            if (!json) System.err.printf(Locale.ROOT, "trial %d (flip rate %.4f%s): val WGA %.4f, test WGA %.4f (%.1f s)%n", x.trial(), x.flipRate(),
                    x.degenerate() ? ", degenerate" : "", r.valWga(), r.testWga(), r.seconds());
        }
        List<Outcome> used = done.stream().filter(o -> !o.trial().degenerate()).toList();
        double[] flips = used.stream().mapToDouble(o -> o.trial().flipRate()).toArray();
        double[] test = used.stream().mapToDouble(o -> o.result().testWga()).toArray(), val = used.stream().mapToDouble(o -> o.result().valWga()).toArray();
        double spearmanTest = spearman(flips, test), pearsonTest = pearson(flips, test), spearmanVal = spearman(flips, val), pearsonVal = pearson(flips, val);
        if (out != null) {
            StringBuilder s = new StringBuilder("trial,flip_rate,degenerate,val_wga,val_avg_acc,test_wga,test_avg_acc\n");
            for (Outcome o : done) {
                s.append(String.format(Locale.ROOT, "%d,%s,%b,%.6f,%.6f,%.6f,%.6f%n", o.trial().trial(), o.trial().flipRate(), o.trial().degenerate(), o.result().valWga(),
                        o.result().valAvg(), o.result().testWga(), o.result().testAvg()));
            }
            AtomicFiles.writeString(out, s);
        }
        ObjectNode j = JsonOut.object();
        j.put("method", options.method().cliName()).put("trials_used", used.size());
        j.put("spearman_test_wga", JsonOut.finite(spearmanTest)).put("pearson_test_wga", JsonOut.finite(pearsonTest));
        j.put("spearman_val_wga", JsonOut.finite(spearmanVal)).put("pearson_val_wga", JsonOut.finite(pearsonVal));
        ArrayNode a = j.putArray("trials");
        for (Outcome o : done) {
            a.addObject().put("trial", o.trial().trial()).put("flip_rate", o.trial().flipRate()).put("degenerate", o.trial().degenerate())
                    .put("val_wga", JsonOut.finite(o.result().valWga())).put("test_wga", JsonOut.finite(o.result().testWga()));
        }
        if (json) {
            JsonOut.print(j);
        } else {
            System.out.printf(Locale.ROOT, "%s over %d non-degenerate trials: flip rate vs test WGA Spearman %.3f, Pearson %.3f; vs val WGA Spearman %.3f, Pearson %.3f%n",
                    options.method().cliName(), used.size(), spearmanTest, pearsonTest, spearmanVal, pearsonVal);
        }
        return 0;
    }

    /** NaN with fewer than three points or a constant series. */
    static double spearman(double[] x, double[] y) {
        return x.length < 3 || constant(x) || constant(y) ? Double.NaN : new SpearmansCorrelation().correlation(x, y);
    }

    static double pearson(double[] x, double[] y) {
        return x.length < 3 || constant(x) || constant(y) ? Double.NaN : new PearsonsCorrelation().correlation(x, y);
    }

    private static boolean constant(double[] v) {
        for (double d : v) if (d != v[0]) return false;
        return true;
    }

    /** DIR/trials.csv as robust xrm --trial-envs writes it; a malformed line names the file and line. */
    static List<Trial> readIndex(Path index) {
        List<String> lines;
        try {
            lines = Files.readAllLines(index);
        } catch (IOException e) {
            throw new UncheckedIOException(index + ": cannot read (" + e.getMessage() + "); write it with tiller robust xrm --trial-envs", e);
        }
        String header = "trial,lr,batch,weight_decay,seed,flip_rate,degenerate,envs";
        if (lines.isEmpty() || !lines.get(0).strip().equals(header)) throw new IllegalArgumentException(index + ": line 1: expected the header " + header);
        List<Trial> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String[] f = line.split(",", -1);
            String at = index + ": line " + (i + 1);
            if (f.length != 8) throw new IllegalArgumentException(at + ": expected 8 fields, found " + f.length);
            double flip;
            int trial;
            try {
                trial = Integer.parseInt(f[0]);
                flip = Double.parseDouble(f[5]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + ": trial and flip_rate must be numbers");
            }
            if (!(flip >= 0 && flip <= 1)) throw new IllegalArgumentException(at + ": column flip_rate: " + f[5] + " is not in [0, 1]");
            if (!f[6].equals("true") && !f[6].equals("false")) throw new IllegalArgumentException(at + ": column degenerate: " + f[6] + " is not true or false");
            Path envs = index.resolveSibling(f[7]);
            if (!Files.isRegularFile(envs)) throw new IllegalArgumentException(at + ": column envs: " + envs + " is not a file");
            out.add(new Trial(trial, flip, Boolean.parseBoolean(f[6]), envs));
        }
        if (out.isEmpty()) throw new IllegalArgumentException(index + ": no trials");
        return out;
    }
}
