// Sparse Activation Steering from contrastive pairs, applied and measured, on the default model:
// build an SAS vector from news-vs-romance sentences (every token's resid_post(2) through the
// shipped SAE), generate with and without it, and score the wording with the shipped naive Bayes
// genre classifier (mean per-word log-odds, news > 0).
//
//   scripts/run scripts/experiments/SteerGenre.java [--quick] [--strength X] [--out DIR]
//
// Writes DIR/steering.png (default experiments-out/SteerGenre). --quick draws 4 short samples per condition instead of 24.

import dev.tiller.Model;
import dev.tiller.SamplingParams;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.Tokenizer;
import dev.tiller.io.MiniJson;
import dev.tiller.steer.Sae;
import dev.tiller.steer.SteeringBuilder;
import dev.tiller.steer.SteeringVector;
import dev.tiller.train.text.GenreClassifier;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChartBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class SteerGenre {
    static final int LAYER = 2;

    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--quick");
        float strength = a.contains("--strength") ? Float.parseFloat(a.get(a.indexOf("--strength") + 1)) : 1.5f;
        int samples = quick ? 4 : 24, tokens = quick ? 16 : 40;
        Path root = Path.of(System.getProperty("tiller.root", "."));
        Path out = Path.of(a.contains("--out") ? a.get(a.indexOf("--out") + 1) : "experiments-out/SteerGenre");
        List<String> conditions = new ArrayList<>();
        List<Double> logOdds = new ArrayList<>();
        GenreClassifier judge = GenreClassifier.load(root.resolve("models/genre-news-romance.tsv"));

        try (Model model = Model.load(root.resolve("models/tiller-gemma2-tiny.gguf"));
                Tokenizer tok = model.tokenizer(); Sae sae = Sae.load(root.resolve("models/tiller-gemma2-tiny.sae-l2.npz"));
                Session s = model.newSession(new SessionOptions(128, 0))) {
            // 1. Activations of both sides of every pair: all token rows of resid_post(LAYER).
            List<float[]> news = new ArrayList<>(), romance = new ArrayList<>();
            s.captureLayers(LAYER);
            for (String line : Files.readAllLines(root.resolve("docs/examples/news-romance.pairs.jsonl"))) {
                Map<?, ?> pair = (Map<?, ?>) MiniJson.parse(line);
                rows(s, tok, (String) pair.get("positive"), news);
                rows(s, tok, (String) pair.get("negative"), romance);
            }
            int n = Math.min(news.size(), romance.size());  // SAS compares equally many rows per side
            news = news.subList(0, n);
            romance = romance.subList(0, n);
            // 2. The SAS vector: SAE features that fire in >= 30% of one side's rows and not the other's.
            SteeringVector toNews = SteeringBuilder.sas(sae, LAYER, news.toArray(new float[0][]), romance.toArray(new float[0][]), 0.3, Map.of());
            System.out.printf("SAS vector: %d SAE features from %d news and %d romance token rows%n%n", toNews.indices().length, news.size(), romance.size());

            // 3. Generate with and without it and measure how news-like the wording is.
            System.out.println("| condition | mean log-odds (news > 0) | samples called news |");
            System.out.println("|---|---|---|");
            for (float lambda : new float[] {0, strength, -strength}) {
                s.clearSteering();
                if (lambda != 0) s.steer(toNews, lambda, 0, sae, false);
                double sum = 0;
                int called = 0;
                for (int k = 0; k < samples; k++) {
                    s.reset();
                    String text = "The" + s.complete("The", SamplingParams.defaults().withTemperature(0.9f).withTopK(40).withRepeatPenalty(1.3f)
                            .withMaxTokens(tokens).withSeed(1000 + k));
                    sum += judge.meanLogOdds(text);
                    if (judge.probabilityA(text) > 0.5) called++;
                }
                String name = lambda == 0 ? "unsteered" : (lambda > 0 ? "toward news, " : "toward romance, ") + "lambda " + Math.abs(lambda);
                System.out.printf("| %s | %+.3f | %d/%d |%n", name, sum / samples, called, samples);
                conditions.add(name);
                logOdds.add(sum / samples);
            }
        }

        var chart = new CategoryChartBuilder().width(700).height(450).title("SAS steering news <-> romance, layer " + LAYER)
                .yAxisTitle("mean per-word log-odds, news > 0").build();
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("genre classifier", conditions, logOdds);
        Files.createDirectories(out);
        BitmapEncoder.saveBitmap(chart, out.resolve("steering.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        System.err.println("wrote " + out.resolve("steering.png"));
    }

    static void rows(Session s, Tokenizer tok, String text, List<float[]> out) {
        int[] ids = tok.encode(text, true, false);
        s.reset();
        s.evaluate(ids);
        for (int i = 1; i < ids.length; i++) out.add(s.captured(LAYER).row(i));  // row 0 is BOS
    }
}
