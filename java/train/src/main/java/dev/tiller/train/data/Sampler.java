package dev.tiller.train.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The order of examples in one epoch, a pure function of (seed, epoch): a resumed run sees the
 * same batches as an uninterrupted one.
 */
@FunctionalInterface
public interface Sampler {
    int[] epoch(int epoch);

    static Sampler sequential(int n) {
        return e -> {
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = i;
            return idx;
        };
    }

    /** A fresh permutation every epoch. */
    static Sampler shuffled(int n, long seed) {
        return subsampled(sequential(n).epoch(0), seed);
    }

    /** A fixed subset of indices, shuffled every epoch (SUBG / SUBY subsampling). */
    static Sampler subsampled(int[] indices, long seed) {
        int[] base = indices.clone();
        return e -> shuffle(base.clone(), new SplittableRandom(seed * 1_000_003L + e));
    }

    /** Fisher-Yates in place with draws from rng (the one shuffle of the data sets and samplers); returns idx. */
    static int[] shuffle(int[] idx, SplittableRandom rng) {
        for (int i = idx.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    /** count draws with replacement, probability proportional to weight (RWY / RWG). */
    static Sampler weighted(double[] weights, int count, long seed) {
        double[] cdf = new double[weights.length];
        double s = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0)) throw new IllegalArgumentException("weight " + weights[i] + " at " + i + " is negative or NaN");
            cdf[i] = s += weights[i];
        }
        if (!(s > 0)) throw new IllegalArgumentException("the weights sum to zero");
        double total = s;
        return e -> {
            SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + e);
            int[] idx = new int[count];
            for (int k = 0; k < count; k++) {
                int at = Arrays.binarySearch(cdf, rng.nextDouble() * total);
                at = at >= 0 ? at : -at - 1;
                while (weights[Math.min(at, weights.length - 1)] == 0 && at < weights.length - 1) at++;
                idx[k] = Math.min(at, weights.length - 1);
            }
            return idx;
        };
    }
}
