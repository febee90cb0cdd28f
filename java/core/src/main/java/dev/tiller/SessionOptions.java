package dev.tiller;

import java.util.Objects;

/**
 * Options of a new session. {@code contextLength <= 0} takes the model's training context;
 * {@code threads <= 0} uses one thread per available core; {@code adaptiveAttention} is dense
 * attention unless set ({@link AdaptiveAttention}); the KV cache keeps keys and values as
 * float32 unless {@code cacheTypeK} / {@code cacheTypeV} say otherwise ({@link CacheType}).
 */
public record SessionOptions(int contextLength, int threads, AdaptiveAttention adaptiveAttention, CacheType cacheTypeK,
                             CacheType cacheTypeV) {

    public SessionOptions {
        Objects.requireNonNull(adaptiveAttention, "adaptiveAttention (AdaptiveAttention.dense() for none)");
        Objects.requireNonNull(cacheTypeK, "cacheTypeK");
        Objects.requireNonNull(cacheTypeV, "cacheTypeV");
    }

    public SessionOptions(int contextLength, int threads, AdaptiveAttention adaptiveAttention) {
        this(contextLength, threads, adaptiveAttention, CacheType.F32, CacheType.F32);
    }

    public SessionOptions(int contextLength, int threads) {
        this(contextLength, threads, AdaptiveAttention.dense());
    }

    public static SessionOptions defaults() {
        return new SessionOptions(0, 0);
    }

    public SessionOptions withContextLength(int n) {
        return new SessionOptions(n, threads, adaptiveAttention, cacheTypeK, cacheTypeV);
    }

    public SessionOptions withThreads(int n) {
        return new SessionOptions(contextLength, n, adaptiveAttention, cacheTypeK, cacheTypeV);
    }

    public SessionOptions withAdaptiveAttention(AdaptiveAttention a) {
        return new SessionOptions(contextLength, threads, a, cacheTypeK, cacheTypeV);
    }

    public SessionOptions withCacheTypes(CacheType k, CacheType v) {
        return new SessionOptions(contextLength, threads, adaptiveAttention, k, v);
    }
}
