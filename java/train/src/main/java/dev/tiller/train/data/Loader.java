package dev.tiller.train.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Batches of a dataset in the sampler's order; the last short batch is kept unless dropLast. */
public final class Loader {
    private final Dataset data;
    private final Sampler sampler;
    private final int batchSize;
    private final boolean dropLast;

    public Loader(Dataset data, Sampler sampler, int batchSize, boolean dropLast) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
        this.data = data;
        this.sampler = sampler;
        this.batchSize = batchSize;
        this.dropLast = dropLast;
    }

    /** The batch index lists of one epoch. */
    public List<int[]> epoch(int epoch) {
        int[] order = sampler.epoch(epoch);
        List<int[]> out = new ArrayList<>();
        for (int at = 0; at < order.length; at += batchSize) {
            int end = Math.min(order.length, at + batchSize);
            if (dropLast && end - at < batchSize) break;
            out.add(Arrays.copyOfRange(order, at, end));
        }
        return out;
    }

    public Batch batch(int[] indices) {
        return data.batch(indices);
    }

    public Dataset dataset() {
        return data;
    }
}
