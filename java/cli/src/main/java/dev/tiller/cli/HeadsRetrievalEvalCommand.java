package dev.tiller.cli;

import dev.tiller.AdaptiveAttention;
import dev.tiller.HeadRecord;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.heads.HeadReport;
import dev.tiller.io.AtomicFiles;
import dev.tiller.train.recipes.DefaultModel;
import dev.tiller.train.retrieval.RetrievalEval;
import dev.tiller.train.retrieval.RetrievalTask;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tiller heads retrieval-eval --model M.gguf --out DIR [--samples N] [--length L]}: task
 * accuracy against sparsity on retrieval samples built from held-out prose: dense, QAdA with local
 * and with bulk moments and the oracle over a range of tau, and static per-head labels (from
 * calibration samples) at fixed sparsities. Writes results.csv, accuracy.png, and errors.csv (p-hat's
 * labels against the oracle's per layer).
 */
@Command(name = "retrieval-eval", mixinStandardHelpOptions = true,
        description = "Accuracy against sparsity on pass-key and key-value recall samples: dense, static labels, QAdA (local and "
                + "bulk moments), oracle (results.csv, accuracy.png); p-hat against the oracle per layer (errors.csv).")
final class HeadsRetrievalEvalCommand implements Callable<Integer> {
    static final double[] TAUS = {0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    static final double[] STATIC_SPARSITY = {0.25, 0.5, 0.625, 0.75, 0.875};
    static final RetrievalTask.Kind[] ASKED = {RetrievalTask.Kind.PASSKEY, RetrievalTask.Kind.RECALL};

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M.gguf", description = "GGUF model file")
    Path model;

    @Option(names = "--samples", paramLabel = "N", description = "evaluation samples, half of each kind; default: ${DEFAULT-VALUE}")
    int samples = 100;

    @Option(names = "--calibration", paramLabel = "N", description = "samples that fix the static labels; default: ${DEFAULT-VALUE}")
    int calibration = 16;

    @Option(names = "--length", paramLabel = "L", description = "tokens per sample; default: ${DEFAULT-VALUE}")
    int length = 1024;

    @Option(names = "--static-tau", paramLabel = "T", description = "oracle threshold behind the static labels; default: ${DEFAULT-VALUE}")
    double staticTau = 0.1;

    @Option(names = "--seed", paramLabel = "S", description = "default: ${DEFAULT-VALUE}")
    long seed = 7;

    @Mixin
    AttentionWindowOptions window;

    @Mixin
    DataOptions env;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (samples < 2 || calibration < 1 || length < 64) throw new IllegalArgumentException("--samples >= 2, --calibration >= 1, --length >= 64");
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " exists and is not a folder");
        AdaptiveAttention w = window.apply(AdaptiveAttention.dense());
        Files.createDirectories(out);
        System.setProperty("java.awt.headless", "true");
        try (Model m = Model.load(model); Session s = m.newSession(new SessionOptions(length, env.threads()))) {
            int[] prose = DefaultModel.stream(m.tokenizer(), DefaultModel.split(env.dir("text")).heldOut());
            RetrievalTask task = new RetrievalTask(m.tokenizer(), prose);
            SplittableRandom rnd = new SplittableRandom(seed);
            List<RetrievalTask.Sample> eval = new ArrayList<>(), calib = new ArrayList<>();
            for (int i = 0; i < samples; i++) eval.add(task.sample(rnd, ASKED[i % 2], length));
            for (int i = 0; i < calibration; i++) calib.add(task.sample(rnd, ASKED[i % 2], length));
            List<HeadRecord> calibRecords = new ArrayList<>();
            for (RetrievalTask.Sample c : calib) calibRecords.addAll(HeadReport.score(s, c.prompt(), w));

            StringBuilder csv = new StringBuilder("rule,moments,setting,sparsity,accuracy\n");
            XYChart chart = new XYChartBuilder().width(750).height(480).title("Retrieval accuracy against sparsity (" + length + " tokens)")
                    .xAxisTitle("fraction of (head, query) pairs local").yAxisTitle("exact-match accuracy").build();
            RetrievalEval.Score dense = run(csv, s, eval, "dense", "-", 0, AdaptiveAttention.dense().withWindow(w.tSink(), w.tLocal()));
            chart.addSeries("dense", List.of(0.0, 1.0), List.of(dense.accuracy(), dense.accuracy()));
            series(chart, csv, s, eval, "qada", "local", t -> AdaptiveAttention.estimate(t).withWindow(w.tSink(), w.tLocal()), TAUS);
            series(chart, csv, s, eval, "qada", "bulk",
                    t -> AdaptiveAttention.estimate(t).withWindow(w.tSink(), w.tLocal()).withMoments(AdaptiveAttention.Moments.BULK), TAUS);
            series(chart, csv, s, eval, "oracle", "-", t -> AdaptiveAttention.oracle(t).withWindow(w.tSink(), w.tLocal()), TAUS);
            series(chart, csv, s, eval, "static", "-", rho -> AdaptiveAttention.labels(HeadReport.staticLabels(m.info(), calibRecords, staticTau, rho))
                    .withWindow(w.tSink(), w.tLocal()), STATIC_SPARSITY);
            series(chart, csv, s, eval, "sink+window", "-", t -> AdaptiveAttention.estimate(1).withWindow(w.tSink(), w.tLocal()), new double[] {1});
            AtomicFiles.writeString(out.resolve("results.csv"), csv);
            AtomicFiles.writeString(out.resolve("errors.csv"), labelErrors(s, eval, w));
            AtomicFiles.write(out.resolve("accuracy.png"), os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
        }
        System.err.println("wrote " + out.resolve("results.csv") + ", " + out.resolve("errors.csv") + ", " + out.resolve("accuracy.png"));
        return 0;
    }

    /**
     * How p-hat's labels differ from the oracle's on the evaluation prompts under dense attention,
     * per global layer and over all: for each moment option and tau, the share of pairs labelled
     * local by each, and the false-positive and false-negative rates.
     */
    private static StringBuilder labelErrors(Session s, List<RetrievalTask.Sample> eval, AdaptiveAttention w) {
        StringBuilder csv = new StringBuilder("moments,tau,layer,sparsity,oracle_sparsity,fp_rate,fn_rate\n");
        for (AdaptiveAttention.Moments moments : AdaptiveAttention.Moments.values()) {
            List<HeadRecord> records = new ArrayList<>();
            for (RetrievalTask.Sample e : eval) records.addAll(HeadReport.score(s, e.prompt(), w.withMoments(moments)));
            java.util.Map<Integer, List<HeadRecord>> byLayer = records.stream()
                    .collect(java.util.stream.Collectors.groupingBy(HeadRecord::layer, java.util.TreeMap::new, java.util.stream.Collectors.toList()));
            for (double tau : TAUS) {
                for (var layer : byLayer.entrySet()) row(csv, moments, tau, layer.getKey().toString(), HeadReport.of(layer.getValue(), tau));
                row(csv, moments, tau, "all", HeadReport.of(records, tau));
            }
        }
        return csv;
    }

    private static void row(StringBuilder csv, AdaptiveAttention.Moments moments, double tau, String layer, HeadReport r) {
        csv.append(String.format(Locale.ROOT, "%s,%s,%s,%.4f,%.4f,%.4f,%.4f%n", moments.name().toLowerCase(Locale.ROOT), tau, layer, r.sparsity(),
                r.oracleSparsity(), r.falsePositiveRate(), r.falseNegativeRate()));
    }

    private void series(XYChart chart, StringBuilder csv, Session s, List<RetrievalTask.Sample> eval, String rule, String moments,
            java.util.function.DoubleFunction<AdaptiveAttention> config, double[] settings) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (double v : settings) {
            RetrievalEval.Score sc = run(csv, s, eval, rule, moments, v, config.apply(v));
            xs.add(sc.sparsity());
            ys.add(sc.accuracy());
        }
        chart.addSeries(rule + (moments.equals("-") ? "" : " (" + moments + " moments)"), xs, ys).setMarker(SeriesMarkers.CIRCLE);
    }

    private static RetrievalEval.Score run(StringBuilder csv, Session s, List<RetrievalTask.Sample> eval, String rule, String moments, double setting,
            AdaptiveAttention config) {
        RetrievalEval.Score sc = RetrievalEval.score(s, eval, config);
        csv.append(String.format(Locale.ROOT, "%s,%s,%s,%.4f,%.4f%n", rule, moments, setting, sc.sparsity(), sc.accuracy()));
        System.err.printf(Locale.ROOT, "%-11s %-5s %-6s sparsity %.3f accuracy %.3f%n", rule, moments, setting, sc.sparsity(), sc.accuracy());
        return sc;
    }
}
