package dev.tiller.cli;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.robust.Environments;
import dev.tiller.train.robust.GroupTable;
import dev.tiller.train.robust.Groups;
import dev.tiller.train.robust.Method;
import dev.tiller.train.robust.RobustSweep;
import dev.tiller.train.robust.RobustTraining;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tiller robust sweep --data FILE|NAME --methods M,M... --trials N --seeds K [--groups ...] --out DIR}:
 * random hyper-parameter search with seeds per method; DIR/results.csv (one row per method, trial
 * and seed, rewritten after every run) and DIR/summary.md (the trial selected by validation worst-group accuracy).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Random hyper-parameter search over methods and seeds, selected by validation worst-group accuracy (BalancingGroups' protocol).")
final class RobustSweepCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "FILE|NAME", description = "a group table or a built-in data set: " + RobustData.BUILT_IN)
    String data;

    @Option(names = "--methods", required = true, split = ",", paramLabel = "M,M...", description = "of erm, suby, subg, rwy, rwg, groupdro, jtt, mat (with --groups ENVS.csv)")
    List<String> methods;

    @Option(names = "--trials", required = true, paramLabel = "N", description = "hyper-parameter draws per method")
    int trials;

    @Option(names = "--seeds", required = true, paramLabel = "K", description = "initialisation seeds per draw")
    int seeds;

    @Option(names = "--groups", paramLabel = "attribute|classes|ENVS.csv", description = "as for robust train")
    String groups;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--epochs", paramLabel = "N", description = "epochs of each method's sampler, default: ${DEFAULT-VALUE}")
    int epochs = 10;

    @Option(names = "--steps", paramLabel = "N", description = "optimizer steps instead of epochs (XRM's phase 2: 1001)")
    long steps;

    @Option(names = "--eval-every", paramLabel = "N", description = "evaluate every N steps (default: once an epoch; XRM's ColorMNIST: 50)")
    int evalEvery;

    @Option(names = "--space", paramLabel = "balancing|xrm",
            description = "balancing: draw from --lrs, --wds, --batches (BalancingGroups' train.py); xrm: XRM's ColorMNIST ranges, lr 10^U(-5,-3), "
                    + "batch int(2^U(3,6)), wd 10^U(-6,-3), GroupDRO eta 10^U(-3,-1). Default: ${DEFAULT-VALUE}")
    String space = "balancing";

    @Option(names = "--lrs", split = ",", paramLabel = "X,X...", description = "learning rates to draw from, default: 1e-5,1e-4,1e-3 (train.py)")
    double[] lrs;

    @Option(names = "--wds", split = ",", paramLabel = "X,X...", description = "weight decays, default: 1e-4,1e-3,1e-2,1e-1,1")
    double[] wds;

    @Option(names = "--batches", split = ",", paramLabel = "B,B...", description = "batch sizes, default: 2,4,8,16,32,64,128")
    int[] batches;

    @Option(names = "--jtt-epochs", split = ",", paramLabel = "T,T...", description = "JTT's T, default: 1,2")
    int[] jttEpochs;

    @Option(names = "--jtt-ups", split = ",", paramLabel = "UP,UP...", description = "JTT's up, default: 4,5,6,20,50,100")
    int[] jttUps;

    @Option(names = "--tau", paramLabel = "T", description = "MAT's temperature with --space balancing (--space xrm draws it), default: ${DEFAULT-VALUE}")
    double tau = 0.1;

    @Option(names = "--mat-estimate", paramLabel = "full|batch", description = "MAT: where p(y | y-hat) is estimated, default: ${DEFAULT-VALUE}")
    String matEstimate = "full";

    @Option(names = "--data-seed", paramLabel = "S", description = "generated data and random splits, default: ${DEFAULT-VALUE}")
    long dataSeed = 0;

    @Mixin
    GeneratorOptions gen;

    @Mixin
    RobustModelOptions m;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        if (trials < 1 || seeds < 1 || epochs < 1 || steps < 0 || evalEvery < 0) {
            throw new IllegalArgumentException("--trials, --seeds and --epochs must be >= 1, --steps and --eval-every >= 1 when given");
        }
        m.check();
        List<Method> ms = new ArrayList<>();
        for (String name : methods) ms.add(Method.parse(name));
        RobustSweep.Space searched = switch (space) {
            case "balancing" -> {
                RobustSweep.Choices d = RobustSweep.Choices.balancingGroups();
                yield new RobustSweep.Choices(lrs != null ? lrs : d.lrs(), wds != null ? wds : d.wds(), batches != null ? batches : d.batches(),
                        jttEpochs != null ? jttEpochs : d.jttEpochs(), jttUps != null ? jttUps : d.jttUps());
            }
            case "xrm" -> {
                if (lrs != null || wds != null || batches != null || jttEpochs != null || jttUps != null) {
                    throw new IllegalArgumentException("--space xrm draws lr, wd, batch and eta from XRM's ranges: --lrs, --wds, --batches and --jtt-* are for --space balancing");
                }
                yield new RobustSweep.XrmColorMnist();
            }
            default -> throw new IllegalArgumentException("--space " + space + ": not balancing or xrm");
        };
        GroupTable t = RobustData.load(data, dataSeed, m.dataDir, gen);
        Groups inUse = RobustData.groups(groups, t), reported = RobustData.reported(t);
        Files.createDirectories(out);
        if (!matEstimate.equals("full") && !matEstimate.equals("batch")) throw new IllegalArgumentException("--mat-estimate " + matEstimate + ": not full or batch");
        RobustTraining.MatInputs mat = null;
        if (ms.contains(Method.MAT)) {
            if (groups == null || !RobustData.isEnvironmentsFile(groups)) throw new IllegalArgumentException("--methods mat needs --groups ENVS.csv (its held-out logits)");
            mat = new RobustTraining.MatInputs(Environments.readHeldOut(Path.of(groups), t), tau, matEstimate);
        }
        RobustTraining.Options base = new RobustTraining.Options(Method.ERM, m.model, m.hidden, steps, epochs, 0, 0, 1, m.optimizer, m.eta, 1, 1, 0, evalEvery,
                threads.threads, m.gammas, m.sampling(), new RobustTraining.Extras(m.momentum, false, mat));
        List<RobustSweep.Run> done = new ArrayList<>();
        List<RobustSweep.Run> runs = RobustSweep.run(t, inUse, reported, ms, trials, seeds, searched, base, r -> {
            done.add(r);
            AtomicFiles.writeString(out.resolve("results.csv"), RobustSweep.csv(done));
        }, System.err);
        String md = RobustSweep.markdown(RobustSweep.summarize(runs), data, inUse.description(), trials);
        AtomicFiles.writeString(out.resolve("summary.md"), md);
        System.out.print(md);
        return 0;
    }
}
