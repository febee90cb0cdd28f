package dev.tiller.heads;

import dev.tiller.AdaptiveAttention;
import dev.tiller.HeadRecord;
import dev.tiller.ModelInfo;
import dev.tiller.Session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Long-context head identification (QAdA): which heads of a model's global layers need the bulk
 * of the context, query by query. {@link #score} runs dense attention over a text while recording
 * each (layer, head, query)'s p-hat and exact bulk mass; {@link #of} summarises those records at a
 * threshold tau. Only queries with bulk keys (position >= t_sink + t_local) count: the others read
 * every key whatever the label.
 */
public final class HeadReport {
    private final double tau;
    private final List<HeadStats> heads;
    private final long pairs, longPairs, oracleLongPairs, falsePositives, falseNegatives;

    private HeadReport(double tau, List<HeadStats> heads, long pairs, long longPairs, long oracleLongPairs, long falsePositives, long falseNegatives) {
        this.tau = tau;
        this.heads = List.copyOf(heads);
        this.pairs = pairs;
        this.longPairs = longPairs;
        this.oracleLongPairs = oracleLongPairs;
        this.falsePositives = falsePositives;
        this.falseNegatives = falseNegatives;
    }

    /**
     * Evaluates the tokens from an empty context with dense attention, recording every global layer
     * under the window and moments of {@code window} (its rule and tau do not matter here), and
     * returns one record per global layer, in layer order. The session is reset before and after;
     * its adaptive attention is restored.
     */
    public static List<HeadRecord> score(Session session, int[] tokens, AdaptiveAttention window) {
        AdaptiveAttention before = session.adaptiveAttention();
        session.reset();
        session.setAdaptiveAttention(AdaptiveAttention.dense().withWindow(window.tSink(), window.tLocal()).withMoments(window.moments()));
        session.recordHeads(true);
        try {
            session.evaluate(tokens);
            List<HeadRecord> out = new ArrayList<>();
            ModelInfo info = session.model().info();
            for (int l = 0; l < info.layerCount(); l++)
                if (!info.layers().get(l).slidingWindow()) out.add(session.headRecord(l));
            return out;
        } finally {
            session.recordHeads(false);
            session.setAdaptiveAttention(before);
            session.reset();
        }
    }

    /** Counts of one (layer, head) over the queries with bulk keys. */
    private static final class Counts {
        long n, predictedLong, oracleLong, fp, fn;
        double sumHat, sumBulk;
    }

    /** Counts per (layer, head), in layer then head order; records of several texts add up. */
    private static java.util.SortedMap<Long, Counts> count(List<HeadRecord> records, double tau) {
        java.util.SortedMap<Long, Counts> all = new java.util.TreeMap<>();
        for (HeadRecord r : records)
            for (int h = 0; h < r.heads(); h++) {
                Counts c = all.computeIfAbsent(((long) r.layer() << 32) | h, k -> new Counts());
                for (int t = 0; t < r.tokens(); t++) {
                    if (!r.config().hasBulk(r.firstPosition() + t)) continue;
                    double ph = r.pHat(t, h), pb = r.pBulk(t, h);
                    boolean predicted = ph >= tau, oracle = pb >= tau;
                    c.n++;
                    c.sumHat += ph;
                    c.sumBulk += pb;
                    if (predicted) c.predictedLong++;
                    if (oracle) c.oracleLong++;
                    if (predicted && !oracle) c.fp++;
                    if (!predicted && oracle) c.fn++;
                }
            }
        return all;
    }

    /** Per-head statistics of the records (one text's or several texts') at threshold tau. */
    public static HeadReport of(List<HeadRecord> records, double tau) {
        List<HeadStats> heads = new ArrayList<>();
        long pairs = 0, longPairs = 0, oracleLong = 0, fp = 0, fn = 0;
        for (var e : count(records, tau).entrySet()) {
            Counts c = e.getValue();
            long oracleLocal = c.n - c.oracleLong;
            heads.add(new HeadStats((int) (e.getKey() >> 32), (int) (e.getKey() & 0xffffffffL), c.n, ratio(c.predictedLong, c.n),
                    c.n == 0 ? Double.NaN : c.sumHat / c.n, c.n == 0 ? Double.NaN : c.sumBulk / c.n, ratio(c.fp, oracleLocal),
                    ratio(c.fn, c.oracleLong)));
            pairs += c.n;
            longPairs += c.predictedLong;
            oracleLong += c.oracleLong;
            fp += c.fp;
            fn += c.fn;
        }
        return new HeadReport(tau, heads, pairs, longPairs, oracleLong, fp, fn);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    /**
     * The static baseline's labels: each head's fraction of long-context queries by the oracle at
     * tau over calibration records, and the {@code 1 - sparsity} share of heads with the largest
     * fractions labelled long-context (DuoAttention-style head classification; ties go to lower
     * layers and heads). Sliding layers, which adaptive attention leaves alone, get all-false rows.
     */
    public static boolean[][] staticLabels(ModelInfo info, List<HeadRecord> calibration, double tau, double sparsity) {
        if (!(sparsity >= 0 && sparsity <= 1)) throw new IllegalArgumentException("sparsity " + sparsity + " is outside [0, 1]");
        List<Long> ranked = new ArrayList<>();
        java.util.SortedMap<Long, Counts> counts = count(calibration, tau);
        ranked.addAll(counts.keySet());
        ranked.sort(Comparator.comparingDouble((Long k) -> -fraction(counts.get(k))));  // stable: ties keep layer, head order
        boolean[][] labels = new boolean[info.layerCount()][];
        for (int l = 0; l < info.layerCount(); l++) labels[l] = new boolean[info.layers().get(l).heads()];
        long keep = Math.round((1 - sparsity) * ranked.size());
        for (int i = 0; i < keep; i++) labels[(int) (ranked.get(i) >> 32)][(int) (ranked.get(i) & 0xffffffffL)] = true;
        return labels;
    }

    private static double fraction(Counts c) {
        return c.n == 0 ? 0 : (double) c.oracleLong / c.n;
    }

    public double tau() {
        return tau;
    }

    /** One entry per (global layer, head), in layer then head order. */
    public List<HeadStats> heads() {
        return heads;
    }

    /** (head, query) pairs with bulk keys. */
    public long pairs() {
        return pairs;
    }

    /** The fraction of pairs labelled local by p-hat: the sparsity of QAdA at this tau. */
    public double sparsity() {
        return pairs == 0 ? Double.NaN : 1.0 - (double) longPairs / pairs;
    }

    /** Over all pairs: p-hat long-context where the oracle says local, among the oracle's local pairs (NaN when none). */
    public double falsePositiveRate() {
        return ratio(falsePositives, pairs - oracleLongPairs);
    }

    /** Over all pairs: p-hat local where the oracle says long-context, among the oracle's long-context pairs (NaN when none). */
    public double falseNegativeRate() {
        return ratio(falseNegatives, oracleLongPairs);
    }

    /** The fraction of pairs the oracle labels local at this tau. */
    public double oracleSparsity() {
        return pairs == 0 ? Double.NaN : 1.0 - (double) oracleLongPairs / pairs;
    }
}
