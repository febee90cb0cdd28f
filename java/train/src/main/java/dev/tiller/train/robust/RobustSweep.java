package dev.tiller.train.robust;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * BalancingGroups' protocol (train.py sweep, parse.py): per method, `trials` random draws of the
 * hyper-parameters from the given choices, each trained with `seeds` initialisation seeds; the
 * trial with the best mean validation worst-group accuracy (ties: mean validation average) is
 * selected and its test numbers reported as mean +- std over its seeds.
 */
public final class RobustSweep {
    private RobustSweep() {}

    /** One trial's hyper-parameters. */
    public record Draw(double lr, double wd, int batch, double eta, double tau, int jttEpochs, int jttUp) {}

    /** Where a trial's hyper-parameters come from; baseEta and baseTau (GroupDRO's, MAT's) are kept where the space does not draw them. */
    public interface Space {
        Draw draw(SplittableRandom rnd, double baseEta, double baseTau);
    }

    /** Choices drawn uniformly (train.py: lr {1e-5, 1e-4, 1e-3}, wd {1e-4 ... 1}, JTT up {4, 5, 6, 20, 50, 100}). */
    public record Choices(double[] lrs, double[] wds, int[] batches, int[] jttEpochs, int[] jttUps) implements Space {
        public static Choices balancingGroups() {
            return new Choices(new double[] {1e-5, 1e-4, 1e-3}, new double[] {1e-4, 1e-3, 1e-2, 1e-1, 1}, new int[] {2, 4, 8, 16, 32, 64, 128},
                    new int[] {1, 2}, new int[] {4, 5, 6, 20, 50, 100});
        }

        @Override
        public Draw draw(SplittableRandom rnd, double baseEta, double baseTau) {
            double lr = lrs[rnd.nextInt(lrs.length)], wd = wds[rnd.nextInt(wds.length)];
            int batch = batches[rnd.nextInt(batches.length)], t = jttEpochs[rnd.nextInt(jttEpochs.length)], up = jttUps[rnd.nextInt(jttUps.length)];
            return new Draw(lr, wd, batch, baseEta, baseTau, t, up);
        }
    }

    /**
     * XRM's ColorMNIST ranges (hparams_registry.py): lr 10^U(-5,-3), batch int(2^U(3,6)), weight
     * decay 10^U(-6,-3), GroupDRO eta 10^U(-3,-1); MAT's tau one of 0.001, 0.01, 0.1
     * (Pitfalls-of-Memorization registry.py); JTT is not part of XRM's search and keeps T 1, up 20.
     */
    public record XrmColorMnist() implements Space {
        @Override
        public Draw draw(SplittableRandom rnd, double baseEta, double baseTau) {
            double lr = Math.pow(10, -5 + 2 * rnd.nextDouble());
            int batch = (int) Math.pow(2, 3 + 3 * rnd.nextDouble());
            double wd = Math.pow(10, -6 + 3 * rnd.nextDouble()), eta = Math.pow(10, -3 + 2 * rnd.nextDouble());
            double tau = new double[] {0.001, 0.01, 0.1}[rnd.nextInt(3)];  // drawn last: the other draws stay as before tau existed
            return new Draw(lr, wd, batch, eta, tau, 1, 20);
        }
    }

    public record Run(Method method, int trial, long seed, Draw hp, RobustTraining.Result result) {}

    public record Summary(Method method, int trial, Run first, double valWga, double testWgaMean, double testWgaStd, double testAvgMean, double testAvgStd,
            int seeds) {}

    /**
     * Runs every (method, trial, seed); base holds what trials do not vary (model, budget, optimizer,
     * eta, threads). Each finished run goes to onRun (to write results as they come).
     */
    public static List<Run> run(GroupTable t, Groups inUse, Groups reported, List<Method> methods, int trials, int seeds, Space space,
            RobustTraining.Options base, Consumer<Run> onRun, PrintStream log) {
        List<Run> runs = new ArrayList<>();
        for (Method m : methods) {
            for (int trial = 0; trial < trials; trial++) {
                // The draw depends on the method and trial only, so adding seeds or methods keeps the others' draws.
                RobustTraining.MatInputs mat = base.extras().mat();
                Draw hp = space.draw(new SplittableRandom(1_000_003L * (m.ordinal() + 1) + trial), base.eta(), mat != null ? mat.tau() : 0.1);
                RobustTraining.Extras extras = mat == null ? base.extras()
                        : base.extras().withMat(new RobustTraining.MatInputs(mat.heldOut(), hp.tau(), mat.estimate()));
                for (int s = 0; s < seeds; s++) {
                    RobustTraining.Options o = new RobustTraining.Options(m, base.model(), base.hidden(), base.steps(), base.epochs(), hp.lr(), hp.wd(),
                            hp.batch(), base.optimizer(), hp.eta(), hp.jttEpochs(), hp.jttUp(), s, base.evalEvery(), base.threads(), base.toyGammas(),
                            base.sampling(), extras);
                    RobustTraining.Result r = RobustTraining.run(t, inUse, reported, o, null);
                    Run run = new Run(m, trial, s, hp, r);
                    runs.add(run);
                    if (onRun != null) onRun.accept(run);
                    if (log != null) {
                        log.printf(Locale.ROOT, "%s trial %d seed %d (%s): val WGA %.4f, test WGA %.4f (%.1f s)%n", m.cliName(), trial, s, describe(m, hp), r.valWga(),
                                r.testWga(), r.seconds());
                    }
                }
            }
        }
        return runs;
    }

