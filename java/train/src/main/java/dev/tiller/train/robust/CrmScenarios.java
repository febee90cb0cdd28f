package dev.tiller.train.robust;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * CRM's compositional protocol (compositional-risk-minimization launcher.py, analyze_results.py):
 * each group of the training split in turn is removed from train and val, every method is trained
 * on what is left, with several seeds, and tested on all groups. Reported per run: average,
 * balanced (the mean over test groups), worst-group and unseen-group test accuracy. Method names
 * are those of {@link Method}, plus CRM's ablations: crm (B*, uniform prior), crm-bstar-train,
 * crm-bhat (B-hat, uniform) and crm-bhat-train.
 */
public final class CrmScenarios {
    private CrmScenarios() {}

    /**
     * dropped: the one group removed (drop-one scenarios) or null; fraction and droppedGroups: the
     * share and number of groups removed (drop-fraction scenarios; 0 for drop-one).
     */
    public record Run(String method, Groups.Key dropped, double fraction, int droppedGroups, long seed, RobustTraining.Result result, double balanced) {
        String scenario() {
            return dropped != null ? dropped.toString() : String.format(Locale.ROOT, "%.0f%% (%d groups)", 100 * fraction, droppedGroups);
        }
    }

    /** The method and CRM inference of a name, with an initialisation seed. */
    static RobustTraining.Options configure(String name, RobustTraining.Options base, long seed) {
        RobustTraining.Extras e = base.extras();
        String[] crm = switch (name) {
            case "crm" -> new String[] {"star", "uniform"};
            case "crm-bstar-train" -> new String[] {"star", "train"};
            case "crm-bhat" -> new String[] {"hat", "uniform"};
            case "crm-bhat-train" -> new String[] {"hat", "train"};
            default -> null;
        };
        Method m = crm != null ? Method.CRM : Method.parse(name);
        if (m == Method.MAT || m == Method.JTT) throw new IllegalArgumentException("crm-scenarios: " + name + " is not one of its methods (erm, suby, subg, rwy, rwg, groupdro, crm...)");
        if (crm == null) crm = new String[] {e.crmBias(), e.crmPrior()};
        return new RobustTraining.Options(m, base.model(), base.hidden(), base.steps(), base.epochs(), base.lr(), base.weightDecay(), base.batch(), base.optimizer(),
                base.eta(), base.jttEpochs(), base.jttUp(), seed, base.evalEvery(), base.threads(), base.toyGammas(), base.sampling(),
                new RobustTraining.Extras(e.momentum(), e.selectLast(), null, crm[0], crm[1]));
    }

    /** Throws naming a method that is not one of this protocol's. */
    public static void check(List<String> methods, RobustTraining.Options base) {
        for (String name : methods) configure(name, base, 0);
    }

    public static List<Run> run(GroupTable t, List<String> methods, int seeds, RobustTraining.Options base, Consumer<Run> onRun, PrintStream log) {
        check(methods, base);  // unknown names fail before any training
        Groups all = Groups.attributes(t);
        List<Groups.Key> scenarios = new ArrayList<>();
        boolean[] inTrain = new boolean[all.count()];
        for (int r : t.rowsOf(GroupTable.Split.TRAIN)) inTrain[all.of(r)] = true;
        for (int g = 0; g < all.count(); g++) if (inTrain[g]) scenarios.add(all.key(g));
        List<Run> runs = new ArrayList<>();
        for (Groups.Key drop : scenarios) {
            GroupTable s = t.withoutGroup(drop.y(), drop.attributes());
            Groups groups = Groups.attributes(s);
            for (String name : methods) {
                for (long seed = 0; seed < seeds; seed++) {
                    runs.add(one(s, groups, name, drop, 0, 1, seed, base, onRun, log));
                }
            }
        }
        return runs;
    }

    /**
     * The group-complexity protocol (multivariate_gaussian.py): per seed one random order of all
     * groups, and for each fraction f the first int(f G) of them removed from train and val.
     */
    public static List<Run> runFractions(GroupTable t, List<String> methods, int seeds, double[] fractions, RobustTraining.Options base, Consumer<Run> onRun,
            PrintStream log) {
        check(methods, base);
        for (double f : fractions) if (!(f > 0 && f < 1)) throw new IllegalArgumentException("crm-scenarios: a drop fraction must be in (0, 1), not " + f);
        Groups all = Groups.attributes(t);
        List<Run> runs = new ArrayList<>();
        for (long seed = 0; seed < seeds; seed++) {
            int[] order = dev.tiller.train.data.Sampler.shuffle(dev.tiller.train.data.Sampler.sequential(all.count()).epoch(0), new java.util.SplittableRandom(seed));
            for (double f : fractions) {
                int k = (int) (f * all.count());
                java.util.Set<Groups.Key> drop = new java.util.HashSet<>();
                for (int i = 0; i < k; i++) drop.add(all.key(order[i]));
                GroupTable s = t.withoutGroups(drop, t.source() + String.format(Locale.ROOT, " without %d of its %d groups in train and val", k, all.count()));
                Groups groups = Groups.attributes(s);
                for (String name : methods) runs.add(one(s, groups, name, null, f, k, seed, base, onRun, log));
            }
        }
        return runs;
    }

