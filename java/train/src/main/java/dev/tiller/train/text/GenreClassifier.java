package dev.tiller.train.text;

import dev.tiller.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A naive Bayes classifier of two genres over lower-cased words (add-one smoothing): the
 * yardstick of the steering demo. Saved as a small TSV of per-word log-odds.
 */
public final class GenreClassifier {
    private static final Pattern WORD = Pattern.compile("[a-z]+(?:'[a-z]+)?");
    private final Map<String, Double> logOdds;  // log P(w | A) - log P(w | B)
    private final String a, b;

    private GenreClassifier(String a, String b, Map<String, Double> logOdds) {
        this.a = a;
        this.b = b;
        this.logOdds = logOdds;
    }

    static List<String> words(String text) {
        List<String> w = new ArrayList<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) w.add(m.group());
        return w;
    }

    /** Trains on texts of genre a and genre b; words seen fewer than minCount times overall are ignored. */
    public static GenreClassifier train(String a, List<String> textsA, String b, List<String> textsB, int minCount) {
        Map<String, int[]> counts = new HashMap<>();
        long[] totals = new long[2];
        for (int side = 0; side < 2; side++)
            for (String t : side == 0 ? textsA : textsB)
                for (String w : words(t)) {
                    counts.computeIfAbsent(w, k -> new int[2])[side]++;
                    totals[side]++;
                }
        counts.values().removeIf(c -> c[0] + c[1] < minCount);
        int v = counts.size() + 1;
        Map<String, Double> lo = new HashMap<>();
        counts.forEach((w, c) -> lo.put(w, Math.log((c[0] + 1.0) / (totals[0] + v)) - Math.log((c[1] + 1.0) / (totals[1] + v))));
        return new GenreClassifier(a, b, lo);
    }

    /** P(genre a | text) with equal priors (the demo asks about the text, not the base rates). */
    public double probabilityA(String text) {
        double s = 0;
        for (String w : words(text)) s += logOdds.getOrDefault(w, 0.0);
        return 1 / (1 + Math.exp(-s));
    }

    /**
     * The mean per-word log-odds log P(w | a) - log P(w | b) over the words of the text (0 for
     * none): how typical of genre a the text's wording is, without the saturation of P(a | text).
     */
    public double meanLogOdds(String text) {
        List<String> ws = words(text);
        double s = 0;
        for (String w : ws) s += logOdds.getOrDefault(w, 0.0);
        return ws.isEmpty() ? 0 : s / ws.size();
    }

    public String genreA() { return a; }
    public String genreB() { return b; }

    public void save(Path path) {
        StringBuilder out = new StringBuilder("# naive Bayes log-odds log P(w|" + a + ") - log P(w|" + b + "), add-one smoothing\n");
        out.append("#genres\t").append(a).append('\t').append(b).append('\n');
        logOdds.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.append(e.getKey()).append('\t').append(String.format(Locale.ROOT, "%.5f", e.getValue())).append('\n'));
        AtomicFiles.writeString(path, out);
    }

    public static GenreClassifier load(Path path) {
        Map<String, Double> lo = new HashMap<>();
        String a = "a", b = "b";
        try {
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                if (line.startsWith("#genres") && f.length == 3) {
                    a = f[1];
                    b = f[2];
                } else if (!line.startsWith("#") && f.length == 2) {
                    lo.put(f[0], Double.parseDouble(f[1]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        return new GenreClassifier(a, b, lo);
    }
}
