package dev.tiller.train.algo;

import dev.tiller.train.Tensor;

/**
 * A training algorithm as the {@link dev.tiller.train.Trainer} sees it: the loss of a batch, and
 * an optional update of the algorithm's own state after each optimizer step, while the step's
 * graph is still alive (per-example records, the labels XRM flips, GroupDRO's group weights).
 *
 * @param <B> what one batch is (a {@link dev.tiller.train.data.Batch} of a data set, token
 *            windows, activation rows)
 */
public interface Algorithm<B> {
    /** The scalar loss of one batch, built on the model's graph. */
    Tensor loss(B batch);

    /** Called after the optimizer step of {@code step} (0-based), before the graph is cleared. */
    default void afterStep(B batch, long step) {}

    /**
     * The algorithm's own state, as text, for a {@link dev.tiller.train.Trainer} checkpoint (the
     * parameters and optimizer are saved apart); null when it keeps none. An algorithm whose state
     * cannot be saved throws, so that a resumed run never silently differs from an uninterrupted one.
     */
    default String state() {
        return null;
    }

    /** Restores what {@link #state()} returned, when a run resumes from a checkpoint. */
    default void restore(String state) {
        throw new IllegalArgumentException(getClass().getSimpleName() + " keeps no state, but the checkpoint holds some: it was written by another algorithm");
    }
}
