// Which attention heads read the long context, query by query (QAdA: "Unveiling Simplicities of
// Attention: Adaptive Long-Context Head Identification"): on the shipped retrieval model, for
// passkey and door-code prompts, every (global head, query) pair is labelled local when the
// estimated bulk attention mass p-hat (a Gaussian model of the bulk scores from key moments) is
// below tau, against the oracle's exact bulk mass. Prints the share of pairs labelled local per
// tau for QAdA with the paper's local moments, with bulk moments, and for the oracle, then a
// per-head report. docs/heads.md has the study (accuracy against sparsity: scripts/repro-heads).
//
//   scripts/run scripts/experiments/LongContextHeads.java [--quick] [--out DIR]
//
// Writes DIR/sparsity.png and DIR/heads.png (default experiments-out/LongContextHeads). --quick
// scores 2 prompts of 400 tokens instead of 20 of 1024.

import dev.tiller.AdaptiveAttention;
import dev.tiller.HeadRecord;
import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.heads.HeadReport;
import dev.tiller.heads.HeadStats;
import dev.tiller.train.recipes.DefaultModel;
import dev.tiller.train.retrieval.RetrievalTask;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChartBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

class LongContextHeads {
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--quick");
        Path out = Path.of(a.contains("--out") ? a.get(a.indexOf("--out") + 1) : "experiments-out/LongContextHeads");
        int prompts = quick ? 2 : 20, length = quick ? 400 : 1024;
        double[] taus = {0.01, 0.05, 0.1, 0.2, 0.5};
        Path root = Path.of(System.getProperty("tiller.root", "."));

        try (Model model = Model.load(root.resolve("models/tiller-gemma3-retrieval.gguf"));
                Session session = model.newSession(new SessionOptions(length, 0))) {
            // Prompts: held-out Austen and Brown prose with a pass key or four door codes planted in it.
            int[] prose = DefaultModel.stream(model.tokenizer(), DefaultModel.split(root.resolve("../shared/data/text")).heldOut());
            var task = new RetrievalTask(model.tokenizer(), prose);
            var rnd = new SplittableRandom(7);
            // The default window: 16 attention sinks and the 256 most recent positions are always read.
            var local = AdaptiveAttention.dense();
            var bulk = local.withMoments(AdaptiveAttention.Moments.BULK);
            List<HeadRecord> withLocalMoments = new ArrayList<>(), withBulkMoments = new ArrayList<>();
            for (int i = 0; i < prompts; i++) {
                int[] prompt = task.sample(rnd, i % 2 == 0 ? RetrievalTask.Kind.PASSKEY : RetrievalTask.Kind.RECALL, length).prompt();
                withLocalMoments.addAll(HeadReport.score(session, prompt, local));
                withBulkMoments.addAll(HeadReport.score(session, prompt, bulk));
            }

            System.out.printf("%d prompts of %d tokens; share of (global head, query) pairs with bulk keys labelled local%n%n", prompts, length);
            System.out.println("| tau | QAdA, local moments | QAdA, bulk moments | oracle |");
            System.out.println("|---|---|---|---|");
            List<Double> x = new ArrayList<>(), yLocal = new ArrayList<>(), yBulk = new ArrayList<>(), yOracle = new ArrayList<>();
            for (double tau : taus) {
                HeadReport l = HeadReport.of(withLocalMoments, tau), b = HeadReport.of(withBulkMoments, tau);
                System.out.printf("| %s | %.3f | %.3f | %.3f |%n", tau, l.sparsity(), b.sparsity(), l.oracleSparsity());
                x.add(tau);
                yLocal.add(l.sparsity());
                yBulk.add(b.sparsity());
                yOracle.add(l.oracleSparsity());
            }

            HeadReport report = HeadReport.of(withBulkMoments, 0.05);
            System.out.println();
            System.out.println("| layer | head | long-context fraction (bulk moments, tau 0.05) | mean p-hat | mean p_bulk | false positives | false negatives |");
            System.out.println("|---|---|---|---|---|---|---|");
            List<String> heads = new ArrayList<>(), layers = new ArrayList<>();
            List<Number[]> cells = new ArrayList<>();
            for (HeadStats h : report.heads()) {
                System.out.printf("| %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f |%n", h.layer(), h.head(), h.longFraction(), h.meanPHat(), h.meanPBulk(),
                        h.falsePositiveRate(), h.falseNegativeRate());
                if (!heads.contains("head " + h.head())) heads.add("head " + h.head());
                if (!layers.contains("layer " + h.layer())) layers.add("layer " + h.layer());
                cells.add(new Number[] {heads.indexOf("head " + h.head()), layers.indexOf("layer " + h.layer()), h.longFraction()});
            }

            Files.createDirectories(out);
            var chart = new XYChartBuilder().width(700).height(450).title("Pairs labelled local against tau").xAxisTitle("tau (threshold on the bulk mass)")
                    .yAxisTitle("share of (head, query) pairs local").build();
            chart.getStyler().setXAxisLogarithmic(true);
            chart.addSeries("QAdA, local moments", x, yLocal);
            chart.addSeries("QAdA, bulk moments", x, yBulk);
            chart.addSeries("oracle", x, yOracle);
            BitmapEncoder.saveBitmap(chart, out.resolve("sparsity.png").toString(), BitmapEncoder.BitmapFormat.PNG);
            var map = new HeatMapChartBuilder().width(600).height(400).title("Share of queries long-context (bulk moments, tau 0.05)").build();
            map.getStyler().setMin(0).setMax(1).setShowValue(true).setHeatMapValueDecimalPattern("0.00");
            map.addSeries("long fraction", heads, layers, cells);
            BitmapEncoder.saveBitmap(map, out.resolve("heads.png").toString(), BitmapEncoder.BitmapFormat.PNG);
            System.err.println("wrote " + out.resolve("sparsity.png") + " and " + out.resolve("heads.png"));
        }
    }
}
