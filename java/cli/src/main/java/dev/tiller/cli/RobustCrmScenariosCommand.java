package dev.tiller.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.robust.CrmScenarios;
import dev.tiller.train.robust.GroupTable;
import dev.tiller.train.robust.Method;
import dev.tiller.train.robust.RobustTraining;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tiller robust crm-scenarios --data FILE|NAME --out DIR [--methods crm,erm,rwg,groupdro] [--seeds K]}:
 * CRM's compositional protocol, each group in turn removed from train and val (or, with
 * --drop-fractions, random shares of the groups); DIR/results.csv (rewritten after every run) and
 * DIR/summary.md.
 */
@Command(name = "crm-scenarios", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Remove each group in turn from train and val, train every method, and report average, balanced, worst-group and unseen-group accuracy.")
final class RobustCrmScenariosCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "FILE|NAME", description = "a group table with attribute columns, or a built-in data set: " + RobustData.BUILT_IN)
    String data;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--methods", split = ",", paramLabel = "M,M...",
            description = "of erm, suby, subg, rwy, rwg, groupdro, crm and CRM's ablations crm-bstar-train, crm-bhat, crm-bhat-train; default: ${DEFAULT-VALUE}")
    List<String> methods = new ArrayList<>(List.of("crm", "erm", "rwg", "groupdro"));

    @Option(names = "--seeds", paramLabel = "K", description = "initialisation seeds per method and scenario, default: ${DEFAULT-VALUE}")
    int seeds = 3;

    @Option(names = "--drop-fractions", split = ",", paramLabel = "F,F...",
            description = "instead of each group in turn, these shares of all groups, drawn at random per seed (CRM's group-complexity protocol: 0.1,0.2,...,0.9)")
    double[] dropFractions;

    @Option(names = "--data-seed", paramLabel = "S", description = "generated data and random splits, default: ${DEFAULT-VALUE}")
    long dataSeed = 0;

    @Mixin
    GeneratorOptions gen;

    @Mixin
    RobustRunOptions run;

    @Mixin
    RobustModelOptions mo;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1) throw new IllegalArgumentException("--seeds must be >= 1");
        RobustTraining.Options base = run.options(Method.ERM, mo, threads.threads);
        CrmScenarios.check(methods, base);
        GroupTable t = RobustData.load(data, dataSeed, mo.dataDir, gen);
        if (t.attributeNames().isEmpty()) throw new IllegalArgumentException(t.source() + " has no attribute columns (a, a1, ...): there are no groups to remove");
        Files.createDirectories(out);
        List<CrmScenarios.Run> done = new ArrayList<>();
        java.util.function.Consumer<CrmScenarios.Run> write = r -> {
            done.add(r);
            AtomicFiles.writeString(out.resolve("results.csv"), CrmScenarios.csv(done));
        };
        List<CrmScenarios.Run> runs = dropFractions == null ? CrmScenarios.run(t, methods, seeds, base, write, System.err)
                : CrmScenarios.runFractions(t, methods, seeds, dropFractions, base, write, System.err);
        String md = CrmScenarios.markdown(runs, data);
        AtomicFiles.writeString(out.resolve("summary.md"), md);
        System.out.print(md);
        return 0;
    }
}
