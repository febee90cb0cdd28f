package dev.tiller.train.robust;

import dev.tiller.train.data.Dataset;
import dev.tiller.train.data.Sampler;

import java.util.Arrays;

/** The training-set samplers of the balancing methods (BalancingGroups datasets.py subsample_ / weights). */
public final class Balancing {
    private Balancing() {}

    /** The sampler of a method over the training set; its epoch length is the number of draws per epoch. */
    public static Sampler sampler(Method.Sampling s, Dataset train, long seed) {
        int n = train.size();
        return switch (s) {
            case UNIFORM -> Sampler.shuffled(n, seed);
            case SUBSAMPLE_CLASSES -> Sampler.subsampled(subsample(train, seed, false), seed);
            case SUBSAMPLE_GROUPS -> Sampler.subsampled(subsample(train, seed, true), seed);
            case REWEIGHT_CLASSES -> Sampler.weighted(weights(train, false), n, seed);
            case REWEIGHT_GROUPS -> Sampler.weighted(weights(train, true), n, seed);
        };
    }

    /** One random permutation, keeping the first min-size examples of every group (or class). */
    static int[] subsample(Dataset train, long seed, boolean groups) {
        int n = train.size();
        int[] key = keys(train, groups), size = sizes(key);
        int min = Integer.MAX_VALUE;
        for (int c : size) if (c > 0) min = Math.min(min, c);
        int[] perm = Sampler.shuffled(n, seed ^ 0x5b5b5b5bL).epoch(0), taken = new int[size.length];
        int[] kept = new int[n];
        int m = 0;
        for (int i : perm) if (taken[key[i]] < min) {
            taken[key[i]]++;
            kept[m++] = i;
        }
        int[] out = Arrays.copyOf(kept, m);
        Arrays.sort(out);
        return out;
    }

    /** w_i = N / n_{g_i} (or N / n_{y_i}). */
    static double[] weights(Dataset train, boolean groups) {
        int n = train.size();
        int[] key = keys(train, groups), size = sizes(key);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = (double) n / size[key[i]];
        return w;
    }

    /** Each example's group (or class). */
    private static int[] keys(Dataset train, boolean groups) {
        int[] key = new int[train.size()];
        for (int i = 0; i < key.length; i++) key[i] = groups ? train.group(i) : train.label(i);
        return key;
    }

    /** How many examples carry each key. */
    private static int[] sizes(int[] key) {
        int k = 0;
        for (int v : key) k = Math.max(k, v + 1);
        int[] size = new int[k];
        for (int v : key) size[v]++;
        return size;
    }

    /** JTT's training indices: every example once, those in the error set `up` times in all. */
    static int[] upsampled(boolean[] wrong, int up) {
        int n = 0;
        for (boolean w : wrong) n += w ? up : 1;
        int[] out = new int[n];
        int at = 0;
        for (int i = 0; i < wrong.length; i++) for (int r = 0; r < (wrong[i] ? up : 1); r++) out[at++] = i;
        return out;
    }
}