    /** The hyper-parameters that matter for the method, for logs and summaries. */
    static String describe(Method m, Draw hp) {
        String s = String.format(Locale.ROOT, "lr %.3g, wd %.3g, batch %d", hp.lr(), hp.wd(), hp.batch());
        if (m == Method.GROUPDRO) s += String.format(Locale.ROOT, ", eta %.3g", hp.eta());
        if (m == Method.JTT) s += ", T " + hp.jttEpochs() + ", up " + hp.jttUp();
        if (m == Method.MAT) s += String.format(Locale.ROOT, ", tau %g", hp.tau());
        return s;
    }

    /** Per method: the selected trial and its test numbers over seeds. */
    public static List<Summary> summarize(List<Run> runs) {
        Map<Method, Map<Integer, List<Run>>> by = new LinkedHashMap<>();
        for (Run r : runs) by.computeIfAbsent(r.method(), k -> new LinkedHashMap<>()).computeIfAbsent(r.trial(), k -> new ArrayList<>()).add(r);
        List<Summary> out = new ArrayList<>();
        for (var e : by.entrySet()) {
            Summary best = null;
            double bestAvg = -1;
            for (var trial : e.getValue().entrySet()) {
                List<Run> rs = trial.getValue();
                double valWga = mean(rs, r -> r.result().valWga()), valAvg = mean(rs, r -> r.result().valAvg());
                if (best == null || valWga > best.valWga() || valWga == best.valWga() && valAvg > bestAvg) {
                    bestAvg = valAvg;
                    best = new Summary(e.getKey(), trial.getKey(), rs.get(0), valWga, mean(rs, r -> r.result().testWga()), std(rs, r -> r.result().testWga()),
                            mean(rs, r -> r.result().testAvg()), std(rs, r -> r.result().testAvg()), rs.size());
                }
            }
            out.add(best);
        }
        return out;
    }

    static double mean(List<Run> rs, ToDoubleFunction<Run> f) {
        double s = 0;
        for (Run r : rs) s += f.applyAsDouble(r);
        return s / rs.size();
    }

    /** Sample standard deviation (n - 1), 0 for one seed. */
    static double std(List<Run> rs, ToDoubleFunction<Run> f) {
        if (rs.size() < 2) return 0;
        double m = mean(rs, f), s = 0;
        for (Run r : rs) s += Math.pow(f.applyAsDouble(r) - m, 2);
        return Math.sqrt(s / (rs.size() - 1));
    }

    /** results.csv: one row per (method, trial, seed). */
    public static String csv(List<Run> runs) {
        StringBuilder s = new StringBuilder("method,trial,seed,lr,wd,batch,eta,tau,jtt_epochs,jtt_up,val_wga,val_avg_acc,test_wga,test_avg_acc,selected_step,seconds\n");
        for (Run r : runs) {
            RobustTraining.Result x = r.result();
            Draw hp = r.hp();
            s.append(String.format(Locale.ROOT, "%s,%d,%d,%s,%s,%d,%s,%s,%d,%d,%.6f,%.6f,%.6f,%.6f,%d,%.2f%n", r.method().cliName(), r.trial(), r.seed(), hp.lr(),
                    hp.wd(), hp.batch(), hp.eta(), hp.tau(), hp.jttEpochs(), hp.jttUp(), x.valWga(), x.valAvg(), x.testWga(), x.testAvg(), x.selectedStep(), x.seconds()));
        }
        return s.toString();
    }

    /** summary.md: the selected trial of each method, test WGA and average accuracy as mean +- std (BalancingGroups' tables). */
    public static String markdown(List<Summary> ss, String data, String groups, int trials) {
        StringBuilder s = new StringBuilder();
        s.append("Data: ").append(data).append("; groups for training and selection: ").append(groups).append("; ").append(trials)
                .append(" hyper-parameter trials per method, selected by mean validation worst-group accuracy.\n\n");
        s.append("| method | test worst-group acc | test average acc | val worst-group acc | selected trial (hyper-parameters) | seeds |\n");
        s.append("|---|---|---|---|---|---|\n");
        for (Summary x : ss) {
            s.append(String.format(Locale.ROOT, "| %s | %.3f +- %.3f | %.3f +- %.3f | %.3f | %d (%s) | %d |%n", x.method().cliName(), x.testWgaMean(), x.testWgaStd(),
                    x.testAvgMean(), x.testAvgStd(), x.valWga(), x.trial(), describe(x.method(), x.first().hp()), x.seeds()));
        }
        return s.toString();
    }
}
