package dev.tiller.train.data;

import dev.tiller.train.Trainer;

import java.util.List;

/**
 * A loader's epochs one after another as the Trainer's batches. Skipping the batches of done
 * steps (resuming) costs nothing: each epoch's order is a function of its number.
 */
public final class EpochBatches implements Trainer.Batches<Batch> {
    private final Loader loader;
    private List<int[]> epoch;
    private int epochIndex = -1, at;
    private long samples;
    private int lastSize;

    public EpochBatches(Loader loader) {
        this.loader = loader;
    }

    /** Steps in one epoch. */
    public int stepsPerEpoch() {
        return loader.epoch(0).size();
    }

    @Override
    public Batch next() {
        Batch b = loader.batch(nextIndices());
        samples += b.size();
        lastSize = b.size();
        return b;
    }

    @Override
    public void skip(long steps) {
        for (long i = 0; i < steps; i++) nextIndices();
    }

    /** Examples served by next() so far. */
    public long samples() {
        return samples;
    }

    /** The size of the last batch served. */
    public int lastSize() {
        return lastSize;
    }

    private int[] nextIndices() {
        if (epoch == null || at == epoch.size()) {
            epoch = loader.epoch(++epochIndex);
            at = 0;
        }
        return epoch.get(at++);
    }
}
