package dev.tiller.train.synth;

import dev.tiller.ModelFormatException;
import dev.tiller.train.data.Idx;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Labelled images as flat rows of pixels in [0, 1] (MNIST, Fashion-MNIST and what is made of them:
 * a long-tailed subset, a pool of generated samples).
 */
public record ImageData(float[] images, int[] labels, int height, int width, int classes) {
    public ImageData {
        if (images.length != (long) labels.length * height * width) {
            throw new IllegalArgumentException(images.length + " pixels for " + labels.length + " images of " + height + "x" + width);
        }
    }

    /** The IDX pair prefix-images-idx3-ubyte.gz / prefix-labels-idx1-ubyte.gz in dir (10 classes). */
    public static ImageData load(Path dir, String prefix) {
        Path images = dir.resolve(prefix + "-images-idx3-ubyte.gz"), labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        Idx.Array x = Idx.read(images), y = Idx.read(labels);
        if (x.dims().length != 3 || x.count() != y.count() || y.rowSize() != 1) {
            throw new ModelFormatException(0, images + " and " + labels + " are not " + x.count() + " images with as many labels");
        }
        int[] l = y.unsignedInts();
        for (int i = 0; i < l.length; i++) {
            if (l[i] >= 10) throw new ModelFormatException(0, labels + ": label " + l[i] + " of image " + i + " is not a class 0-9");
        }
        return new ImageData(x.unitFloats(), l, x.dims()[1], x.dims()[2], 10);
    }

    public int size() {
        return labels.length;
    }

    public int pixels() {
        return height * width;
    }

    /** Images from (inclusive) to (exclusive). */
    public ImageData range(int from, int to) {
        return new ImageData(Arrays.copyOfRange(images, from * pixels(), to * pixels()), Arrays.copyOfRange(labels, from, to), height, width, classes);
    }

    public ImageData subset(int[] indices) {
        int px = pixels();
        float[] x = new float[indices.length * px];
        int[] y = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(images, indices[k] * px, x, k * px, px);
            y[k] = labels[indices[k]];
        }
        return new ImageData(x, y, height, width, classes);
    }

    /** These images followed by other's. */
    public ImageData concat(ImageData other) {
        float[] x = Arrays.copyOf(images, images.length + other.images.length);
        System.arraycopy(other.images, 0, x, images.length, other.images.length);
        int[] y = Arrays.copyOf(labels, labels.length + other.labels.length);
        System.arraycopy(other.labels, 0, y, labels.length, other.labels.length);
        return new ImageData(x, y, height, width, classes);
    }

    /** Images per class. */
    public int[] classCounts() {
        int[] c = new int[classes];
        for (int y : labels) c[y]++;
        return c;
    }
}
