package dev.tiller.train.synth;

import java.util.SplittableRandom;

/**
 * Group-imbalanced Colored Fashion-MNIST, our stand-in for NICO++ (classes seen in contexts of
 * very different frequency): each image is subsampled to 14 x 14 and drawn into one of two colour
 * channels (2 x 14 x 14, as Colored MNIST does); group = 2 * class + colour. In the training set
 * every class appears mostly in its own colour (class mod 2) and rarely (minority share) in the
 * other; the test set colours every image by a fair coin, so each of the 20 groups is measured.
 * The generator learns all 20 groups from a fair-coloured copy of the training images (the role of
 * the pretrained model that knows every context); the classifiers predict the class alone.
 */
public final class ColouredGroups {
    public static final int COLOURS = 2, SIDE = 14;

    private ColouredGroups() {}

    /** Fashion-MNIST's training images per class in the imbalanced set, and the share of them in their minority colour. */
    public static final int PER_CLASS = 2000;
    public static final double MINORITY = 0.05;

    /** The fair-coloured copy of a data set's splits (each with its own coin): what the generator learns and the groups are scored on. */
    public static Splits fairSplits(Splits plain) {
        return new Splits(plain.name() + "-groups", fair(plain.train(), 1), fair(plain.validation(), 2), fair(plain.test(), 3));
    }

    /** The class of a group. */
    public static int classOf(int group) {
        return group / COLOURS;
    }

    /** Every image coloured by a fair coin: labels become groups (2 x classes of them). */
    public static ImageData fair(ImageData data, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] colour = new int[data.size()];
        for (int i = 0; i < colour.length; i++) colour[i] = rng.nextInt(COLOURS);
        return colour(data, colour);
    }

    /**
     * The first perClass images of each class, each in the colour class mod 2 except a share
     * minority of them (drawn by the seed), which take the other colour.
     */
    public static ImageData imbalanced(ImageData data, int perClass, double minority, long seed) {
        if (perClass < 1 || !(minority >= 0 && minority <= 0.5)) throw new IllegalArgumentException("perClass must be >= 1 and the minority share in [0, 0.5]");
        int[] taken = new int[data.classes()], idx = new int[perClass * data.classes()];
        int k = 0;
        for (int i = 0; i < data.size() && k < idx.length; i++) {
            int y = data.labels()[i];
            if (taken[y] < perClass) {
                taken[y]++;
                idx[k++] = i;
            }
        }
        for (int c = 0; c < taken.length; c++) if (taken[c] < perClass) throw new IllegalArgumentException("class " + c + " has " + taken[c] + " images, " + perClass + " wanted");
        ImageData chosen = data.subset(idx);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] colour = new int[chosen.size()];
        for (int i = 0; i < colour.length; i++) colour[i] = (chosen.labels()[i] % COLOURS) ^ (rng.nextDouble() < minority ? 1 : 0);
        return colour(chosen, colour);
    }

    /** Grouped images with their class as label (what the classifiers learn). */
    public static ImageData classes(ImageData grouped) {
        int[] y = new int[grouped.size()];
        for (int i = 0; i < y.length; i++) y[i] = classOf(grouped.labels()[i]);
        return new ImageData(grouped.images(), y, grouped.height(), grouped.width(), grouped.classes() / COLOURS);
    }

    private static ImageData colour(ImageData data, int[] colour) {
        if (data.height() != 2 * SIDE || data.width() != 2 * SIDE) throw new IllegalArgumentException("coloured groups are made of 28 x 28 images");
        int px = COLOURS * SIDE * SIDE, src = data.pixels();
        float[] x = new float[data.size() * px];
        int[] g = new int[data.size()];
        for (int r = 0; r < data.size(); r++) {
            g[r] = COLOURS * data.labels()[r] + colour[r];
            for (int i = 0; i < SIDE; i++) {
                for (int j = 0; j < SIDE; j++) x[r * px + colour[r] * SIDE * SIDE + i * SIDE + j] = data.images()[r * src + 2 * i * data.width() + 2 * j];
            }
        }
        return new ImageData(x, g, COLOURS * SIDE, SIDE, COLOURS * data.classes());
    }
}
