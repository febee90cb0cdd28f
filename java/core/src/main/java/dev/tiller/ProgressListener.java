package dev.tiller;

/** Told how far long work has got: {@code done} out of {@code total} units (tokens, elements). */
@FunctionalInterface
public interface ProgressListener {
    void progress(long done, long total);
}
