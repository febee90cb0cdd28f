package dev.tiller;

/**
 * Summary of one row of logits, computed in native code: the maximum, the log-sum-exp (so that
 * a token's log-probability is {@code logit - logSumExp}) and the first index of the maximum.
 */
public record LogitStats(float max, float logSumExp, int argmax) {}
