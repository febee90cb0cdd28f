package dev.tiller.heads;

/**
 * One head of a global layer over the queries of a {@link HeadReport} that have bulk keys:
 * the fraction labelled long-context (p-hat >= tau), mean p-hat and mean exact bulk mass, and
 * the rates at which p-hat's label disagrees with the oracle's (p_bulk >= tau): false positives
 * among the oracle's local pairs, false negatives among its long-context pairs (NaN when there is
 * none of that kind).
 */
public record HeadStats(int layer, int head, long queries, double longFraction, double meanPHat, double meanPBulk,
                        double falsePositiveRate, double falseNegativeRate) {}
