package dev.tiller.cli;

import dev.tiller.AdaptiveAttention;
import dev.tiller.FloatView;
import dev.tiller.HeadRecord;
import dev.tiller.Model;
import dev.tiller.ModelInfo;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.heads.HeadReport;
import dev.tiller.heads.HeadStats;
import dev.tiller.io.AtomicFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tiller heads report --model M.gguf --text-file F [--tau T] [--t-sink S] [--t-local L]
 * [--moments ...] --out DIR}: per-head statistics at tau ({@code heads.csv}, heat map
 * {@code heads.png}) from one dense recorded pass, then a sweep over tau running adaptive
 * attention itself ({@code sparsity.csv}, {@code sparsity.png}: realised sparsity against the KL
 * divergence of the adaptive next-token distribution from the dense one).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Per-head long-context statistics (heads.csv, heads.png) and sparsity against KL to dense over tau "
                + "(sparsity.csv, sparsity.png).")
final class HeadsReportCommand implements Callable<Integer> {
    static final double[] TAUS = {0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1};
    static final double DEFAULT_TAU = 0.05;
    private static final int CHUNK = 512;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "M.gguf", description = "GGUF model file")
    Path model;

    @Mixin
    HeadsInput input;

    @Option(names = "--tau", paramLabel = "T", description = "threshold on p-hat for heads.csv (default: ${DEFAULT-VALUE})")
    double tau = DEFAULT_TAU;

    @Mixin
    AttentionWindowOptions window;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!(tau >= 0 && tau <= 1)) throw Cli.usage(window.spec, "--tau must lie in [0, 1]; got " + tau);
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " exists and is not a folder");
        AdaptiveAttention w = window.apply(AdaptiveAttention.dense());
        Files.createDirectories(out);
        System.setProperty("java.awt.headless", "true");
        try (Model m = Model.load(model)) {
            int[] tokens = input.tokens(m);
            if (!w.hasBulk(tokens.length - 1))
                throw new IllegalArgumentException(tokens.length + " tokens never reach past the " + w.tSink() + " sinks and "
                        + w.tLocal() + " recent positions: no query has bulk keys (give a longer text or a smaller --t-local)");
            try (Session dense = m.newSession(new SessionOptions(tokens.length, threads.threads));
                    Session adaptive = m.newSession(new SessionOptions(tokens.length, threads.threads))) {
                List<HeadRecord> records = HeadReport.score(dense, tokens, w);
                HeadReport report = HeadReport.of(records, tau);
                writeHeads(m.info(), report);
                System.err.printf(Locale.ROOT, "tau %s: %.1f%% of %d (head, query) pairs local (oracle %.1f%%)%n", tau,
                        100 * report.sparsity(), report.pairs(), 100 * report.oracleSparsity());
                sweep(records, dense, adaptive, tokens, w);
            }
        }
        System.err.println("wrote " + out.resolve("heads.csv") + ", heads.png, sparsity.csv, sparsity.png");
        return 0;
    }

    private void writeHeads(ModelInfo info, HeadReport report) throws Exception {
        StringBuilder csv = new StringBuilder("layer,head,long_fraction,mean_p_hat,mean_p_bulk,fp_rate,fn_rate\n");
        List<Integer> layers = new ArrayList<>(), heads = new ArrayList<>();
        List<Number[]> cells = new ArrayList<>();
        for (HeadStats s : report.heads()) {
            csv.append(String.format(Locale.ROOT, "%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f%n", s.layer(), s.head(), s.longFraction(),
                    s.meanPHat(), s.meanPBulk(), s.falsePositiveRate(), s.falseNegativeRate()));
            if (!layers.contains(s.layer())) layers.add(s.layer());
            if (!heads.contains(s.head())) heads.add(s.head());
            cells.add(new Number[] {heads.indexOf(s.head()), layers.indexOf(s.layer()), s.longFraction()});
        }
        AtomicFiles.writeString(out.resolve("heads.csv"), csv);
        HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(400, 60 * heads.size() + 200)).height(Math.max(300, 30 * layers.size() + 150))
                .title(String.format(Locale.ROOT, "fraction of queries long-context (p-hat >= %s)", tau)).xAxisTitle("head")
                .yAxisTitle("global layer").build();
        chart.getStyler().setMin(0).setMax(1).setShowValue(heads.size() * layers.size() <= 400).setHeatMapValueDecimalPattern("0.00");
        chart.addSeries("long fraction", heads, layers, cells);
        AtomicFiles.write(out.resolve("heads.png"), os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
    }

    /** For each tau: adaptive attention over the tokens beside dense, chunk by chunk; realised sparsity and KL to dense. */
    private void sweep(List<HeadRecord> denseRecords, Session dense, Session adaptive, int[] tokens, AdaptiveAttention w) throws Exception {
        StringBuilder csv = new StringBuilder("tau,sparsity,predicted_sparsity,oracle_sparsity,kl_mean,kl_max,top1_agreement\n");
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        int from = w.tSink() + w.tLocal();  // the first position with bulk keys
        for (double t : TAUS) {
            HeadReport predicted = HeadReport.of(denseRecords, t);
            dense.reset();
            adaptive.reset();
            adaptive.setAdaptiveAttention(AdaptiveAttention.estimate(t).withWindow(w.tSink(), w.tLocal()).withMoments(w.moments()));
            adaptive.recordHeads(true);
            long pairs = 0, longPairs = 0, agree = 0, n = 0;
            double klSum = 0, klMax = 0;
            for (int done = 0; done < tokens.length; done += CHUNK) {
                int[] chunk = Arrays.copyOfRange(tokens, done, Math.min(tokens.length, done + CHUNK));
                float[] p = dense.evaluateAll(chunk).toArray();
                FloatView q = adaptive.evaluateAll(chunk);
                int vocab = q.columns();
                float[] qa = q.toArray();
                for (int r = 0; r < chunk.length; r++) {
                    if (done + r < from) continue;
                    double kl = kl(p, qa, r * vocab, vocab);
                    klSum += kl;
                    klMax = Math.max(klMax, kl);
                    if (argmax(p, r * vocab, vocab) == argmax(qa, r * vocab, vocab)) agree++;
                    n++;
                }
                for (HeadRecord rec : denseRecords) {
                    HeadRecord ar = adaptive.headRecord(rec.layer());
                    for (int r = 0; r < ar.tokens(); r++) {
                        if (!w.hasBulk(ar.firstPosition() + r)) continue;
                        for (int h = 0; h < ar.heads(); h++) {
                            pairs++;
                            if (ar.isLong(r, h)) longPairs++;
                        }
                    }
                }
            }
            adaptive.recordHeads(false);
            double sparsity = pairs == 0 ? Double.NaN : 1.0 - (double) longPairs / pairs;
            csv.append(String.format(Locale.ROOT, "%s,%.6f,%.6f,%.6f,%.6g,%.6g,%.6f%n", t, sparsity, predicted.sparsity(),
                    predicted.oracleSparsity(), klSum / n, klMax, (double) agree / n));
            System.err.printf(Locale.ROOT, "tau %-6s sparsity %.3f  KL %.3g nats  top-1 agreement %.3f%n", t, sparsity, klSum / n, (double) agree / n);
            xs.add(sparsity);
            ys.add(klSum / n);
        }
        AtomicFiles.writeString(out.resolve("sparsity.csv"), csv);
        XYChart chart = new XYChartBuilder().width(700).height(450).title("QAdA: sparsity against KL to dense")
                .xAxisTitle("fraction of (head, query) pairs local").yAxisTitle("mean KL(dense || adaptive), nats").build();
        chart.addSeries("QAdA (" + w.moments().name().toLowerCase(Locale.ROOT) + " moments)", xs, ys).setMarker(SeriesMarkers.CIRCLE);
        AtomicFiles.write(out.resolve("sparsity.png"), os -> BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG));
    }

    /** KL(softmax(p) || softmax(q)) of one row, in double. */
    static double kl(float[] p, float[] q, int off, int n) {
        double mp = Double.NEGATIVE_INFINITY, mq = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            mp = Math.max(mp, p[off + i]);
            mq = Math.max(mq, q[off + i]);
        }
        double zp = 0, zq = 0;
        for (int i = 0; i < n; i++) {
            zp += Math.exp(p[off + i] - mp);
            zq += Math.exp(q[off + i] - mq);
        }
        double lzp = mp + Math.log(zp), lzq = mq + Math.log(zq), kl = 0;
        for (int i = 0; i < n; i++) {
            double lp = p[off + i] - lzp;
            kl += Math.exp(lp) * (lp - (q[off + i] - lzq));
        }
        return Math.max(0, kl);
    }

    private static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }
}
