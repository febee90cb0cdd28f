package dev.tiller.train.robust;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A Waterbirds-like additive-energy Gaussian (spec train-crm.md, our numpy reference): two classes
 * y, a binary attribute a; x ~ N(1.5 q_y + 3 q_{2+a}, I) in 50 dimensions, q_0..q_3 orthonormal
 * (drawn from the seed), so that -log p(x | y, a) is a sum of one energy per attribute and the
 * attribute is the more salient; the class means lie 1.5 sqrt(2) apart, so that the Bayes accuracy
 * on balanced groups is Phi(1.06) = 0.855 (the spec's "about 0.85"). Train has 900, 100, 100, 900
 * rows of the groups (0,0), (0,1), (1,0), (1,1), val a quarter of that, test 500 of each. Every
 * group is present: the compositional scenarios drop one from train and val
 * ({@link GroupTable#withoutGroup}).
 */
public final class CrmGaussData {
    public static final int DIM = 50;
    static final int[] TRAIN = {900, 100, 100, 900}, VAL = {225, 25, 25, 225}, TEST = {500, 500, 500, 500};

    private CrmGaussData() {}

    public static GroupTable make(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] q = new double[4][DIM];
        for (int k = 0; k < 4; k++) {  // Gram-Schmidt on Gaussian vectors
            for (int j = 0; j < DIM; j++) q[k][j] = rnd.nextGaussian();
            for (int p = 0; p < k; p++) {
                double dot = 0;
                for (int j = 0; j < DIM; j++) dot += q[k][j] * q[p][j];
                for (int j = 0; j < DIM; j++) q[k][j] -= dot * q[p][j];
            }
            normalise(q[k]);
        }
        List<GroupTable.Split> split = new ArrayList<>();
        List<Integer> ys = new ArrayList<>(), as = new ArrayList<>();
        List<float[]> xs = new ArrayList<>();
        GroupTable.Split[] order = {GroupTable.Split.TRAIN, GroupTable.Split.VAL, GroupTable.Split.TEST};
        int[][] counts = {TRAIN, VAL, TEST};
        for (int s = 0; s < 3; s++) {
            for (int grp = 0; grp < 4; grp++) {
                int y = grp / 2, a = grp % 2;
                for (int i = 0; i < counts[s][grp]; i++) {
                    float[] x = new float[DIM];
                    for (int j = 0; j < DIM; j++) x[j] = (float) (1.5 * q[y][j] + 3.0 * q[2 + a][j] + rnd.nextGaussian());
                    split.add(order[s]);
                    ys.add(y);
                    as.add(a);
                    xs.add(x);
                }
            }
        }
        int n = ys.size();
        float[] features = new float[n * DIM];
        for (int i = 0; i < n; i++) System.arraycopy(xs.get(i), 0, features, i * DIM, DIM);
        List<String> names = new ArrayList<>();
        for (int j = 0; j < DIM; j++) names.add("x" + j);
        return new GroupTable("crm-gauss", names, List.of("a"), split.toArray(new GroupTable.Split[0]), ys.stream().mapToInt(Integer::intValue).toArray(),
                as.stream().mapToInt(Integer::intValue).toArray(), features);
    }

    private static void normalise(double[] w) {
        double n = 0;
        for (double x : w) n += x * x;
        n = Math.sqrt(n);
        for (int j = 0; j < w.length; j++) w[j] /= n;
    }
}
