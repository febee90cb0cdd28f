package dev.tiller;

/**
 * Options of a new session. {@code contextLength <= 0} takes the model's training context;
 * {@code threads <= 0} uses one thread per available core.
 */
public record SessionOptions(int contextLength, int threads) {

    public static SessionOptions defaults() {
        return new SessionOptions(0, 0);
    }

    public SessionOptions withContextLength(int n) {
        return new SessionOptions(n, threads);
    }

    public SessionOptions withThreads(int n) {
        return new SessionOptions(contextLength, n);
    }
}
