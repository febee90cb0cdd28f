package dev.tiller.train.robust;

import dev.tiller.train.data.DataFormatException;
import dev.tiller.train.data.Idx;
import dev.tiller.train.data.Sampler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Colored MNIST as XRM builds it (datasets.py ColorMNIST; spec train-xrm.md): y = 1[digit < 5]
 * XOR Bernoulli(0.25) label noise; colour = y XOR Bernoulli(cn); images subsampled to 14 x 14,
 * two channels of which only channel `colour` keeps the digit, / 255. Train and val rows alternate
 * between two environments, cn = 0.2 (even index, attribute a = 0) and cn = 0.1 (odd, a = 1);
 * test rows have cn = 0.9 and a = 0. XRM splits MNIST's 60k training images 50k / 10k into train
 * and val; from a training file of any size the same 5 : 1 split is taken (the first 5/6 after a
 * seeded shuffle), and the test file is test. The same construction on Fashion-MNIST is cfmnist.
 */
public final class ColorMnist {
    static final double LABEL_NOISE = 0.25, TEST_COLOUR_NOISE = 0.9;
    static final double[] ENV_COLOUR_NOISE = {0.2, 0.1};

    private ColorMnist() {}

    /** dir holds {prefix}-images-idx3-ubyte.gz and -labels- for the training and test prefixes. */
    public static GroupTable make(Path dir, String trainPrefix, String testPrefix, long seed, String name) {
        Path trI = dir.resolve(trainPrefix + "-images-idx3-ubyte.gz"), trL = dir.resolve(trainPrefix + "-labels-idx1-ubyte.gz");
        Path teI = dir.resolve(testPrefix + "-images-idx3-ubyte.gz"), teL = dir.resolve(testPrefix + "-labels-idx1-ubyte.gz");
        for (Path p : List.of(trI, trL, teI, teL)) if (!Files.isRegularFile(p)) throw new IllegalArgumentException(name + ": " + p + " is missing");
        Idx.Array xtr = Idx.read(trI), ytr = Idx.read(trL), xte = Idx.read(teI), yte = Idx.read(teL);
        for (Idx.Array[] pair : new Idx.Array[][] {{xtr, ytr}, {xte, yte}}) {
            if (pair[0].count() != pair[1].count() || pair[0].rowSize() != 28 * 28) {
                throw new DataFormatException(name + ": expected 28 x 28 images with one label each in " + dir);
            }
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int nTr = xtr.count(), nTe = xte.count(), n = nTr + nTe, d = 2 * 14 * 14;
        int[] order = Sampler.shuffle(Sampler.sequential(nTr).epoch(0), rnd);
        int nTrain = nTr * 5 / 6;
        GroupTable.Split[] split = new GroupTable.Split[n];
        int[] y = new int[n], a = new int[n];
        float[] x = new float[n * d];
        // Train and val alternate environments by their index within the split, as XRM's [::2] / [1::2].
        int trainAt = 0, valAt = 0;
        for (int r = 0; r < n; r++) {
            boolean test = r >= nTr;
            int src = test ? r - nTr : order[r];
            Idx.Array xs = test ? xte : xtr, ys = test ? yte : ytr;
            int env;
            if (test) {
                split[r] = GroupTable.Split.TEST;
                env = -1;
            } else if (r < nTrain) {
                split[r] = GroupTable.Split.TRAIN;
                env = trainAt++ % 2;
            } else {
                split[r] = GroupTable.Split.VAL;
                env = valAt++ % 2;
            }
            int label = ((ys.data()[src] & 0xff) < 5 ? 1 : 0) ^ (rnd.nextDouble() < LABEL_NOISE ? 1 : 0);
            double cn = test ? TEST_COLOUR_NOISE : ENV_COLOUR_NOISE[env];
            int colour = label ^ (rnd.nextDouble() < cn ? 1 : 0);
            y[r] = label;
            a[r] = test ? 0 : env;
            for (int i = 0; i < 14; i++) {
                for (int j = 0; j < 14; j++) {
                    float v = (xs.data()[src * 784 + (2 * i) * 28 + 2 * j] & 0xff) / 255f;
                    x[r * d + colour * 196 + i * 14 + j] = v;
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < 2; c++) for (int i = 0; i < 14; i++) for (int j = 0; j < 14; j++) names.add("c" + c + "_" + i + "_" + j);
        return new GroupTable(name, names, List.of("a"), split, y, a, x);
    }

    /**
     * The same table with the colour as its attribute instead of the environment: groups (y,
     * colour), for CRM's compositional split of Colored MNIST (spec train-crm.md, plan item 3).
     */
    public static GroupTable withColourAttribute(GroupTable t, String name) {
        int n = t.rows();
        GroupTable.Split[] split = new GroupTable.Split[n];
        int[] y = new int[n], colour = new int[n];
        for (int r = 0; r < n; r++) {
            split[r] = t.split(r);
            y[r] = t.y(r);
            colour[r] = colour(t, r);
        }
        int[] all = new int[n];
        for (int r = 0; r < n; r++) all[r] = r;
        return new GroupTable(name, t.featureNames(), List.of("a"), split, y, colour, t.features(all));
    }

    /** The colour of a row (the channel that holds the digit): for checking discovered environments. */
    public static int colour(GroupTable t, int row) {
        double s0 = 0, s1 = 0;
        for (int k = 0; k < 196; k++) {
            s0 += t.feature(row, k);
            s1 += t.feature(row, 196 + k);
        }
        return s1 > s0 ? 1 : 0;
    }
}