    private static Run one(GroupTable s, Groups groups, String name, Groups.Key drop, double fraction, int dropped, long seed, RobustTraining.Options base,
            Consumer<Run> onRun, PrintStream log) {
        RobustTraining.Result r = RobustTraining.run(s, groups, groups, configure(name, base, seed), null);
        double balanced = 0;
        for (RobustTraining.GroupResult g : r.testGroups()) balanced += g.accuracy() / r.testGroups().size();
        Run run = new Run(name, drop, fraction, dropped, seed, r, balanced);
        if (onRun != null) onRun.accept(run);
        if (log != null) {
            log.printf(Locale.ROOT, "without %s: %s seed %d: average %.4f, balanced %.4f, worst group %.4f, unseen groups %.4f (%.1f s)%n", run.scenario(), name, seed,
                    r.testAvg(), balanced, r.testWga(), r.testUnseenAcc(), r.seconds());
        }
        return run;
    }

    /** results.csv: one row per (scenario, method, seed); the scenario is the dropped group, or the dropped fraction and count. */
    public static String csv(List<Run> runs) {
        boolean fractions = !runs.isEmpty() && runs.get(0).dropped() == null;
        StringBuilder s = new StringBuilder(fractions ? "dropped_fraction,dropped_groups" : "dropped_y,dropped_attributes");
        s.append(",method,seed,test_avg_acc,test_balanced_acc,test_wga,test_unseen_acc,val_wga,selected_step,seconds\n");
        for (Run r : runs) {
            RobustTraining.Result x = r.result();
            String scenario = fractions ? r.fraction() + "," + r.droppedGroups() : r.dropped().y() + "," + attributes(r.dropped());
            s.append(String.format(Locale.ROOT, "%s,%s,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%d,%.2f%n", scenario, r.method(), r.seed(), x.testAvg(), r.balanced(), x.testWga(),
                    x.testUnseenAcc(), x.valWga(), x.selectedStep(), x.seconds()));
        }
        return s.toString();
    }

    private static String attributes(Groups.Key k) {
        StringBuilder s = new StringBuilder();
        for (int v : k.attributes()) s.append(s.isEmpty() ? "" : " ").append(v);
        return s.toString();
    }

    /** summary.md: per method, mean +- std over scenarios and seeds; then the unseen-group accuracy per scenario. */
    public static String markdown(List<Run> runs, String data) {
        Map<String, List<Run>> by = new LinkedHashMap<>();
        Map<String, Map<String, List<Run>>> byScenario = new LinkedHashMap<>();
        for (Run r : runs) {
            by.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r);
            String key = r.dropped() != null ? r.dropped().toString() : String.format(Locale.ROOT, "%.0f%%", 100 * r.fraction());
            byScenario.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r);
        }
        boolean fractions = !runs.isEmpty() && runs.get(0).dropped() == null;
        StringBuilder s = new StringBuilder("Data: " + data + "; " + (fractions ? "a share of the groups, drawn at random per seed," : "each group in turn")
                + " removed from train and val; test accuracy, mean +- std over the scenarios and seeds.\n\n");
        s.append("| method | average | balanced | worst group | unseen group | runs |\n|---|---|---|---|---|---|\n");
        for (var e : by.entrySet()) {
            List<Run> rs = e.getValue();
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d |%n", e.getKey(), stat(rs, r -> r.result().testAvg()), stat(rs, Run::balanced),
                    stat(rs, r -> r.result().testWga()), stat(rs, r -> r.result().testUnseenAcc()), rs.size()));
        }
        perScenario(s, "Unseen-group", by.keySet(), byScenario, r -> r.result().testUnseenAcc());
        perScenario(s, "Average", by.keySet(), byScenario, r -> r.result().testAvg());
        return s.toString();
    }

    private static void perScenario(StringBuilder s, String what, java.util.Set<String> methods, Map<String, Map<String, List<Run>>> byScenario,
            java.util.function.ToDoubleFunction<Run> f) {
        s.append("\n").append(what).append(" test accuracy per scenario (mean over seeds):\n\n| dropped |");
        for (String m : methods) s.append(' ').append(m).append(" |");
        s.append("\n|---|");
        for (int i = 0; i < methods.size(); i++) s.append("---|");
        s.append('\n');
        for (var e : byScenario.entrySet()) {
            s.append("| ").append(e.getKey()).append(" |");
            for (String m : methods) s.append(String.format(Locale.ROOT, " %.3f |", e.getValue().getOrDefault(m, List.of()).stream().mapToDouble(f).average().orElse(Double.NaN)));
            s.append('\n');
        }
    }

    private static String stat(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
        double m = rs.stream().mapToDouble(f).average().orElse(Double.NaN), v = 0;
        for (Run r : rs) v += Math.pow(f.applyAsDouble(r) - m, 2);
        double sd = rs.size() > 1 ? Math.sqrt(v / (rs.size() - 1)) : 0;
        return String.format(Locale.ROOT, "%.3f +- %.3f", m, sd);
    }
}
