package dev.tiller.train.synth;

import dev.tiller.train.Trainer;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A training set that grows while a classifier trains on it (Deliberate Practice appends
 * generated samples mid-run), served as the Trainer's batches: each batch is drawn uniformly with
 * replacement from everything added so far, as the paper's Algorithm 1 samples D_k.
 */
public final class Pool implements Trainer.Batches<Pool.Batch> {
    /** The images [n, pixels] and labels of one batch. */
    public record Batch(float[] images, int[] labels) {}

    private final int pixels, batchSize;
    private final SplittableRandom rng;
    private float[] images = new float[0];
    private int[] labels = new int[0];
    private int size;

    public Pool(int pixels, int batchSize, long seed) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        this.pixels = pixels;
        this.batchSize = batchSize;
        this.rng = new SplittableRandom(seed);
    }

    public void add(ImageData data) {
        if (data.pixels() != pixels) throw new IllegalArgumentException("images of " + data.pixels() + " pixels for a pool of " + pixels);
        int n = size + data.size();
        if (n > images.length / Math.max(1, pixels)) {
            int cap = Math.max(n, 2 * size);
            images = Arrays.copyOf(images, cap * pixels);
            labels = Arrays.copyOf(labels, cap);
        }
        System.arraycopy(data.images(), 0, images, size * pixels, data.images().length);
        System.arraycopy(data.labels(), 0, labels, size, data.size());
        size = n;
    }

    public int size() {
        return size;
    }

    @Override
    public Batch next() {
        if (size == 0) throw new IllegalStateException("the pool is empty");
        float[] x = new float[batchSize * pixels];
        int[] y = new int[batchSize];
        for (int k = 0; k < batchSize; k++) {
            int i = rng.nextInt(size);
            System.arraycopy(images, i * pixels, x, k * pixels, pixels);
            y[k] = labels[i];
        }
        return new Batch(x, y);
    }
}
