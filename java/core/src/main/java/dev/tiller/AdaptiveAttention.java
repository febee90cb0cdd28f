package dev.tiller;

import java.util.Objects;

/**
 * Query-adaptive attention (QAdA, Donhauser et al. 2025) on a model's global-attention layers; the
 * sliding-window layers are left as they are. For query head h at position t the keys split into
 * a local set (the first {@code tSink} positions and the last {@code tLocal}) and the bulk (the
 * rest). A head that is long-context for the query attends to every key; otherwise it attends to
 * the local set only and never reads the bulk. Which heads are long-context:
 * <ul>
 *   <li>{@link Rule#ESTIMATE}: p-hat >= tau, with p-hat the bulk's softmax mass predicted from a
 *       Gaussian model of the bulk scores (mean and covariance of the {@link Moments} key set);</li>
 *   <li>{@link Rule#ORACLE}: the exact bulk mass p_bulk >= tau (reads every key to decide);</li>
 *   <li>{@link Rule#LABELS}: a fixed label per (layer, head), the static baseline;</li>
 *   <li>{@link Rule#FORCED}: a pseudo-random fraction {@code tau} of (head, query) pairs local, for
 *       benchmarks at a chosen sparsity.</li>
 * </ul>
 * For the threshold rules tau = 0 is dense attention (logits bit-identical to no adaptive
 * attention) and tau = 1 is sink + window attention on every global layer. The definitions are
 * those of {@code tiller.h}; {@code docs/heads.md} explains the choices.
 *
 * @param longHeads for {@link Rule#LABELS}: {@code [layer][head]}, true = long-context; null otherwise
 */
public record AdaptiveAttention(Rule rule, double tau, int tSink, int tLocal, Moments moments, boolean[][] longHeads) {

    public static final int DEFAULT_T_SINK = 16;
    public static final int DEFAULT_T_LOCAL = 256;

    public enum Rule { ESTIMATE, ORACLE, LABELS, FORCED }

    /** The key set whose mean and covariance model the bulk scores. */
    public enum Moments {
        /** The recent window: positions max(tSink, t - tLocal + 1) .. t (what the paper describes). */
        LOCAL,
        /** The bulk keys themselves, kept as running sums (only the Gaussian approximation remains). */
        BULK;

        /** "local" or "bulk", as the CLI spells them. */
        public static Moments parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "local" -> LOCAL;
                case "bulk" -> BULK;
                default -> throw new IllegalArgumentException("moments must be local or bulk, not '" + s + "'");
            };
        }
    }

    public AdaptiveAttention {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(moments, "moments");
        if (!(tau >= 0 && tau <= 1)) throw new InvalidArgumentException(0, "tau " + tau + " is outside [0, 1]");
        if (tSink < 0) throw new InvalidArgumentException(0, "t_sink " + tSink + " is negative");
        if (tLocal < 1) throw new InvalidArgumentException(0, "t_local " + tLocal + " is below 1");
        if ((rule == Rule.LABELS) != (longHeads != null))
            throw new InvalidArgumentException(0, "per-head labels go with the LABELS rule, and only with it");
    }

    /** Dense attention: the default of every session. */
    public static AdaptiveAttention dense() {
        return estimate(0);
    }

    /** QAdA's rule at threshold tau, with the default window (16 sinks, 256 recent) and local moments. */
    public static AdaptiveAttention estimate(double tau) {
        return new AdaptiveAttention(Rule.ESTIMATE, tau, DEFAULT_T_SINK, DEFAULT_T_LOCAL, Moments.LOCAL, null);
    }

    public static AdaptiveAttention oracle(double tau) {
        return new AdaptiveAttention(Rule.ORACLE, tau, DEFAULT_T_SINK, DEFAULT_T_LOCAL, Moments.LOCAL, null);
    }

    public static AdaptiveAttention labels(boolean[][] longHeads) {
        return new AdaptiveAttention(Rule.LABELS, 0, DEFAULT_T_SINK, DEFAULT_T_LOCAL, Moments.LOCAL, longHeads);
    }

    /** A fraction {@code localFraction} of (head, query) pairs local, chosen pseudo-randomly. */
    public static AdaptiveAttention forced(double localFraction) {
        return new AdaptiveAttention(Rule.FORCED, localFraction, DEFAULT_T_SINK, DEFAULT_T_LOCAL, Moments.LOCAL, null);
    }

    public AdaptiveAttention withWindow(int sink, int local) {
        return new AdaptiveAttention(rule, tau, sink, local, moments, longHeads);
    }

    public AdaptiveAttention withMoments(Moments m) {
        return new AdaptiveAttention(rule, tau, tSink, tLocal, m, longHeads);
    }

    public AdaptiveAttention withTau(double t) {
        return new AdaptiveAttention(rule, t, tSink, tLocal, moments, longHeads);
    }

    /** Whether every head attends densely (a threshold rule at tau = 0). */
    public boolean isDense() {
        return tau == 0 && (rule == Rule.ESTIMATE || rule == Rule.ORACLE);
    }

    /** One line for logs and benchmark records: "dense", or the rule, tau, window and moments. */
    public String describe() {
        if (isDense()) return "dense";
        String r = rule.name().toLowerCase(java.util.Locale.ROOT);
        String t = rule == Rule.LABELS ? "" : rule == Rule.FORCED ? " local " + tau : " tau " + tau;
        return r + t + ", t_sink " + tSink + ", t_local " + tLocal + (rule == Rule.ESTIMATE ? ", " + moments.name().toLowerCase(java.util.Locale.ROOT) + " moments" : "");
    }

    /** Whether a query at this position has bulk keys at all (otherwise every head sees every key). */
    public boolean hasBulk(int position) {
        return position - tLocal + 1 > tSink;
    }
}
