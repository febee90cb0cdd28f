package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.robust.GroupTable;
import dev.tiller.train.robust.Xrm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tiller robust xrm --data FILE|NAME --out ENVS.csv [--trials N] [--steps N] [--seed S] [--json]}:
 * XRM environment discovery; the run with the largest final flip rate over N random draws writes
 * ENVS.csv (row,split,env and the held-out logits ho_*) for {@code --groups ENVS.csv}. With
 * {@code --trial-envs DIR} every trial's environments are kept too, with DIR/trials.csv
 * (trial,lr,batch,weight_decay,seed,flip_rate,degenerate,envs), to check on one's own data that
 * the flip rate picks good environments ({@code tiller robust correlate}).
 */
@Command(name = "xrm", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Discover environments with XRM (twin networks, label flipping, cross-mistakes) and write ENVS.csv.")
final class RobustXrmCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "FILE|NAME", description = "a group table or a built-in data set: " + RobustData.BUILT_IN)
    String data;

    @Option(names = "--out", required = true, paramLabel = "ENVS.csv")
    Path out;

    @Option(names = "--trials", paramLabel = "N", description = "random hyper-parameter draws (XRM's ColorMNIST ranges), default: ${DEFAULT-VALUE}")
    int trials = 10;

    @Option(names = "--steps", paramLabel = "N", description = "steps per run, default: ${DEFAULT-VALUE} (XRM's ColorMNIST)")
    int steps = 1001;

    @Option(names = "--model", paramLabel = "mlp|linear|torch-linear",
            description = "the twins: an MLP of --hidden widths or a linear layer (Xavier-initialised, XRM's), or torch-linear (no bias, PyTorch's default init: the MAT toy's), default: ${DEFAULT-VALUE}")
    String model = "mlp";

    @Option(names = "--optimizer", paramLabel = "adam|sgd", description = "adam (XRM's ColorMNIST) or plain sgd (the MAT toy's twins), default: ${DEFAULT-VALUE}")
    String optimizer = "adam";

    @Option(names = "--loss", paramLabel = "balanced|plain", description = "class-balanced cross-entropy (XRM's) or plain (the MAT toy's), default: ${DEFAULT-VALUE}")
    String loss = "balanced";

    @Option(names = "--lr", paramLabel = "X", description = "fixed instead of drawn from XRM's range 10^U(-5,-3)")
    Double lr;

    @Option(names = "--batch", paramLabel = "B", description = "fixed instead of drawn from XRM's range int(2^U(3,6))")
    Integer batch;

    @Option(names = "--wd", paramLabel = "X", description = "weight decay, fixed instead of drawn from XRM's range 10^U(-6,-3)")
    Double wd;

    @Option(names = "--hidden", split = ",", paramLabel = "W,W...", description = "default: 390,390")
    int[] hidden = {390, 390};

    @Option(names = "--seed", paramLabel = "S", description = "default: ${DEFAULT-VALUE}")
    long seed = 0;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "the source files of a built-in data set")
    Path dataDir;

    @Option(names = "--trial-envs", paramLabel = "DIR",
            description = "also write every trial's environments (DIR/trial-K.csv, the ENVS.csv format) and DIR/trials.csv, for tiller robust correlate")
    Path trialEnvs;

    @Option(names = "--json", description = "print the result as one JSON object, the last line of stdout")
    boolean json;

    @Mixin
    GeneratorOptions gen;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        if (!model.equals("mlp") && !model.equals("linear") && !model.equals("torch-linear")) {
            throw new IllegalArgumentException("--model " + model + ": XRM's twins are mlp (--hidden), linear or torch-linear");
        }
        if (!optimizer.equals("adam") && !optimizer.equals("sgd")) throw new IllegalArgumentException("--optimizer " + optimizer + ": not adam or sgd");
        if (!loss.equals("balanced") && !loss.equals("plain")) throw new IllegalArgumentException("--loss " + loss + ": not balanced or plain");
        if (trials < 1 || steps < 1) throw new IllegalArgumentException("--trials and --steps must be >= 1");
        if (lr != null && !(lr > 0) || batch != null && batch < 1 || wd != null && !(wd >= 0)) {
            throw new IllegalArgumentException("--lr must be > 0, --batch >= 1 and --wd >= 0");
        }
        AtomicFiles.checkWritable(out);
        GroupTable t = RobustData.load(data, seed, dataDir, gen);
        List<Xrm.Result> all = new ArrayList<>();
        Xrm.Options base = new Xrm.Options(steps, lr != null ? lr : Double.NaN, batch != null ? batch : 0, wd != null ? wd : Double.NaN,
                model.equals("torch-linear") ? "torch-linear" : "mlp", model.equals("mlp") ? hidden : new int[0], seed, threads.threads, optimizer, loss.equals("balanced"));
        Xrm.Result r = Xrm.search(t, trials, base, json ? null : System.err, all);
        if (r.degenerate()) {
            throw new IllegalArgumentException("every XRM run was degenerate (some class not split into two environments); try more --trials or --steps");
        }
        Xrm.writeEnvs(out, t, r);
        if (trialEnvs != null) writeTrials(t, all);
        ObjectNode o = JsonOut.object();
        o.put("flip_rate", r.flipRate()).put("degenerate", r.degenerate());
        ObjectNode hp = o.putObject("hparams");
        for (Map.Entry<String, Object> e : Xrm.hparams(r.options()).entrySet()) hp.putPOJO(e.getKey(), e.getValue());
        ArrayNode sizes = o.putArray("env_sizes");
        for (int c = 0; c < r.classes(); c++) sizes.addObject().put("y", c).put("env0", r.envSizes()[c][0]).put("env1", r.envSizes()[c][1]);
        ArrayNode trialsNode = o.putArray("trials");
        for (Xrm.Result x : all) trialsNode.addObject().put("flip_rate", x.flipRate()).put("degenerate", x.degenerate()).put("lr", x.options().lr())
                .put("batch", x.options().batch()).put("weight_decay", x.options().weightDecay());
        double secs = 0;
        for (Xrm.Result x : all) secs += x.seconds();
        o.put("seconds", JsonOut.fixed(secs, 2));
        if (json) {
            JsonOut.print(o);
        } else {
            System.out.printf(Locale.ROOT, "wrote %s: flip rate %.4f (lr %.2e, batch %d, wd %.2e); environment sizes per class (env 0 / env 1):", out, r.flipRate(),
                    r.options().lr(), r.options().batch(), r.options().weightDecay());
            for (int c = 0; c < r.classes(); c++) System.out.printf(Locale.ROOT, " y=%d %d/%d", c, r.envSizes()[c][0], r.envSizes()[c][1]);
            System.out.println();
        }
        return 0;
    }

    private void writeTrials(GroupTable t, List<Xrm.Result> all) {
        try {
            Files.createDirectories(trialEnvs);
        } catch (IOException e) {
            throw new UncheckedIOException("--trial-envs " + trialEnvs + ": " + e.getMessage(), e);
        }
        StringBuilder index = new StringBuilder("trial,lr,batch,weight_decay,seed,flip_rate,degenerate,envs\n");
        for (int k = 0; k < all.size(); k++) {
            Xrm.Result x = all.get(k);
            String name = "trial-" + (k + 1) + ".csv";
            Xrm.writeEnvs(trialEnvs.resolve(name), t, x);
            index.append(String.format(Locale.ROOT, "%d,%s,%d,%s,%d,%s,%b,%s%n", k + 1, x.options().lr(), x.options().batch(), x.options().weightDecay(),
                    x.options().seed(), x.flipRate(), x.degenerate(), name));
        }
        AtomicFiles.writeString(trialEnvs.resolve("trials.csv"), index);
    }
}
