package dev.tiller.train.recipes;

import dev.tiller.Model;
import dev.tiller.Session;
import dev.tiller.SessionOptions;
import dev.tiller.Tokenizer;
import dev.tiller.steer.Sae;
import dev.tiller.steer.SteeringBuilder;
import dev.tiller.steer.SteeringFiles;
import dev.tiller.steer.SteeringVector;
import dev.tiller.train.text.EnglishCorpus;
import dev.tiller.train.text.GenreClassifier;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SAS vectors that steer the default model between two Brown genres, press reportage ("news",
 * genre a) and romance (genre p), built from the model's own activations on training paragraphs
 * of each genre (SAE features that fire on one side only, {@link SteeringBuilder#sas}); plus the
 * naive Bayes genre classifier the demo measures the effect with.
 */
public final class GenreSteering {
    private GenreSteering() {}

    public record Options(Path textDir, Path model, Path sae, Path outDir, int paragraphs, double tau, int threads) {}

    public static void run(Options o, PrintStream log) {
        DefaultModel.Split split = DefaultModel.split(o.textDir());
        List<String> news = texts(split.train(), "a"), romance = texts(split.train(), "p");
        GenreClassifier.train("news", news, "romance", romance, 3).save(o.outDir().resolve("genre-news-romance.tsv"));
        try (Model model = Model.load(o.model()); Tokenizer tok = model.tokenizer(); Sae sae = Sae.load(o.sae());
                Session s = model.newSession(new SessionOptions(DefaultModel.SEQ, o.threads()))) {
            int d = model.info().embeddingLength();
            float[][] pos = rows(s, tok, news.subList(0, Math.min(o.paragraphs(), news.size())), d);
            float[][] neg = rows(s, tok, romance.subList(0, Math.min(o.paragraphs(), romance.size())), d);
            int n = Math.min(pos.length, neg.length);  // balanced sides
            pos = Arrays.copyOf(pos, n);
            neg = Arrays.copyOf(neg, n);
            for (boolean toNews : new boolean[] {true, false}) {
                String name = toNews ? "news" : "romance";
                Map<String, String> meta = Map.of("model", o.model().getFileName().toString(), "sae", o.sae().getFileName().toString(),
                        "behavior", name, "pairs", "Brown genre a (press reportage) vs p (romance), " + n + " token rows per side",
                        "tau", Double.toString(o.tau()));
                SteeringVector v = SteeringBuilder.sas(sae, DefaultSae.LAYER, toNews ? pos : neg, toNews ? neg : pos, o.tau(), meta);
                SteeringFiles.save(v, o.outDir().resolve("steer-" + name + ".safetensors"));
                if (log != null) log.printf(Locale.ROOT, "steer-%s: %d SAE features at layer %d%n", name, v.indices().length, DefaultSae.LAYER);
            }
        }
    }

    static List<String> texts(List<EnglishCorpus.Paragraph> ps, String source) {
        return ps.stream().filter(p -> p.source().equals(source)).map(EnglishCorpus.Paragraph::text).toList();
    }

    // Every token row (BOS excluded) of each paragraph's first window.
    static float[][] rows(Session s, Tokenizer tok, List<String> paragraphs, int d) {
        int len = DefaultModel.SEQ - 1;
        float[] x = Activations.harvest(s, DefaultSae.LAYER, d, paragraphs.size(), i -> {
            int[] ids = tok.encode(paragraphs.get(i), false, false);
            return Arrays.copyOf(ids, Math.min(ids.length, len));
        }, null);
        return Activations.rows(x, d);
    }
}
