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
    private final long pairs, longPairs, oracleLongPairs;

    private HeadReport(double tau, List<HeadStats> heads, long pairs, long longPairs, long oracleLongPairs) {
        this.tau = tau;
        this.heads = List.copyOf(heads);
        this.pairs = pairs;
        this.longPairs = longPairs;
        this.oracleLongPairs = oracleLongPairs;
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

    /** Per-head statistics of the records at threshold tau. */
    public static HeadReport of(List<HeadRecord> records, double tau) {
        List<HeadStats> heads = new ArrayList<>();
        long pairs = 0, longPairs = 0, oracleLong = 0;
        for (HeadRecord r : records) {
            AdaptiveAttention w = r.config();
            for (int h = 0; h < r.heads(); h++) {
                long n = 0, lng = 0, fp = 0, fn = 0, oracleLocal = 0, oracleLongHere = 0;
                double sumHat = 0, sumBulk = 0;
                for (int t = 0; t < r.tokens(); t++) {
                    if (!w.hasBulk(r.firstPosition() + t)) continue;
                    double ph = r.pHat(t, h), pb = r.pBulk(t, h);
                    boolean predicted = ph >= tau, oracle = pb >= tau;
                    n++;
                    sumHat += ph;
                    sumBulk += pb;
                    if (predicted) lng++;
                    if (oracle) oracleLongHere++;
                    else oracleLocal++;
                    if (predicted && !oracle) fp++;
                    if (!predicted && oracle) fn++;
                }
                heads.add(new HeadStats(r.layer(), h, n, n == 0 ? Double.NaN : (double) lng / n, n == 0 ? Double.NaN : sumHat / n,
                        n == 0 ? Double.NaN : sumBulk / n, oracleLocal == 0 ? Double.NaN : (double) fp / oracleLocal,
                        oracleLongHere == 0 ? Double.NaN : (double) fn / oracleLongHere));
                pairs += n;
                longPairs += lng;
                oracleLong += oracleLongHere;
            }
        }
        return new HeadReport(tau, heads, pairs, longPairs, oracleLong);
    }

    /**
     * The static baseline's labels: each head's fraction of long-context queries by the oracle at
     * tau over calibration records, and the {@code 1 - sparsity} share of heads with the largest
     * fractions labelled long-context (DuoAttention-style head classification). Sliding layers,
     * which adaptive attention leaves alone, get all-false rows.
     */
    public static boolean[][] staticLabels(ModelInfo info, List<HeadRecord> calibration, double tau, double sparsity) {
        if (!(sparsity >= 0 && sparsity <= 1)) throw new IllegalArgumentException("sparsity " + sparsity + " is outside [0, 1]");
        // Ranked by how often the oracle needs the head's bulk (its long fraction under p_bulk).
        List<double[]> ranked = new ArrayList<>();
        for (HeadRecord r : calibration)
            for (int h = 0; h < r.heads(); h++) {
                long n = 0, lng = 0;
                for (int t = 0; t < r.tokens(); t++) {
                    if (!r.config().hasBulk(r.firstPosition() + t)) continue;
                    n++;
                    if (r.pBulk(t, h) >= tau) lng++;
                }
                ranked.add(new double[] {r.layer(), h, n == 0 ? 0 : (double) lng / n});
            }
        ranked.sort(Comparator.comparingDouble((double[] x) -> -x[2]).thenComparingDouble(x -> x[0]).thenComparingDouble(x -> x[1]));
        boolean[][] labels = new boolean[info.layerCount()][];
        for (int l = 0; l < info.layerCount(); l++) labels[l] = new boolean[info.layers().get(l).heads()];
        long keep = Math.round((1 - sparsity) * ranked.size());
        for (int i = 0; i < keep; i++) labels[(int) ranked.get(i)[0]][(int) ranked.get(i)[1]] = true;
        return labels;
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

    /** The fraction of pairs the oracle labels local at this tau. */
    public double oracleSparsity() {
        return pairs == 0 ? Double.NaN : 1.0 - (double) oracleLongPairs / pairs;
    }
}
