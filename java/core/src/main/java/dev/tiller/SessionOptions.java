package dev.tiller;

import java.util.Objects;

/**
 * Options of a new session. {@code contextLength <= 0} takes the model's training context;
 * {@code threads <= 0} uses one thread per available core; {@code adaptiveAttention} is dense
 * attention unless set ({@link AdaptiveAttention}).
 */
public record SessionOptions(int contextLength, int threads, AdaptiveAttention adaptiveAttention) {

    public SessionOptions {
        Objects.requireNonNull(adaptiveAttention, "adaptiveAttention (AdaptiveAttention.dense() for none)");
    }

    public SessionOptions(int contextLength, int threads) {
        this(contextLength, threads, AdaptiveAttention.dense());
    }

    public static SessionOptions defaults() {
        return new SessionOptions(0, 0);
    }

    public SessionOptions withContextLength(int n) {
        return new SessionOptions(n, threads, adaptiveAttention);
    }

    public SessionOptions withThreads(int n) {
        return new SessionOptions(contextLength, n, adaptiveAttention);
    }

    public SessionOptions withAdaptiveAttention(AdaptiveAttention a) {
        return new SessionOptions(contextLength, threads, a);
    }
}
