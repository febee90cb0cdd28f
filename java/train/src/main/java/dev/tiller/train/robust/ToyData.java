package dev.tiller.train.robust;

import dev.tiller.train.data.Sampler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The toy of "Simple data balancing" (BalancingGroups datasets.py Toy.make_dataset): per split n
 * rows, half of each class; a core feature that always carries the label and a spurious one that
 * carries it in 80% of rows (the other 20% are the minority group, attribute a = 0), both
 * x * y with x ~ N(-1, 0.15^2) about its sample mean; then 1200 N(0, 1) noise features, zero in
 * val and test (the reference evaluates the expected loss there). Each split is drawn on its own.
 */
public final class ToyData {
    public static final int ROWS = 1000, NOISE = 1200;
    public static final double BLOB_STD = 0.15, SPURIOUS_CORRELATION = 0.8;

    private ToyData() {}

    public static GroupTable make(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int d = 2 + NOISE, n = 3 * ROWS;
        GroupTable.Split[] split = new GroupTable.Split[n];
        int[] y = new int[n], a = new int[n];
        float[] x = new float[n * d];
        GroupTable.Split[] order = {GroupTable.Split.TRAIN, GroupTable.Split.VAL, GroupTable.Split.TEST};
        for (int s = 0; s < 3; s++) {
            int base = s * ROWS;
            double[] b0 = blob(rnd), b1 = blob(rnd);
            int[] flip = firstOfPermutation(rnd, (int) Math.round((1 - SPURIOUS_CORRELATION) * ROWS));
            boolean[] minority = new boolean[ROWS];
            for (int i : flip) minority[i] = true;
            for (int i = 0; i < ROWS; i++) {
                int r = base + i, sign = i < ROWS / 2 ? -1 : 1;
                split[r] = order[s];
                y[r] = (sign + 1) / 2;
                a[r] = minority[i] ? 0 : 1;
                x[r * d] = (float) (b1[i] * sign * (minority[i] ? -1 : 1));  // spurious
                x[r * d + 1] = (float) (b0[i] * sign);                      // core
                for (int j = 0; j < NOISE; j++) {
                    double z = rnd.nextGaussian();
                    x[r * d + 2 + j] = order[s] == GroupTable.Split.TRAIN ? (float) z : 0f;
                }
            }
        }
        List<String> features = new ArrayList<>(List.of("spurious", "core"));
        for (int j = 0; j < NOISE; j++) features.add("noise" + j);
        return new GroupTable("toy", features, List.of("a"), split, y, a, x);
    }

    /** One blob coordinate: N(0, std^2) draws, centred on their mean, minus 1. */
    private static double[] blob(SplittableRandom rnd) {
        double[] v = new double[ROWS];
        double mean = 0;
        for (int i = 0; i < ROWS; i++) mean += (v[i] = BLOB_STD * rnd.nextGaussian()) / ROWS;
        for (int i = 0; i < ROWS; i++) v[i] -= mean + 1;
        return v;
    }

    private static int[] firstOfPermutation(SplittableRandom rnd, int k) {
        return Arrays.copyOf(Sampler.shuffle(Sampler.sequential(ROWS).epoch(0), rnd), k);
    }
}
