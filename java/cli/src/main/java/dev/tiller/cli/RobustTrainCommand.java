package dev.tiller.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.tiller.io.AtomicFiles;
import dev.tiller.train.MetricsTable;
import dev.tiller.train.robust.Environments;
import dev.tiller.train.robust.GroupTable;
import dev.tiller.train.robust.Groups;
import dev.tiller.train.robust.Method;
import dev.tiller.train.robust.RobustTraining;
import dev.tiller.train.robust.Xrm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tiller robust train --data FILE|NAME --method M [...]}: one method on a group table,
 * selected by validation worst-group accuracy; with --out the per-group learning curves (CSV, PNG)
 * and result.json; --json prints the result as the last line of stdout.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train one method (erm, suby, subg, rwy, rwg, groupdro, jtt, mat, crm) on a group table; select by validation worst-group accuracy.")
final class RobustTrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "FILE|NAME", description = "a group table (CSV, .gz) or a built-in data set: " + RobustData.BUILT_IN)
    String data;

    @Option(names = "--groups", paramLabel = "attribute|classes|ENVS.csv",
            description = "groups for training and selection: (y, attributes) (the default when the table has attribute columns), y alone, or (y, env) from an environments file")
    String groups;

    @Mixin
    GeneratorOptions gen;

    @Mixin
    RobustMethodOption method;

    @Mixin
    RobustRunOptions run;

    @Option(names = "--xrm-trials", paramLabel = "N", description = "MAT without --groups ENVS.csv: XRM draws for the held-out logits, default: ${DEFAULT-VALUE}")
    int xrmTrials = 10;

    @Option(names = "--xrm-steps", paramLabel = "N", description = "MAT without --groups ENVS.csv: steps per XRM draw, default: ${DEFAULT-VALUE}")
    int xrmSteps = 1001;

    @Option(names = "--predictions", paramLabel = "P.csv", description = "write row,split,pred for every val and test row (selected checkpoint)")
    Path predictions;

    @Option(names = "--out", paramLabel = "DIR", description = "write curves.csv, curves.png and result.json here")
    Path out;

    @Option(names = "--json", description = "print the result as one JSON object, the last line of stdout")
    boolean json;

    @Mixin
    RobustModelOptions mo;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        RobustTraining.Options options = run.options(method.parse(), mo, threads.threads);
        if (predictions != null) AtomicFiles.checkWritable(predictions);
        GroupTable t = RobustData.load(data, run.seed, mo.dataDir, gen);
        Groups reported = RobustData.reported(t), inUse;
        if (options.method() == Method.MAT) {
            // Held-out logits from the environments file, or from an XRM run of its own whose
            // environments are also the groups for selection unless --groups names others.
            float[] heldOut;
            if (groups != null && RobustData.isEnvironmentsFile(groups)) {
                heldOut = Environments.readHeldOut(Path.of(groups), t);
                inUse = RobustData.groups(groups, t);
            } else {
                Xrm.Result x = Xrm.search(t, xrmTrials, Xrm.colorMnist(xrmSteps, run.seed, threads.threads), json ? null : System.err, null);
                if (x.degenerate()) throw new IllegalArgumentException("mat: every XRM run was degenerate; give more --xrm-trials or --xrm-steps, or --groups ENVS.csv");
                heldOut = x.heldOut();
                inUse = groups == null ? Groups.environments(t, x.env(), "XRM's environments (flip rate " + x.flipRate() + ")") : RobustData.groups(groups, t);
            }
            options = options.with(options.extras().withMat(run.mat(heldOut)));
        } else {
            inUse = RobustData.groups(groups, t);
        }
        RobustTraining.Result r = RobustTraining.run(t, inUse, reported, options, json ? null : System.err);
        if (!r.unseenGroups().isEmpty() && !json) {
            System.err.println("warning: test groups absent from the train split: " + r.unseenGroups() + " (test_unseen_acc reports them)");
        }
        ObjectNode result = result(r, inUse);
        if (predictions != null) writePredictions(t, r);
        if (out != null) {
            Files.createDirectories(out);
            AtomicFiles.writeString(out.resolve("curves.csv"), r.curves().toCsv());
            plot(r.curves(), out.resolve("curves.png"));
            AtomicFiles.writeString(out.resolve("result.json"), result.toPrettyString() + "\n");
        }
        if (json) {
            JsonOut.print(result);
        } else {
            System.out.printf(Locale.ROOT, "%s: test worst-group accuracy %.4f, average %.4f (selected step %d: val worst-group %.4f, average %.4f; %.1f s)%n",
                    r.method().cliName(), r.testWga(), r.testAvg(), r.selectedStep(), r.valWga(), r.valAvg(), r.seconds());
            for (RobustTraining.GroupResult g : r.testGroups()) System.out.printf(Locale.ROOT, "  test  %-16s n %6d  accuracy %.4f%n", g.key(), g.n(), g.accuracy());
            for (RobustTraining.GroupResult g : r.trainGroups()) System.out.printf(Locale.ROOT, "  train %-16s n %6d  accuracy %.4f%n", g.key(), g.n(), g.accuracy());
            if (!r.unseenGroups().isEmpty()) System.out.printf(Locale.ROOT, "  test accuracy on the groups absent from training %s: %.4f%n", r.unseenGroups(), r.testUnseenAcc());
        }
        return 0;
    }

    private ObjectNode result(RobustTraining.Result r, Groups inUse) {
        ObjectNode o = JsonOut.object();
        o.put("method", r.method().cliName()).put("groups", inUse.description());
        o.put("val_wga", JsonOut.finite(r.valWga())).put("val_avg_acc", JsonOut.finite(r.valAvg()));
        o.put("test_wga", JsonOut.finite(r.testWga())).put("test_avg_acc", JsonOut.finite(r.testAvg()));
        groups(o.putArray("test_groups"), r.testGroups());
        o.put("test_unseen_acc", JsonOut.finite(r.testUnseenAcc()));
        ArrayNode unseen = o.putArray("unseen_groups");
        for (Groups.Key k : r.unseenGroups()) {
            ArrayNode a = unseen.addObject().put("y", k.y()).putArray("attributes");
            for (int v : k.attributes()) a.add(v);
        }
        o.put("train_avg_acc", JsonOut.finite(r.trainAvg()));
        groups(o.putArray("train_groups"), r.trainGroups());
        o.put("selected_step", r.selectedStep()).put("seconds", JsonOut.fixed(r.seconds(), 2));
        return o;
    }

    private static void groups(ArrayNode out, List<RobustTraining.GroupResult> groups) {
        for (RobustTraining.GroupResult g : groups) {
            ObjectNode e = out.addObject().put("y", g.key().y());
            ArrayNode a = e.putArray("attributes");
            for (int v : g.key().attributes()) a.add(v);
            e.put("n", g.n()).put("acc", JsonOut.finite(g.accuracy()));
        }
    }

    private void writePredictions(GroupTable t, RobustTraining.Result r) {
        StringBuilder s = new StringBuilder("row,split,pred\n");
        for (int i = 0; i < r.predictedRows().length; i++) {
            int row = r.predictedRows()[i];
            s.append(row).append(',').append(t.split(row).csvName()).append(',').append(r.predictions()[i]).append('\n');
        }
        AtomicFiles.writeString(predictions, s);
    }

    /** Per-group validation and test accuracy against the step. */
    private static void plot(MetricsTable curves, Path png) {
        XYChart chart = new XYChartBuilder().width(900).height(520).title("accuracy per group").xAxisTitle("step").yAxisTitle("accuracy").build();
        for (String c : curves.columns()) {
            if (!(c.startsWith("val_y") || c.startsWith("test_y"))) continue;
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (MetricsTable.Row row : curves.rows()) {
                Double v = row.values().get(c);
                if (v == null) continue;
                xs.add((double) row.step());
                ys.add(v);
            }
            if (!xs.isEmpty()) chart.addSeries(c, xs, ys);
        }
        System.setProperty("java.awt.headless", "true");
        AtomicFiles.write(png, os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
    }
}
