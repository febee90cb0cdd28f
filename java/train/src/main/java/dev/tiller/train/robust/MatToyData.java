package dev.tiller.train.robust;

import dev.tiller.train.data.Sampler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The interpretable experiment of "The Pitfalls of Memorization" (interpretable_experiment.py
 * problem_1): per split 1000 rows, y ~ Bernoulli(1/2); a core feature (0.12 z - 1)(2y - 1); a
 * spurious one 5 (0.12 z' - 1)(2y - 1) whose sign is flipped for int((1 - p) 1000) random rows,
 * p = 0.9 in train, 0.5 in val and test (the minority: 99 train rows, as the reference's float
 * product truncates, and 500); then 1798 example-specific N(0, sigma^2) noise
 * features in every split, which let a linear model memorize its exceptions when sigma > 0.
 * Attribute a is the class the spurious feature points to (a = y in the majority).
 */
public final class MatToyData {
    public static final int ROWS = 1000, DIM = 1800;
    public static final double DEFAULT_NOISE = 0.5;

    private MatToyData() {}

    public static GroupTable make(long seed, double noise) {
        return make(seed, noise, ROWS, DIM);
    }

    /** The same construction with other sizes: rows per split, dim features in all (tests use a small one). */
    static GroupTable make(long seed, double noise, int rows, int dim) {
        if (!(noise >= 0) || Double.isInfinite(noise)) throw new IllegalArgumentException("mat-toy: noise sigma must be finite and >= 0, not " + noise);
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 3 * rows;
        GroupTable.Split[] split = new GroupTable.Split[n];
        int[] y = new int[n], a = new int[n];
        float[] x = new float[n * dim];
        GroupTable.Split[] order = {GroupTable.Split.TRAIN, GroupTable.Split.VAL, GroupTable.Split.TEST};
        double[] majority = {0.9, 0.5, 0.5};
        for (int s = 0; s < 3; s++) {
            boolean[] minority = new boolean[rows];
            int flips = (int) ((1 - majority[s]) * rows);  // truncated as the reference's int()
            for (int i : Arrays.copyOf(Sampler.shuffle(Sampler.sequential(rows).epoch(0), rnd), flips)) minority[i] = true;
            for (int i = 0; i < rows; i++) {
                int r = s * rows + i, label = rnd.nextDouble() < 0.5 ? 1 : 0, sign = 2 * label - 1;
                split[r] = order[s];
                y[r] = label;
                a[r] = minority[i] ? 1 - label : label;
                x[r * dim] = (float) ((0.12 * rnd.nextGaussian() - 1) * sign);
                x[r * dim + 1] = (float) (5 * (0.12 * rnd.nextGaussian() - 1) * sign * (minority[i] ? -1 : 1));
                for (int j = 2; j < dim; j++) x[r * dim + j] = (float) (noise * rnd.nextGaussian());
            }
        }
        List<String> features = new ArrayList<>(List.of("core", "spurious"));
        for (int j = 2; j < dim; j++) features.add("noise" + (j - 2));
        return new GroupTable("mat-toy", features, List.of("a"), split, y, a, x);
    }
}
