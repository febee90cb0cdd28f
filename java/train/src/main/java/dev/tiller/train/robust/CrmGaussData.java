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

    /**
     * CRM's "group complexity" data (paper appendix G.6; compositional-risk-minimization
     * data/multivariate_gaussian.py): m attributes of d categories each (y is the first, so d
     * classes), 100 rows of every one of the d^m groups in each split; x ~ N(scale / m sum_i
     * mu_{i, z_i}, I) in 100 dimensions with the d m means orthonormal (Gram-Schmidt of uniform
     * [0, 1) columns, as the reference's QR), featurised as [1, x, x^2] (201 features). scale 1 is
     * the reference's; its signal is weak (the spec's numpy run: every method near chance).
     */
    public static GroupTable groupComplexity(long seed, int m, int d, double scale) {
        if (m < 2 || d < 2) throw new IllegalArgumentException("crm-gauss: --attributes and --categories must be >= 2");
        long groups = 1;
        for (int i = 0; i < m; i++) groups *= d;
        if (groups > 4096) throw new IllegalArgumentException("crm-gauss: " + d + "^" + m + " groups are more than 4096");
        int dim = 100, per = 100, g = (int) groups;
        if (d * m > dim) throw new IllegalArgumentException("crm-gauss: " + d * m + " orthonormal means do not fit in " + dim + " dimensions");
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] mu = new double[d * m][dim];
        for (int k = 0; k < mu.length; k++) {
            for (int j = 0; j < dim; j++) mu[k][j] = rnd.nextDouble();
            for (int p = 0; p < k; p++) {
                double dot = 0;
                for (int j = 0; j < dim; j++) dot += mu[k][j] * mu[p][j];
                for (int j = 0; j < dim; j++) mu[k][j] -= dot * mu[p][j];
            }
            normalise(mu[k]);
        }
        int rows = 3 * g * per, features = 1 + 2 * dim;
        GroupTable.Split[] split = new GroupTable.Split[rows];
        int[] ys = new int[rows], as = new int[rows * (m - 1)];
        float[] x = new float[rows * features];
        GroupTable.Split[] order = {GroupTable.Split.TRAIN, GroupTable.Split.VAL, GroupTable.Split.TEST};
        int r = 0;
        for (GroupTable.Split s : order) {
            for (int grp = 0; grp < g; grp++) {
                int[] z = new int[m];
                for (int i = m - 1, rest = grp; i >= 0; i--, rest /= d) z[i] = rest % d;
                double[] mean = new double[dim];
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < dim; j++) mean[j] += scale * mu[i * d + z[i]][j] / m;
                for (int k = 0; k < per; k++, r++) {
                    split[r] = s;
                    ys[r] = z[0];
                    for (int i = 1; i < m; i++) as[r * (m - 1) + i - 1] = z[i];
                    x[r * features] = 1f;
                    for (int j = 0; j < dim; j++) {
                        double v = mean[j] + rnd.nextGaussian();
                        x[r * features + 1 + j] = (float) v;
                        x[r * features + 1 + dim + j] = (float) (v * v);
                    }
                }
            }
        }
        List<String> names = new ArrayList<>(List.of("one"));
        for (int j = 0; j < dim; j++) names.add("x" + j);
        for (int j = 0; j < dim; j++) names.add("x" + j + "_sq");
        List<String> attrs = new ArrayList<>();
        for (int i = 1; i < m; i++) attrs.add(i == 1 ? "a" : "a" + (i - 1));
        return new GroupTable("crm-gauss (" + m + " attributes of " + d + ")", names, attrs, split, ys, as, x);
    }

    private static void normalise(double[] w) {
        double n = 0;
        for (double x : w) n += x * x;
        n = Math.sqrt(n);
        for (int j = 0; j < w.length; j++) w[j] /= n;
    }
}
